// mrt_conformance: runs every ONNX node test (libonnx-testdata) on the reference backend.
//
// Each test runs in a forked child so that a crash or a hang in one op (kernels are young) is
// reported as that test's failure instead of ending the run; --no-fork runs them in-process for a
// debugger. Output: one line per test that did not pass, then exactly
// "N passed, N failed, N skipped". The exit code is non-zero when passed / (passed + failed) is
// below --min-pass-rate. See README.md in this folder.
#include <sys/wait.h>
#include <unistd.h>
#include <CLI/CLI.hpp>

#include <algorithm>
#include <chrono>
#include <csignal>
#include <cstring>
#include <filesystem>
#include <string>
#include <vector>

#include "tests/conformance/conformance_case.h"
#include "tests/conformance/conformance_report.h"

namespace mrt::conformance {
namespace {

namespace fs = std::filesystem;

struct Options {
  std::string data_dir = MRT_ONNX_TESTDATA_DIR "/node";
  std::string filter;
  std::string write_doc;
  std::string doc_appendix;
  double min_pass_rate = 0.95;
  int jobs = 1;
  int timeout_s = 60;
  bool no_fork = false;
  bool verbose = false;
};

double SecondsSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

// Test folders (those holding a model.onnx) whose name contains `filter`, sorted by name.
std::vector<std::string> ListTests(const std::string& data_dir, const std::string& filter) {
  std::vector<std::string> names;
  for (const auto& entry : fs::directory_iterator(data_dir)) {
    const std::string name = entry.path().filename().string();
    if (entry.is_directory() && fs::exists(entry.path() / "model.onnx") && name.find(filter) != std::string::npos)
      names.push_back(name);
  }
  std::sort(names.begin(), names.end());
  return names;
}

void RunCaseGuarded(const std::string& dir, const Tolerance& tol, CaseResult& result) {
  const auto start = std::chrono::steady_clock::now();
  try {
    RunCase(dir, tol, result);
  } catch (const std::exception& e) {
    result.outcome = Outcome::kFailed;
    result.reason = std::string("exception: ") + e.what();
  }
  result.seconds = SecondsSince(start);
  std::replace(result.reason.begin(), result.reason.end(), '\n', ' ');
}

// --- running a case in a child process; the result travels back over a pipe as text:
//     "<outcome index> <seconds> <dtype,dtype,...>\n<reason>" ---

struct Child {
  pid_t pid = -1;
  int fd = -1;
  size_t index = 0;
  std::chrono::steady_clock::time_point start;
};

[[noreturn]] void ChildMain(int fd, const std::string& dir, int timeout_s) {
  alarm(static_cast<unsigned>(timeout_s));  // SIGALRM's default action ends a hung test
  CaseResult r;
  RunCaseGuarded(dir, Tolerance{}, r);
  std::vector<int> dtypes;
  for (DType t : r.dtypes) dtypes.push_back(static_cast<int>(t));
  constexpr size_t kMaxReason = 1500;  // stays far below the pipe's capacity, so write never blocks
  const std::string text = fmt::format("{} {} {}\n{}", static_cast<int>(r.outcome), r.seconds, fmt::join(dtypes, ","),
                                       r.reason.substr(0, kMaxReason));
  [[maybe_unused]] ssize_t written = write(fd, text.data(), text.size());
  _exit(0);
}

Child StartChild(const std::string& dir, size_t index, int timeout_s) {
  int fds[2];
  if (pipe(fds) != 0) return Child{};
  std::fflush(nullptr);  // the child must not flush the parent's buffered output again
  const pid_t pid = fork();
  if (pid == 0) {
    close(fds[0]);
    ChildMain(fds[1], dir, timeout_s);
  }
  close(fds[1]);  // now only the child holds the write end: EOF when it exits
  if (pid < 0) {
    close(fds[0]);
    return Child{};
  }
  return Child{pid, fds[0], index, std::chrono::steady_clock::now()};
}

void FinishChild(const Child& child, int wait_status, int timeout_s, CaseResult& result) {
  std::string text;
  char buffer[4096];
  for (ssize_t n; (n = read(child.fd, buffer, sizeof buffer)) > 0;) text.append(buffer, static_cast<size_t>(n));
  close(child.fd);
  result.seconds = SecondsSince(child.start);
  if (WIFSIGNALED(wait_status)) {
    const int sig = WTERMSIG(wait_status);
    result.outcome = Outcome::kFailed;
    result.reason = sig == SIGALRM ? fmt::format("timed out after {} s", timeout_s)
                                   : fmt::format("crashed: signal {} ({})", sig, strsignal(sig));
    return;
  }
  const size_t newline = text.find('\n');
  int outcome = -1;
  double seconds = 0;
  char dtypes[256] = {0};
  if (newline == std::string::npos || std::sscanf(text.c_str(), "%d %lf %255s", &outcome, &seconds, dtypes) < 2 ||
      outcome < 0 || outcome > 2) {
    result.outcome = Outcome::kFailed;
    result.reason = fmt::format("the test process exited with status {} without a result", WEXITSTATUS(wait_status));
    return;
  }
  result.outcome = static_cast<Outcome>(outcome);
  result.seconds = seconds;
  result.reason = text.substr(newline + 1);
  for (char* tok = std::strtok(dtypes, ","); tok; tok = std::strtok(nullptr, ","))
    result.dtypes.insert(static_cast<DType>(std::atoi(tok)));
}

void Report(const Options& opt, const CaseResult& r) {
  if (opt.verbose) std::fprintf(stderr, "%-60s %s %.3f s\n", r.name.c_str(), OutcomeName(r.outcome).data(), r.seconds);
}

// Runs every test, at most `opt.jobs` children at a time.
void RunAll(const Options& opt, std::vector<CaseResult>& results) {
  std::vector<Child> active;
  size_t next = 0;
  while (next < results.size() || !active.empty()) {
    while (next < results.size() && active.size() < static_cast<size_t>(std::max(1, opt.jobs))) {
      Child child = StartChild((fs::path(opt.data_dir) / results[next].name).string(), next, opt.timeout_s);
      if (child.pid < 0) {
        results[next].outcome = Outcome::kFailed;
        results[next].reason = std::string("cannot start a test process: ") + std::strerror(errno);
      } else {
        active.push_back(child);
      }
      ++next;
    }
    if (active.empty()) continue;
    int status = 0;
    const pid_t pid = waitpid(-1, &status, 0);
    auto it = std::find_if(active.begin(), active.end(), [pid](const Child& c) { return c.pid == pid; });
    if (it == active.end()) continue;
    FinishChild(*it, status, opt.timeout_s, results[it->index]);
    Report(opt, results[it->index]);
    active.erase(it);
  }
}

void PrintSlowest(const std::vector<CaseResult>& results) {
  std::vector<const CaseResult*> by_time;
  for (const CaseResult& r : results) by_time.push_back(&r);
  std::sort(by_time.begin(), by_time.end(), [](auto* a, auto* b) { return a->seconds > b->seconds; });
  std::vector<std::string> parts;
  for (size_t i = 0; i < by_time.size() && i < 5; ++i)
    parts.push_back(fmt::format("{} {:.2f} s", by_time[i]->name, by_time[i]->seconds));
  std::fprintf(stderr, "slowest: %s\n", fmt::format("{}", fmt::join(parts, ", ")).c_str());
}

int Main(const Options& opt) {
  if (!fs::is_directory(opt.data_dir)) {
    std::fprintf(stderr, "mrt_conformance: error: %s is not a folder\n", opt.data_dir.c_str());
    return 2;
  }
  const auto start = std::chrono::steady_clock::now();
  std::vector<CaseResult> results;
  for (const std::string& name : ListTests(opt.data_dir, opt.filter)) {
    results.emplace_back().name = name;
    results.back().ops = OpsOfTest(opt.data_dir, name);
  }
  if (opt.no_fork) {
    for (CaseResult& r : results) {
      RunCaseGuarded((fs::path(opt.data_dir) / r.name).string(), Tolerance{}, r);
      Report(opt, r);
    }
  } else {
    RunAll(opt, results);
  }

  RunSummary summary{0, 0, 0, opt.data_dir, Tolerance{}};
  summary.doc_command = "mrt_conformance";
  if (opt.data_dir != Options{}.data_dir) summary.doc_command += " --data-dir " + opt.data_dir;
  summary.doc_command += " --write-doc " + opt.write_doc;
  if (!opt.doc_appendix.empty()) summary.doc_command += " --doc-appendix " + opt.doc_appendix;
  for (const CaseResult& r : results) {
    (r.outcome == Outcome::kPassed   ? summary.passed
     : r.outcome == Outcome::kFailed ? summary.failed
                                     : summary.skipped)++;
    if (r.outcome != Outcome::kPassed)
      std::printf("%s %s: %s\n", OutcomeName(r.outcome).data(), r.name.c_str(), r.reason.c_str());
  }
  std::fflush(stdout);
  if (!results.empty()) PrintSlowest(results);
  std::fprintf(stderr, "total: %zu tests in %.1f s\n", results.size(), SecondsSince(start));
  int exit_code = 0;
  if (!opt.write_doc.empty()) {
    Status s = ReadAppendix(opt.doc_appendix, summary.appendix);
    if (s.ok()) s = WriteTextFile(opt.write_doc, RenderOperatorsDoc(results, summary));
    if (!s.ok()) std::fprintf(stderr, "mrt_conformance: error: %s\n", s.message().c_str());
    if (!s.ok()) exit_code = 2;
  }
  const int judged = summary.passed + summary.failed;
  const double rate = judged ? static_cast<double>(summary.passed) / judged : 1.0;
  if (results.empty()) {
    std::fprintf(stderr, "mrt_conformance: error: no test in %s matches '%s'\n", opt.data_dir.c_str(),
                 opt.filter.c_str());
    exit_code = 1;
  } else if (rate < opt.min_pass_rate) {
    std::fprintf(stderr, "mrt_conformance: pass rate %.4f (passed / (passed + failed)) is below --min-pass-rate %g\n",
                 rate, opt.min_pass_rate);
    exit_code = exit_code ? exit_code : 1;
  }
  std::fflush(stderr);
  std::printf("%d passed, %d failed, %d skipped\n", summary.passed, summary.failed, summary.skipped);
  return exit_code;
}

}  // namespace
}  // namespace mrt::conformance

