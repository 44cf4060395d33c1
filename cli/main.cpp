// mini-rt: the command-line entry point. Each subcommand lives in its own cmd_<name>.cpp and is
// registered here; errors become one line on stderr ("mini-rt <command>: error: ...") and a
// non-zero exit, whether they come from option parsing, the command itself or an exception.
#include <CLI/CLI.hpp>

#include <cstdio>
#include <exception>
#include <new>
#include <string>

#include "cli/cli_common.h"
#include "cli/commands.h"

namespace {

// The subcommand the user typed (argv[1] when it names one), for the error prefix.
std::string ChosenCommand(const CLI::App& app, int argc, char** argv) {
  if (argc < 2) return "";
  for (const CLI::App* sub : app.get_subcommands([](const CLI::App*) { return true; }))
    if (sub->get_name() == argv[1]) return sub->get_name();
  return "";
}

int ParseFailure(const CLI::App& app, const CLI::ParseError& e, int argc, char** argv) {
  const std::string command = ChosenCommand(app, argc, argv);
  if (command.empty() && argc >= 2 && argv[1][0] != '-') {
    std::vector<std::string> names;
    for (const CLI::App* sub : app.get_subcommands([](const CLI::App*) { return true; }))
      names.push_back(sub->get_name());
    std::fprintf(stderr, "mini-rt: error: unknown command '%s' (commands: %s; see mini-rt --help)\n", argv[1],
                 fmt::format("{}", fmt::join(names, ", ")).c_str());
    return 1;
  }
  const std::string help = command.empty() ? "mini-rt --help" : "mini-rt " + command + " --help";
  std::fprintf(stderr, "mini-rt%s%s: error: %s (see %s)\n", command.empty() ? "" : " ", command.c_str(), e.what(),
               help.c_str());
  return e.get_exit_code() ? e.get_exit_code() : 1;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"mini-rt: an ONNX inference optimizer and runtime (compile, run, inspect)"};
  app.require_subcommand(1);
  app.set_version_flag("--version", std::string(mrt::cli::kVersion));
  std::vector<mrt::cli::Command> commands = mrt::cli::AllCommands();
  for (auto& cmd : commands) cmd.add(app);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    if (e.get_exit_code() == static_cast<int>(CLI::ExitCodes::Success)) return app.exit(e);  // --help, --version
    return ParseFailure(app, e, argc, argv);
  }
  const std::string command = ChosenCommand(app, argc, argv);
  try {
    for (auto& cmd : commands)
      if (cmd.parsed()) return cmd.run();
  } catch (const std::bad_alloc&) {
    return mrt::cli::Fail(command, "out of memory (are the input shapes what you meant?)");
  } catch (const std::exception& e) {
    return mrt::cli::Fail(command, std::string("internal error: ") + e.what());
  }
  return 1;
}
