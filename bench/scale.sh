#!/usr/bin/env bash
# bench/scale.sh [COUNTS] [FORMATS] — wall time, CPU time, peak RSS and size of
# vitte-buildkit on payloads of many small files, one line per count × format,
# then the peak RSS per file between the smallest and largest count (the slope,
# so what the compressor needs whatever the count drops out).
#   COUNTS   comma-separated file counts; `deep:N` is N files in trees twelve
#            folders deep (default 10000,100000,1000000,deep:200000)
#   FORMATS  default tar.gz,tar.xz,tar.zst,deb,rpm,pkg,msi
# Payloads come from bench/make-many-files.py under $BENCH_DIR (default
# /tmp/vitte-scale) and are deleted after their count unless KEEP_PAYLOADS=1:
# a million files take ~4 GB of disk (one 4 KiB block each).
# CODEC=none writes the .deb and .rpm uncompressed ([deb]/[rpm] compression):
# xz and zstd -19 allocate their buffers as the data grows, which hides the
# memory per file; without them what grows is the model and the plans.
# A benchmark, not a test: it reports numbers, it asserts nothing. A format
# that refuses the count says why, and the script goes on.
set -euo pipefail
counts=${1:-10000,100000,1000000,deep:200000}
formats=${2:-tar.gz,tar.xz,tar.zst,deb,rpm,pkg,msi}
root=$(cd "$(dirname "$0")/.." && pwd)
work=${BENCH_DIR:-/tmp/vitte-scale}
mkdir -p "$work"
bin=${VITTE_BUILDKIT_BIN:-$root/target/release/vitte-buildkit}
[ -n "${VITTE_BUILDKIT_BIN:-}" ] || cargo build --release --quiet --manifest-path "$root/Cargo.toml" --bin vitte-buildkit

target_of() {
  case $1 in
    pkg) echo aarch64-apple-darwin ;;
    msi) echo x86_64-pc-windows-msvc ;;
    *) echo x86_64-linux ;;
  esac
}

results="$work/results"
: > "$results"
IFS=, read -ra wanted_counts <<< "$counts"
IFS=, read -ra wanted_formats <<< "$formats"
printf '%-16s %-8s %9s %9s %11s %13s\n' payload format "wall s" "cpu s" "RSS KiB" bytes
for spec in "${wanted_counts[@]}"; do
  count=${spec#deep:}
  deep=; [ "$spec" = "$count" ] || deep=--deep
  payload="$work/payload-$spec"
  [ -d "$payload" ] || python3 "$root/bench/make-many-files.py" "$count" "$payload" $deep >/dev/null
  cat > "$work/buildkit.toml" <<TOML
[package]
name = "scale"
version = "1.0.0"
summary = "Scale benchmark payload"
license = "MIT"
maintainer = "Bench <bench@example.org>"
[[files]]
src = "payload-$spec"
dst = "/opt/scale/"
TOML
  if [ -n "${CODEC:-}" ]; then
    printf '[deb]\ncompression = "%s"\n[rpm]\ncompression = "%s"\n' "$CODEC" "$CODEC" >> "$work/buildkit.toml"
  fi
  for format in "${wanted_formats[@]}"; do
    out="$work/out"; rm -rf "$out"
    if /usr/bin/time -f '%e %U %S %M' -o "$work/time" "$bin" package -q \
        --manifest "$work/buildkit.toml" --format "$format" --target "$(target_of "$format")" \
        --out "$out" >/dev/null 2>"$work/stderr"; then
      read -r wall user sys rss < "$work/time"
      bytes=$(find "$out" -type f ! -name SHA256SUMS -printf '%s\n' | awk '{s += $1} END {print s + 0}')
      printf '%-16s %-8s %9.2f %9.2f %11d %13d\n' "$spec" "$format" "$wall" "$(echo "$user + $sys" | bc)" "$rss" "$bytes"
      echo "$spec $count $format $wall $rss" >> "$results"
    else
      printf '%-16s %-8s refused or failed: %s\n' "$spec" "$format" "$(grep -v '^$' "$work/stderr" | tr '\n' ' ' | cut -c1-300)"
    fi
  done
  rm -rf "$work/out"
  [ -n "${KEEP_PAYLOADS:-}" ] || rm -rf "$payload"
done

echo
echo "per file, between the smallest and the largest flat payload: peak RSS bytes, wall µs"
python3 - "$results" <<'PY'
import sys
rows = [l.split() for l in open(sys.argv[1])]
by_format = {}
for spec, count, fmt, wall, rss in rows:
    if not spec.startswith("deep:"):
        by_format.setdefault(fmt, []).append((int(count), float(wall), int(rss) * 1024))
for fmt, points in by_format.items():
    points.sort()
    if len(points) < 2:
        continue
    (n0, w0, r0), (n1, w1, r1) = points[0], points[-1]
    print(f"{fmt:8} {(r1 - r0) / (n1 - n0):7.0f} B/file RSS   {(w1 - w0) / (n1 - n0) * 1e6:7.1f} µs/file wall"
          f"   ({n0} → {n1} files)")
PY
