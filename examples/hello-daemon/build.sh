#!/usr/bin/env bash
# Rebuilds the committed programs of the example: the shell daemon for Linux
# and macOS is copied as it is; the Windows service is compiled with MinGW
# (Debian package gcc-mingw-w64-x86-64). Run only to regenerate bin/.
set -euo pipefail
cd "$(dirname "$0")"
install -m 0755 src/hello-daemon.sh bin/linux/hello-daemon
install -m 0755 src/hello-daemon.sh bin/macos/hello-daemon
x86_64-w64-mingw32-gcc -Os -s -Wall -Wextra -o bin/windows/hello-daemon.exe src/hello-daemon-windows.c
