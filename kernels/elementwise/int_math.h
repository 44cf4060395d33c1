// Integer arithmetic for the reference kernels, defined for every input: results wrap modulo
// 2^64 (and again modulo 2^bits when stored to a narrower dtype), as two's-complement hardware
// and the CUDA kernels do, instead of being undefined behaviour in C++.
#pragma once

#include <cmath>
#include <cstdint>
#include <limits>

namespace mrt::ew {

inline int64_t WrapAdd(int64_t a, int64_t b) {
  return static_cast<int64_t>(static_cast<uint64_t>(a) + static_cast<uint64_t>(b));
}
inline int64_t WrapSub(int64_t a, int64_t b) {
  return static_cast<int64_t>(static_cast<uint64_t>(a) - static_cast<uint64_t>(b));
}
inline int64_t WrapMul(int64_t a, int64_t b) {
  return static_cast<int64_t>(static_cast<uint64_t>(a) * static_cast<uint64_t>(b));
}
inline int64_t WrapNeg(int64_t a) { return static_cast<int64_t>(0ull - static_cast<uint64_t>(a)); }

// a / b truncated toward zero (C++ semantics); b != 0 is the caller's check. INT64_MIN / -1
// wraps to INT64_MIN instead of trapping.
inline int64_t TruncDiv(int64_t a, int64_t b) { return b == -1 ? WrapNeg(a) : a / b; }

// Truncates toward zero and saturates to the int64 range; NaN gives 0.
inline int64_t SaturateToInt64(double x) {
  if (std::isnan(x)) return 0;
  if (x <= -9223372036854775808.0) return std::numeric_limits<int64_t>::min();
  if (x >= 9223372036854775808.0) return std::numeric_limits<int64_t>::max();
  return static_cast<int64_t>(x);
}

// base ^ e for an integer base: exact (wrapping) repeated squaring when e is a non-negative
// integer, else pow in double truncated toward zero (2 ^ -1 = 0, 1 ^ -3 = 1).
inline int64_t IntPow(int64_t base, double e) {
  if (e >= 0 && e == std::floor(e)) {
    uint64_t n = e >= 1.8e19 ? std::numeric_limits<uint64_t>::max() : static_cast<uint64_t>(e);
    int64_t result = 1, square = base;
    for (; n != 0; n >>= 1) {
      if (n & 1u) result = WrapMul(result, square);
      square = WrapMul(square, square);
    }
    return result;
  }
  return SaturateToInt64(std::pow(static_cast<double>(base), e));
}

}  // namespace mrt::ew
