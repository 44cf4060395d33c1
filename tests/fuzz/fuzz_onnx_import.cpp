// libFuzzer target: the ONNX importer (ImportOnnxBytes, with shape inference).
// Built by -DMRT_FUZZ=ON (scripts/fuzz.sh); the entry point lives in fuzz_targets.h.
#include <cstdio>
#include <cstdlib>

#include "tests/fuzz/fuzz_targets.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string broken = mrt::fuzz::FuzzOnnxImport(std::string_view(reinterpret_cast<const char*>(data), size));
  if (!broken.empty()) {
    std::fprintf(stderr, "fuzz_onnx_import: %s\n", broken.c_str());
    std::abort();
  }
  return 0;
}
