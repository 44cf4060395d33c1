#include "cli/commands.h"

namespace mrt::cli {

Command MakeInspectCommand() {
  auto* sub = new CLI::App*(nullptr);
  return Command{[sub](CLI::App& app) { *sub = app.add_subcommand("inspect", "Describe a model or plan"); },
                 [sub] { return (*sub)->parsed(); }, [] { return 1; }};
}

}  // namespace mrt::cli
