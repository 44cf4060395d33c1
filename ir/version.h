// mini-rt's version, the one place it is written (CMakeLists.txt checks that its project VERSION
// agrees). Plans record it as their writer version; timing-cache keys include it so a new release
// re-times every layer instead of trusting times measured with other kernels.
#pragma once

namespace mrt {
inline constexpr const char* kMiniRtVersion = "0.1.0";
}  // namespace mrt
