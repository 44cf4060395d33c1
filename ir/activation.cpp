#include "ir/activation.h"

#include <fmt/format.h>

#include "ir/attributes.h"

namespace mrt {

namespace {
constexpr std::string_view kNames[] = {"",        "Relu", "LeakyRelu", "Clip",      "Sigmoid", "HardSigmoid",
                                       "Tanh",    "SiLU", "HardSwish", "Gelu",      "Mish"};
static_assert(std::size(kNames) == static_cast<size_t>(Activation::kMish) + 1, "one name per Activation");
}  // namespace

std::string_view ActivationName(Activation kind) { return kNames[static_cast<size_t>(kind)]; }

std::optional<Activation> ActivationFromName(std::string_view name) {
  for (size_t i = 0; i < std::size(kNames); ++i)
    if (kNames[i] == name) return static_cast<Activation>(i);
  return std::nullopt;
}

ActivationSpec ReadActivation(const Attributes& attrs, const std::string& prefix) {
  ActivationSpec spec;
  spec.kind = ActivationFromName(attrs.GetString(prefix)).value_or(Activation::kNone);
  spec.alpha = attrs.GetFloat(prefix + "_alpha", 0.f);
  spec.beta = attrs.GetFloat(prefix + "_beta", 0.f);
  return spec;
}

void WriteActivation(Attributes& attrs, const std::string& prefix, const ActivationSpec& spec) {
  if (spec.kind == Activation::kNone) {
    attrs.erase(prefix);
    attrs.erase(prefix + "_alpha");
    attrs.erase(prefix + "_beta");
    return;
  }
  attrs.set(prefix, std::string(ActivationName(spec.kind)));
  attrs.set(prefix + "_alpha", spec.alpha);
  attrs.set(prefix + "_beta", spec.beta);
}

std::string ActivationToString(const ActivationSpec& spec) {
  switch (spec.kind) {
    case Activation::kLeakyRelu: return fmt::format("LeakyRelu({:g})", spec.alpha);
    case Activation::kClip:
    case Activation::kHardSigmoid: return fmt::format("{}({:g},{:g})", ActivationName(spec.kind), spec.alpha, spec.beta);
    default: return std::string(ActivationName(spec.kind));
  }
}

}  // namespace mrt
