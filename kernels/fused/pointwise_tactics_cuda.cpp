// The Pointwise tactic provider: lowers a Pointwise node's program (ir/pointwise_program.h) to
// the compact form the interpreter kernel runs (pointwise_launch.h explains it: constants as
// operands, an accumulator for the previous result, shared-memory slots for values read later),
// builds the broadcast index of its inputs once, and offers
//   pointwise_interp_vec<N>_<dtype>  N = 8 outputs per thread when the index is flat or its rows
//                                    are a multiple of 8, else 4 or 2 (rows of 196: 4)
//   pointwise_interp_<dtype>         one element per thread, any broadcast
// for f32, f16 and bf16. Programs the kernel cannot hold (more than kPointwiseMaxInstrs
// instructions after lowering, kPointwiseMaxConstants constants, kPointwiseMaxInputs inputs or
// kPointwiseMaxSlots values live at once) get no tactic; the CPU fallback runs them.
#include <algorithm>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "ir/pointwise_program.h"
#include "kernels/fused/pointwise_launch.h"
#include "kernels/gpu/cuda_check.h"
#include "kernels/gpu/providers.h"

namespace mrt::gpu {

namespace {

// Which earlier registers instruction `in` reads (up to three; -1 where unused).
std::vector<int32_t> OperandRegisters(const PointwiseInstr& in) {
  if (in.op == PointwiseOp::kInput || in.op == PointwiseOp::kConstant) return {};
  std::vector<int32_t> regs;
  for (int32_t r : {in.a, in.b, in.c})
    if (r >= 0) regs.push_back(r);
  return regs;
}

// Lowers a validated program. Instructions run in the program's order minus the constant loads
// (which become operands), except a constant that is itself the result.
class Lowering {
 public:
  explicit Lowering(const PointwiseProgram& p) : p_(p), emitted_index_(p.code.size(), -1) {}

  Expected<PointwiseKernelProgram> Run() {
    if (p_.constants.size() > static_cast<size_t>(kPointwiseMaxConstants))
      return Status::Errorf("{} constants (at most {})", p_.constants.size(), kPointwiseMaxConstants);
    const int32_t result = p_.result();
    for (int32_t r = 0; r <= result; ++r) {
      if (p_.code[r].op == PointwiseOp::kConstant && r != result) continue;
      emitted_index_[r] = static_cast<int>(emitted_.size());
      emitted_.push_back(r);
    }
    if (emitted_.size() > static_cast<size_t>(kPointwiseMaxInstrs))
      return Status::Errorf("{} instructions (at most {})", emitted_.size(), kPointwiseMaxInstrs);
    FindUses();
    PointwiseKernelProgram out;
    out.num_instrs = static_cast<int32_t>(emitted_.size());
    std::copy(p_.constants.begin(), p_.constants.end(), out.constants);
    slot_of_.assign(emitted_.size(), -1);
    std::vector<bool> busy(kPointwiseMaxSlots, false);
    for (int e = 0; e < out.num_instrs; ++e) {
      MRT_RETURN_IF_ERROR(Emit(e, busy, out));
    }
    return out;
  }

 private:
  // last_use_[u]: the last instruction reading u's result; needs_slot_[u]: read by an
  // instruction other than the next one (which reads the accumulator).
  void FindUses() {
    last_use_.assign(emitted_.size(), -1);
    needs_slot_.assign(emitted_.size(), false);
    for (size_t e = 0; e < emitted_.size(); ++e) {
      for (int32_t r : OperandRegisters(p_.code[emitted_[e]])) {
        const int u = emitted_index_[r];
        if (u < 0) continue;  // a constant operand
        last_use_[u] = std::max(last_use_[u], static_cast<int>(e));
        if (static_cast<int>(e) != u + 1) needs_slot_[u] = true;
      }
    }
  }

  PwOperand Operand(int32_t reg, int e) const {
    if (reg < 0) return PwOperand{};
    const int u = emitted_index_[reg];
    if (u < 0) return PwOperand{PwOperandKind::kConstant, static_cast<uint8_t>(p_.code[reg].a)};
    if (u == e - 1) return PwOperand{PwOperandKind::kAcc, 0};
    return PwOperand{PwOperandKind::kSlot, static_cast<uint8_t>(slot_of_[u])};
  }

