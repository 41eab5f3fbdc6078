#!/usr/bin/env bash
# Cross-compiles the GEMM kernels for arm64 and checks them against a float64 reference under qemu
# (the NEON and portable micro-kernels, 1 and 2 threads): the arm64 build cannot run on the x86-64
# development machines otherwise. Needs Debian's g++-aarch64-linux-gnu and qemu-user:
#   apt-get install -y g++-aarch64-linux-gnu qemu-user
# Run from anywhere: bash packages/backend-native/scripts/check-arm64.sh
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
for tool in aarch64-linux-gnu-g++ qemu-aarch64; do
  command -v "$tool" >/dev/null || { echo "check-arm64: $tool is missing (apt-get install -y g++-aarch64-linux-gnu qemu-user)" >&2; exit 2; }
done
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
# The flags binding.gyp uses (no -march: the kernels are chosen at run time).
aarch64-linux-gnu-g++ -O3 -std=c++17 -fno-math-errno -Wall -Wno-unused-function -pthread -static \
  "$here/native/gemm.cc" "$here/native/pool.cc" "$here/native/check/gemm-check.cc" -o "$out/gemm-check"
aarch64-linux-gnu-g++ -O3 -std=c++17 -fno-math-errno -Wall -Wno-unused-function -c "$here/native/kernels.cc" -o "$out/kernels.o"
qemu-aarch64 "$out/gemm-check"
