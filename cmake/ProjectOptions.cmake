# Warnings and sanitizers applied to every mini-rt target through mrt_target_defaults().
add_library(mrt_options INTERFACE)
target_compile_options(mrt_options INTERFACE
  $<$<COMPILE_LANGUAGE:CXX>:-Wall -Wextra -Wno-unused-parameter -Wno-missing-field-initializers>)
target_compile_definitions(mrt_options INTERFACE FMT_HEADER_ONLY=1 XXH_INLINE_ALL=1)
target_include_directories(mrt_options INTERFACE ${PROJECT_SOURCE_DIR} ${MRT_CLI11_INCLUDE_DIR} ${MRT_XXHASH_INCLUDE_DIR})
target_link_libraries(mrt_options INTERFACE fmt::fmt-header-only nlohmann_json::nlohmann_json Threads::Threads)
find_package(Threads REQUIRED)

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
function(mrt_library name)
  cmake_parse_arguments(ARG "" "" "DIRS;DEPS" ${ARGN})
  set(srcs)
  foreach(d ${ARG_DIRS})
    file(GLOB s CONFIGURE_DEPENDS ${d}/*.cpp)
    list(APPEND srcs ${s})
  endforeach()
  add_library(${name} STATIC ${srcs})
  target_link_libraries(${name} PUBLIC mrt_options ${ARG_DEPS})
endfunction()
