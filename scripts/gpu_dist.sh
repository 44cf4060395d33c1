#!/usr/bin/env bash
# Builds what the GPU machine runs (mini-rt and the all-in-one GPU test binary mrt_gpu_tests)
# on this machine and copies them, stripped of debug info, into build/gpu-dist/: the folder the
# device call carries (the GPU machine has none of this machine's build dependencies; the
# binaries link protobuf, gtest and cudart statically and find cuDNN/cuBLAS at run time).
# Usage: scripts/gpu_dist.sh [build-dir]     then: device run with carry ["build/gpu-dist", ...]
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
[ -f "$build/build.ninja" ] || cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$build" --target mini-rt mrt_gpu_tests -j"$(nproc)"
# The two binaries are ~60 MB each (sm_90 code for every tile configuration): carried as one
# xz archive (~33 MB) that gpu_check.sh unpacks into build/gpu-bin/.
stage=$(mktemp -d)
cp "$build/bin/mini-rt" "$build/tests/gpu/mrt_gpu_tests" "$stage/"
strip --strip-debug "$stage"/*
dist=build/gpu-dist
rm -rf "$dist"
mkdir -p "$dist"
tar -cJf "$dist/bin.tar.xz" -C "$stage" .
rm -rf "$stage"
du -sh "$dist"/*
