#include "ir/pointwise_program.h"

#include <array>
#include <cstdint>
#include <cstring>

#include "ir/attributes.h"

namespace mrt {

namespace {

// The opcode names, generated from the opcode table (ir/pointwise_formulas.h), in opcode order.
constexpr std::string_view kOpNames[] = {
#define MRT_PW_NAME(e, number, name, cls, operands, expr) name,
    MRT_POINTWISE_OPCODES(MRT_PW_NAME)
#undef MRT_PW_NAME
};
static_assert(std::size(kOpNames) == kNumPointwiseOps, "one name per PointwiseOp");

bool IsLoad(PointwiseOp op) { return PointwiseClassOf(op) == PointwiseOpClass::kLoad; }

// Checks instruction i's operands: the first `n` are earlier registers, the rest are -1.
Status CheckOperands(const PointwiseInstr& in, size_t i) {
  const int n = PointwiseOperandCount(in.op);
  const int32_t operands[3] = {in.a, in.b, in.c};
  for (int k = 0; k < 3; ++k) {
    const int32_t r = operands[k];
    if (k < n && (r < 0 || static_cast<size_t>(r) >= i))
      return Status::Errorf("Pointwise program instruction {} ({}): operand {} is r{}, not an earlier register", i,
                            PointwiseOpName(in.op), k, r);
    if (k >= n && r != -1)
      return Status::Errorf("Pointwise program instruction {} ({}) takes {} operands but operand {} is {}", i,
                            PointwiseOpName(in.op), n, k, r);
  }
  return Status::Ok();
}

Status CheckLoad(const PointwiseInstr& in, size_t i, size_t num_inputs, size_t num_constants) {
  const bool input = in.op == PointwiseOp::kInput;
  const size_t limit = input ? num_inputs : num_constants;
  if (in.a < 0 || static_cast<size_t>(in.a) >= limit)
    return Status::Errorf("Pointwise program instruction {} loads {} {} but there are {}", i,
                          input ? "input" : "constant", in.a, limit);
  if (in.b != -1 || in.c != -1)
    return Status::Errorf("Pointwise program instruction {} ({}) has extra operands", i, PointwiseOpName(in.op));
  return Status::Ok();
}

}  // namespace

std::string_view PointwiseOpName(PointwiseOp op) {
  const auto i = static_cast<size_t>(op);
  return i < std::size(kOpNames) ? kOpNames[i] : std::string_view("?");
}

Status ValidatePointwiseProgram(const PointwiseProgram& p, size_t num_inputs) {
  if (p.code.empty()) return Status::Error("Pointwise program is empty");
  for (size_t i = 0; i < p.code.size(); ++i) {
    const PointwiseInstr& in = p.code[i];
    if (static_cast<int>(in.op) >= kNumPointwiseOps)
      return Status::Errorf("Pointwise program instruction {} has unknown opcode {}", i, static_cast<int>(in.op));
    MRT_RETURN_IF_ERROR(IsLoad(in.op) ? CheckLoad(in, i, num_inputs, p.constants.size()) : CheckOperands(in, i));
  }
  return Status::Ok();
}

void WritePointwiseProgram(Attributes& attrs, const PointwiseProgram& p) {
  std::vector<int64_t> ints;
  ints.reserve(p.code.size() * kPointwiseInstrWidth);
  for (const PointwiseInstr& in : p.code) {
    ints.push_back(static_cast<int64_t>(in.op));
    ints.push_back(in.a);
    ints.push_back(in.b);
    ints.push_back(in.c);
  }
  attrs.set("program", std::move(ints));
  attrs.set("constants", p.constants);
}

Expected<PointwiseProgram> ReadPointwiseProgram(const Attributes& attrs, size_t num_inputs) {
  if (!attrs.Get<std::vector<int64_t>>("program")) return Status::Error("Pointwise has no 'program' attribute (ints)");
  const std::vector<int64_t> ints = attrs.GetInts("program");
  if (ints.size() % kPointwiseInstrWidth != 0)
    return Status::Errorf("Pointwise 'program' has {} ints, not a multiple of {}", ints.size(), kPointwiseInstrWidth);
  PointwiseProgram p;
  p.constants = attrs.GetFloats("constants");
  for (size_t i = 0; i < ints.size(); i += kPointwiseInstrWidth) {
    const int64_t* g = &ints[i];
    if (g[0] < 0 || g[0] >= kNumPointwiseOps)
      return Status::Errorf("Pointwise program instruction {} has unknown opcode {}", i / kPointwiseInstrWidth, g[0]);
    for (int k = 1; k < kPointwiseInstrWidth; ++k)
      if (g[k] < -1 || g[k] > INT32_MAX)
        return Status::Errorf("Pointwise program instruction {}: operand {} is out of range", i / kPointwiseInstrWidth,
                              g[k]);
    p.code.push_back(PointwiseInstr{static_cast<PointwiseOp>(g[0]), static_cast<int32_t>(g[1]),
                                    static_cast<int32_t>(g[2]), static_cast<int32_t>(g[3])});
  }
  MRT_RETURN_IF_ERROR(ValidatePointwiseProgram(p, num_inputs));
  return p;
}

// ---- text form ----

namespace {

// Precedence of a printed expression: 1 for + -, 2 for * /, 3 for a negation, 4 for atoms
// (names, numbers, calls), which never need parentheses.
struct Printed {
  std::string text;
  int precedence = 4;
};

std::string Wrap(const Printed& p, bool parenthesize) { return parenthesize ? "(" + p.text + ")" : p.text; }

Printed PrintInstruction(const PointwiseProgram& p, const PointwiseInstr& in, const std::vector<Printed>& refs) {
  switch (in.op) {
    case PointwiseOp::kInput:
      return {fmt::format("in{}", in.a)};
    case PointwiseOp::kConstant:
      return {fmt::format("{:g}", p.constants[in.a])};
    case PointwiseOp::kNeg:
      return {"-" + Wrap(refs[in.a], refs[in.a].precedence < 3), 3};
    case PointwiseOp::kAdd:
    case PointwiseOp::kSub:
    case PointwiseOp::kMul:
    case PointwiseOp::kDiv: {
      const bool additive = in.op == PointwiseOp::kAdd || in.op == PointwiseOp::kSub;
      const int prec = additive ? 1 : 2;
      const char* symbol = in.op == PointwiseOp::kAdd   ? " + "
                           : in.op == PointwiseOp::kSub ? " - "
                           : in.op == PointwiseOp::kMul ? " * "
                                                        : " / ";
      // Left-associative: the right operand needs parentheses at equal precedence too.
      return {Wrap(refs[in.a], refs[in.a].precedence < prec) + symbol + Wrap(refs[in.b], refs[in.b].precedence <= prec),
              prec};
    }
    default:
      break;
  }
  std::vector<std::string> args;
  const int32_t operands[3] = {in.a, in.b, in.c};
  for (int k = 0; k < PointwiseOperandCount(in.op); ++k) args.push_back(refs[operands[k]].text);
  return {fmt::format("{}({})", PointwiseOpName(in.op), fmt::join(args, ", "))};
}

}  // namespace

std::string ToString(const PointwiseProgram& p) {
  if (!ValidatePointwiseProgram(p, SIZE_MAX).ok()) return "<invalid Pointwise program>";
  std::vector<int> uses(p.code.size(), 0);
  for (const PointwiseInstr& in : p.code) {
    const int32_t operands[3] = {in.a, in.b, in.c};
    for (int k = 0; k < PointwiseOperandCount(in.op); ++k) ++uses[operands[k]];
  }
  std::vector<Printed> refs(p.code.size());  // how later instructions refer to each register
  std::string lets;
  for (size_t r = 0; r < p.code.size(); ++r) {
    Printed printed = PrintInstruction(p, p.code[r], refs);
    const bool computed = p.code[r].op != PointwiseOp::kInput && p.code[r].op != PointwiseOp::kConstant;
    if (computed && uses[r] >= 2 && static_cast<int32_t>(r) != p.result()) {
      lets += fmt::format("r{} = {}; ", r, printed.text);
      printed = {fmt::format("r{}", r)};
    }
    refs[r] = std::move(printed);
  }
  return lets + refs.back().text;
}

// ---- builder ----

int32_t PointwiseBuilder::Emit(PointwiseInstr instr) {
  program_.code.push_back(instr);
  return program_.result();
}

int32_t PointwiseBuilder::Input(int32_t index) {
  for (size_t r = 0; r < program_.code.size(); ++r)
    if (program_.code[r] == PointwiseInstr{PointwiseOp::kInput, index}) return static_cast<int32_t>(r);
  return Emit({PointwiseOp::kInput, index});
}

int32_t PointwiseBuilder::Constant(float value) {
  // Constants are the same when their bits are (so -0 and 0 stay apart, and NaN matches itself).
  int32_t index = -1;
  for (size_t k = 0; k < program_.constants.size() && index < 0; ++k)
    if (std::memcmp(&program_.constants[k], &value, sizeof(float)) == 0) index = static_cast<int32_t>(k);
  if (index < 0) {
    index = static_cast<int32_t>(program_.constants.size());
    program_.constants.push_back(value);
  }
  for (size_t r = 0; r < program_.code.size(); ++r)
    if (program_.code[r] == PointwiseInstr{PointwiseOp::kConstant, index}) return static_cast<int32_t>(r);
  return Emit({PointwiseOp::kConstant, index});
}

int32_t PointwiseBuilder::Op(PointwiseOp op, int32_t a, int32_t b, int32_t c) { return Emit({op, a, b, c}); }

}  // namespace mrt
