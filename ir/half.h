// IEEE half (f16) and bfloat16 stored as raw bits, with exact round-to-nearest-even conversions.
// Host-side only; the CUDA kernels use cuda_fp16.h.
#pragma once

#include <bit>
#include <cstdint>

namespace mrt {

struct Half {
  uint16_t bits = 0;
};
struct BFloat16 {
  uint16_t bits = 0;
};

inline float HalfToFloat(Half h) {
  const uint32_t sign = static_cast<uint32_t>(h.bits & 0x8000u) << 16;
  uint32_t exp = (h.bits >> 10) & 0x1Fu;
  uint32_t mant = h.bits & 0x3FFu;
  uint32_t out;
  if (exp == 0x1F) {
    out = sign | 0x7F800000u | (mant << 13);  // inf / nan
  } else if (exp == 0) {
    if (mant == 0) {
      out = sign;  // +-0
    } else {       // subnormal: normalize
      int e = -1;
      do {
        ++e;
        mant <<= 1;
      } while ((mant & 0x400u) == 0);
      out = sign | (static_cast<uint32_t>(127 - 15 - e) << 23) | ((mant & 0x3FFu) << 13);
    }
  } else {
    out = sign | ((exp + 127 - 15) << 23) | (mant << 13);
  }
  return std::bit_cast<float>(out);
}

inline Half FloatToHalf(float f) {
  const uint32_t x = std::bit_cast<uint32_t>(f);
  const uint16_t sign = static_cast<uint16_t>((x >> 16) & 0x8000u);
  const uint32_t abs = x & 0x7FFFFFFFu;
  if (abs >= 0x7F800000u) {  // inf or nan
    return Half{static_cast<uint16_t>(sign | 0x7C00u | (abs > 0x7F800000u ? 0x200u : 0u))};
  }
  if (abs >= 0x477FF000u) return Half{static_cast<uint16_t>(sign | 0x7C00u)};  // rounds to inf
  if (abs < 0x38800000u) {  // result is subnormal or zero: shift with rounding
    if (abs < 0x33000000u) return Half{sign};  // below half of the smallest subnormal
    const uint32_t e = abs >> 23;
    const uint32_t m = (abs & 0x7FFFFFu) | 0x800000u;
    const uint32_t shift = 126 - e;  // value = m * 2^(e-150); the f16 subnormal unit is 2^-24
    uint32_t r = m >> shift;
    const uint32_t rem = m & ((1u << shift) - 1);
    const uint32_t half_way = 1u << (shift - 1);
    if (rem > half_way || (rem == half_way && (r & 1u))) ++r;
    return Half{static_cast<uint16_t>(sign | r)};
  }
  // normal: rebias exponent and round mantissa from 23 to 10 bits (nearest even)
  uint32_t r = abs - 0x38000000u;  // exponent 127 -> 15
  const uint32_t rem = r & 0x1FFFu;
  r >>= 13;
  if (rem > 0x1000u || (rem == 0x1000u && (r & 1u))) ++r;
  return Half{static_cast<uint16_t>(sign | r)};
}

inline float BFloat16ToFloat(BFloat16 b) { return std::bit_cast<float>(static_cast<uint32_t>(b.bits) << 16); }

inline BFloat16 FloatToBFloat16(float f) {
  uint32_t x = std::bit_cast<uint32_t>(f);
  if ((x & 0x7FFFFFFFu) > 0x7F800000u) return BFloat16{static_cast<uint16_t>((x >> 16) | 0x40u)};  // quiet nan
  x += 0x7FFFu + ((x >> 16) & 1u);  // round to nearest even
  return BFloat16{static_cast<uint16_t>(x >> 16)};
}

}  // namespace mrt
