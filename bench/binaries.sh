#!/usr/bin/env bash
# bench/binaries.sh [N] [UNSTRIPPED] — the extra cost of computed dependencies
# and stripping for `--format deb,rpm` on a payload of N of this machine's ELF
# programs and libraries under 2 MB (as installed: already stripped, each with real
# shared-library dependencies) plus UNSTRIPPED Rust shared objects with full
# debug information from target/debug/deps. Three runs of the same payload:
#   plain   strip = false, auto-depends = false, auto-requires = false
#   deps    dependencies computed, nothing stripped
#   all     the defaults: dependencies, stripping, -dbgsym and -debuginfo
# Prints wall and CPU (user + sys) seconds and peak RSS of each; CPU time is
# the number to compare on a loaded machine. Asserts nothing.
set -euo pipefail
n=${1:-1200}
unstripped=${2:-40}
root=$(cd "$(dirname "$0")/.." && pwd)
work=${BENCH_DIR:-/tmp/vitte-bench-binaries}
payload="$work/payload-$n-$unstripped"
bin=${VITTE_BUILDKIT_BIN:-$root/target/release/vitte-buildkit}
[ -n "${VITTE_BUILDKIT_BIN:-}" ] || cargo build --release --quiet --manifest-path "$root/Cargo.toml" --bin vitte-buildkit
mkdir -p "$work"

if [ ! -d "$payload" ]; then
  mkdir -p "$payload/bin" "$payload/lib" "$payload/debug"
  count=0
  while IFS= read -r f; do
    [ "$count" -ge "$n" ] && break
    [ "$(head -c 4 "$f" | od -An -c | tr -d ' ')" = '177ELF' ] || continue
    case "$f" in */bin/*) sub=bin ;; *) sub=lib ;; esac
    count=$((count + 1))
    cp "$f" "$payload/$sub/$(printf '%05d' "$count")-$(basename "$f")"
  done < <(find /usr/bin /usr/lib/x86_64-linux-gnu -maxdepth 1 -type f -size -2M \( -perm -u+x -o -name '*.so*' \) 2>/dev/null | LC_ALL=C sort)
  find "$root/target/debug/deps" -maxdepth 1 -type f -name '*.so' | LC_ALL=C sort | head -n "$unstripped" |
    while IFS= read -r f; do cp "$f" "$payload/debug/"; done
fi

manifest() { # manifest STRIP AUTO
  cat > "$work/buildkit.toml" <<TOML
[package]
name = "bench"
version = "1.0.0"
summary = "Benchmark payload"
license = "MIT"
maintainer = "Bench <bench@example.org>"
strip = $1
# gzip on every core: the compressor is not what is measured here.
[deb]
auto-depends = $2
compression = "gzip"
[rpm]
auto-requires = $2
compression = "gzip"
[[files]]
src = "$(basename "$payload")"
dst = "/opt/bench/"
TOML
}

# Programs linking a private library that no package describes (systemd's,
# man-db's, binutils' cross libraries) are refused, by dpkg-shlibdeps too:
# leave them out of the payload.
manifest false true
for _ in 1 2 3 4 5; do
  rm -rf "$work/dist"
  "$bin" package -q --format deb --manifest "$work/buildkit.toml" --out "$work/dist" 2>"$work/stderr" && break
  sed -n 's#^  opt/bench/\([^:]*\): .*#\1#p' "$work/stderr" | sort -u | while IFS= read -r f; do rm -f "$payload/$f"; done
done

echo "payload: $(du -sm "$payload" | cut -f1) MB, $(find "$payload" -type f | wc -l) ELF files ($unstripped with debug information), $(nproc) cores"
for run in "plain false false" "deps false true" "all true true"; do
  set -- $run
  manifest "$2" "$3"
  rm -rf "$work/dist"
  /usr/bin/time -f '%e %U %S %M' -o "$work/time" "$bin" package -q --format deb,rpm \
    --manifest "$work/buildkit.toml" --out "$work/dist" 2>"$work/stderr" || { cat "$work/stderr"; exit 1; }
  read -r wall user sys rss < "$work/time"
  printf '%-6s %8.2f s wall %8.2f s cpu %8d KiB peak RSS  %s\n' "$1" "$wall" "$(echo "$user + $sys" | bc)" "$rss" \
    "$(cd "$work/dist" && ls *.deb *.rpm | tr '\n' ' ')"
done
