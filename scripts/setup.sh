#!/usr/bin/env bash
# Installs every Debian package dsc's build and tests need. Idempotent: when all
# packages are present it only checks and returns (no apt-get update).
set -euo pipefail

packages=(
  cmake ninja-build ccache g++ python3 diffutils
  llvm-22-dev llvm-22-tools libmlir-22-dev mlir-22-tools lld-22 clang-22
  libclang-rt-22-dev
  libgtest-dev libbenchmark-dev libopenblas-dev
  flatbuffers-compiler libflatbuffers-dev
  libopenmpi-dev openmpi-bin
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" \
    || missing+=("$p")
done

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

echo "setup: installing ${missing[*]}"
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -q
$SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
