// The elementwise tactic provider: decides which elementwise nodes the CUDA kernels of this
// folder run (ops, dtypes, shapes), and wraps each kernel as a Tactic. The math lives in the .cu
// files; this file only checks the node, builds the broadcast index once (at build time, so
// Launch() is a handful of pointer copies and one kernel launch), and names the tactics.
//
// Per node it offers the kernel that gives each thread N consecutive outputs ("_vec<N>": 16 bytes
// of the widest type when the shape allows, i.e. flat or rows of the innermost merged dim a
// multiple of N; else N/2 or N/4, e.g. 4 halves for per-channel ops over 14 x 14 rows) and always
// the one-element-per-thread kernel; the builder times both. Names: <op>_<dtype>[_<detail>][_vec<N>],
// e.g. "add_f16_vec8", "leaky_relu_f32", "cast_f32_to_i64_vec2", "sum_f32_fold_vec4".
// Nodes it does not support exactly get no tactic (the CPU fallback runs them).
#include <algorithm>
#include <cctype>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "ir/op_table.h"
#include "ir/pointwise_lowering.h"
#include "kernels/elementwise/elementwise_launch.h"
#include "kernels/gpu/cuda_check.h"
#include "kernels/gpu/providers.h"

namespace mrt::gpu {

namespace {

using MapLaunchFn = std::function<cudaError_t(const EwIndex&, const MapPointers&, bool, cudaStream_t)>;
using PackFn = std::function<std::vector<PackedWeight>(const NodeDesc&)>;

ShapeRef Ref(const std::vector<int64_t>& sizes) { return ShapeRef{sizes.data(), static_cast<int>(sizes.size())}; }

// "LessOrEqual" -> "less_or_equal", "PRelu" -> "prelu".
std::string SnakeName(OpKind op) {
  const std::string_view camel = OpName(op);
  std::string out;
  for (size_t i = 0; i < camel.size(); ++i) {
    const char c = camel[i];
    if (i > 0 && std::isupper(static_cast<unsigned char>(c)) && std::islower(static_cast<unsigned char>(camel[i - 1])))
      out += '_';
    out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return out;
}

std::string TypeTag(DType d) { return std::string(DTypeName(d)); }

// The index of inputs `in` broadcast to `out`, when the kernels can address them.
template <int kMaxInputs>
std::optional<BroadcastIndex<kMaxInputs>> MakeIndex(const std::vector<int64_t>& out,
                                                    const std::vector<const TensorDesc*>& in) {
  std::vector<ShapeRef> refs;
  for (const TensorDesc* t : in) refs.push_back(Ref(t->sizes));
  BroadcastIndex<kMaxInputs> index;
  if (!MakeBroadcastIndex(Ref(out), refs.data(), static_cast<int>(refs.size()), &index)) return std::nullopt;
  return index;
}

// One map kernel over up to three inputs (node inputs 0..2 in order; Clip's bounds ride along
// as inputs 1 and 2 outside the index).
class MapTactic final : public Tactic {
 public:
  MapTactic(std::string name, const EwIndex& index, bool vectorize, MapLaunchFn launch, PackFn pack)
      : name_(std::move(name)),
        index_(index),
        vectorize_(vectorize),
        launch_(std::move(launch)),
        pack_(std::move(pack)) {}

  std::string name() const override { return name_; }
  TacticFamily family() const override { return TacticFamily::kHandWritten; }
  std::vector<PackedWeight> PackWeights(const NodeDesc& desc) const override {
    return pack_ ? pack_(desc) : std::vector<PackedWeight>{};
  }
  Status Launch(const LaunchArgs& args) override {
    MapPointers ptrs;
    for (size_t k = 0; k < args.inputs.size() && k < 3; ++k)
      ptrs.in[k] = args.inputs[k].present() ? args.inputs[k].data : nullptr;
    ptrs.out = args.outputs[0].data;
    MRT_CUDA_TRY(launch_(index_, ptrs, vectorize_, args.stream));
    return Status::Ok();
  }

 private:
  std::string name_;
  EwIndex index_;
  bool vectorize_;
  MapLaunchFn launch_;
  PackFn pack_;
};

// Appends the vector tactic (when the shape allows chunks of 2 or more) and the scalar one.
void AppendMapVariants(const std::string& base, const EwIndex& index, int vec, const MapLaunchFn& launch,
                       TacticList& out, const PackFn& pack = {}) {
  const int width = MapChunkWidth(index, vec, /*flat_only=*/false);
  if (width > 1)
    out.push_back(std::make_unique<MapTactic>(base + "_vec" + std::to_string(width), index, true, launch, pack));
  out.push_back(std::make_unique<MapTactic>(base, index, false, launch, pack));
}

bool IsF32OrF16(DType d) { return d == DType::kF32 || d == DType::kF16; }
bool IsArithmeticType(DType d) { return IsF32OrF16(d) || d == DType::kI32 || d == DType::kI64; }

// All present inputs, and whether they share `dtype`.
std::vector<const TensorDesc*> Inputs(const NodeDesc& desc) {
  std::vector<const TensorDesc*> ins;
  for (const TensorDesc& t : desc.inputs) ins.push_back(&t);
  return ins;
}
bool AllOfType(const NodeDesc& desc, DType dtype) {
  for (const TensorDesc& t : desc.inputs)
    if (t.dtype != dtype) return false;
  return !desc.inputs.empty();
}

// ---- unary ops and Clip ----

// The row of a one-input float op (Relu ... Cos and the parametric activations), or nullptr.
const PointwiseLowering* FloatUnaryRow(OpKind op) {
  const PointwiseLowering* row = FindPointwiseLowering(op);
  return row != nullptr && row->inputs() == 1 ? row : nullptr;
}

// The kernel of a unary op: the opcode's formula with the node's parameters (ONNX defaults and
// the reference's refusals, such as Celu with alpha 0, from ir/pointwise_lowering.h), or Not.
std::optional<MapLaunchFn> UnaryLauncher(const NodeDesc& desc, DType dtype) {
  if (desc.op() == OpKind::kNot) {
    if (dtype != DType::kBool) return std::nullopt;
    return MapLaunchFn(
        [](const EwIndex& ix, const MapPointers& p, bool vec, cudaStream_t s) { return LaunchNot(ix, p, vec, s); });
  }
  const PointwiseLowering* row = FloatUnaryRow(desc.op());
  if (row == nullptr || !IsF32OrF16(dtype)) return std::nullopt;
  const FormulaParams params = ReadFormulaParams(*row, desc.attrs());
  if (!CheckFormulaParams(*row, params).ok()) return std::nullopt;
  const PointwiseOp opcode = row->opcode;
  return MapLaunchFn([opcode, dtype, params](const EwIndex& ix, const MapPointers& p, bool vec, cudaStream_t s) {
    return LaunchUnary(opcode, dtype, params.b, params.c, ix, p, vec, s);
  });
}

void AppendUnary(const NodeDesc& desc, TacticList& out) {
  const OpKind op = desc.op();
  const DType dtype = desc.inputs[0].dtype;
  if (desc.inputs.size() != 1 || desc.outputs[0].dtype != dtype) return;
  const std::optional<MapLaunchFn> launch = UnaryLauncher(desc, dtype);
  const auto index = MakeIndex<3>(desc.outputs[0].sizes, {&desc.inputs[0]});
  if (!launch || !index) return;
  AppendMapVariants(SnakeName(op) + "_" + TypeTag(dtype), *index,
                    ElementwiseVectorWidth(dtype, DType::kUndefined, dtype), *launch, out);
}

void AppendClip(const NodeDesc& desc, TacticList& out) {
  const DType dtype = desc.inputs[0].dtype;
  if (!IsF32OrF16(dtype) || desc.outputs[0].dtype != dtype || desc.inputs.size() > 3) return;
  for (size_t i = 1; i < desc.inputs.size(); ++i)
    if (desc.has_input(i) && (desc.inputs[i].dtype != dtype || desc.inputs[i].numel() != 1)) return;
  const auto index = MakeIndex<3>(desc.outputs[0].sizes, {&desc.inputs[0]});
  if (!index) return;
  MapLaunchFn launch = [dtype](const EwIndex& ix, const MapPointers& p, bool vec, cudaStream_t s) {
    return LaunchClip(dtype, ix, p, vec, s);
  };
  AppendMapVariants("clip_" + TypeTag(dtype), *index, ElementwiseVectorWidth(dtype, DType::kUndefined, dtype), launch,
                    out);
}

// ---- two-input ops ----

// Pow's exponent as the kernels read it: the base's dtype or f32 as is; a constant of another
// numeric dtype is packed to f32 (read as double, then rounded to float, as the reference does).
void AppendPow(const NodeDesc& desc, TacticList& out, const EwIndex& index) {
  const DType base = desc.inputs[0].dtype, exponent = desc.inputs[1].dtype;
  if (!IsF32OrF16(base)) return;
  DType kernel_exponent = exponent;
  PackFn pack;
  if (exponent != base && exponent != DType::kF32) {
    if (desc.inputs[1].constant == nullptr || !(IsFloat(exponent) || IsInteger(exponent))) return;
    kernel_exponent = DType::kF32;
    pack = [](const NodeDesc& d) {
      const Tensor& e = *d.inputs[1].constant;
      Tensor packed(DType::kF32, e.sizes());
      for (int64_t i = 0; i < e.numel(); ++i) packed.data<float>()[i] = static_cast<float>(e.ElementAsDouble(i));
      return std::vector<PackedWeight>{PackedWeight{1, std::move(packed)}};
    };
  }
  MapLaunchFn launch = [base, kernel_exponent](const EwIndex& ix, const MapPointers& p, bool vec, cudaStream_t s) {
    return LaunchBinary(OpKind::kPow, base, kernel_exponent, ix, p, vec, s);
  };
  const std::string name = "pow_" + TypeTag(base) + (kernel_exponent == base ? "" : "_exp" + TypeTag(kernel_exponent));
  AppendMapVariants(name, index, ElementwiseVectorWidth(base, kernel_exponent, base), launch, out, pack);
}

void AppendBinary(const NodeDesc& desc, TacticList& out) {
  const OpKind op = desc.op();
  if (desc.inputs.size() != 2 || !desc.has_input(0) || !desc.has_input(1)) return;
  const auto index = MakeIndex<3>(desc.outputs[0].sizes, Inputs(desc));
  if (!index) return;
  const DType a = desc.inputs[0].dtype, b = desc.inputs[1].dtype, y = desc.outputs[0].dtype;
  if (op == OpKind::kPow) {
    if (y == a) AppendPow(desc, out, *index);
    return;
  }
  const bool comparison = op == OpKind::kEqual || op == OpKind::kLess || op == OpKind::kGreater ||
                          op == OpKind::kLessOrEqual || op == OpKind::kGreaterOrEqual;
  const bool logic = op == OpKind::kAnd || op == OpKind::kOr || op == OpKind::kXor;
  if (a != b) return;
  MapLaunchFn launch;
  if (comparison || logic) {
    if (y != DType::kBool || (logic ? a != DType::kBool : !IsArithmeticType(a))) return;
    launch = [op, a](const EwIndex& ix, const MapPointers& p, bool vec, cudaStream_t s) {
      return LaunchPredicate(op, a, ix, p, vec, s);
    };
  } else {
    if (y != a || !(op == OpKind::kPRelu ? IsF32OrF16(a) : IsArithmeticType(a))) return;
    launch = [op, a](const EwIndex& ix, const MapPointers& p, bool vec, cudaStream_t s) {
      return LaunchBinary(op, a, a, ix, p, vec, s);
    };
  }
  AppendMapVariants(SnakeName(op) + "_" + TypeTag(a), *index, ElementwiseVectorWidth(a, b, y), launch, out);
}

void AppendWhere(const NodeDesc& desc, TacticList& out) {
  if (desc.inputs.size() != 3 || desc.inputs[0].dtype != DType::kBool) return;
  const DType dtype = desc.inputs[1].dtype;
  if (!IsArithmeticType(dtype) || desc.inputs[2].dtype != dtype || desc.outputs[0].dtype != dtype) return;
  const auto index = MakeIndex<3>(desc.outputs[0].sizes, Inputs(desc));
  if (!index) return;
  MapLaunchFn launch = [dtype](const EwIndex& ix, const MapPointers& p, bool vec, cudaStream_t s) {
    return LaunchWhere(dtype, ix, p, vec, s);
  };
  AppendMapVariants("where_" + TypeTag(dtype), *index, ElementwiseVectorWidth(DType::kBool, dtype, dtype), launch, out);
}

void AppendCast(const NodeDesc& desc, TacticList& out) {
  auto castable = [](DType d) {
    return d == DType::kF32 || d == DType::kF16 || d == DType::kBF16 || d == DType::kI32 || d == DType::kI64 ||
           d == DType::kI8 || d == DType::kU8 || d == DType::kBool;
  };
  const DType from = desc.inputs[0].dtype, to = desc.outputs[0].dtype;
  if (desc.inputs.size() != 1 || !castable(from) || !castable(to)) return;
  if (desc.outputs[0].sizes != desc.inputs[0].sizes) return;
  const auto index = MakeIndex<3>(desc.outputs[0].sizes, {&desc.inputs[0]});
  if (!index) return;
  MapLaunchFn launch = [from, to](const EwIndex& ix, const MapPointers& p, bool vec, cudaStream_t s) {
    return LaunchCast(from, to, ix, p, vec, s);
  };
  AppendMapVariants("cast_" + TypeTag(from) + "_to_" + TypeTag(to), *index,
                    ElementwiseVectorWidth(from, DType::kUndefined, to), launch, out);
}

// ---- Max Min Sum Mean over any number of inputs ----

class FoldTactic final : public Tactic {
 public:
  FoldTactic(std::string name, OpKind op, DType dtype, bool vectorize, std::vector<FoldIndex> passes, int64_t numel)
      : name_(std::move(name)),
        op_(op),
        dtype_(dtype),
        vectorize_(vectorize),
        passes_(std::move(passes)),
        numel_(numel) {}

  std::string name() const override { return name_; }
  TacticFamily family() const override { return TacticFamily::kHandWritten; }
  size_t WorkspaceBytes() const override {
    return passes_.size() > 1 ? static_cast<size_t>(numel_) * FoldAccumulatorBytes(dtype_) : 0;
  }
  Status Launch(const LaunchArgs& args) override {
    const int total = static_cast<int>(args.inputs.size());
    for (size_t p = 0; p < passes_.size(); ++p) {
      FoldPass pass;
      const int begin = static_cast<int>(p) * kMaxFoldInputs;
      for (int k = 0; k < passes_[p].num_inputs; ++k) pass.in[k] = args.inputs[begin + k].data;
      pass.acc_in = p > 0 ? args.workspace : nullptr;
      pass.acc_out = p + 1 < passes_.size() ? args.workspace : nullptr;
      pass.out = args.outputs[0].data;
      pass.divisor = op_ == OpKind::kMean ? total : 0;
      MRT_CUDA_TRY(LaunchFold(op_, dtype_, passes_[p], pass, vectorize_, args.stream));
    }
    return Status::Ok();
  }

 private:
  std::string name_;
  OpKind op_;
  DType dtype_;
  bool vectorize_;
  std::vector<FoldIndex> passes_;  // pass p reads inputs [p * kMaxFoldInputs, ...)
  int64_t numel_;
};

void AppendFold(const NodeDesc& desc, TacticList& out) {
  const OpKind op = desc.op();
  const DType dtype = desc.inputs[0].dtype;
  const std::vector<const TensorDesc*> ins = Inputs(desc);
  std::vector<FoldIndex> passes;
  bool vectorizable = true;
  const int vec = 16 / static_cast<int>(DTypeSize(dtype));
  for (size_t begin = 0; begin < ins.size(); begin += kMaxFoldInputs) {
    const size_t end = std::min(ins.size(), begin + kMaxFoldInputs);
    const auto index = MakeIndex<kMaxFoldInputs>(desc.outputs[0].sizes, {ins.begin() + begin, ins.begin() + end});
    if (!index) return;
    vectorizable = vectorizable && index->AllowsVectors(vec);
    passes.push_back(*index);
  }
  const std::string base = SnakeName(op) + "_" + TypeTag(dtype) + "_fold";
  const int64_t numel = desc.outputs[0].numel();
  if (vectorizable)
    out.push_back(std::make_unique<FoldTactic>(base + "_vec" + std::to_string(vec), op, dtype, true, passes, numel));
  out.push_back(std::make_unique<FoldTactic>(base, op, dtype, false, passes, numel));
}

void AppendVariadic(const NodeDesc& desc, TacticList& out) {
  const DType dtype = desc.inputs.empty() ? DType::kUndefined : desc.inputs[0].dtype;
  if (!IsArithmeticType(dtype) || !AllOfType(desc, dtype) || desc.outputs[0].dtype != dtype) return;
  if (desc.inputs.size() == 2) return AppendBinary(desc, out);
  if (desc.inputs.size() > 2) return AppendFold(desc, out);
  // One input: the result is the input (Mean divides by 1, exactly).
  const auto index = MakeIndex<3>(desc.outputs[0].sizes, {&desc.inputs[0]});
  if (!index) return;
  MapLaunchFn launch = [dtype](const EwIndex& ix, const MapPointers& p, bool vec, cudaStream_t s) {
    return LaunchCopy(dtype, ix, p, vec, s);
  };
  AppendMapVariants(SnakeName(desc.op()) + "_" + TypeTag(dtype) + "_copy", *index,
                    ElementwiseVectorWidth(dtype, DType::kUndefined, dtype), launch, out);
}

}  // namespace

void AppendElementwiseTactics(const NodeDesc& desc, TacticList& out) {
  if (desc.outputs.size() != 1 || !desc.outputs[0].present() || desc.inputs.empty() || !desc.has_input(0)) return;
  const OpKind op = desc.op();
  if (FloatUnaryRow(op) != nullptr || op == OpKind::kNot) return AppendUnary(desc, out);
  switch (op) {
    case OpKind::kClip:
      return AppendClip(desc, out);
    case OpKind::kPRelu:
    case OpKind::kPow:
    case OpKind::kAdd:
    case OpKind::kSub:
    case OpKind::kMul:
    case OpKind::kDiv:
    case OpKind::kEqual:
    case OpKind::kLess:
    case OpKind::kGreater:
    case OpKind::kLessOrEqual:
    case OpKind::kGreaterOrEqual:
    case OpKind::kAnd:
    case OpKind::kOr:
    case OpKind::kXor:
      return AppendBinary(desc, out);
    case OpKind::kMax:
    case OpKind::kMin:
    case OpKind::kSum:
    case OpKind::kMean:
      return AppendVariadic(desc, out);
    case OpKind::kWhere:
      return AppendWhere(desc, out);
    case OpKind::kCast:
      return AppendCast(desc, out);
    default:
      return;
  }
}

}  // namespace mrt::gpu
