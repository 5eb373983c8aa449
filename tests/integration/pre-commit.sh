#!/usr/bin/env bash
# arcfleet's pre-commit hooks, run by the real pre-commit (from PyPI, in a throwaway virtualenv)
# against a temporary repository that uses this repository's hooks: a clean repository passes, a
# version skew fails arcfleet-validate with the rule's message, a stale generated file fails
# arcfleet-check.
#
# `pre-commit try-repo` runs the clean case; the other cases use the hooks of this repository's
# HEAD commit through a .pre-commit-config.yaml, so that pre-commit builds arcfleet once more and
# reuses its cache for all of them (try-repo builds from scratch on every call).
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

python3 -m venv "$work/venv"
"$work/venv/bin/pip" install --quiet --disable-pip-version-check "pre-commit>=3,<5"
pre_commit="$work/venv/bin/pre-commit"
export PRE_COMMIT_HOME="${PRE_COMMIT_HOME:-$work/cache}"

repo="$work/repo"
mkdir "$repo"
cd "$repo"
git init --quiet
git config user.email ci@example.com
git config user.name ci
cp "$root/examples/single-repo/fleet.yaml" fleet.yaml
cargo run --quiet --manifest-path "$root/Cargo.toml" -- render fleet.yaml --out generated
git add -A
git commit --quiet -m fixture

# pre-commit builds arcfleet with `cargo install` (release profile): optimisation does not matter
# for a test, build time does.
export CARGO_PROFILE_RELEASE_OPT_LEVEL=0 CARGO_PROFILE_RELEASE_DEBUG=false CARGO_PROFILE_RELEASE_CODEGEN_UNITS=256

"$pre_commit" try-repo "$root" arcfleet-validate --all-files --verbose > "$work/out.txt" 2>&1 || {
  echo "pre-commit try-repo arcfleet-validate failed on a clean repository:" >&2
  cat "$work/out.txt" >&2
  exit 1
}
grep -q "0 error(s)" "$work/out.txt"
echo "ok: pre-commit try-repo arcfleet-validate passes a clean repository"

rev="$(git -C "$root" rev-parse HEAD)"
cat > .pre-commit-config.yaml <<CONFIG
repos:
  - repo: $root
    rev: $rev
    hooks:
      - id: arcfleet-validate
      - id: arcfleet-check
CONFIG
git add .pre-commit-config.yaml
git commit --quiet -m "use arcfleet's hooks"
run() { "$pre_commit" run "$1" --all-files --verbose > "$work/out.txt" 2>&1; }
expect() {
  local hook="$1" want="$2" needle="$3"
  if run "$hook"; then got=0; else got=1; fi
  if [ "$got" != "$want" ] || ! grep -q -- "$needle" "$work/out.txt"; then
    echo "pre-commit $hook: expected exit $want and '$needle', got exit $got:" >&2
    cat "$work/out.txt" >&2
    exit 1
  fi
  echo "ok: pre-commit $hook exits $want ($needle)"
}

expect arcfleet-validate 0 "0 error(s)"
expect arcfleet-check 0 "up to date"

# A hand edit that skews the scale set's version.
sed -i 's/app.kubernetes.io\/version: "0.14.2"/app.kubernetes.io\/version: "0.13.1"/' generated/arc-runners/autoscalingrunnerset-acme-app-runners.yaml
git commit --quiet -am "skew the version"
expect arcfleet-validate 1 "scale set version 0.13.1 differs from the controller's 0.14.2"
expect arcfleet-check 1 "out of date with fleet.yaml"

# Back to clean, then a spec change without re-rendering: the generated file is stale.
git checkout --quiet HEAD~1 -- generated
sed -i 's/maxRunners: 4/maxRunners: 5/' fleet.yaml
git commit --quiet -am "change the spec only"
expect arcfleet-validate 0 "0 error(s)"
expect arcfleet-check 1 "+  maxRunners: 5"
echo "pre-commit hooks: all cases passed"