  Status Emit(int e, std::vector<bool>& busy, PointwiseKernelProgram& out) {
    const PointwiseInstr& in = p_.code[emitted_[e]];
    PwInstr& instr = out.code[e];
    instr.op = static_cast<uint8_t>(in.op);
    if (in.op == PointwiseOp::kInput) {
      instr.a = PwOperand{PwOperandKind::kNone, static_cast<uint8_t>(in.a)};
    } else if (in.op == PointwiseOp::kConstant) {
      instr.a = PwOperand{PwOperandKind::kConstant, static_cast<uint8_t>(in.a)};
    } else {
      instr.a = Operand(in.a, e);
      instr.b = Operand(in.b, e);
      instr.c = Operand(in.c, e);
    }
    // Operands are read before the result is written, so a slot that dies here can take it.
    for (int32_t r : OperandRegisters(in)) {
      const int u = emitted_index_[r];
      if (u >= 0 && last_use_[u] == e && slot_of_[u] >= 0) busy[slot_of_[u]] = false;
    }
    if (!needs_slot_[e]) return Status::Ok();
    const auto free_slot = std::find(busy.begin(), busy.end(), false);
    if (free_slot == busy.end())
      return Status::Errorf("more than {} values live at once", kPointwiseMaxSlots);
    const int slot = static_cast<int>(free_slot - busy.begin());
    busy[slot] = true;
    slot_of_[e] = slot;
    instr.store_slot = static_cast<uint8_t>(slot);
    out.num_slots = std::max(out.num_slots, slot + 1);
    return Status::Ok();
  }

  const PointwiseProgram& p_;
  std::vector<int> emitted_;        // original register of each emitted instruction
  std::vector<int> emitted_index_;  // per original register: its emitted position, -1 if folded
  std::vector<int> last_use_;
  std::vector<bool> needs_slot_;
  std::vector<int> slot_of_;
};

class PointwiseTactic final : public Tactic {
 public:
  PointwiseTactic(std::string name, DType dtype, const PointwiseKernelProgram& program, const PointwiseIndex& index,
                  int chunk)
      : name_(std::move(name)), dtype_(dtype), program_(program), index_(index), chunk_(chunk) {}

  std::string name() const override { return name_; }
  TacticFamily family() const override { return TacticFamily::kHandWritten; }
  Status Launch(const LaunchArgs& args) override {
    PointwisePointers ptrs;
    for (size_t k = 0; k < args.inputs.size() && k < static_cast<size_t>(kPointwiseMaxInputs); ++k)
      ptrs.in[k] = args.inputs[k].data;
    ptrs.out = args.outputs[0].data;
    MRT_CUDA_TRY(LaunchPointwise(dtype_, program_, index_, ptrs, chunk_, args.stream));
    return Status::Ok();
  }

 private:
  std::string name_;
  DType dtype_;
  PointwiseKernelProgram program_;
  PointwiseIndex index_;
  int chunk_;  // outputs per thread
};

std::optional<PointwiseIndex> MakeIndex(const NodeDesc& desc) {
  std::vector<ShapeRef> refs;
  for (const TensorDesc& t : desc.inputs) refs.push_back(ShapeRef{t.sizes.data(), static_cast<int>(t.sizes.size())});
  const std::vector<int64_t>& out = desc.outputs[0].sizes;
  PointwiseIndex index;
  if (!MakeBroadcastIndex(ShapeRef{out.data(), static_cast<int>(out.size())}, refs.data(),
                          static_cast<int>(refs.size()), &index))
    return std::nullopt;
  return index;
}

}  // namespace

void AppendPointwiseTactics(const NodeDesc& desc, TacticList& out) {
  if (desc.op() != OpKind::kPointwise || desc.outputs.size() != 1) return;
  const DType dtype = desc.outputs[0].dtype;
  if (dtype != DType::kF32 && dtype != DType::kF16 && dtype != DType::kBF16) return;
  if (desc.inputs.empty() || desc.inputs.size() > static_cast<size_t>(kPointwiseMaxInputs)) return;
  for (const TensorDesc& t : desc.inputs)
    if (t.dtype != dtype) return;
  const auto program = ReadPointwiseProgram(desc.attrs(), desc.inputs.size());
  if (!program.ok()) return;
  const auto lowered = Lowering(*program).Run();
  const auto index = MakeIndex(desc);
  if (!lowered.ok() || !index) return;
  const std::string type(DTypeName(dtype));
  const int chunk = index->ChunkWidth(kPointwiseMaxChunk);
  if (chunk > 1)
    out.push_back(std::make_unique<PointwiseTactic>("pointwise_interp_vec" + std::to_string(chunk) + "_" + type, dtype,
                                                    *lowered, *index, chunk));
  out.push_back(std::make_unique<PointwiseTactic>("pointwise_interp_" + type, dtype, *lowered, *index, 1));
}

}  // namespace mrt::gpu
