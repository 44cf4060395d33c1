// mini-rt: the command-line entry point. Each subcommand lives in its own cmd_<name>.cpp and is
// registered here; errors become one line on stderr and a non-zero exit.
#include <CLI/CLI.hpp>

#include <cstdio>

#include "cli/commands.h"

int main(int argc, char** argv) {
  CLI::App app{"mini-rt: an ONNX inference optimizer and runtime (compile, run, inspect)"};
  app.require_subcommand(1);
  app.set_version_flag("--version", std::string(mrt::cli::kVersion));
  std::vector<mrt::cli::Command> commands = mrt::cli::AllCommands();
  for (auto& cmd : commands) cmd.add(app);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  }
  for (auto& cmd : commands)
    if (cmd.parsed()) return cmd.run();
  return 1;
}
