#!/bin/sh
set -e
# hello keeps its state in /var/lib/hello; DPKG_ROOT is set when dpkg installs
# into another root (--root with --force-script-chrootless).
mkdir -p "${DPKG_ROOT:-}/var/lib/hello"
echo "hello installed"
