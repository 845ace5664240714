#!/usr/bin/env bash
# Runs the whole test suite. The tests hand what vitte-buildkit writes to the
# real client tools (dpkg, lintian, rpm, rpmlint, msitools, wine, bsdtar,
# skopeo, minisign, …), so this first installs the missing ones with apt, and
# fails, rather than skipping anything, when one cannot be had.
set -euo pipefail
cd "$(dirname "$0")/.."

# Debian packages the tests need, and one command each proves it is there.
packages=(
  "dpkg:dpkg-deb" "lintian:lintian" "rpm:rpm" "rpm2cpio:rpm2cpio" "rpmlint:rpmlint" "busybox-static:busybox"
  "msitools:msiinfo" "wixl:wixl" "gcab:gcab" "cabextract:cabextract" "wine:wine" "wine64:/usr/lib/wine/wine64"
  "libarchive-tools:bsdtar" "libxml2-utils:xmllint" "cpio:cpio" "minisign:minisign" "gnupg:gpg" "gpgv:gpgv"
  "skopeo:skopeo" "wabt:wasm-validate" "p7zip-full:7z" "unzip:unzip" "file:file" "gcc:gcc" "clang:clang"
  "lld:ld.lld" "gcc-aarch64-linux-gnu:aarch64-linux-gnu-gcc" "gcc-mingw-w64-x86-64:x86_64-w64-mingw32-gcc" "docker-registry:docker-registry"
  "gcc-mingw-w64-i686:i686-w64-mingw32-gcc" "gcc-i686-linux-gnu:i686-linux-gnu-gcc"
  "gcc-riscv64-linux-gnu:riscv64-linux-gnu-gcc" "musl-tools:musl-gcc" "xz-utils:xz" "zstd:zstd" "pigz:pigz"
  "time:/usr/bin/time" "llvm:llc" "qemu-user:qemu-aarch64"
  "wasi-libc:/usr/lib/wasm32-wasi/libc.a" "libclang-rt-14-dev-wasm32:/usr/lib/llvm-14/lib/clang/14.0.6/lib/wasi/libclang_rt.builtins-wasm32.a"
  "time:/usr/bin/time"
  "dpkg-dev:dpkg-parsechangelog"
  "libc6-dev-arm64-cross:/usr/aarch64-linux-gnu/include/stdio.h" "libc6-dev-riscv64-cross:/usr/riscv64-linux-gnu/include/stdio.h" "libc6-dev-i386-cross:/usr/i686-linux-gnu/include/stdio.h"
  "systemd:systemd-analyze" "systemd:systemd-sysusers" "init-system-helpers:deb-systemd-helper" "python3:python3"
  "groff:groff" "man-db:man" "bash-completion:/usr/share/bash-completion/bash_completion" "zsh:zsh" "fish:fish" "binutils:strip"
  "debsig-verify:debsig-verify" "apt:apt-get" "reprepro:reprepro" "dnf:dnf" "createrepo-c:createrepo_c" "binutils:ar"
  "devscripts:debdiff"
  "dpkg-dev:dpkg-shlibdeps" "g++:g++" "zlib1g-dev:/usr/include/zlib.h" "libssl-dev:/usr/include/openssl/ssl.h" "gdb:gdb" "debugedit:find-debuginfo" "llvm:llvm-objcopy" "binutils-aarch64-linux-gnu:aarch64-linux-gnu-objcopy" "libc6-dev-arm64-cross:/usr/aarch64-linux-gnu/lib/libc.so.6"
  "apache2-utils:htpasswd" "docker-registry:docker-registry" "skopeo:skopeo" "mount:mount"
  "osslsigncode:osslsigncode" "openssl:openssl" "python3-olefile:/usr/lib/python3/dist-packages/olefile/__init__.py"
)

# A command on PATH, or a file that a package installs.
have() { command -v "$1" >/dev/null 2>&1 || [ -e "$1" ]; }

missing=()
for entry in "${packages[@]}"; do
  have "${entry#*:}" || missing+=("${entry%%:*}")
done
if [ "${#missing[@]}" -gt 0 ]; then
  echo "installing validators: ${missing[*]}"
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
still=()
for entry in "${packages[@]}"; do
  have "${entry#*:}" || still+=("${entry%%:*} (${entry#*:})")
done
if [ "${#still[@]}" -gt 0 ]; then
  echo "error: validators still missing after apt-get install: ${still[*]}" >&2
  exit 1
fi

# zig, for cross builds to macOS without an SDK: Debian has no package, the
# ziglang wheel on PyPI ships the official binary.
if ! command -v zig >/dev/null 2>&1; then
  echo "installing zig (PyPI: ziglang)"
  python3 -m pip install -q "ziglang==0.17.1"
  zig_dir="$(python3 -c 'import os, ziglang; print(os.path.dirname(ziglang.__file__))')"
  if [ "$(id -u)" -eq 0 ]; then ln -sf "$zig_dir/zig" /usr/local/bin/zig; else sudo ln -sf "$zig_dir/zig" /usr/local/bin/zig; fi
fi
command -v zig >/dev/null 2>&1 || { echo "error: zig still missing after pip install ziglang" >&2; exit 1; }

cargo test --workspace --locked "$@"
