#!/usr/bin/env bash
# The release workflow is cargo-dist's, current and planned as the README and the installers say:
#   - .github/workflows/release.yml is exactly what `dist generate` makes of dist-workspace.toml
#     (it is never edited by hand);
#   - `dist plan` releases the arcfleet binary alone (no library crate, no xtask) as the archives
#     and checksum files that integrations/github-actions/install.sh and the image job download.
#
# cargo-dist is installed with `cargo install --locked` at the version dist-workspace.toml names,
# cached in $ARCFLEET_CACHE (default ~/.cache/arcfleet-ci). A cold install compiles it once:
# unoptimized (--debug), about 4 minutes on 2 cores against 7 for a release build; generate and
# plan take under a second either way.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
cache="${ARCFLEET_CACHE:-$HOME/.cache/arcfleet-ci}"
cd "$root"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

version="$(sed -n 's/^cargo-dist-version = "\(.*\)"$/\1/p' dist-workspace.toml)"
[ -n "$version" ] || { echo "dist: no cargo-dist-version in dist-workspace.toml" >&2; exit 1; }
dist_root="$cache/cargo-dist-$version"
dist="$dist_root/bin/dist"
if [ ! -x "$dist" ]; then
  echo "dist: installing cargo-dist $version into $dist_root (once; cached)"
  start=$SECONDS
  cargo install --quiet --locked --debug cargo-dist --version "$version" --root "$dist_root" --target-dir "$work/target"
  echo "dist: installed in $((SECONDS - start)) s"
fi
"$dist" --version

if ! "$dist" generate --check > "$work/check.txt" 2>&1; then
  cat "$work/check.txt" >&2
  echo "dist: .github/workflows/release.yml is stale or hand-edited; run \`dist generate\`" >&2
  exit 1
fi
echo "ok: release.yml is what dist $version generates from dist-workspace.toml"

"$dist" plan --output-format=json 2>/dev/null | python3 -c '
import json, sys
plan = json.load(sys.stdin)
apps = sorted(r["app_name"] for r in plan["releases"])
if apps != ["arcfleet"]:
    sys.exit(f"dist: the release holds {apps}, expected arcfleet alone")
triples = ["x86_64-unknown-linux-musl", "aarch64-unknown-linux-musl", "x86_64-apple-darwin",
           "aarch64-apple-darwin", "x86_64-pc-windows-msvc"]
want = {"sha256.sum", "source.tar.gz", "source.tar.gz.sha256"}
for t in triples:
    archive = f"arcfleet-{t}." + ("zip" if "windows" in t else "tar.xz")
    want |= {archive, archive + ".sha256"}
got = set(plan["artifacts"])
if got != want:
    sys.exit(f"dist: planned artifacts differ from what the installers expect: missing {sorted(want - got)}, unexpected {sorted(got - want)}")
print(f"ok: dist plans arcfleet alone, {len(triples)} static targets, {len(got)} files with checksums")
'

# Everything that names a release names this one: the action's default version, the images of the
# pre-commit hooks and of the Argo CD sidecar, and the README's examples.
pkg_version="$(cargo metadata --format-version 1 --no-deps --locked |
  python3 -c 'import json,sys; print(next(p["version"] for p in json.load(sys.stdin)["packages"] if p["name"] == "arcfleet"))')"
stale="$(git grep -n -E 'ghcr\.io/arcfleet/arcfleet(-cmp)?:v?[0-9]+\.[0-9]+\.[0-9]+|integrations/github-actions@v[0-9]|default: v[0-9]' -- \
  ':!CHANGELOG.md' | grep -v -F -e ":v$pkg_version" -e "@v$pkg_version" -e "default: v$pkg_version" || true)"
if [ -n "$stale" ]; then
  echo "dist: these name a release other than v$pkg_version (Cargo.toml):" >&2
  echo "$stale" >&2
  exit 1
fi
echo "ok: the action, hooks, sidecar and README name release v$pkg_version"
