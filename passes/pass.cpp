#include "passes/pass.h"

#include <ostream>

namespace mrt {

void PassContext::Record(std::string pass, std::string kind, std::vector<std::string> nodes, std::string result) {
  if (verbose)
    Logf(fmt::format("{}: {} -> {} ({})", pass, fmt::join(nodes, " + "), result, kind));
  rewrites.push_back(RewriteRecord{std::move(pass), std::move(kind), std::move(nodes), std::move(result)});
}

void PassContext::Logf(const std::string& line) const {
  if (verbose && log != nullptr) *log << "[mini-rt] " << line << '\n';
}

}  // namespace mrt
