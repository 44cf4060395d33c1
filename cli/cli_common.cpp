#include "cli/cli_common.h"

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>

#include "ir/printable.h"

namespace mrt::cli {

int Fail(std::string_view command, std::string_view message) {
  // The last line of defence for messages (ir/printable.h): loaders already quote input-file text
  // through Printable(); here no control byte reaches the terminal and the line stays bounded.
  const std::string prefix = fmt::format("mini-rt {}: error: ", command);
  const size_t budget = kMaxMessageChars > prefix.size() + 40 ? kMaxMessageChars - prefix.size() : 40;
  const std::string line = OneLineMessage(message, budget);
  std::fprintf(stderr, "%s%s\n", prefix.c_str(), line.c_str());
  return 1;
}

Status CheckModelFile(const std::string& path) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (!fs::exists(path, ec)) return Status::Errorf("{}: no such file", path);
  if (!fs::is_regular_file(path, ec)) return Status::Errorf("{}: not a regular file", path);
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::Errorf("{}: cannot open the file for reading", path);
  std::string head(kPlanMagic.size(), '\0');
  in.read(head.data(), static_cast<std::streamsize>(head.size()));
  head.resize(static_cast<size_t>(in.gcount()));
  const bool onnx_name = path.size() >= 5 && path.compare(path.size() - 5, 5, ".onnx") == 0;
  if (!onnx_name && head == kPlanMagic)
    return Status::Errorf("{}: is a mini-rt plan, not an ONNX model (give the .onnx model)", path);
  return Status::Ok();
}

Expected<ShapeMap> ParseShapeOptions(const std::vector<std::string>& specs) {
  ShapeMap shapes;
  for (const std::string& spec : specs) {
    MRT_ASSIGN_OR_RETURN(ShapeMap more, ParseShapes(spec));
    MRT_RETURN_IF_ERROR(MergeShapes(shapes, more));
  }
  return shapes;
}

std::string InputNames(const Graph& graph) {
  std::vector<std::string> names;
  for (ValueId v : graph.inputs) names.push_back(graph.value(v).name);
  return names.empty() ? "none" : fmt::format("{}", fmt::join(names, ", "));
}

Status CheckShapesAreInputs(const Graph& graph, const ShapeMap& shapes) {
  for (const auto& [name, sizes] : shapes) {
    auto id = graph.FindValue(name);
    if (!id || !graph.value(*id).is_graph_input)
      return Status::Errorf("--shapes names '{}', which is not an input of the model (inputs: {})", name,
                            InputNames(graph));
  }
  return Status::Ok();
}

std::string Plural(int64_t n, std::string_view word) { return fmt::format("{} {}{}", n, word, n == 1 ? "" : "s"); }

std::string HumanBytes(uint64_t bytes) {
  if (bytes < 1024) return fmt::format("{} B", bytes);
  const char* units[] = {"KiB", "MiB", "GiB", "TiB"};
  double v = static_cast<double>(bytes) / 1024;
  int u = 0;
  while (v >= 1024 && u < 3) v /= 1024, ++u;
  return fmt::format("{:.2f} {}", v, units[u]);
}

int64_t NowNs() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

double MsSince(int64_t start_ns) { return static_cast<double>(NowNs() - start_ns) / 1e6; }

}  // namespace mrt::cli
