#!/usr/bin/env bash
# The minimum supported Rust version (MSRV), checked without a second toolchain.
#
# Only one toolchain is installed where CI runs, so nothing here compiles with the MSRV compiler.
# What is checked instead:
#   1. every workspace package declares the workspace's rust-version (inherited);
#   2. no dependency in Cargo.lock declares a newer rust-version than ours;
#   3. clippy's incompatible_msrv lint (denied in Cargo.toml, run by .ci/run's clippy step) is
#      live: with the MSRV lowered below the newest std API we use (File::lock, 1.89) it fails.
# Not checked: language features (let-chains need 1.88, edition 2024 needs 1.85) and APIs of
# dependencies behind features; see README, "Minimum supported Rust version".
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$root"

cargo metadata --format-version 1 --locked | python3 -c '
import json, sys

def key(v):
    parts = [int(x) for x in v.split(".")]
    return tuple(parts + [0] * (3 - len(parts)))

meta = json.load(sys.stdin)
members = set(meta["workspace_members"])
ours = {p["name"]: p["rust_version"] for p in meta["packages"] if p["id"] in members}
declared = ours["arcfleet"]
bad = {n: v for n, v in ours.items() if v != declared}
if bad:
    sys.exit(f"msrv: workspace packages whose rust-version is not {declared}: {bad}")
deps = [(p["rust_version"], p["name"], p["version"]) for p in meta["packages"]
        if p["id"] not in members and p["rust_version"]]
newest = max(deps, key=lambda d: key(d[0]))
if key(newest[0]) > key(declared):
    sys.exit(f"msrv: {newest[1]} {newest[2]} needs Rust {newest[0]}, newer than the declared {declared}")
print(f"ok: msrv {declared}; the newest dependency requirement is {newest[0]} ({newest[1]} {newest[2]})")
'

# The lint is live: lowered to 1.88, clippy must refuse File::lock (stable since 1.89).
conf="$(mktemp -d)"
trap 'rm -rf "$conf"' EXIT
cp clippy.toml "$conf/clippy.toml"
echo 'msrv = "1.88"' >> "$conf/clippy.toml"
if CLIPPY_CONF_DIR="$conf" cargo clippy --quiet -p arcfleet-render --all-targets > "$conf/out.txt" 2>&1; then
  echo "msrv: clippy passed with the MSRV lowered to 1.88; incompatible_msrv is not checked" >&2
  exit 1
fi
if ! grep -q "stable since \`1.89.0\`" "$conf/out.txt"; then
  echo "msrv: clippy failed with the MSRV lowered, but not on incompatible_msrv:" >&2
  cat "$conf/out.txt" >&2
  exit 1
fi
echo "ok: clippy's incompatible_msrv fires below 1.89 (File::lock)"
