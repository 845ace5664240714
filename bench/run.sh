#!/usr/bin/env bash
# bench/run.sh [SIZE_MB] [FORMATS] — wall time, CPU time (user + sys), peak
# RSS and size of vitte-buildkit against its raw pipeline (the same
# compressor on a plain tar of the payload) and its peer, on one payload:
#   format   raw pipeline            peer
#   tar.xz   tar | xz -6 -T2         —
#   tar.gz   tar | pigz -9 -p2       —
#   tar.zst  tar | zstd -19 -T2      —
#   deb      tar | xz -6 -T2         dpkg-deb -Zxz -z6 (md5sums made beforehand,
#                                    as dh_md5sums would, outside the timing)
#   rpm      tar | zstd -19 -T2      rpmbuild -bb, zstd 19 (when installed)
#   pkg      cpio odc | pigz -9 -p2  —
# ROUNDS=N (default 1) repeats every command and keeps each one's fastest
# round. The last lines are a Markdown table for docs/performance.md.
# The payload comes from ../shared/bench/make-payload.sh (deterministic).
# A benchmark, not a test: it reports numbers and ratios, it asserts nothing.
# On a shared machine wall times swing with the load; CPU time much less.
set -euo pipefail
# Every run packages for real: no artifact cache (bench/cache.sh measures that).
export VITTE_BUILDKIT_CACHE_DIR=off
size=${1:-300}
formats=${2:-tar.xz,tar.gz,tar.zst,deb,rpm,pkg}
rounds=${ROUNDS:-1}
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
# copyright and changelog.Debian.gz are given so that the .deb and
# dpkg-deb's reference hold the same files.
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

# measure NAME OUTPUT COMMAND… : runs the command under /usr/bin/time,
# ROUNDS times, and records its fastest round (by CPU time).
measure() {
  local name=$1 output=$2; shift 2
  local best= round
  for round in $(seq 1 "$rounds"); do
    rm -rf "$output"
    /usr/bin/time -f '%e %U %S %M' -o "$work/time" "$@" >/dev/null 2>"$work/stderr" || { cat "$work/stderr"; return 1; }
    read -r wall user sys rss < "$work/time"
    local cpu; cpu=$(echo "$user + $sys" | bc)
    if [ -z "$best" ] || [ "$(echo "$cpu < $best_cpu" | bc)" = 1 ]; then
      best="$wall $cpu $rss"; best_cpu=$cpu
    fi
  done
  read -r wall cpu rss <<< "$best"
  local bytes; bytes=$(find "$output" -type f ! -name SHA256SUMS -printf '%s\n' 2>/dev/null | awk '{s += $1} END {print s + 0}')
  printf '%-26s %8.2f s wall %8.2f s cpu %8d KiB peak RSS %12d bytes\n' "$name" "$wall" "$cpu" "$rss" "$bytes"
  printf '%s\t%s\t%s\t%s\t%s\n' "$name" "$wall" "$cpu" "$rss" "$bytes" >> "$work/results"
}

# raw NAME TOOL… : the payload as a plain tar through TOOL.
raw() {
  local name=$1; shift
  measure "$name" "$work/raw.out" sh -c "tar -C '$payload' -cf - . | $* > '$work/raw.out'"
}

