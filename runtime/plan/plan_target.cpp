// Targets: what a plan was built for, what this machine offers, and whether the two fit.
// A CPU reference plan runs on any host (the format is little-endian and the kernels are plain
// C++), so the host architecture is recorded but not compared; the kernel set and its version
// are. A CUDA plan will need the same SM architecture and library versions.
#include "runtime/plan/plan_format.h"

#include <cstring>
#include <fstream>

#include "ir/printable.h"

namespace mrt::plan {

std::string_view SectionKindName(SectionKind kind) {
  switch (kind) {
    case SectionKind::kGraph:
      return "graph";
    case SectionKind::kWeights:
      return "weights";
    case SectionKind::kMemoryPlan:
      return "memory plan";
    case SectionKind::kTactics:
      return "tactics";
  }
  return "unknown";
}

namespace {
std::string_view HostArch() {
#if defined(__x86_64__)
  return "x86_64";
#elif defined(__aarch64__)
  return "aarch64";
#else
  return "unknown";
#endif
}
}  // namespace

Expected<PlanTarget> CurrentTarget(std::string_view device) {
  if (device == "cpu") {
    PlanTarget t;
    t.host_arch = HostArch();
    return t;
  }
  if (device == "cuda")
    return Status::Error(
        "--device cuda: the CUDA backend is not available in this build (no GPU support); use --device cpu");
  return Status::Errorf("--device {}: unknown device (devices: cpu, cuda)", device);
}

// Every string here may come from a plan file: quoted through Printable (ir/printable.h).
std::string DescribeTarget(const PlanTarget& t) {
  if (t.device == "cpu")
    return fmt::format("cpu ({} kernels v{}{})", Printable(t.backend), t.backend_version,
                       t.host_arch.empty() ? "" : ", built on " + Printable(t.host_arch));
  std::vector<std::string> libs;
  if (!t.device_name.empty()) libs.push_back(Printable(t.device_name));
  if (!t.cuda_version.empty()) libs.push_back("CUDA " + Printable(t.cuda_version));
  if (!t.cudnn_version.empty()) libs.push_back("cuDNN " + Printable(t.cudnn_version));
  if (!t.cublas_version.empty()) libs.push_back("cuBLAS " + Printable(t.cublas_version));
  std::string s = fmt::format("{} sm_{}", Printable(t.device), t.sm_arch);
  if (!libs.empty()) s += fmt::format(" ({})", fmt::join(libs, ", "));
  return s;
}

Status CheckTarget(const PlanTarget& built, const PlanTarget& here) {
  PlanTarget built_cmp = built, here_cmp = here;
  built_cmp.host_arch = here_cmp.host_arch = "";      // informational only
  built_cmp.device_name = here_cmp.device_name = "";  // same architecture and libraries run the same kernels
  if (built_cmp == here_cmp) return Status::Ok();
  std::string fix = "rerun 'mini-rt compile'";
  if (built.device != here.device) fix += " with --device " + Printable(here.device);
  return Status::Error(OneLineMessage(
      fmt::format("plan built for {}; this machine has {}: {}", DescribeTarget(built), DescribeTarget(here), fix)));
}

std::vector<IoEntry> IoTableOf(const Graph& graph) {
  std::vector<IoEntry> io;
  for (ValueId v : graph.inputs) io.push_back({graph.value(v).name, false, graph.value(v).dtype, graph.value(v).shape});
  for (ValueId v : graph.outputs) io.push_back({graph.value(v).name, true, graph.value(v).dtype, graph.value(v).shape});
  return io;
}

bool HasPlanMagic(std::span<const uint8_t> bytes) {
  return bytes.size() >= kMagic.size() && std::memcmp(bytes.data(), kMagic.data(), kMagic.size()) == 0;
}

bool IsPlanPath(const std::string& path) {
  auto ends_with = [&path](std::string_view suffix) {
    return path.size() >= suffix.size() && path.compare(path.size() - suffix.size(), suffix.size(), suffix) == 0;
  };
  if (ends_with(".plan")) return true;
  if (ends_with(".onnx")) return false;
  std::ifstream in(path, std::ios::binary);
  std::string head(kMagic.size(), '\0');
  in.read(head.data(), static_cast<std::streamsize>(head.size()));
  return in.gcount() == static_cast<std::streamsize>(head.size()) && head == kMagic;
}

}  // namespace mrt::plan
