#!/usr/bin/env python3
"""Random values for ARC's two charts, rendered by real helm: the cases of the differential test
(`tests/helm_differential.rs`), which renders the same values with arcfleet's chart emulation.

Usage: helm_cases.py HELM CHARTS_DIR OUT_DIR COUNT SEED

For each case it writes OUT_DIR/<id>/{values.yaml, hr.yaml, render.yaml, rc, err}: the values,
the same values in a Flux HelmRelease (release name, target namespace, chart version), and what
`helm template` printed. Values are drawn from the surface of the charts' values: container modes,
work volume claims, template merges, listener templates, TLS, proxies, overrides, runner groups,
labels, credentials, the controller's flags, and some values the charts refuse.
"""

import json
import random
import subprocess
import sys
from pathlib import Path

CHART_VERSION = "0.14.2"


def maybe(r, p=0.5):
    return r.random() < p


def pick(r, items):
    return items[r.randrange(len(items))]


def name(r, prefix):
    return f"{prefix}-{r.randrange(1000)}"


def runner_container(r):
    c = {"name": "runner"}
    if maybe(r, 0.85):
        c["image"] = pick(r, ["ghcr.io/actions/actions-runner:2.330.0", "ghcr.io/actions/actions-runner:latest", "runner:1"])
    if maybe(r, 0.7):
        c["command"] = ["/home/runner/run.sh"]
    if maybe(r, 0.5):
        env = []
        for var in r.sample(["FOO", "DOCKER_HOST", "RUNNER_WAIT_FOR_DOCKER_IN_SECONDS",
                             "ACTIONS_RUNNER_CONTAINER_HOOKS", "ACTIONS_RUNNER_REQUIRE_JOB_CONTAINER",
                             "NODE_EXTRA_CA_CERTS", "ACTIONS_RUNNER_POD_NAME"], r.randrange(1, 4)):
            env.append({"name": var, "value": pick(r, ["x", "300", "false", "tcp://localhost:2375", ""])})
        if maybe(r, 0.3):
            env.append({"name": "NODE", "valueFrom": {"fieldRef": {"fieldPath": "spec.nodeName"}}})
        if maybe(r, 0.1):
            env.append({"name": "NUM", "value": "42"})
        c["env"] = env
    if maybe(r, 0.4):
        c["volumeMounts"] = [{"name": v, "mountPath": p} for v, p in
                             r.sample([("work", "/work"), ("cache", "/cache"), ("dind-sock", "/var/run"),
                                       ("github-server-tls-cert", "/certs")], r.randrange(1, 3))]
    if maybe(r, 0.5):
        c["resources"] = {"requests": {"cpu": "500m", "memory": "1Gi"}, "limits": {"memory": "2Gi"}}
    if maybe(r, 0.2):
        c["securityContext"] = {"runAsUser": 1001}
    return c


def template(r):
    spec = {}
    containers = []
    if maybe(r, 0.9):
        containers.append(runner_container(r))
    if maybe(r, 0.25):
        containers.append({"name": "sidecar", "image": "busybox:1.36", "args": ["sleep", "infinity"]})
    if maybe(r, 0.15):
        containers.append({"name": "dind", "image": "docker:27-dind"})
    if containers or maybe(r, 0.2):
        spec["containers"] = containers
    if maybe(r, 0.3):
        spec["volumes"] = r.sample([
            {"name": "work", "emptyDir": {}},
            {"name": "cache", "emptyDir": {"sizeLimit": "1Gi"}},
            {"name": "work", "hostPath": {"path": "/data", "type": "Directory"}},
            {"name": "extra", "configMap": {"name": "cm"}},
        ], r.randrange(1, 3))
        # One `work` at most.
        seen, vols = set(), []
        for v in spec["volumes"]:
            if v["name"] not in seen:
                seen.add(v["name"])
                vols.append(v)
        spec["volumes"] = vols
    if maybe(r, 0.2):
        spec["initContainers"] = [{"name": "init", "image": "busybox:1.36", "command": ["true"]}]
    if maybe(r, 0.2):
        spec["serviceAccountName"] = "custom-sa"
    if maybe(r, 0.2):
        spec["nodeSelector"] = {"kubernetes.io/arch": "amd64"}
    if maybe(r, 0.15):
        spec["restartPolicy"] = pick(r, ["Never", "Always", "OnFailure"])
    if maybe(r, 0.15):
        spec["activeDeadlineSeconds"] = 7200
    if maybe(r, 0.1):
        spec["securityContext"] = {"fsGroup": 1001}
    t = {"spec": spec}
    if maybe(r, 0.2):
        t["metadata"] = {"labels": {"team": "ci"}, "annotations": {"a": "b"}}
    return t


