// The reduction tactic provider: ReduceSum / Mean / Max / Min / Prod / L1 / L2 / SumSquare /
// LogSumExp and ArgMax / ArgMin, f32 and f16 (accumulated in f32; ArgMax/ArgMin write i64).
//
// The reduced axes (input 1 of Reduce*, which must be a constant: the optimizer folds it; the
// `axis` attribute of ArgMax/ArgMin) are mapped onto x viewed as [outer, n, inner]: dims of size
// 1 are dropped (they move no data), and the remaining reduced dims must be adjacent, so they
// merge into one run of n elements; otherwise nothing is offered and the CPU fallback runs the
// node. No axes reduces everything (one row), unless noop_with_empty_axes = 1, which is a copy.
//
// Tactics (op = sum, mean, ..., logsumexp, argmax, argmin; dt = f32 or f16):
//   reduce_<op>_rows_warp_<dt>, reduce_<op>_rows_block_<dt>   inner == 1: a warp / block per output
//   reduce_<op>_columns_<dt>, reduce_<op>_columns_split_<dt>  inner > 1: a thread (8 threads
//                                                             splitting the axis) per output
//   <argmax|argmin>_rows_{warp|block}_<dt>, <argmax|argmin>_columns{,_split}_<dt>
//   reduce_noop_copy_<dt>                                      empty axes with noop_with_empty_axes
#include <cctype>
#include <optional>
#include <string>

#include "ir/infer_context.h"
#include "ir/op_table.h"
#include "kernels/gpu/cuda_check.h"
#include "kernels/gpu/providers.h"
#include "kernels/reduce/reduce_launch.h"

namespace mrt::gpu {

namespace {

using reduction::ElemType;
using reduction::ReduceOp;

constexpr int64_t kMaxElements = (int64_t{1} << 31) - 1;  // the kernels index with int

struct ReduceView {
  int outer = 1, n = 1, inner = 1;
};

// [outer, n, inner] for reducing the dims where reduced[d], or nullopt when the reduced dims of
// size > 1 are not adjacent.
std::optional<ReduceView> ViewOf(const std::vector<int64_t>& sizes, const std::vector<bool>& reduced) {
  int first = -1, last = -1;
  for (size_t d = 0; d < sizes.size(); ++d)
    if (reduced[d] && sizes[d] > 1) {
      if (first < 0) first = static_cast<int>(d);
      last = static_cast<int>(d);
    }
  int64_t outer = 1, n = 1, inner = 1;
  for (size_t d = 0; d < sizes.size(); ++d) {
    const int i = static_cast<int>(d);
    if (first >= 0 && i >= first && i <= last) {
      if (!reduced[d] && sizes[d] > 1) return std::nullopt;  // a kept dim between reduced ones
      n *= sizes[d];
    } else if (first >= 0 && i > last) {
      inner *= sizes[d];
    } else {
      outer *= sizes[d];
    }
  }
  return ReduceView{static_cast<int>(outer), static_cast<int>(n), static_cast<int>(inner)};
}

std::optional<ReduceOp> ReduceOpOf(OpKind op) {
  switch (op) {
    case OpKind::kReduceSum: return ReduceOp::kSum;
    case OpKind::kReduceMean: return ReduceOp::kMean;
    case OpKind::kReduceMax: return ReduceOp::kMax;
    case OpKind::kReduceMin: return ReduceOp::kMin;
    case OpKind::kReduceProd: return ReduceOp::kProd;
    case OpKind::kReduceL1: return ReduceOp::kL1;
    case OpKind::kReduceL2: return ReduceOp::kL2;
    case OpKind::kReduceSumSquare: return ReduceOp::kSumSquare;
    case OpKind::kReduceLogSumExp: return ReduceOp::kLogSumExp;
    default: return std::nullopt;
  }
}

// "ReduceLogSumExp" -> "reduce_logsumexp", "ArgMax" -> "argmax".
std::string OpTag(OpKind op) {
  std::string name(OpName(op)), tag;
  if (name.rfind("Reduce", 0) == 0) {
    tag = "reduce_";
    name = name.substr(6);
  }
  for (char c : name) tag += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return tag;
}

// What the kernels need to know about a reduction node.
struct ReduceNode {
  enum class Kind { kReduce, kArg, kCopy } kind = Kind::kReduce;
  ReduceOp op = ReduceOp::kSum;
  bool is_max = false, select_last = false;  // ArgMax / ArgMin
  ElemType type = ElemType::kF32;
  ReduceView view;
  size_t bytes = 0;  // kCopy
  std::string tag, dtype_name;
};

// Common checks: one float input of a size the kernels index, and one output.
bool BasicsSupported(const NodeDesc& desc) {
  if (desc.inputs.empty() || desc.outputs.size() != 1 || !desc.inputs[0].present()) return false;
  const TensorDesc& x = desc.inputs[0];
  if (x.dtype != DType::kF32 && x.dtype != DType::kF16) return false;
  return x.numel() > 0 && x.numel() <= kMaxElements && desc.outputs[0].numel() > 0;
}

std::optional<ReduceNode> ResolveReduce(const NodeDesc& desc, ReduceOp op) {
  const TensorDesc &x = desc.inputs[0], &y = desc.outputs[0];
  if (y.dtype != x.dtype) return std::nullopt;
  std::vector<int64_t> given;
  if (desc.has_input(1)) {
    const TensorDesc& axes = desc.inputs[1];
    if (axes.constant == nullptr || axes.dtype != DType::kI64) return std::nullopt;
    given = ReadInt64s(axes.constant->view());
  }
  ReduceNode r;
  r.op = op;
  r.type = x.dtype == DType::kF16 ? ElemType::kF16 : ElemType::kF32;
  r.tag = OpTag(desc.op());
  r.dtype_name = std::string(DTypeName(x.dtype));
  const int64_t rank = static_cast<int64_t>(x.sizes.size());
  if (given.empty() && desc.attrs().GetInt("noop_with_empty_axes", 0) != 0) {
    if (y.sizes != x.sizes) return std::nullopt;
    r.kind = ReduceNode::Kind::kCopy;
    r.bytes = static_cast<size_t>(x.numel()) * DTypeSize(x.dtype);
    return r;
  }
  std::vector<bool> reduced(static_cast<size_t>(rank), given.empty());
  for (int64_t a : given) {
    auto axis = NormalizeAxis(a, rank);
    if (!axis.ok() || reduced[*axis]) return std::nullopt;
    reduced[*axis] = true;
  }
  const std::optional<ReduceView> view = ViewOf(x.sizes, reduced);
  if (!view || int64_t{view->outer} * view->inner != y.numel()) return std::nullopt;
  r.view = *view;
  return r;
}

std::optional<ReduceNode> ResolveArgReduce(const NodeDesc& desc) {
  const TensorDesc &x = desc.inputs[0], &y = desc.outputs[0];
  if (desc.inputs.size() != 1 || y.dtype != DType::kI64 || x.sizes.empty()) return std::nullopt;
  const int64_t rank = static_cast<int64_t>(x.sizes.size());
  auto axis = NormalizeAxis(desc.attrs().GetInt("axis", 0), rank);
  if (!axis.ok()) return std::nullopt;
  std::vector<bool> reduced(static_cast<size_t>(rank), false);
  reduced[*axis] = true;
  const std::optional<ReduceView> view = ViewOf(x.sizes, reduced);
  if (!view || int64_t{view->outer} * view->inner != y.numel()) return std::nullopt;
  ReduceNode r;
  r.kind = ReduceNode::Kind::kArg;
  r.is_max = desc.op() == OpKind::kArgMax;
  r.select_last = desc.attrs().GetInt("select_last_index", 0) != 0;
  r.type = x.dtype == DType::kF16 ? ElemType::kF16 : ElemType::kF32;
  r.view = *view;
  r.tag = OpTag(desc.op());
  r.dtype_name = std::string(DTypeName(x.dtype));
  return r;
}

enum class ReduceKernel { kRowsWarp, kRowsBlock, kColumns, kColumnsSplit, kCopy };

class ReduceTactic final : public Tactic {
 public:
  ReduceTactic(const ReduceNode& node, ReduceKernel kernel, const std::string& variant)
      : node_(node), kernel_(kernel), name_(node.tag + "_" + variant + "_" + node.dtype_name) {}

