#!/usr/bin/env bash
# The GitHub action's installer (integrations/github-actions/install.sh) against a fake release
# served on 127.0.0.1 by python3's http.server, laid out as GitHub serves releases
# (download/<tag>/<asset>, latest/download/<asset>) with archives and `.sha256` files in
# cargo-dist's format, made here around the arcfleet binary just built. A `cargo` that records its
# arguments, and fails unless a case allows it, is first on PATH.
#
#   a. a release tag and `latest` install and run without calling cargo (tar.xz and, for
#      Windows, zip);
#   b. a wrong checksum is refused with a clear error, a non-zero exit and nothing installed; a
#      missing release is an error, never a silent compile;
#   c. a branch or a commit falls back to `cargo install --locked --git …` with those arguments;
# and the action's default version is this package's release tag.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
install="$root/integrations/github-actions/install.sh"
work="$(mktemp -d)"
server_pid=""
cleanup() {
  if [ -n "$server_pid" ]; then kill "$server_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

fail() {
  echo "action-install: $*" >&2
  exit 1
}

version="$(cd "$root" && cargo metadata --format-version 1 --no-deps --locked |
  python3 -c 'import json,sys; print(next(p["version"] for p in json.load(sys.stdin)["packages"] if p["name"] == "arcfleet"))')"
tag="v$version"

# The action installs this package's release by default.
default="$(python3 - "$root/integrations/github-actions/action.yml" <<'PY'
import re, sys
text = open(sys.argv[1]).read()
block = re.search(r"^  version:\n((?:    .*\n)+)", text, re.M).group(1)
print(re.search(r"^    default: *\"?([^\"\n]+)\"?", block, re.M).group(1))
PY
)"
[ "$default" = "$tag" ] || fail "action.yml's default version is $default, expected $tag (the package version)"
echo "ok: the action's default version is $tag"

# The binary the fake release ships: the real one.
cargo build --quiet --manifest-path "$root/Cargo.toml" --bin arcfleet
exe="${CARGO_TARGET_DIR:-$root/target}/debug/arcfleet"
[ -x "$exe" ] || fail "no binary at $exe"

# Debug information stripped: the archives stay small and quick to pack.
strip -o "$work/arcfleet" "$exe" 2>/dev/null || cp "$exe" "$work/arcfleet"
exe="$work/arcfleet"