rm -f "$work/results"
echo "payload: $(du -sm "$payload" | cut -f1) MB, $(nproc) cores"
IFS=, read -ra wanted <<< "$formats"
for format in "${wanted[@]}"; do
  out="$work/out-$format"; rm -rf "$out"
  target=x86_64-linux
  [ "$format" != pkg ] || target=aarch64-apple-darwin
  # The payload sits under /opt, which the lint gate (rightly, as lintian
  # and rpmlint) refuses for deb and rpm: the gate still runs, and reports.
  measure "vitte $format" "$out" "$bin" package -q --lint warn --manifest "$work/buildkit.toml" --format "$format" --target "$target" --out "$out" || continue
  case $format in
    tar.xz) raw "tar | xz -6 -T2" xz -6 -T2 ;;
    tar.gz) raw "tar | pigz -9 -p2" pigz -9 -p2 ;;
    tar.zst) raw "tar | zstd -19 -T2" zstd -q -19 -T2 ;;
    pkg) measure "cpio odc | pigz -9 -p2" "$work/raw.out" sh -c "cd '$payload' && find . | LC_ALL=C sort | cpio -o -H odc --quiet | pigz -9 -p2 > '$work/raw.out'" ;;
    deb)
      raw "tar | xz -6 -T2" xz -6 -T2
      rm -rf "$work/debroot"; mkdir -p "$work/debroot/DEBIAN" "$work/debroot/opt" "$work/debroot/usr/share/doc/bench"
      cp -a "$payload" "$work/debroot/opt/bench"
      cp "$work/copyright" "$work/changelog.Debian.gz" "$work/debroot/usr/share/doc/bench/"
      printf 'Package: bench\nVersion: 1.0.0-1\nArchitecture: all\nMaintainer: Bench <bench@example.org>\nDescription: Benchmark payload\n' > "$work/debroot/DEBIAN/control"
      (cd "$work/debroot" && find opt usr -type f -print0 | LC_ALL=C sort -z | xargs -0 md5sum > DEBIAN/md5sums)
      measure "dpkg-deb -Zxz -z6" "$work/ref.deb" dpkg-deb --root-owner-group -Zxz -z6 --build "$work/debroot" "$work/ref.deb" ;;
    rpm)
      raw "tar | zstd -19 -T2" zstd -q -19 -T2
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
        measure "rpmbuild -bb (zstd 19)" "$work/rpmbuild/RPMS" rpmbuild --define "_topdir $work/rpmbuild" -bb "$work/rpmbuild/SPECS/bench.spec"
      else
        echo "rpmbuild not installed (apt-get install rpm): no peer for rpm"
      fi ;;
  esac
done

echo
echo "ratios, vitte / raw pipeline and vitte / peer (wall, CPU, peak RSS, size), as Markdown:"
python3 - "$work/results" "$formats" "$(du -sm "$payload" | cut -f1)" "$(find "$payload" -type f | wc -l)" <<'PY'
import sys
rows = {}
order = []
for line in open(sys.argv[1]):
    name, *vals = line.rstrip("\n").split("\t")
    rows.setdefault(name, [float(v) for v in vals])
    order.append(name)
raw = {"tar.xz": "tar | xz -6 -T2", "tar.gz": "tar | pigz -9 -p2", "tar.zst": "tar | zstd -19 -T2",
       "deb": "tar | xz -6 -T2", "rpm": "tar | zstd -19 -T2", "pkg": "cpio odc | pigz -9 -p2"}
peer = {"deb": "dpkg-deb -Zxz -z6", "rpm": "rpmbuild -bb (zstd 19)"}
def cell(name):
    w, c, r, b = rows[name]
    return f"{w:.1f} s, {c:.1f} s CPU, {r / 1024:.0f} MiB, {b / 1e6:.2f} MB"
def ratio(v, ref):
    w, c, r, b = v
    rw, rc, rr, rb = ref
    return f"wall {w / rw:.2f}×, CPU {c / rc:.3f}×, RSS {r / rr:.2f}×, size {b / rb:.4f}×"
print(f"payload: {sys.argv[3]} MB, {sys.argv[4]} files\n")
print("| format | vitte-buildkit | raw pipeline | vitte / raw | peer | vitte / peer |")
print("|---|---|---|---|---|---|")
for fmt in sys.argv[2].split(","):
    mine = rows.get("vitte " + fmt)
    if not mine:
        continue
    r = raw.get(fmt)
    p = peer.get(fmt)
    cols = [fmt, cell("vitte " + fmt)]
    # a `|` inside a cell would end it, even in backticks
    cols += [f"`{r}` {cell(r)}".replace("|", "\\|"), ratio(mine, rows[r])] if r in rows else ["—", "—"]
    cols += [f"{p}: {cell(p)}", ratio(mine, rows[p])] if p in rows else ["—", "—"]
    print("| " + " | ".join(cols) + " |")
PY
