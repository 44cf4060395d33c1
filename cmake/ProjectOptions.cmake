# Warnings and sanitizers applied to every mini-rt target through mrt_target_defaults().
add_library(mrt_options INTERFACE)
target_compile_options(mrt_options INTERFACE
  $<$<COMPILE_LANGUAGE:CXX>:-Wall -Wextra -Wno-unused-parameter -Wno-missing-field-initializers>)
target_compile_definitions(mrt_options INTERFACE FMT_HEADER_ONLY=1 XXH_INLINE_ALL=1)
target_include_directories(mrt_options INTERFACE ${PROJECT_SOURCE_DIR} ${MRT_CLI11_INCLUDE_DIR} ${MRT_XXHASH_INCLUDE_DIR})
target_link_libraries(mrt_options INTERFACE fmt::fmt-header-only nlohmann_json::nlohmann_json Threads::Threads)
find_package(Threads REQUIRED)

if(MRT_FUZZ)
  if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
    message(FATAL_ERROR "MRT_FUZZ=ON needs clang (libFuzzer): configure with -DCMAKE_CXX_COMPILER=clang++ (scripts/fuzz.sh does)")
  endif()
  set(MRT_ASAN ON)
  # Coverage instrumentation for libFuzzer on every library; the fuzz binaries add the driver.
  target_compile_options(mrt_options INTERFACE $<$<COMPILE_LANGUAGE:CXX>:-fsanitize=fuzzer-no-link>)
endif()
if(MRT_ASAN)
  target_compile_options(mrt_options INTERFACE
    $<$<COMPILE_LANGUAGE:CXX>:-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined>)
  target_link_options(mrt_options INTERFACE -fsanitize=address,undefined)
endif()

# Binaries find the shared libraries we ship beside them (Google Benchmark, cuDNN when copied).
set(CMAKE_BUILD_RPATH_USE_ORIGIN ON)
set(CMAKE_INSTALL_RPATH "$ORIGIN")

# mrt_library(NAME DIR [DEPS ...]): one static library per folder, sources globbed so adding a
# file needs no CMake edit.
# Host files that need CUDA headers end in _cuda.cpp, _cudnn.cpp or _cublas.cpp; they build into
# the CUDA libraries (mrt_cuda_library) with the .cu files, never into the CPU-only ones.
set(MRT_GPU_HOST_FILE_REGEX "_(cuda|cudnn|cublas)\\.cpp$")

function(mrt_library name)
  cmake_parse_arguments(ARG "" "" "DIRS;DEPS" ${ARGN})
  set(srcs)
  foreach(d ${ARG_DIRS})
    file(GLOB s CONFIGURE_DEPENDS ${d}/*.cpp)
    list(FILTER s EXCLUDE REGEX ${MRT_GPU_HOST_FILE_REGEX})
    list(APPEND srcs ${s})
  endforeach()
  add_library(${name} STATIC ${srcs})
  target_link_libraries(${name} PUBLIC mrt_options ${ARG_DEPS})
endfunction()

# mrt_cuda_library(NAME DIRS ... [DEPS ...]): the CUDA side of a folder: its .cu files and its
# *_cuda.cpp / *_cudnn.cpp / *_cublas.cpp host files. A folder with none yields an interface
# library, so dependents need not know which families have GPU code yet.
function(mrt_cuda_library name)
  cmake_parse_arguments(ARG "" "" "DIRS;DEPS" ${ARGN})
  set(srcs)
  foreach(d ${ARG_DIRS})
    file(GLOB cu CONFIGURE_DEPENDS ${d}/*.cu)
    file(GLOB host CONFIGURE_DEPENDS ${d}/*.cpp)
    list(FILTER host INCLUDE REGEX ${MRT_GPU_HOST_FILE_REGEX})
    list(APPEND srcs ${cu} ${host})
  endforeach()
  if(srcs)
    add_library(${name} STATIC ${srcs})
    target_link_libraries(${name} PUBLIC mrt_options ${ARG_DEPS})
    set_target_properties(${name} PROPERTIES CUDA_SEPARABLE_COMPILATION OFF POSITION_INDEPENDENT_CODE OFF)
    target_compile_options(${name} PRIVATE $<$<COMPILE_LANGUAGE:CUDA>:--expt-relaxed-constexpr -lineinfo -Xptxas=-warn-spills>)
  else()
    add_library(${name} INTERFACE)
    target_link_libraries(${name} INTERFACE mrt_options ${ARG_DEPS})
  endif()
endfunction()