  std::string name() const override { return name_; }
  TacticFamily family() const override { return TacticFamily::kHandWritten; }

  Status Launch(const LaunchArgs& args) override {
    const void* x = args.inputs[0].data;
    void* y = args.outputs[0].data;
    const ReduceView& v = node_.view;
    if (kernel_ == ReduceKernel::kCopy) {
      MRT_CUDA_TRY(cudaMemcpyAsync(y, x, node_.bytes, cudaMemcpyDeviceToDevice, args.stream));
    } else if (node_.kind == ReduceNode::Kind::kArg) {
      int64_t* indices = static_cast<int64_t*>(y);
      if (kernel_ == ReduceKernel::kColumns || kernel_ == ReduceKernel::kColumnsSplit)
        MRT_CUDA_TRY(reduction::LaunchArgReduceColumns(node_.is_max, node_.select_last, node_.type, v.outer, v.n,
                                                       v.inner, kernel_ == ReduceKernel::kColumnsSplit, x, indices,
                                                       args.stream));
      else
        MRT_CUDA_TRY(reduction::LaunchArgReduceRows(node_.is_max, node_.select_last, node_.type, v.outer, v.n,
                                                    kernel_ == ReduceKernel::kRowsWarp, x, indices, args.stream));
    } else if (kernel_ == ReduceKernel::kColumns || kernel_ == ReduceKernel::kColumnsSplit) {
      MRT_CUDA_TRY(reduction::LaunchReduceColumns(node_.op, node_.type, v.outer, v.n, v.inner,
                                                  kernel_ == ReduceKernel::kColumnsSplit, x, y, args.stream));
    } else {
      MRT_CUDA_TRY(reduction::LaunchReduceRows(node_.op, node_.type, v.outer, v.n,
                                               kernel_ == ReduceKernel::kRowsWarp, x, y, args.stream));
    }
    return Status::Ok();
  }

 private:
  ReduceNode node_;
  ReduceKernel kernel_;
  std::string name_;
};

}  // namespace

void AppendReduceTactics(const NodeDesc& desc, TacticList& out) {
  if (!BasicsSupported(desc)) return;
  std::optional<ReduceNode> r;
  if (const std::optional<ReduceOp> op = ReduceOpOf(desc.op()))
    r = ResolveReduce(desc, *op);
  else if (desc.op() == OpKind::kArgMax || desc.op() == OpKind::kArgMin)
    r = ResolveArgReduce(desc);
  if (!r) return;
  auto add = [&](ReduceKernel kernel, const char* variant) {
    out.push_back(std::make_unique<ReduceTactic>(*r, kernel, variant));
  };
  if (r->kind == ReduceNode::Kind::kCopy) {
    out.push_back(std::make_unique<ReduceTactic>(*r, ReduceKernel::kCopy, "noop_copy"));
    return;
  }
  if (r->view.inner > 1) {
    add(ReduceKernel::kColumns, "columns");
    add(ReduceKernel::kColumnsSplit, "columns_split");
    return;
  }
  add(ReduceKernel::kRowsWarp, "rows_warp");
  add(ReduceKernel::kRowsBlock, "rows_block");
}

}  // namespace mrt::gpu