# A release in cargo-dist's layout and checksum format (`<sha256> *<name>`).
srv="$work/srv"
release() { # release TAG TRIPLE… -> the archives of those targets (.zip for Windows, else .tar.xz)
  local tag="$1" dir="$srv/download/$1" stage="$work/stage-$1" t
  shift
  mkdir -p "$dir"
  for t in "$@"; do
    case "$t" in
      *windows*)
        mkdir -p "$stage/$t"
        cp "$exe" "$stage/$t/arcfleet.exe"
        (cd "$stage/$t" && python3 -m zipfile -c "$dir/arcfleet-$t.zip" arcfleet.exe)
        ;;
      *)
        mkdir -p "$stage/arcfleet-$t"
        cp "$exe" "$stage/arcfleet-$t/arcfleet"
        cp "$root/README.md" "$stage/arcfleet-$t/"
        XZ_OPT=-0 tar -cJf "$dir/arcfleet-$t.tar.xz" -C "$stage" "arcfleet-$t"
        ;;
    esac
  done
  for a in "$dir"/*.tar.xz "$dir"/*.zip; do
    [ -e "$a" ] || continue
    printf '%s *%s\n\n' "$(sha256sum "$a" | cut -d' ' -f1)" "$(basename "$a")" > "$a.sha256"
  done
}
release "$tag" x86_64-unknown-linux-musl aarch64-unknown-linux-musl x86_64-apple-darwin \
  aarch64-apple-darwin x86_64-pc-windows-msvc
mkdir -p "$srv/latest"
cp -r "$srv/download/$tag" "$srv/latest/download"
# v0.0.1-tampered: the archive changed after its checksum was written.
release v0.0.1-tampered x86_64-unknown-linux-musl
echo "tampered" >> "$srv/download/v0.0.1-tampered/arcfleet-x86_64-unknown-linux-musl.tar.xz"

port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
python3 -m http.server --bind 127.0.0.1 --directory "$srv" "$port" > "$work/server.log" 2>&1 &
server_pid=$!
for _ in $(seq 50); do
  curl --silent --fail --output /dev/null "http://127.0.0.1:$port/download/$tag/arcfleet-x86_64-unknown-linux-musl.tar.xz.sha256" && break
  sleep 0.1
done

# cargo is a trap: it records its arguments and fails unless a case allows it.
mkdir -p "$work/trap"
cat > "$work/trap/cargo" <<'CARGO'
#!/usr/bin/env bash
printf '%s\n' "$*" >> "$CARGO_CALLS"
if [ "${TRAP_CARGO_ALLOW:-}" != 1 ]; then
  echo "trap cargo: cargo must not be called here (cargo $*)" >&2
  exit 97
fi
# Stands in for `cargo install --root R`: a binary in R/bin.
while [ $# -gt 0 ]; do
  if [ "$1" = --root ]; then mkdir -p "$2/bin"; printf '#!/bin/sh\necho compiled\n' > "$2/bin/arcfleet"; chmod +x "$2/bin/arcfleet"; fi
  shift
done
CARGO
chmod +x "$work/trap/cargo"

# run CASE VERSION [VAR=VALUE…]: the installer as the action runs it, on a GitHub Linux x64 runner.
run() {
  local case="$1" v="$2"
  shift 2
  export CARGO_CALLS="$work/$case.cargo"
  : > "$CARGO_CALLS"
  : > "$work/$case.path"
  env PATH="$work/trap:$PATH" RUNNER_OS=Linux RUNNER_ARCH=X64 RUNNER_TEMP="$work/$case.tmp" \
    GITHUB_PATH="$work/$case.path" ARCFLEET_VERSION="$v" ARCFLEET_INSTALL_ROOT="$work/$case" \
    ARCFLEET_RELEASES_URL="http://127.0.0.1:$port" ARCFLEET_GIT_URL="https://git.example.test/arcfleet.git" \
    "$@" bash "$install" > "$work/$case.out" 2>&1
}
show() { cat "$work/$1.out" >&2; }

# a. Released versions: installed, verified, run; cargo never called.
for case in tag:"$tag" latest:latest; do
  name="${case%%:*}" v="${case#*:}"
  run "$name" "$v" || { show "$name"; fail "$v: the installer failed"; }
  [ ! -s "$work/$name.cargo" ] || fail "$v: cargo was called: $(cat "$work/$name.cargo")"
  grep -q "sha256 .* verified" "$work/$name.out" || { show "$name"; fail "$v: no checksum verification reported"; }
  out="$("$work/$name/bin/arcfleet" -V)"
  [ "$out" = "arcfleet $version" ] || fail "$v: the installed arcfleet says '$out'"
  [ "$(cat "$work/$name.path")" = "$work/$name/bin" ] || fail "$v: GITHUB_PATH holds '$(cat "$work/$name.path")'"
  echo "ok: $v installs from the release and runs ($out) without cargo"
done
run windows "$tag" RUNNER_OS=Windows || { show windows; fail "windows: the installer failed"; }
[ ! -s "$work/windows.cargo" ] || fail "windows: cargo was called"
"$work/windows/bin/arcfleet.exe" --version > /dev/null || fail "windows: arcfleet.exe from the zip does not run"
echo "ok: the Windows zip installs arcfleet.exe without cargo"
# Every other runner platform finds its own archive (the binary inside is this machine's).
for platform in Linux:ARM64:aarch64-unknown-linux-musl macOS:X64:x86_64-apple-darwin macOS:ARM64:aarch64-apple-darwin; do
  IFS=: read -r os arch triple <<< "$platform"
  run "$os-$arch" "$tag" RUNNER_OS="$os" RUNNER_ARCH="$arch" || { show "$os-$arch"; fail "$os/$arch: the installer failed"; }
  grep -q "arcfleet-$triple.tar.xz sha256 .* verified" "$work/$os-$arch.out" || { show "$os-$arch"; fail "$os/$arch: not $triple"; }
  [ -x "$work/$os-$arch/bin/arcfleet" ] && [ ! -s "$work/$os-$arch.cargo" ] || fail "$os/$arch: not installed, or cargo called"
  echo "ok: $os/$arch installs arcfleet-$triple.tar.xz"
done

# b. A wrong checksum: refused, non-zero, nothing installed, cargo not called.
if run tampered v0.0.1-tampered; then show tampered; fail "a tampered archive was installed"; fi
grep -q "checksum mismatch for arcfleet-x86_64-unknown-linux-musl.tar.xz" "$work/tampered.out" || { show tampered; fail "no clear checksum error"; }
[ ! -e "$work/tampered/bin/arcfleet" ] || fail "a tampered archive left a binary"
[ ! -s "$work/tampered.cargo" ] || fail "a checksum failure fell back to cargo"
echo "ok: a wrong checksum is refused: $(grep -o 'checksum mismatch[^;]*' "$work/tampered.out" | head -n 1)"
if run missing v9.9.9; then show missing; fail "a missing release installed something"; fi
grep -q "cannot download" "$work/missing.out" || { show missing; fail "no clear error for a missing release"; }
[ ! -s "$work/missing.cargo" ] || fail "a missing release fell back to cargo"
echo "ok: a missing release is an error, not a compile"
if run riscv "$tag" RUNNER_ARCH=RISCV64; then fail "an unknown platform installed something"; fi
grep -q "no release binary for Linux/RISCV64" "$work/riscv.out" || { show riscv; fail "no clear error for an unknown platform"; }
echo "ok: a platform without a release binary is an error"

# c. No release: compiled with cargo, with these arguments.
sha=0123456789abcdef0123456789abcdef01234567
for case in branch:main commit:"$sha"; do
  name="${case%%:*}" v="${case#*:}"
  flag=--branch
  [ "$name" = commit ] && flag=--rev
  run "$name" "$v" TRAP_CARGO_ALLOW=1 || { show "$name"; fail "$v: the fallback failed"; }
  want="install --locked --root $work/$name --git https://git.example.test/arcfleet.git $flag $v arcfleet"
  [ "$(cat "$work/$name.cargo")" = "$want" ] || fail "$v: cargo was called as '$(cat "$work/$name.cargo")', expected '$want'"
  [ "$("$work/$name/bin/arcfleet")" = compiled ] || fail "$v: the compiled binary is not in $work/$name/bin"
  echo "ok: $v has no release and is compiled (cargo $want)"
done
echo "action install: all cases passed"
