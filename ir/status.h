// Errors are values. A Status is ok or carries one line a user can act on; Expected<T> is a value
// or a Status. Nothing in mini-rt aborts on bad input: functions return these and the CLI turns
// them into one line on stderr and a non-zero exit.
//
// A not-ok Status is either an *error* (something failed: bad input, a CUDA error, a bug) or a
// *refusal*: an implementation saying, as expected, that it does not handle this case (a tactic
// for an unsupported geometry, a cuDNN algorithm that does not support a layer). Callers that try
// several implementations (the layer tuner) skip refusals quietly and report errors loudly.
#pragma once

#include <fmt/format.h>

#include <string>
#include <utility>
#include <variant>

namespace mrt {

class [[nodiscard]] Status {
 public:
  Status() = default;  // ok
  static Status Ok() { return Status(); }
  static Status Error(std::string message) { return Status(std::move(message), Kind::kError); }
  template <typename... Args>
  static Status Errorf(fmt::format_string<Args...> f, Args&&... args) {
    return Error(fmt::format(f, std::forward<Args>(args)...));
  }
  // "I do not handle this case": expected, not a failure (see the header comment).
  static Status Refusal(std::string message) { return Status(std::move(message), Kind::kRefusal); }
  template <typename... Args>
  static Status Refusef(fmt::format_string<Args...> f, Args&&... args) {
    return Refusal(fmt::format(f, std::forward<Args>(args)...));
  }

  bool ok() const { return kind_ == Kind::kOk; }
  bool refused() const { return kind_ == Kind::kRefusal; }
  const std::string& message() const { return message_; }

  // Prefixes context ("file.onnx: ", "node 'Conv_3' (Conv): ") to an error or refusal; ok stays ok.
  Status WithContext(std::string_view prefix) const {
    if (ok()) return *this;
    return Status(std::string(prefix) + message_, kind_);
  }

 private:
  enum class Kind { kOk, kError, kRefusal };
  Status(std::string m, Kind kind) : message_(std::move(m)), kind_(kind) {}
  std::string message_;
  Kind kind_ = Kind::kOk;
};

template <typename T>
class [[nodiscard]] Expected {
 public:
  Expected(T value) : v_(std::move(value)) {}       // NOLINT: implicit on purpose
  Expected(Status error) : v_(std::move(error)) {}  // NOLINT
  bool ok() const { return v_.index() == 0; }
  const Status& status() const {
    static const Status kOk;
    return ok() ? kOk : std::get<1>(v_);
  }
  T& value() & { return std::get<0>(v_); }
  const T& value() const& { return std::get<0>(v_); }
  T&& value() && { return std::get<0>(std::move(v_)); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

 private:
  std::variant<T, Status> v_;
};

}  // namespace mrt

#define MRT_CONCAT_INNER(a, b) a##b
#define MRT_CONCAT(a, b) MRT_CONCAT_INNER(a, b)

// Returns the Status from the enclosing function when `expr` is an error.
#define MRT_RETURN_IF_ERROR(expr)              \
  do {                                         \
    ::mrt::Status mrt_status_ = (expr);        \
    if (!mrt_status_.ok()) return mrt_status_; \
  } while (0)

// MRT_ASSIGN_OR_RETURN(auto x, ComputeExpected()); declares x from the value or returns the error.
#define MRT_ASSIGN_OR_RETURN(lhs, expr) MRT_ASSIGN_OR_RETURN_IMPL(MRT_CONCAT(mrt_expected_, __LINE__), lhs, expr)
#define MRT_ASSIGN_OR_RETURN_IMPL(tmp, lhs, expr) \
  auto tmp = (expr);                              \
  if (!tmp.ok()) return tmp.status();             \
  lhs = std::move(tmp).value()
