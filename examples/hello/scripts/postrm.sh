#!/bin/sh
set -e
# Remove the state folder postinst made: on dpkg's remove and purge, and on
# rpm's erase ($1 = 0); an upgrade keeps it.
case "$1" in
    remove|purge|0) rm -rf "${DPKG_ROOT:-}/var/lib/hello" ;;
esac
echo "hello removed"
