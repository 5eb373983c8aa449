//! The controller: ServiceAccount, RBAC and Deployment, equal in substance to what ARC's
//! `gha-runner-scale-set-controller` chart renders.

use k8s_openapi::api::apps::v1::{Deployment, DeploymentSpec};
use k8s_openapi::api::core::v1::{
    Capabilities, ContainerPort, PodSecurityContext, PodSpec, PodTemplateSpec, SeccompProfile,
    SecurityContext, ServiceAccount,
};
use k8s_openapi::api::rbac::v1::{ClusterRole, ClusterRoleBinding, Role, RoleBinding};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{LabelSelector, ObjectMeta};

use arcfleet_spec::Fleet;
use arcfleet_spec::model::{LogFormat, LogLevel, UpdateStrategy};

use arcfleet_arc::controller::{
    ControllerArgs, LISTENER_IMAGE_ENV, MetricsAddrs, POD_NAMESPACE_ENV,
};
use arcfleet_arc::meta::{
    CONTROLLER_APP_NAME, CONTROLLER_PART_OF, CONTROLLER_SA_NAME_LABEL,
    CONTROLLER_SA_NAMESPACE_LABEL,
};
use arcfleet_arc::rbac::{
    CONTROLLER_CLUSTER_ROLE, CONTROLLER_LISTENER_ROLE, LEADER_ELECTION_ROLE, policy_rules,
};
use arcfleet_arc::runner::{empty_dir, env_field, env_value, mount};

use crate::build::{
    container, map, meta, non_empty, resources, role_ref, service_account_subject, strings,
    tolerations,
};
use crate::object::Object;

/// The controller image's non-root user (ARC builds on distroless `nonroot`).
const NONROOT_UID: i64 = 65532;

pub(crate) fn objects(fleet: &Fleet) -> Vec<Object> {
    let c = &fleet.controller.spec;
    let ns = c.namespace.as_str();
    let name = c.name.as_str();
    let mut out = vec![
        Object::ServiceAccount(ServiceAccount {
            metadata: ObjectMeta {
                labels: Some(controller_labels(fleet)),
                ..meta(name, Some(ns))
            },
            ..Default::default()
        }),
        Object::ClusterRole(ClusterRole {
            metadata: meta(name, None),
            rules: Some(policy_rules(CONTROLLER_CLUSTER_ROLE)),
            ..Default::default()
        }),
        Object::ClusterRoleBinding(ClusterRoleBinding {
            metadata: meta(name, None),
            role_ref: role_ref("ClusterRole", name),
            subjects: Some(vec![service_account_subject(name, ns)]),
        }),
        Object::Role(Role {
            metadata: meta(&format!("{name}-listener"), Some(ns)),
            rules: Some(policy_rules(CONTROLLER_LISTENER_ROLE)),
        }),
        Object::RoleBinding(RoleBinding {
            metadata: meta(&format!("{name}-listener"), Some(ns)),
            role_ref: role_ref("Role", &format!("{name}-listener")),
            subjects: Some(vec![service_account_subject(name, ns)]),
        }),
    ];
    if c.replicas > 1 {
        let role_name = format!("{name}-leader-election");
        out.push(Object::Role(Role {
            metadata: meta(&role_name, Some(ns)),
            rules: Some(policy_rules(LEADER_ELECTION_ROLE)),
        }));
        out.push(Object::RoleBinding(RoleBinding {
            metadata: meta(&role_name, Some(ns)),
            role_ref: role_ref("Role", &role_name),
            subjects: Some(vec![service_account_subject(name, ns)]),
        }));
    }
    out.push(Object::Deployment(Box::new(deployment(fleet))));
    out
}

fn controller_labels(fleet: &Fleet) -> std::collections::BTreeMap<String, String> {
    let c = &fleet.controller.spec;
    map([
        ("app.kubernetes.io/name", CONTROLLER_APP_NAME),
        ("app.kubernetes.io/namespace", &c.namespace),
        ("app.kubernetes.io/instance", &c.name),
        ("app.kubernetes.io/part-of", CONTROLLER_PART_OF),
    ])
}

