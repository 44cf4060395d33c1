#include "cli/commands.h"

namespace mrt::cli {

Command MakeRunCommand() {
  auto* sub = new CLI::App*(nullptr);
  return Command{[sub](CLI::App& app) { *sub = app.add_subcommand("run", "Run a model or plan"); },
                 [sub] { return (*sub)->parsed(); }, [] { return 1; }};
}

}  // namespace mrt::cli
