#!/usr/bin/env bash
# bench/cache.sh [SIZE_MB] — what the artifact cache saves on an unchanged
# rebuild of deb + rpm + tar.xz: wall time and peak RSS of
#   cold          empty local cache, empty remote (builds, stores, pushes)
#   warm-local    the same cache again (every artifact a local hit)
#   warm-remote   an empty local cache, the full remote (every artifact pulled)
# and whether each run's artifacts are byte-identical to the cold run's.
# The remote is Debian's docker-registry on a free localhost port. The
# payload comes from ../shared/bench/make-payload.sh, the manifest is
# bench/run.sh's. A benchmark, not a test: it reports, it asserts nothing.
set -euo pipefail
size=${1:-300}
root=$(cd "$(dirname "$0")/.." && pwd)
work=${BENCH_DIR:-/tmp/vitte-bench-cache}
mkdir -p "$work"
payload="$work/payload-$size"
[ -d "$payload" ] || bash "$root/../shared/bench/make-payload.sh" "$size" "$payload"
bin=${VITTE_BUILDKIT_BIN:-$root/target/release/vitte-buildkit}
[ -n "${VITTE_BUILDKIT_BIN:-}" ] || cargo build --release --quiet --manifest-path "$root/Cargo.toml" --bin vitte-buildkit

cat > "$work/buildkit.toml" <<TOML
[package]
name = "bench"
version = "1.0.0"
summary = "Benchmark payload"
license = "MIT"
maintainer = "Bench <bench@example.org>"
[[files]]
src = "payload-$size"
dst = "/opt/bench/"
arch-check = false
TOML

# A registry with filesystem storage in the work folder.
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
rm -rf "$work/registry" "$work/cache-a" "$work/cache-b"
mkdir -p "$work/registry"
cat > "$work/registry/config.yml" <<YML
version: 0.1
log: {level: warn}
storage: {filesystem: {rootdirectory: $work/registry/data}, delete: {enabled: true}}
http: {addr: 127.0.0.1:$port}
YML
docker-registry serve "$work/registry/config.yml" > "$work/registry/log" 2>&1 &
registry_pid=$!
trap 'kill $registry_pid 2>/dev/null || true' EXIT
for _ in $(seq 100); do curl -fs "http://127.0.0.1:$port/v2/" >/dev/null && break; sleep 0.1; done
remote="oci://127.0.0.1:$port/bench-cache"

# run NAME CACHE_DIR: one build under /usr/bin/time into $work/out-NAME.
run() {
  local name=$1 cache=$2 out="$work/out-$1"
  rm -rf "$out"
  /usr/bin/time -f '%e %U %S %M' -o "$work/time" \
    "$bin" package --manifest "$work/buildkit.toml" -t x86_64-linux -f deb,rpm,tar.xz \
    --out "$out" --cache "$cache" --cache-remote "$remote" --message-format json \
    > "$work/$name.json" 2>"$work/stderr" || { cat "$work/stderr"; exit 1; }
  read -r wall user sys rss < "$work/time"
  local outcomes; outcomes=$(grep -o '"cache":"[a-z-]*"' "$work/$name.json" | cut -d'"' -f4 | sort | uniq -c | xargs)
  local same=yes
  [ "$name" = cold ] || cmp -s "$work/out-cold/SHA256SUMS" "$out/SHA256SUMS" || same=NO
  printf '%-12s %8.2f s wall %8.2f s cpu %8d KiB peak RSS  cache: %-14s identical to cold: %s\n' \
    "$name" "$wall" "$(echo "$user + $sys" | bc)" "$rss" "$outcomes" "$same"
  echo "$name $wall" >> "$work/results"
}

rm -f "$work/results"
echo "payload: $(du -sm "$payload" | cut -f1) MB, $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
run cold "$work/cache-a"
run warm-local "$work/cache-a"
run warm-remote "$work/cache-b"
awk '$1 == "cold" {c = $2} $1 != "cold" {w[$1] = $2}
     END {for (n in w) printf "%-12s %6.0fx faster than cold\n", n, c / (w[n] > 0 ? w[n] : 0.01)}' "$work/results"
