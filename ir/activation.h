// Activations that a Conv/Gemm epilogue (FusedConv, FusedGemm) applies, shared by the fusion
// pass, the reference kernels and (through MRT_HOST_DEVICE) the CUDA epilogues, so every
// implementation evaluates exactly the same formula:
//   Relu        max(x, 0)
//   LeakyRelu   x >= 0 ? x : alpha * x
//   Clip        min(max(x, alpha), beta)              (Relu6 is Clip(0, 6))
//   Sigmoid     1 / (1 + exp(-x))
//   HardSigmoid max(0, min(1, alpha * x + beta))
//   Tanh        tanh(x)
//   SiLU        x * sigmoid(x)                        (exported as x * Sigmoid(x))
//   HardSwish   x * max(0, min(1, x / 6 + 1 / 2))     (x * HardSigmoid(x) or x * Clip(x + 3, 0, 6) / 6)
//   Gelu        x / 2 * (1 + erf(x / sqrt(2)))        (exported with Erf)
//   Mish        x * tanh(log(1 + exp(x)))
// In attributes an activation is stored as a name plus alpha/beta under a prefix:
//   activation="Relu" activation_alpha=0 activation_beta=0, post_activation=... .
#pragma once

#include <cmath>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#if defined(__CUDACC__)
#define MRT_HOST_DEVICE __host__ __device__
#else
#define MRT_HOST_DEVICE
#endif

namespace mrt {

class Attributes;

enum class Activation : uint8_t {
  kNone, kRelu, kLeakyRelu, kClip, kSigmoid, kHardSigmoid, kTanh, kSiLU, kHardSwish, kGelu, kMish
};

struct ActivationSpec {
  Activation kind = Activation::kNone;
  float alpha = 0.f;
  float beta = 0.f;
  bool operator==(const ActivationSpec&) const = default;
};

std::string_view ActivationName(Activation kind);                    // "Relu", ..., "" for kNone
std::optional<Activation> ActivationFromName(std::string_view name);  // "" -> kNone

// Reads / writes `<prefix>`, `<prefix>_alpha`, `<prefix>_beta` ("activation", "post_activation").
ActivationSpec ReadActivation(const Attributes& attrs, const std::string& prefix);
void WriteActivation(Attributes& attrs, const std::string& prefix, const ActivationSpec& spec);
std::string ActivationToString(const ActivationSpec& spec);  // "Clip(0,6)", "SiLU", "" for none

MRT_HOST_DEVICE inline float ApplyActivation(const ActivationSpec& a, float x) {
  switch (a.kind) {
    case Activation::kNone: return x;
    case Activation::kRelu: return x > 0.f ? x : 0.f;
    case Activation::kLeakyRelu: return x >= 0.f ? x : a.alpha * x;
    case Activation::kClip: return fminf(fmaxf(x, a.alpha), a.beta);
    case Activation::kSigmoid: return 1.f / (1.f + expf(-x));
    case Activation::kHardSigmoid: return fmaxf(0.f, fminf(1.f, a.alpha * x + a.beta));
    case Activation::kTanh: return tanhf(x);
    case Activation::kSiLU: return x / (1.f + expf(-x));
    case Activation::kHardSwish: return x * fmaxf(0.f, fminf(1.f, x * (1.f / 6.f) + 0.5f));
    case Activation::kGelu: return 0.5f * x * (1.f + erff(x * 0.70710678118654752f));
    case Activation::kMish: {
      const float softplus = x > 20.f ? x : log1pf(expf(x));  // log(1 + e^x) without overflow
      return x * tanhf(softplus);
    }
  }
  return x;
}

}  // namespace mrt
