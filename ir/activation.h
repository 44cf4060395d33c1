// Activations that a Conv/Gemm epilogue (FusedConv, FusedGemm) applies, shared by the fusion
// pass, the reference kernels and (through MRT_HOST_DEVICE) the CUDA epilogues. ApplyActivation
// only dispatches: each formula is the one of ir/elementwise_formulas.h that the unfused ops use
// too (with its NaN / Inf / signed-zero rules), evaluated in float:
//   Relu        formula::Relu(x)                      x < 0 ? 0 : x
//   LeakyRelu   formula::LeakyRelu(x, alpha)
//   Clip        formula::Clip(x, alpha, beta)         (Relu6 is Clip(0, 6))
//   Sigmoid     formula::Sigmoid(x)
//   HardSigmoid formula::HardSigmoid(x, alpha, beta)
//   Tanh        tanh(x)
//   SiLU        formula::SiLU(x) = x * Sigmoid(x)     (exported as x * Sigmoid(x))
//   HardSwish   formula::HardSwish(x)                 (x * HardSigmoid(x) or x * Clip(x + 3, 0, 6) / 6)
//   Gelu        formula::Gelu(x)                      (exported with Erf)
//   Mish        formula::Mish(x)                      (x * Tanh(Softplus(x)))
// In attributes an activation is stored as a name plus alpha/beta under a prefix:
//   activation="Relu" activation_alpha=0 activation_beta=0, post_activation=... .
#pragma once

#include <cmath>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "ir/elementwise_formulas.h"

namespace mrt {

class Attributes;

enum class Activation : uint8_t {
  kNone,
  kRelu,
  kLeakyRelu,
  kClip,
  kSigmoid,
  kHardSigmoid,
  kTanh,
  kSiLU,
  kHardSwish,
  kGelu,
  kMish
};

struct ActivationSpec {
  Activation kind = Activation::kNone;
  float alpha = 0.f;
  float beta = 0.f;
  bool operator==(const ActivationSpec&) const = default;
};

std::string_view ActivationName(Activation kind);                     // "Relu", ..., "" for kNone
std::optional<Activation> ActivationFromName(std::string_view name);  // "" -> kNone

// Reads / writes `<prefix>`, `<prefix>_alpha`, `<prefix>_beta` ("activation", "post_activation").
ActivationSpec ReadActivation(const Attributes& attrs, const std::string& prefix);
void WriteActivation(Attributes& attrs, const std::string& prefix, const ActivationSpec& spec);
std::string ActivationToString(const ActivationSpec& spec);  // "Clip(0,6)", "SiLU", "" for none

MRT_HOST_DEVICE inline float ApplyActivation(const ActivationSpec& a, float x) {
  switch (a.kind) {
    case Activation::kNone:
      return x;
    case Activation::kRelu:
      return formula::Relu(x);
    case Activation::kLeakyRelu:
      return formula::LeakyRelu(x, a.alpha);
    case Activation::kClip:
      return formula::Clip(x, a.alpha, a.beta);
    case Activation::kSigmoid:
      return formula::Sigmoid(x);
    case Activation::kHardSigmoid:
      return formula::HardSigmoid(x, a.alpha, a.beta);
    case Activation::kTanh:
      return std::tanh(x);
    case Activation::kSiLU:
      return formula::SiLU(x);
    case Activation::kHardSwish:
      return formula::HardSwish(x);
    case Activation::kGelu:
      return formula::Gelu(x);
    case Activation::kMish:
      return formula::Mish(x);
  }
  return x;
}

}  // namespace mrt
