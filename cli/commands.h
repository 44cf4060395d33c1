// The subcommand registry: each cmd_<name>.cpp defines a Make<Name>Command().
#pragma once

#include <CLI/CLI.hpp>

#include <functional>
#include <string_view>
#include <vector>

#include "ir/version.h"

namespace mrt::cli {

inline constexpr std::string_view kVersion = kMiniRtVersion;

struct Command {
  std::function<void(CLI::App&)> add;  // registers the subcommand and its options
  std::function<bool()> parsed;        // true when the user chose it
  std::function<int()> run;            // runs it; returns the exit code
};

Command MakeCompileCommand();
Command MakeRunCommand();
Command MakeInspectCommand();

inline std::vector<Command> AllCommands() { return {MakeCompileCommand(), MakeRunCommand(), MakeInspectCommand()}; }

}  // namespace mrt::cli
