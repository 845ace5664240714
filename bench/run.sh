#!/usr/bin/env bash
# bench/run.sh [SIZE_MB] [FORMATS] — wall time, CPU time and peak RSS of
# vitte-buildkit against the raw tools on the same payload:
#   tar.xz  vs  tar -c | xz -6 -T2      tar.gz  vs  tar -c | pigz -9 -p2
#   tar.zst vs  tar -c | zstd -19 -T2   deb     vs  dpkg-deb --build -Zxz
#   rpm     vs  rpmbuild -bb (when installed)
# The payload comes from ../shared/bench/make-payload.sh (deterministic).
# A benchmark, not a test: it reports numbers and ratios, it asserts nothing.
set -euo pipefail
# Every run packages for real: no artifact cache (bench/cache.sh measures that).
export VITTE_BUILDKIT_CACHE_DIR=off
size=${1:-300}
formats=${2:-tar.xz,tar.gz,tar.zst,deb,rpm}
root=$(cd "$(dirname "$0")/.." && pwd)
work=${BENCH_DIR:-/tmp/vitte-bench}
mkdir -p "$work"
payload="$work/payload-$size"
[ -d "$payload" ] || bash "$root/../shared/bench/make-payload.sh" "$size" "$payload"
# VITTE_BUILDKIT_BIN=path/to/binary runs an already built binary instead of
# building a release one (a debug binary smoke-tests this script; its timings
# then mean nothing).
bin=${VITTE_BUILDKIT_BIN:-$root/target/release/vitte-buildkit}
[ -n "${VITTE_BUILDKIT_BIN:-}" ] || cargo build --release --quiet --manifest-path "$root/Cargo.toml" --bin vitte-buildkit

cat > "$work/buildkit.toml" <<TOML
[package]
name = "bench"
version = "1.0.0"
summary = "Benchmark payload"
license = "MIT"
maintainer = "Bench <bench@example.org>"
# The payload holds WebAssembly modules among its data files: deliberate
# foreign files for a native target, so the architecture check lets them by.
[[files]]
src = "payload-$size"
dst = "/opt/bench/"
arch-check = false
[[files]]
dst = "/usr/share/doc/bench/copyright"
src = "copyright"
[[files]]
dst = "/usr/share/doc/bench/changelog.Debian.gz"
src = "changelog.Debian.gz"
TOML
printf 'Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/\n' > "$work/copyright"
printf 'bench (1.0.0-1) unstable; urgency=medium\n\n  * Bench.\n\n -- Bench <bench@example.org>  Mon, 01 Jan 2024 00:00:00 +0000\n' | gzip -9n > "$work/changelog.Debian.gz"

# measure NAME OUTPUT COMMAND… : runs the command under /usr/bin/time.
measure() {
  local name=$1 output=$2; shift 2
  rm -rf "$output"
  /usr/bin/time -f '%e %U %S %M' -o "$work/time" "$@" >/dev/null 2>"$work/stderr" || { cat "$work/stderr"; return 1; }
  read -r wall user sys rss < "$work/time"
  local bytes; bytes=$(find "$output" -type f ! -name SHA256SUMS -printf '%s\n' 2>/dev/null | awk '{s += $1} END {print s + 0}')
  printf '%-26s %8.2f s wall %8.2f s cpu %8d KiB peak RSS %12d bytes\n' "$name" "$wall" "$(echo "$user + $sys" | bc)" "$rss" "$bytes"
  echo "$name $wall $rss $bytes" >> "$work/results"
}

rm -f "$work/results"
echo "payload: $(du -sm "$payload" | cut -f1) MB, $(nproc) cores"
IFS=, read -ra wanted <<< "$formats"
for format in "${wanted[@]}"; do
  out="$work/out-$format"; rm -rf "$out"
  target=x86_64-linux
  # The payload sits under /opt, which the lint gate (rightly, as lintian
  # and rpmlint) refuses for deb and rpm: the gate still runs, and reports.
  measure "vitte $format" "$out" "$bin" package -q --lint warn --manifest "$work/buildkit.toml" --format "$format" --target "$target" --out "$out" || continue
  case $format in
    tar.xz) measure "tar | xz -6 -T2" "$work/raw.tar.xz" sh -c "tar -C '$payload' -cf - . | xz -6 -T2 > '$work/raw.tar.xz'" ;;
    tar.gz) measure "tar | pigz -9 -p2" "$work/raw.tar.gz" sh -c "tar -C '$payload' -cf - . | pigz -9 -p2 > '$work/raw.tar.gz'" ;;
    tar.zst) measure "tar | zstd -19 -T2" "$work/raw.tar.zst" sh -c "tar -C '$payload' -cf - . | zstd -q -19 -T2 > '$work/raw.tar.zst'" ;;
    deb)
      rm -rf "$work/debroot"; mkdir -p "$work/debroot/DEBIAN" "$work/debroot/opt"
      cp -a "$payload" "$work/debroot/opt/bench"
      printf 'Package: bench\nVersion: 1.0.0-1\nArchitecture: amd64\nMaintainer: Bench <bench@example.org>\nDescription: Benchmark payload\n' > "$work/debroot/DEBIAN/control"
      measure "dpkg-deb -Zxz" "$work/ref.deb" dpkg-deb --root-owner-group -Zxz --build "$work/debroot" "$work/ref.deb" ;;
    rpm)
      if command -v rpmbuild >/dev/null; then
        mkdir -p "$work/rpmbuild/SPECS"
        cat > "$work/rpmbuild/SPECS/bench.spec" <<SPEC
Name: bench
Version: 1.0.0
Release: 1
Summary: Benchmark payload
License: MIT
%define _binary_payload w19.zstdio
%define __os_install_post %{nil}
%define debug_package %{nil}
%description
Benchmark payload
%install
mkdir -p %{buildroot}/opt && cp -a $payload %{buildroot}/opt/bench
%files
/opt/bench
SPEC
        measure "rpmbuild -bb (zstd 19)" "$work/rpmbuild/RPMS/x86_64/bench-1.0.0-1.x86_64.rpm" rpmbuild --define "_topdir $work/rpmbuild" -bb "$work/rpmbuild/SPECS/bench.spec"
      else
        echo "rpmbuild not installed (apt-get install rpm): no reference for rpm"
      fi ;;
  esac
done

echo
echo "ratios (vitte / reference): wall, peak RSS, size"
python3 - "$work/results" <<'PY'
import sys
rows = [l.split() for l in open(sys.argv[1])]
pairs = {"tar.xz": "tar | xz -6 -T2", "tar.gz": "tar | pigz -9 -p2", "tar.zst": "tar | zstd -19 -T2",
         "deb": "dpkg-deb -Zxz", "rpm": "rpmbuild -bb (zstd 19)"}
def find(name):
    for r in rows:
        if " ".join(r[:-3]) == name:
            return [float(x) for x in r[-3:]]
for fmt, ref in pairs.items():
    v, r = find("vitte " + fmt), find(ref)
    if v and r:
        print(f"{fmt:8} vs {ref:24} wall {v[0]/r[0]:.2f}x  rss {v[1]/r[1]:.2f}x  size {v[2]/r[2]:.3f}x")
PY
