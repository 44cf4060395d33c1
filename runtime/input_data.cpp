#include "runtime/input_data.h"

#include <cmath>
#include <random>

namespace mrt {

namespace {

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// "1x3x224" -> {1, 3, 224}; each part a non-negative decimal integer.
Expected<std::vector<int64_t>> ParseDims(std::string_view dims, std::string_view token) {
  std::vector<int64_t> sizes;
  if (dims.empty())
    return Status::Errorf("bad --shapes entry '{}': no dims after ':' (expected e.g. 1x3x224x224)", token);
  size_t start = 0;
  while (true) {
    const size_t end = dims.find('x', start);
    const std::string_view part = dims.substr(start, end == std::string_view::npos ? end : end - start);
    int64_t v = 0;
    bool digits = !part.empty(), overflow = false;
    for (char c : part) {
      digits = digits && c >= '0' && c <= '9';
      overflow = overflow || v > (INT64_MAX - 9) / 10;
      if (digits && !overflow) v = v * 10 + (c - '0');
    }
    if (!digits)
      return Status::Errorf("bad --shapes entry '{}': '{}' is not a dimension size (a non-negative integer)", token,
                            part);
    if (overflow) return Status::Errorf("bad --shapes entry '{}': '{}' is too large", token, part);
    sizes.push_back(v);
    if (end == std::string_view::npos) break;
    start = end + 1;
  }
  return sizes;
}

// The largest value below 1 in a float dtype, for keeping rounded random values in [-1, 1).
double LargestBelowOne(DType dtype) {
  switch (dtype) {
    case DType::kF16:
      return 1.0 - 1.0 / 2048;  // f16 has 10 mantissa bits: spacing 2^-11 below 1
    case DType::kBF16:
      return 1.0 - 1.0 / 256;  // bf16 has 7: spacing 2^-8 below 1
    case DType::kF32:
      return std::nextafter(1.0f, 0.0f);
    default:
      return std::nextafter(1.0, 0.0);
  }
}

}  // namespace

Expected<ShapeMap> ParseShapes(std::string_view spec) {
  ShapeMap shapes;
  if (Trim(spec).empty())
    return Status::Error("empty --shapes (expected NAME:DIMS[,NAME:DIMS...], e.g. x:1x3x224x224)");
  size_t start = 0;
  while (start <= spec.size()) {
    const size_t comma = spec.find(',', start);
    const std::string_view token = Trim(spec.substr(start, comma == std::string_view::npos ? comma : comma - start));
    start = comma == std::string_view::npos ? spec.size() + 1 : comma + 1;
    const size_t colon = token.rfind(':');
    if (token.empty()) return Status::Errorf("bad --shapes '{}': empty entry (a stray ',')", spec);
    if (colon == std::string_view::npos)
      return Status::Errorf("bad --shapes entry '{}': expected NAME:DIMS such as x:1x3x224x224", token);
    std::string_view name = Trim(token.substr(0, colon));
    if (name.size() >= 2 && (name.front() == '\'' || name.front() == '"') && name.back() == name.front())
      name = name.substr(1, name.size() - 2);
    if (name.empty()) return Status::Errorf("bad --shapes entry '{}': no input name before ':'", token);
    MRT_ASSIGN_OR_RETURN(std::vector<int64_t> sizes, ParseDims(Trim(token.substr(colon + 1)), token));
    if (!shapes.emplace(std::string(name), std::move(sizes)).second)
      return Status::Errorf("bad --shapes: input '{}' is given twice", name);
  }
  return shapes;
}

Status MergeShapes(ShapeMap& shapes, const ShapeMap& more) {
  for (const auto& [name, sizes] : more)
    if (!shapes.emplace(name, sizes).second) return Status::Errorf("bad --shapes: input '{}' is given twice", name);
  return Status::Ok();
}

Expected<std::vector<int64_t>> ResolveInputSizes(const Value& input, const ShapeMap& shapes) {
  const Shape& declared = input.shape;
  auto given = shapes.find(input.name);
  if (given != shapes.end()) {
    const std::vector<int64_t>& sizes = given->second;
    if (declared.unknown_rank()) return sizes;
    if (sizes.size() != declared.rank())
      return Status::Errorf("--shapes {}:{} has rank {} but input '{}' has shape {} (rank {})", input.name,
                            fmt::join(sizes, "x"), sizes.size(), input.name, declared.ToString(), declared.rank());
    for (size_t d = 0; d < sizes.size(); ++d)
      if (declared[d].is_static() && declared[d].size != sizes[d])
        return Status::Errorf("--shapes {}:{} sets dim {} to {} but the model fixes it at {} (shape {})", input.name,
                              fmt::join(sizes, "x"), d, sizes[d], declared[d].size, declared.ToString());
    return sizes;
  }
  if (declared.unknown_rank())
    return Status::Errorf("input '{}' has an unknown shape: pass its sizes with --shapes {}:DIMS (e.g. 1x3x224x224)",
                          input.name, input.name);
  if (!declared.is_static()) {
    std::vector<std::string> hint;
    for (const Dim& d : declared.dims()) hint.push_back(d.is_static() ? std::to_string(d.size) : "N");
    return Status::Errorf("input '{}' has the dynamic shape {}: pass its sizes with --shapes {}:{}", input.name,
                          declared.ToString(), input.name, fmt::join(hint, "x"));
  }
  return declared.sizes();
}

Tensor MakeRandomTensor(DType dtype, const std::vector<int64_t>& sizes, uint64_t seed) {
  Tensor t(dtype, sizes);
  const TensorView v = t.view();
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> real(-1.0, 1.0);
  std::uniform_int_distribution<int> integer(0, 9);
  std::bernoulli_distribution coin(0.5);
  for (int64_t i = 0; i < t.numel(); ++i) {
    if (dtype == DType::kBool) {
      StoreFromDouble(v, i, coin(rng) ? 1.0 : 0.0);
    } else if (IsInteger(dtype)) {
      StoreFromDouble(v, i, integer(rng));
    } else {
      StoreFromDouble(v, i, real(rng));
      // Rounding to a narrow float can turn 0.9999 into 1.0; keep the half-open range promised.
      if (LoadAsDouble(v, i) >= 1.0) StoreFromDouble(v, i, LargestBelowOne(dtype));
    }
  }
  return t;
}

Expected<std::vector<std::string>> AddRandomInputs(const Graph& graph, const ShapeMap& shapes, uint64_t seed,
                                                   TensorMap& inputs) {
  std::vector<std::string> filled;
  for (size_t i = 0; i < graph.inputs.size(); ++i) {
    const Value& input = graph.value(graph.inputs[i]);
    if (inputs.count(input.name)) continue;
    if (input.dtype == DType::kUndefined) return Status::Errorf("input '{}' has no known dtype", input.name);
    MRT_ASSIGN_OR_RETURN(std::vector<int64_t> sizes, ResolveInputSizes(input, shapes));
    uint64_t bytes = DTypeSize(input.dtype);
    for (int64_t d : sizes)
      if (__builtin_mul_overflow(bytes, static_cast<uint64_t>(d), &bytes))
        return Status::Errorf("input '{}': sizes {} are too large", input.name, SizesToString(sizes));
    // Mix the input's position into the seed so each input gets its own stream.
    std::seed_seq seq{static_cast<uint32_t>(seed), static_cast<uint32_t>(seed >> 32), static_cast<uint32_t>(i)};
    uint64_t words[2];
    seq.generate(std::begin(words), std::end(words));  // fills the low 32 bits of each word
    inputs[input.name] = MakeRandomTensor(input.dtype, sizes, (words[0] << 32) ^ words[1]);
    filled.push_back(input.name);
  }
  return filled;
}

std::string RandomDistributionName(DType dtype) {
  if (dtype == DType::kBool) return "random true/false";
  if (IsInteger(dtype)) return "integers uniform in [0, 10)";
  return "uniform in [-1, 1)";
}

TensorStats ComputeStats(const Tensor& t) {
  TensorStats s;
  double sum = 0;
  for (int64_t i = 0; i < t.numel(); ++i) {
    const double x = t.ElementAsDouble(i);
    if (std::isnan(x)) {
      ++s.nan_count;
      continue;
    }
    s.min = s.count ? std::min(s.min, x) : x;
    s.max = s.count ? std::max(s.max, x) : x;
    sum += x;
    ++s.count;
  }
  s.mean = s.count ? sum / static_cast<double>(s.count) : 0.0;
  return s;
}

std::string DescribeTensor(const Tensor& t) {
  std::string out = fmt::format("{}{}", DTypeName(t.dtype()), SizesToString(t.sizes()));
  if (t.numel() == 0) return out + " empty";
  const TensorStats s = ComputeStats(t);
  if (s.count) out += fmt::format(" min {:.6g} max {:.6g} mean {:.6g}", s.min, s.max, s.mean);
  if (s.nan_count) out += fmt::format(" nan {}", s.nan_count);
  return out;
}

std::string SanitizeFileName(std::string_view name) {
  std::string out;
  for (char c : name) {
    const bool keep =
        (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
    out.push_back(keep ? c : '_');
  }
  if (out.empty() || out.front() == '.') out.insert(out.begin(), '_');
  return out;
}

}  // namespace mrt
