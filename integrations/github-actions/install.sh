#!/usr/bin/env bash
# Installs arcfleet for the GitHub action (action.yml), or anywhere bash, curl and tar run.
#
# A release (`latest`, or a tag such as `v0.1.0`) is downloaded as the archive that the release
# workflow (cargo-dist) built for this platform, checked against the `.sha256` file published
# beside it, and unpacked; cargo is never called. Anything else (a branch such as `main`, a commit)
# has no release: it is compiled with `cargo install --locked --git`.
#
# Environment:
#   ARCFLEET_VERSION       `latest`, a release tag (vX.Y.Z[-pre]), a branch or a commit (required)
#   ARCFLEET_INSTALL_ROOT  the binary goes to $ARCFLEET_INSTALL_ROOT/bin
#                          (default ${RUNNER_TEMP:-${TMPDIR:-/tmp}}/arcfleet)
#   ARCFLEET_OS, ARCFLEET_ARCH  the platform, as GitHub names it (Linux/macOS/Windows,
#                          X64/ARM64); default RUNNER_OS and RUNNER_ARCH, else uname
#   ARCFLEET_RELEASES_URL  where releases are downloaded from
#                          (default https://github.com/arcfleet/arcfleet/releases)
#   ARCFLEET_GIT_URL       the repository compiled from (default https://github.com/arcfleet/arcfleet)
# The bin folder is appended to GITHUB_PATH when that is set.
#
# The checksum comes from the same release as the archive: it catches a corrupt, truncated or
# mismatched download, not a release replaced by someone who can write to it.
set -euo pipefail

die() {
  echo "arcfleet install: $*" >&2
  exit 1
}

version="${ARCFLEET_VERSION:?ARCFLEET_VERSION is required (latest, a release tag like v0.1.0, a branch or a commit)}"
root="${ARCFLEET_INSTALL_ROOT:-${RUNNER_TEMP:-${TMPDIR:-/tmp}}/arcfleet}"
releases="${ARCFLEET_RELEASES_URL:-https://github.com/arcfleet/arcfleet/releases}"
git_url="${ARCFLEET_GIT_URL:-https://github.com/arcfleet/arcfleet}"
bin="$root/bin"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

os="${ARCFLEET_OS:-${RUNNER_OS:-$(uname -s)}}"
arch="${ARCFLEET_ARCH:-${RUNNER_ARCH:-$(uname -m)}}"

# The release's target triple for this platform (the targets of dist-workspace.toml).
triple() {
  case "$os/$arch" in
    Linux/X64 | Linux/x86_64) echo x86_64-unknown-linux-musl ;;
    Linux/ARM64 | Linux/aarch64 | Linux/arm64) echo aarch64-unknown-linux-musl ;;
    macOS/X64 | Darwin/x86_64) echo x86_64-apple-darwin ;;
    macOS/ARM64 | Darwin/arm64) echo aarch64-apple-darwin ;;
    Windows/X64 | MINGW*/x86_64 | MSYS*/x86_64 | CYGWIN*/x86_64) echo x86_64-pc-windows-msvc ;;
    *) return 1 ;;
  esac
}

sha256_of() {
  if command -v sha256sum >/dev/null 2>&1; then
    sha256sum "$1" | cut -d' ' -f1
  elif command -v shasum >/dev/null 2>&1; then
    shasum -a 256 "$1" | cut -d' ' -f1
  else
    die "neither sha256sum nor shasum is installed"
  fi
}

download() {
  curl --fail --silent --show-error --location --retry 3 --output "$2" "$1"
}

add_to_path() {
  if [ -n "${GITHUB_PATH:-}" ]; then
    echo "$bin" >> "$GITHUB_PATH"
  fi
  echo "arcfleet installed in $bin"
}

install_release() {
  local target archive url expected actual exe dir="$work"
  target="$(triple)" || die "no release binary for $os/$arch; pass a git revision as the version to compile it"
  case "$target" in
    *windows*) archive="arcfleet-$target.zip" exe=arcfleet.exe ;;
    *) archive="arcfleet-$target.tar.xz" exe=arcfleet ;;
  esac
  if [ "$version" = latest ]; then
    url="$releases/latest/download/$archive"
  else
    url="$releases/download/$version/$archive"
  fi
  echo "arcfleet install: downloading $url"
  download "$url" "$dir/$archive" || die "cannot download $url (is $version a release? a branch or a commit is compiled instead)"
  download "$url.sha256" "$dir/$archive.sha256" || die "cannot download the checksum $url.sha256"
  # cargo-dist writes `<sha256> *<file name>`.
  expected="$(cut -d' ' -f1 < "$dir/$archive.sha256" | head -n 1)"
  actual="$(sha256_of "$dir/$archive")"
  case "$expected" in
    [0-9a-f][0-9a-f][0-9a-f][0-9a-f]*) ;;
    *) die "$archive.sha256 holds no SHA-256 checksum" ;;
  esac
  if [ "$expected" != "$actual" ]; then
    die "checksum mismatch for $archive: expected $expected (from $archive.sha256), got $actual; refusing to install"
  fi
  echo "arcfleet install: $archive sha256 $actual verified"
  mkdir -p "$dir/unpacked" "$bin"
  case "$archive" in
    # cargo-dist's tarballs hold a folder named after the archive; its zips do not.
    *.tar.xz)
      tar -xJf "$dir/$archive" -C "$dir/unpacked"
      cp "$dir/unpacked/arcfleet-$target/$exe" "$bin/$exe"
      ;;
    *.zip)
      if command -v unzip >/dev/null 2>&1; then
        unzip -q "$dir/$archive" -d "$dir/unpacked"
      else
        7z x -bd -y "-o$dir/unpacked" "$dir/$archive" >/dev/null
      fi
      cp "$dir/unpacked/$exe" "$bin/$exe"
      ;;
  esac
  chmod +x "$bin/$exe"
}

install_from_git() {
  local ref_flag=--branch
  # A commit (7 to 40 hex digits) is a revision; anything else a branch.
  if [[ "$version" =~ ^[0-9a-f]{7,40}$ ]]; then
    ref_flag=--rev
  fi
  command -v cargo >/dev/null 2>&1 || die "$version is not a release and cargo is not installed to compile it"
  echo "arcfleet install: $version has no release; compiling it with cargo"
  cargo install --locked --root "$root" --git "$git_url" "$ref_flag" "$version" arcfleet
}

if [ "$version" = latest ] || [[ "$version" =~ ^v[0-9]+\.[0-9]+\.[0-9]+(-[0-9A-Za-z.-]+)?$ ]]; then
  install_release
else
  install_from_git
fi
add_to_path