/// The manager's arguments, in the chart's order (`arcfleet_arc::controller::ControllerArgs`).
pub(crate) fn args(fleet: &Fleet) -> Vec<String> {
    let c = &fleet.controller.spec;
    let level = match c.log_level {
        LogLevel::Debug => "debug",
        LogLevel::Info => "info",
        LogLevel::Warn => "warn",
        LogLevel::Error => "error",
    };
    let format = match c.log_format {
        LogFormat::Text => "text",
        LogFormat::Json => "json",
    };
    let update_strategy = fleet
        .controller
        .version
        .has_update_strategy_flag()
        .then(|| {
            match c.update_strategy {
                Some(UpdateStrategy::Eventual) => "eventual",
                Some(UpdateStrategy::Immediate) | None => "immediate",
            }
            .to_string()
        });
    ControllerArgs {
        leader_election_id: (c.replicas > 1).then(|| c.name.clone()),
        log_level: Some(level.into()),
        log_format: Some(format.into()),
        runner_max_concurrent_reconciles: Some(c.runner_max_concurrent_reconciles.to_string()),
        update_strategy,
        metrics: c.metrics.as_ref().map(|m| MetricsAddrs {
            listener_addr: format!(":{}", m.port),
            listener_endpoint: m.path.clone(),
            controller_addr: format!(":{}", m.port),
        }),
        exclude_label_propagation_prefixes: c.exclude_label_propagation_prefixes.clone(),
        ..Default::default()
    }
    .args()
    .into_iter()
    .map(|a| a.text)
    .collect()
}

fn deployment(fleet: &Fleet) -> Deployment {
    let c = &fleet.controller.spec;
    let image = fleet.controller.image();
    let selector = map([
        ("app.kubernetes.io/name", CONTROLLER_APP_NAME),
        ("app.kubernetes.io/namespace", &c.namespace),
        ("app.kubernetes.io/instance", &c.name),
    ]);
    let mut pod_labels = controller_labels(fleet);
    pod_labels.insert(
        "app.kubernetes.io/component".into(),
        "controller-manager".into(),
    );
    let mut deployment_labels = controller_labels(fleet);
    deployment_labels.insert(CONTROLLER_SA_NAME_LABEL.into(), c.name.clone());
    deployment_labels.insert(CONTROLLER_SA_NAMESPACE_LABEL.into(), c.namespace.clone());
    let manager = k8s_openapi::api::core::v1::Container {
        image_pull_policy: Some("IfNotPresent".into()),
        command: Some(strings(&["/manager"])),
        args: Some(args(fleet)),
        ports: c.metrics.as_ref().map(|m| {
            vec![ContainerPort {
                container_port: i32::from(m.port),
                name: Some("metrics".into()),
                protocol: Some("TCP".into()),
                ..Default::default()
            }]
        }),
        env: Some(vec![
            // The listener pods run this same image.
            env_value(LISTENER_IMAGE_ENV, &image),
            env_field(POD_NAMESPACE_ENV, "metadata.namespace"),
        ]),
        volume_mounts: Some(vec![mount("tmp", "/tmp")]),
        resources: resources(c.resources.as_ref()),
        security_context: Some(SecurityContext {
            allow_privilege_escalation: Some(false),
            read_only_root_filesystem: Some(true),
            run_as_non_root: Some(true),
            run_as_user: Some(NONROOT_UID),
            run_as_group: Some(NONROOT_UID),
            capabilities: Some(Capabilities {
                drop: Some(strings(&["ALL"])),
                add: None,
            }),
            ..Default::default()
        }),
        ..container("manager", &image)
    };
    Deployment {
        metadata: ObjectMeta {
            labels: Some(deployment_labels),
            ..meta(&c.name, Some(&c.namespace))
        },
        spec: Some(DeploymentSpec {
            replicas: Some(i32::try_from(c.replicas).unwrap_or(i32::MAX)),
            selector: LabelSelector {
                match_labels: Some(selector),
                match_expressions: None,
            },
            template: PodTemplateSpec {
                metadata: Some(ObjectMeta {
                    annotations: Some(map([(
                        "kubectl.kubernetes.io/default-container",
                        "manager",
                    )])),
                    labels: Some(pod_labels),
                    ..Default::default()
                }),
                spec: Some(PodSpec {
                    service_account_name: Some(c.name.clone()),
                    security_context: Some(PodSecurityContext {
                        run_as_non_root: Some(true),
                        seccomp_profile: Some(SeccompProfile {
                            type_: "RuntimeDefault".into(),
                            localhost_profile: None,
                        }),
                        ..Default::default()
                    }),
                    containers: vec![manager],
                    termination_grace_period_seconds: Some(10),
                    volumes: Some(vec![empty_dir("tmp")]),
                    node_selector: non_empty(&c.node_selector),
                    tolerations: tolerations(&c.tolerations),
                    ..Default::default()
                }),
            },
            ..Default::default()
        }),
        status: None,
    }
}