def scale_set_values(r):
    v = {"githubConfigUrl": pick(r, ["https://github.com/acme", "https://github.com/acme/app/",
                                      "https://github.com/enterprises/big"])}
    secret = r.random()
    if secret < 0.4:
        v["githubConfigSecret"] = pick(r, ["gh-secret", "github-app"])
    elif secret < 0.7:
        v["githubConfigSecret"] = {"github_token": pick(r, ["ghp_test", "x"])}
    elif secret < 0.95:
        v["githubConfigSecret"] = {"github_app_id": pick(r, ["123", 1234567, 12]),
                                   "github_app_installation_id": pick(r, ["456", 7654321]),
                                   "github_app_private_key": "key"}
        if maybe(r, 0.2):
            v["githubConfigSecret"]["github_token"] = pick(r, ["", "t"])
    else:
        v["githubConfigSecret"] = pick(r, ["", {"github_app_id": "1"}, {"github_token": ""}])
    if maybe(r, 0.7):
        v["maxRunners"] = pick(r, [0, 3, 10, 10, 20, "5", 7.5]) if maybe(r, 0.95) else -1
    if maybe(r, 0.6):
        v["minRunners"] = pick(r, [0, 1, 2, "2"]) if maybe(r, 0.9) else 30
    if maybe(r, 0.3):
        v["runnerGroup"] = pick(r, ["default", "gpu", "Team A", "123", 7, "yes"])
    if maybe(r, 0.3):
        v["runnerScaleSetName"] = pick(r, ["arc-runners", "gpu_runners"]) if maybe(r, 0.9) else "a" * 46
    if maybe(r, 0.25):
        v["scaleSetLabels"] = pick(r, [["linux", "x64"], ["gpu"]]) if maybe(r, 0.85) else ["ok", ""]
    mode = r.random()
    if mode < 0.3:
        v["containerMode"] = {"type": "dind"}
    elif mode < 0.55:
        cm = {"type": "kubernetes"}
        if maybe(r, 0.8):
            cm["kubernetesModeWorkVolumeClaim"] = {"accessModes": ["ReadWriteOnce"],
                                                    "storageClassName": "standard",
                                                    "resources": {"requests": {"storage": "1Gi"}}}
        if maybe(r, 0.2):
            cm["kubernetesModeAdditionalRoleRules"] = [{"apiGroups": [""], "resources": ["configmaps"], "verbs": ["get"]}]
        v["containerMode"] = cm
    elif mode < 0.7:
        v["containerMode"] = {"type": "kubernetes-novolume"}
    if maybe(r, 0.85):
        v["template"] = template(r)
    if maybe(r, 0.2):
        v["listenerTemplate"] = {"spec": {"containers": [{"name": "listener", "resources": {"limits": {"memory": "256Mi"}}}]}}
        if maybe(r, 0.3):
            v["listenerTemplate"]["metadata"] = {"labels": {"l": "x"}}
        if maybe(r, 0.3):
            v["listenerTemplate"]["spec"]["containers"][0]["image"] = pick(r, ["ghcr.io/actions/gha-runner-scale-set-controller:0.14.2", "listener:latest"])
    if maybe(r, 0.1):
        v["listenerMetrics"] = {"counters": {"gha_started_jobs_total": {"labels": ["repository"]}}}
    if maybe(r, 0.2):
        tls = {"certificateFrom": {"configMapKeyRef": {"name": "ca", "key": "ca.crt"}}}
        if maybe(r, 0.6):
            tls["runnerMountPath"] = pick(r, ["/usr/local/share/ca-certificates/", "/certs"])
        v["githubServerTLS"] = tls
    if maybe(r, 0.15):
        v["proxy"] = {"http": {"url": "http://proxy:3128", "credentialSecretRef": "proxy-auth"},
                      "https": {"url": "http://proxy:3128"}, "noProxy": ["example.com"]}
    if maybe(r, 0.2):
        v["namespaceOverride"] = pick(r, ["", "runners-x"]) if maybe(r, 0.95) else "n" * 64
    if maybe(r, 0.15):
        v["labels"] = {"team": "ci", "actions.github.com/x": "dropped", "app.kubernetes.io/name": "dropped"}
    if maybe(r, 0.15):
        v["annotations"] = {"note": "x", "actions.github.com/cleanup-foo": "dropped"}
    if maybe(r, 0.1):
        v["resourceMeta"] = {"autoscalingRunnerSet": {"labels": {"rm": "x"}}, "managerRole": {"annotations": {"r": "y"}},
                             "ephemeralRunner": {"labels": {"er": "z"}}}
    if maybe(r, 0.05):
        v["keyVault"] = pick(r, [{"type": "azure_key_vault", "azureKeyVault": {"url": "u", "tenantId": "t", "clientId": "c", "certificatePath": "/p"}},
                                 {"type": "hashicorp"}])
    if maybe(r, 0.9):
        v["controllerServiceAccount"] = {"name": "arc-gha-rs-controller", "namespace": "arc-systems"}
    return v


