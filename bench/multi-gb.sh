#!/usr/bin/env bash
# bench/multi-gb.sh [SIZES_GB] [FORMATS] — peak RSS and wall time of
# vitte-buildkit on multi-GB payloads, each output read back by its real
# client, to show memory flat from a few hundred MB to several GB.
#   SIZES_GB  comma-separated payload sizes in GB (default 0.3,5); from
#             4.5 GB on, the payload holds one file over 4 GiB (4.2 GiB)
#   FORMATS   default tar.gz,deb,rpm,pkg
# To keep a run on two cores within minutes, the .deb and .rpm are written
# uncompressed ([deb]/[rpm] compression = "none": the sizes, headers and
# the rpm large-file layout are what is tested here, not the codec) and the
# archive is tar.gz (parallel gzip). The content is incompressible
# (AES-CTR keystream), the worst case for every layout.
# Read back by: tar.gz `bsdtar -tvf`; deb `dpkg-deb -c`; rpm `rpm -K` and
# `rpm2archive`; pkg `bsdtar` on the Payload inside the xar.
# Disk: payload + spool + output ≈ 3 × the size; everything is deleted
# after each size. A benchmark, not a test: it asserts nothing.
set -euo pipefail
sizes=${1:-0.3,5}
formats=${2:-tar.gz,deb,rpm,pkg}
root=$(cd "$(dirname "$0")/.." && pwd)
work=${BENCH_DIR:-/tmp/vitte-multi-gb}
mkdir -p "$work"
bin=${VITTE_BUILDKIT_BIN:-$root/target/release/vitte-buildkit}
[ -n "${VITTE_BUILDKIT_BIN:-}" ] || cargo build --release --quiet --manifest-path "$root/Cargo.toml" --bin vitte-buildkit

keystream() { # keystream BYTES SEED > file
  head -c "$1" /dev/zero | openssl enc -aes-128-ctr -nosalt -K 000102030405060708090a0b0c0d0e0f -iv "$(printf '%032x' "$2")"
}

make_payload() { # make_payload GB DIR
  local bytes; bytes=$(python3 -c "print(int($1 * 1e9))")
  rm -rf "$2"; mkdir -p "$2/big" "$2/small"
  local big=0
  if [ "$bytes" -ge 4500000000 ]; then
    big=$((4200 * 1024 * 1024)); keystream "$big" 1 > "$2/big/over-4-GiB.bin"
  fi
  local left=$((bytes - big)) i=0 chunk=$((256 * 1024 * 1024))
  while [ "$left" -gt 0 ]; do
    i=$((i + 1)); local n=$((left < chunk ? left : chunk))
    keystream "$n" $((i + 1)) > "$2/big/part-$i.bin"; left=$((left - n))
  done
  for j in $(seq 1 200); do head -c $((j * 97)) /usr/share/common-licenses/GPL-3 > "$2/small/f$j.txt"; done
  find "$2" -exec touch -h -d '2024-01-01 00:00:00 UTC' {} +
}

target_of() { case $1 in pkg) echo aarch64-apple-darwin ;; *) echo x86_64-linux ;; esac; }

read_back() { # read_back FORMAT FILE
  case $1 in
    tar.gz) bsdtar -tvf "$2" | sort -k5 -n | tail -n 1 ;;
    deb) dpkg-deb -c "$2" | sort -k3 -n | tail -n 1 ;;
    rpm) rpm -K --nosignature "$2" && rpm2archive - < "$2" | bsdtar -tvf - | sort -k5 -n | tail -n 1 ;;
    pkg)
      rm -rf "$work/xar"; mkdir "$work/xar"; bsdtar -xf "$2" -C "$work/xar"
      bsdtar -tvf "$(find "$work/xar" -name Payload | head -n 1)" | sort -k5 -n | tail -n 1 ;;
  esac
}

printf '%-6s %-8s %9s %9s %11s %14s\n' GB format "wall s" "cpu s" "RSS KiB" bytes
IFS=, read -ra wanted_sizes <<< "$sizes"
IFS=, read -ra wanted_formats <<< "$formats"
for gb in "${wanted_sizes[@]}"; do
  payload="$work/payload"
  make_payload "$gb" "$payload"
  cat > "$work/buildkit.toml" <<TOML
[package]
name = "multigb"
version = "1.0.0"
summary = "Multi-GB benchmark payload"
license = "MIT"
maintainer = "Bench <bench@example.org>"
[[files]]
src = "payload"
dst = "/opt/multigb/"
[deb]
compression = "none"
[rpm]
compression = "none"
TOML
  for format in "${wanted_formats[@]}"; do
    out="$work/out"; rm -rf "$out"
    if /usr/bin/time -f '%e %U %S %M' -o "$work/time" "$bin" package -q \
        --manifest "$work/buildkit.toml" --format "$format" --target "$(target_of "$format")" \
        --out "$out" >/dev/null 2>"$work/stderr"; then
      read -r wall user sys rss < "$work/time"
      file=$(find "$out" -type f ! -name SHA256SUMS | head -n 1)
      printf '%-6s %-8s %9.2f %9.2f %11d %14d\n' "$gb" "$format" "$wall" "$(echo "$user + $sys" | bc)" "$rss" "$(stat -c %s "$file")"
      read_back "$format" "$file" 2>&1 | sed 's/^/         read back: /' || echo "         read back FAILED"
    else
      printf '%-6s %-8s refused or failed: %s\n' "$gb" "$format" "$(grep -v '^$' "$work/stderr" | tr '\n' ' ' | cut -c1-300)"
    fi
    rm -rf "$out" "$work/xar"
  done
  rm -rf "$payload"
done
