// Reference kernel of Pointwise (ir/pointwise_program.h): y = program(in0, in1, ...) per element,
// inputs numpy-broadcast to the output, computed in float (f32/f16/bf16) or double (f64) with
// EvalPointwise, the formula every implementation shares.
//
// The program is interpreted a block of kBlock output elements at a time: each instruction runs
// as one tight loop over the block (registers are arrays of kBlock values), so the dispatch on
// the opcode happens once per block rather than once per element, and the loop for each opcode
// is a separate instantiation the compiler can vectorize. Constants are filled once per thread
// chunk; an input broadcast along the run (step 0) fills its register with one value.
#include <algorithm>
#include <array>
#include <utility>

#include "ir/pointwise_program.h"
#include "kernels/common/broadcast.h"
#include "kernels/elementwise/dtype_dispatch.h"
#include "kernels/reference/ref_kernels.h"

namespace mrt::ref {

namespace {

constexpr int64_t kBlock = 256;

// dst[j] = op(a[j], b[j], c[j]) for j < n; unused operands point at a.
template <typename C>
using BlockFn = void (*)(C* dst, const C* a, const C* b, const C* c, int64_t n);

template <typename C, PointwiseOp kOp>
void BlockLoop(C* dst, const C* a, const C* b, const C* c, int64_t n) {
  for (int64_t j = 0; j < n; ++j) dst[j] = EvalPointwise<C>(kOp, a[j], b[j], c[j]);
}

template <typename C, size_t... I>
constexpr std::array<BlockFn<C>, sizeof...(I)> MakeBlockTable(std::index_sequence<I...>) {
  return {&BlockLoop<C, static_cast<PointwiseOp>(I)>...};
}

// One loop per opcode (the two loads are never called through it).
template <typename C>
constexpr auto kBlockTable = MakeBlockTable<C>(std::make_index_sequence<kNumPointwiseOps>{});

template <DType D>
class Interpreter {
 public:
  using Tr = ew::DTypeTraits<D>;
  using S = typename Tr::Storage;
  using C = typename Tr::Compute;

  Interpreter(const PointwiseProgram& p, const std::vector<const S*>& inputs, const std::vector<int64_t>& steps)
      : p_(p), inputs_(inputs), steps_(steps), regs_(p.code.size() * kBlock) {
    for (size_t r = 0; r < p_.code.size(); ++r)
      if (p_.code[r].op == PointwiseOp::kConstant)
        std::fill_n(reg(r), kBlock, static_cast<C>(p_.constants[p_.code[r].a]));
  }

  // y[j] = program at output elements whose input k offsets are off[k] + j * steps[k], j < n.
  void Run(S* y, int64_t n, const int64_t* off) {
    for (int64_t start = 0; start < n; start += kBlock) {
      const int64_t len = std::min(kBlock, n - start);
      for (size_t r = 0; r < p_.code.size(); ++r) Execute(r, off, start, len);
      const C* result = reg(p_.code.size() - 1);
      for (int64_t j = 0; j < len; ++j) y[start + j] = Tr::Store(result[j]);
    }
  }

 private:
  C* reg(size_t r) { return regs_.data() + r * kBlock; }

  void Execute(size_t r, const int64_t* off, int64_t start, int64_t len) {
    const PointwiseInstr& in = p_.code[r];
    if (in.op == PointwiseOp::kConstant) return;  // filled once in the constructor
    C* dst = reg(r);
    if (in.op == PointwiseOp::kInput) {
      const size_t k = static_cast<size_t>(in.a);
      const int64_t step = steps_[k];
      const S* src = inputs_[k] + off[k] + start * step;
      if (step == 0)
        std::fill_n(dst, len, Tr::Load(*src));
      else
        for (int64_t j = 0; j < len; ++j) dst[j] = Tr::Load(src[j]);
      return;
    }
    const C* a = reg(in.a);
    const C* b = in.b >= 0 ? reg(in.b) : a;
    const C* c = in.c >= 0 ? reg(in.c) : a;
    kBlockTable<C>[static_cast<size_t>(in.op)](dst, a, b, c, len);
  }

  const PointwiseProgram& p_;
  const std::vector<const S*>& inputs_;
  const std::vector<int64_t>& steps_;
  std::vector<C> regs_;
};

template <DType D>
Status RunProgram(const PointwiseProgram& p, const std::vector<TensorView>& ins, const TensorView& out) {
  using S = typename ew::DTypeTraits<D>::Storage;
  std::vector<const S*> data;
  for (const TensorView& v : ins) data.push_back(v.as<const S>());
  MRT_ASSIGN_OR_RETURN(const BroadcastIndexer ix, BroadcastIndexer::Make(out, ins));
  const std::vector<int64_t> steps = ix.steps();
  S* y = out.as<S>();
  // Longer programs do more work per element: smaller chunks still amortize the threading.
  const int64_t grain = std::max<int64_t>(kBlock * 4, (int64_t{1} << 16) / static_cast<int64_t>(p.code.size()));
  ParallelFor(ix.numel(), grain, [&](int64_t begin, int64_t end) {
    Interpreter<D> interpreter(p, data, steps);  // registers per thread chunk
    ix.ForEachRun(begin, end, [&](int64_t o, int64_t n, const int64_t* off) { interpreter.Run(y + o, n, off); });
  });
  return Status::Ok();
}

}  // namespace

Status Pointwise(RefContext& c) {
  if (c.inputs.empty()) return Status::Error("Pointwise needs at least one input");
  const TensorView& out = c.outputs[0];
  for (size_t i = 0; i < c.inputs.size(); ++i)
    if (c.inputs[i].dtype != out.dtype)
      return Status::Errorf("input {} is {} but the output is {}; Pointwise inputs share the output's dtype", i,
                            DTypeName(c.inputs[i].dtype), DTypeName(out.dtype));
  MRT_ASSIGN_OR_RETURN(const PointwiseProgram program, ReadPointwiseProgram(c.attrs(), c.inputs.size()));
  return ew::VisitDType<ew::kFloatTypes>(
      out.dtype, [&](auto tag) { return RunProgram<decltype(tag)::value>(program, c.inputs, out); });
}

}  // namespace mrt::ref
