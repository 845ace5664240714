#!/usr/bin/env bash
# Rebuilds the example's programs in bin/<triple>/ from src/hello.c, one per
# target the README's packaging command names. The outputs are committed; run
# this only to regenerate them. Needs gcc, zig (0.11 or later: its `zig cc`
# links macOS programs on Linux), gcc-mingw-w64 and
# llvm (llvm-lipo, for the universal macOS file).
#   x86_64-unknown-linux-gnu: gcc, dynamically linked to glibc, hardened as
#                             Debian builds programs (lintian checks it)
#   x86_64-pc-windows-msvc:   mingw-w64 console program
#   universal-apple-darwin:   x86_64 and arm64 slices merged by llvm-lipo
set -euo pipefail
cd "$(dirname "$0")"

# LLVM tools carry a version suffix on Debian when not the default.
llvm() {
  local name=$1
  shift
  if command -v "$name" >/dev/null 2>&1; then
    "$name" "$@"
  else
    "$(ls /usr/bin/"$name"-[0-9]* | sort -V | tail -1)" "$@"
  fi
}

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

linux=bin/x86_64-unknown-linux-gnu
windows=bin/x86_64-pc-windows-msvc
macos=bin/universal-apple-darwin
mkdir -p "$linux" "$windows" "$macos"

gcc -Os -s -fPIE -pie -fstack-protector-strong -D_FORTIFY_SOURCE=2 \
  -Wl,-z,relro,-z,now -Wl,--build-id=none -DHELLO_CONF='"/etc/hello/hello.conf"' \
  -o "$linux/hello" src/hello.c
strip --remove-section=.comment "$linux/hello"
x86_64-w64-mingw32-gcc -Os -s -Wl,--no-insert-timestamp -o "$windows/hello.exe" src/hello.c
for arch in x86_64 aarch64; do
  zig cc -target "$arch-macos" -Os -s -DHELLO_CONF='"/usr/local/etc/hello/hello.conf"' \
    -o "$work/hello-$arch" src/hello.c
done
llvm llvm-lipo -create -output "$macos/hello" "$work/hello-x86_64" "$work/hello-aarch64"
ls -l "$linux" "$windows" "$macos"
