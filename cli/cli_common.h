// Helpers shared by the mini-rt subcommands: the one-line error convention, model-file checks,
// option parsing shared by several commands, and small formatting helpers.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "ir/graph.h"
#include "runtime/input_data.h"

namespace mrt::cli {

// Prints "mini-rt <command>: error: <message>" as ONE line on stderr (newlines in the message
// become "; ", control bytes \xNN, and a message over 300 characters loses its middle: see
// OneLineMessage in ir/printable.h) and returns the exit code 1.
int Fail(std::string_view command, std::string_view message);
inline int Fail(std::string_view command, const Status& s) { return Fail(command, s.message()); }

// The plan-file magic (runtime/plan/README.md): \x89 M R T \r \n \x1a \n.
inline constexpr std::string_view kPlanMagic = "\x89MRT\r\n\x1a\n";

// Checks that `path` names a readable regular file and is an ONNX model, not a plan: a file not
// ending in .onnx that starts with the plan magic is refused (compile takes models; run and
// inspect recognise plans before calling this).
Status CheckModelFile(const std::string& path);

// Parses every --shapes occurrence (each may hold several comma-separated entries).
Expected<ShapeMap> ParseShapeOptions(const std::vector<std::string>& specs);

// Every name in `shapes` must be a graph input; the error lists the model's inputs.
Status CheckShapesAreInputs(const Graph& graph, const ShapeMap& shapes);

// "x, y, mask" — the graph inputs, for error messages.
std::string InputNames(const Graph& graph);

// "1 node", "3 nodes".
std::string Plural(int64_t n, std::string_view word);

// "1.50 MiB", "312 B".
std::string HumanBytes(uint64_t bytes);

// A steady_clock reading in nanoseconds, and the milliseconds elapsed since one.
int64_t NowNs();
double MsSince(int64_t start_ns);

}  // namespace mrt::cli
