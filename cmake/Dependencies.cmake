# Finds every external dependency. All come from the distribution's packages (scripts/setup.sh
# installs them); nothing is downloaded or vendored. Where Debian ships a static library we link
# it statically so the binaries run on a GPU machine that has none of these packages.

# --- CUDA (optional: the CPU build of ir/, passes/, calib/ and the reference kernels needs none) ---
include(CheckLanguage)
set(MRT_HAVE_CUDA OFF)
if(NOT MRT_ENABLE_CUDA STREQUAL "OFF")
  if(NOT DEFINED CMAKE_CUDA_ARCHITECTURES)
    # sm_90 machine code plus compute_90 PTX, so newer GPUs can still JIT the kernels.
    set(CMAKE_CUDA_ARCHITECTURES 90)
  endif()
  if(NOT CMAKE_CUDA_COMPILER AND EXISTS /usr/local/cuda/bin/nvcc)
    set(CMAKE_CUDA_COMPILER /usr/local/cuda/bin/nvcc)
  endif()
  check_language(CUDA)
  if(CMAKE_CUDA_COMPILER)
    enable_language(CUDA)
    # CMake 3.25 predates nvcc 13 and does not know its C++20 switch: teach it, so CUDA targets
    # (which inherit CXX_STANDARD 20) get -std=c++20.
    set(CMAKE_CUDA20_STANDARD_COMPILE_OPTION "-std=c++20")
    set(CMAKE_CUDA20_EXTENSION_COMPILE_OPTION "-std=c++20")
    set(CMAKE_CUDA20_COMPILE_FEATURES cuda_std_20)
    list(APPEND CMAKE_CUDA_COMPILE_FEATURES cuda_std_20)
    set(CMAKE_CUDA_STANDARD 20)
    set(CMAKE_CUDA_STANDARD_REQUIRED ON)
    find_package(CUDAToolkit REQUIRED)
    # This toolkit keeps its libraries in lib/, not lib64/.
    find_library(MRT_CUDNN_LIBRARY cudnn HINTS ${CUDAToolkit_LIBRARY_DIR} ${CUDAToolkit_LIBRARY_ROOT}/lib /usr/local/cuda/lib)
    find_path(MRT_CUDNN_INCLUDE_DIR cudnn.h HINTS ${CUDAToolkit_INCLUDE_DIRS} /usr/local/cuda/include)
    if(NOT MRT_CUDNN_LIBRARY OR NOT MRT_CUDNN_INCLUDE_DIR)
      message(FATAL_ERROR "cuDNN 9 was not found next to the CUDA toolkit (looked for libcudnn and cudnn.h)")
    endif()
    set(MRT_HAVE_CUDA ON)
    message(STATUS "mini-rt: CUDA ${CUDAToolkit_VERSION}, archs ${CMAKE_CUDA_ARCHITECTURES}, cuDNN ${MRT_CUDNN_LIBRARY}")
  elseif(MRT_ENABLE_CUDA STREQUAL "ON")
    message(FATAL_ERROR "MRT_ENABLE_CUDA=ON but no CUDA compiler (nvcc) was found; install the CUDA toolkit or pass -DMRT_ENABLE_CUDA=OFF")
  else()
    message(STATUS "mini-rt: no CUDA compiler found; building the CPU backend only")
  endif()
endif()

# --- protobuf + the ONNX proto from libonnx-dev, compiled here into a static library ---
set(Protobuf_USE_STATIC_LIBS ON)
find_package(Protobuf REQUIRED)
set(MRT_ONNX_PROTO /usr/include/onnx/onnx.proto CACHE FILEPATH "onnx.proto from libonnx-dev")
if(NOT EXISTS ${MRT_ONNX_PROTO})
  message(FATAL_ERROR "onnx.proto not found at ${MRT_ONNX_PROTO}: install libonnx-dev (scripts/setup.sh does)")
endif()

# --- header-only libraries ---
find_package(fmt REQUIRED)
find_package(nlohmann_json REQUIRED)
find_package(CLI11 CONFIG QUIET)
find_path(MRT_CLI11_INCLUDE_DIR CLI/CLI.hpp REQUIRED)
find_path(MRT_XXHASH_INCLUDE_DIR xxhash.h REQUIRED)
find_path(MRT_STB_INCLUDE_DIR stb/stb_image.h REQUIRED)

if(MRT_BUILD_TESTS)
  find_package(GTest REQUIRED)
endif()
if(MRT_BUILD_BENCH)
  find_package(benchmark REQUIRED)
endif()
