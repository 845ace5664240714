#!/usr/bin/env bash
# Stages what examples/self/buildkit.toml packages: the vitte-buildkit and
# vitte programs from BIN_DIR (default: target/release of this repository,
# after `cargo build --release`), the shell completions and the manual
# pages they generate (pages gzipped with -n, dated by SOURCE_DATE_EPOCH when
# set, so the package stays reproducible), into STAGE (default: stage/ beside
# this script). Then package:
#   cargo build --release
#   examples/self/stage.sh
#   vitte-buildkit package --manifest examples/self/buildkit.toml --format deb,rpm,tar.gz
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
bin_dir=${1:-$here/../../target/release}
stage=${2:-$here/stage}
tool="$bin_dir/vitte-buildkit"
[ -x "$tool" ] || { echo "error: $tool is missing; run cargo build --release first" >&2; exit 1; }

rm -rf "$stage"
mkdir -p "$stage/bin" "$stage/completions" "$stage/man"
install -m 0755 "$tool" "$bin_dir/vitte" "$stage/bin/"
"$tool" completions bash >"$stage/completions/vitte-buildkit.bash"
"$tool" completions zsh >"$stage/completions/_vitte-buildkit"
"$tool" completions fish >"$stage/completions/vitte-buildkit.fish"
"$tool" man --out "$stage/man" 2>/dev/null
install -m 0644 "$here/vitte.1" "$stage/man/"
gzip -9n "$stage"/man/*.1
echo "staged in $stage"