int main(int argc, char** argv) {
  mrt::conformance::Options opt;
  CLI::App app{"Runs the ONNX node conformance tests on the mini-rt reference backend"};
  app.add_option("--data-dir", opt.data_dir, "Folder of test_* folders (model.onnx + test_data_set_*)")
      ->capture_default_str();
  app.add_option("--filter", opt.filter, "Run only the tests whose name contains this text");
  app.add_option("--write-doc", opt.write_doc, "Write the operator support matrix (docs/operators.md) here");
  app.add_option("--doc-appendix", opt.doc_appendix,
                 "Markdown file appended to the --write-doc output (hand-written notes: earlier counts, other suites)");
  app.add_option("--min-pass-rate", opt.min_pass_rate, "Fail when passed / (passed + failed) is below this")
      ->check(CLI::Range(0.0, 1.0))
      ->capture_default_str();
  app.add_option("--jobs,-j", opt.jobs, "Tests run at once, each in its own process")
      ->check(CLI::Range(1, 256))
      ->capture_default_str();
  app.add_option("--timeout", opt.timeout_s, "Seconds before a test counts as hung")
      ->check(CLI::Range(1, 3600))
      ->capture_default_str();
  app.add_flag("--no-fork", opt.no_fork, "Run the tests in this process (for a debugger; a crash ends the run)");
  app.add_flag("--verbose,-v", opt.verbose, "Print every test's outcome and time on stderr as it finishes");
  CLI11_PARSE(app, argc, argv);
  return mrt::conformance::Main(opt);
}
