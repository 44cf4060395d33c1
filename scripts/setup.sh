#!/usr/bin/env bash
# Installs everything mini-rt needs on a fresh Debian 12 or Ubuntu 24.04 machine (apt-get only)
# and builds it. Idempotent: packages already present are not reinstalled, and the build is
# incremental (ccache keeps rebuilds fast).
#
#   scripts/setup.sh              install dependencies, configure and build into build/
#   scripts/setup.sh --no-build   install dependencies only
#   scripts/setup.sh --asan       also build an AddressSanitizer tree in build-asan/
#
# The CUDA toolkit (nvcc, cuDNN 9, cuBLAS) is not a distribution package here: it is expected
# in /usr/local/cuda. Without it the CPU backend is built and the script says what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

build=1
asan=0
for arg in "$@"; do
  case "$arg" in
    --no-build) build=0 ;;
    --asan) asan=1 ;;
    -h|--help) sed -n '2,12p' "$0"; exit 0 ;;
    *) echo "setup.sh: unknown option '$arg' (see --help)" >&2; exit 2 ;;
  esac
done

say() { printf '\033[1m[setup]\033[0m %s\n' "$*"; }

# Build tools and libraries (all from the distribution). clang and libclang-rt-dev (libFuzzer)
# build the fuzz targets (scripts/fuzz.sh); nodejs/npm fetch the test models and run
# ONNX Runtime for reference outputs; python3-torch/torchvision/onnx export the torchvision and
# YOLOv8-style test models.
packages=(
  build-essential cmake ninja-build ccache pkg-config git clang-format
  libprotobuf-dev protobuf-compiler libonnx-dev libonnx-testdata
  libcli11-dev nlohmann-json3-dev libfmt-dev libxxhash-dev libstb-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  clang libclang-rt-dev
  python3 python3-numpy python3-onnx python3-torch python3-torchvision
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
# Node.js and npm may come from another source (e.g. NodeSource, whose nodejs bundles npm and
# conflicts with Debian's npm package): install the distribution's only when the command is absent.
command -v node >/dev/null 2>&1 || missing+=(nodejs)
command -v npm >/dev/null 2>&1 || missing+=(npm)
if ((${#missing[@]})); then
  say "installing ${#missing[@]} packages: ${missing[*]}"
  sudo_cmd=()
  if [ "$(id -u)" -ne 0 ]; then sudo_cmd=(sudo); fi
  export DEBIAN_FRONTEND=noninteractive
  "${sudo_cmd[@]}" apt-get update -qq
  "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
else
  say "all ${#packages[@]} distribution packages already installed"
fi

# CUDA toolkit: optional for the CPU build, required for the GPU backend.
nvcc_path=$(command -v nvcc || true)
[ -z "$nvcc_path" ] && [ -x /usr/local/cuda/bin/nvcc ] && nvcc_path=/usr/local/cuda/bin/nvcc
if [ -z "$nvcc_path" ]; then
  say "CUDA toolkit NOT found (no nvcc on PATH or in /usr/local/cuda/bin)."
  say "  The CPU backend will be built; the GPU backend needs CUDA 13 with cuDNN 9 and cuBLAS in /usr/local/cuda."
else
  cuda_root=$(dirname "$(dirname "$nvcc_path")")
  cudnn=$(ls "$cuda_root"/lib/libcudnn.so* "$cuda_root"/lib64/libcudnn.so* /usr/lib/x86_64-linux-gnu/libcudnn.so* 2>/dev/null | head -1 || true)
  say "CUDA toolkit: $("$nvcc_path" --version | grep -o 'release [0-9.]*') at $cuda_root"
  [ -z "$cudnn" ] && say "  cuDNN NOT found next to the CUDA toolkit: the GPU backend will not configure"
fi

if ((build)); then
  say "configuring build/ (Release)"
  cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
  say "building ($(nproc) cores)"
  cmake --build build -j"$(nproc)"
  if ((asan)); then
    say "configuring build-asan/ (AddressSanitizer + UBSan)"
    cmake -S . -B build-asan -G Ninja -DCMAKE_BUILD_TYPE=Debug -DMRT_ASAN=ON -DMRT_ENABLE_CUDA=OFF >/dev/null
    cmake --build build-asan -j"$(nproc)"
  fi
  say "done: build/bin/mini-rt"
fi
