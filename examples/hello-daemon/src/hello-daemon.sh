#!/bin/sh
# hello-daemon: the example service of vitte-buildkit. Writes a greeting
# into its state folder every minute until it is stopped.
set -eu
state=${HELLO_STATE:-/var/lib/hello-daemon}
interval=${HELLO_INTERVAL:-60}
trap 'exit 0' TERM INT
while :; do
    date -u "+hello at %Y-%m-%dT%H:%M:%SZ" >"$state/last-greeting" 2>/dev/null || true
    sleep "$interval" &
    wait $!
done
