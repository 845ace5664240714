#!/usr/bin/env bash
# bench/repo.sh [N] [KIB] — how incremental `repo apt` is: user+sys CPU time
# and wall time of building an apt repository of N .debs from scratch,
# against adding one more .deb to it. The .debs come from dpkg-deb (gzip,
# one file of KIB KiB of random bytes each; default 0: tiny), so the numbers
# are the repository writer's own.
# A benchmark, not a test: it reports numbers, it asserts nothing.
set -euo pipefail
n=${1:-500}
kib=${2:-0}
root=$(cd "$(dirname "$0")/.." && pwd)
work=${BENCH_DIR:-/tmp/vitte-bench-repo}
bin=${VITTE_BUILDKIT_BIN:-$root/target/release/vitte-buildkit}
[ -x "$bin" ] || cargo build --release --bin vitte-buildkit --manifest-path "$root/Cargo.toml"
rm -rf "$work"
mkdir -p "$work/debs" "$work/one"

make_deb() { # NAME VERSION OUT_DIR
  local d="$work/src/$1"
  mkdir -p "$d/DEBIAN" "$d/usr/share/$1"
  printf 'Package: %s\nVersion: %s\nArchitecture: all\nMaintainer: Bench <bench@example.org>\nDescription: benchmark package %s\n' "$1" "$2" "$1" >"$d/DEBIAN/control"
  echo "$1" >"$d/usr/share/$1/data"
  [ "$kib" -eq 0 ] || head -c "$((kib * 1024))" /dev/urandom >>"$d/usr/share/$1/data"
  SOURCE_DATE_EPOCH=1700000000 dpkg-deb -Zgzip --root-owner-group --build "$d" "$3/$1_$2_all.deb" >/dev/null
}
for i in $(seq -w 1 "$n"); do make_deb "bench$i" 1.0 "$work/debs"; done
make_deb bench-extra 1.0 "$work/one"

measure() { # LABEL ARGS…
  local label=$1; shift
  /usr/bin/time -f "%e %U %S %M" -o "$work/time" "$bin" repo apt "$@" >/dev/null 2>&1
  read -r wall user sys rss <"$work/time"
  printf '%-34s wall %6.2f s  user+sys %6.2f s  peak RSS %6d KiB\n' "$label" "$wall" "$(echo "$user + $sys" | bc)" "$rss"
}
export SOURCE_DATE_EPOCH=1700000000
measure "from scratch: $n .debs" "$work/repo" "$work/debs"
measure "add 1 .deb to $n" "$work/repo" "$work/one"
rm -rf "$work/repo2"
measure "from scratch: $((n + 1)) .debs" "$work/repo2" "$work/debs" "$work/one"