def controller_values(r):
    v = {}
    if maybe(r, 0.3):
        v["replicaCount"] = pick(r, [1, 2, 3])
    if maybe(r, 0.3):
        v["image"] = {"tag": pick(r, ["0.14.2", "0.14.1", "v0.14.2", ""]), "pullPolicy": "Always"}
        if maybe(r, 0.3):
            v["image"]["repository"] = "mirror.example.com/gha-runner-scale-set-controller"
    if maybe(r, 0.2):
        v["imagePullSecrets"] = [{"name": "regcred"}]
    if maybe(r, 0.2):
        v[pick(r, ["nameOverride", "fullnameOverride"])] = pick(r, ["arc", "ctl"])
    if maybe(r, 0.2):
        v["serviceAccount"] = pick(r, [{"create": True, "name": "arc-sa"}, {"create": False, "name": "existing"},
                                       {"annotations": {"a": "b"}}]) if maybe(r, 0.85) else pick(r, [{"create": False}, {"name": "default"}])
    flags = {}
    for key, values in [("logLevel", ["info", "debug", "warn"]), ("logFormat", ["json", "text"]),
                        ("watchSingleNamespace", ["runners"]), ("runnerMaxConcurrentReconciles", [2, 5]),
                        ("updateStrategy", ["eventual", "immediate"]),
                        ("excludeLabelPropagationPrefixes", [["argocd.argoproj.io/"]]),
                        ("healthProbeBindAddress", [":8081"]), ("k8sClientRateLimiterQPS", [50]),
                        ("k8sClientRateLimiterBurst", [100]), ("rateLimiter", [{"name": "typed_rate_limiter"}])]:
        if maybe(r, 0.2):
            flags[key] = pick(r, values)
    if flags:
        v["flags"] = flags
    if maybe(r, 0.3):
        v["metrics"] = {"controllerManagerAddr": ":8080" if maybe(r, 0.9) else "localhost",
                        "listenerAddr": ":8080", "listenerEndpoint": "/metrics"}
    if maybe(r, 0.1):
        v["pprof"] = {"addr": ":6060"}
    if maybe(r, 0.2):
        v["resources"] = {"requests": {"cpu": "100m"}}
    if maybe(r, 0.15):
        v["env"] = [{"name": "HTTP_PROXY", "value": "http://proxy"}]
    if maybe(r, 0.15):
        v["nodeSelector"] = {"node-role": "ci"}
    if maybe(r, 0.1):
        v["tolerations"] = [{"key": "ci", "operator": "Exists"}]
    if maybe(r, 0.1):
        v["priorityClassName"] = "high"
    if maybe(r, 0.1):
        v["podLabels"] = {"team": "ci"}
    if maybe(r, 0.1):
        v["labels"] = {"team": "ci"}
    if maybe(r, 0.1):
        v["volumes"] = [{"name": "extra", "emptyDir": {}}]
        v["volumeMounts"] = [{"name": "extra", "mountPath": "/extra"}]
    if maybe(r, 0.1):
        v["namespaceOverride"] = "arc-other"
    return v


def main():
    helm, charts, out, count, seed = sys.argv[1:6]
    r = random.Random(int(seed))
    out = Path(out)
    for i in range(int(count)):
        controller = maybe(r, 0.3)
        chart = "gha-runner-scale-set-controller" if controller else "gha-runner-scale-set"
        values = controller_values(r) if controller else scale_set_values(r)
        release = pick(r, ["arc", "arc-runner-set", "gpu-runners"]) if not controller else pick(r, ["arc", "my-gha-rs-controller"])
        namespace = pick(r, ["arc-systems", "arc-runners"])
        case = out / f"case{i:04d}"
        case.mkdir(parents=True)
        (case / "values.yaml").write_text(json.dumps(values, indent=2) + "\n")
        hr = {
            "apiVersion": "helm.toolkit.fluxcd.io/v2",
            "kind": "HelmRelease",
            "metadata": {"name": release, "namespace": "flux-system"},
            "spec": {
                "releaseName": release,
                "targetNamespace": namespace,
                "interval": "10m",
                "chart": {"spec": {"chart": chart, "version": CHART_VERSION,
                                   "sourceRef": {"kind": "HelmRepository", "name": "arc"}}},
                "values": values,
            },
        }
        (case / "hr.yaml").write_text(json.dumps(hr, indent=2) + "\n")
        done = subprocess.run(
            [helm, "template", release, str(Path(charts) / chart), "-n", namespace, "-f", str(case / "values.yaml")],
            capture_output=True, text=True)
        (case / "render.yaml").write_text(done.stdout)
        (case / "err").write_text(done.stderr)
        (case / "rc").write_text(f"{done.returncode}\n")


if __name__ == "__main__":
    main()
