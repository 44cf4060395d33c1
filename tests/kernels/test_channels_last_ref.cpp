// The reference kernels with channels_last = 1 (Conv, FusedConv, MaxPool, AveragePool,
// GlobalAveragePool, GlobalMaxPool): running on NHWC X (and Z) gives exactly the NCHW result
// transposed to NHWC, on random data with odd sizes, groups, strides, padding and dilation, in
// f32 and f16; rank != 4 and MaxPool's Indices are refused.
#include <gtest/gtest.h>

#include "ir/activation.h"
#include "tests/support/graph_builder.h"
#include "tests/support/test_support.h"

namespace mrt {
namespace {

using testing::AllClose;
using testing::Attr;
using testing::Attrs;
using testing::Convert;
using testing::RandomTensor;
using testing::RunOne;
using testing::RunSingleOp;
using Ints = std::vector<int64_t>;

Tensor ToNhwc(const Tensor& nchw) { return RunOne(OpKind::kTranspose, {nchw}, Attr("perm", Ints{0, 2, 3, 1})); }

Attributes WithChannelsLast(Attributes a) {
  a.set("channels_last", int64_t{1});
  return a;
}

// Runs `op` on NCHW inputs and on their NHWC forms (inputs listed in `layout_inputs` are
// transposed; weights are not) and checks the NHWC output is the NCHW one transposed, bit for bit.
void ExpectNhwcMatchesNchw(OpKind op, const std::vector<Tensor>& nchw_inputs, const std::vector<size_t>& layout_inputs,
                           const Attributes& attrs) {
  std::vector<Tensor> nhwc_inputs = nchw_inputs;
  for (size_t i : layout_inputs) nhwc_inputs[i] = ToNhwc(nchw_inputs[i]);
  const Tensor expected = RunOne(op, nchw_inputs, attrs);
  const Tensor actual = RunOne(op, nhwc_inputs, WithChannelsLast(attrs));
  ASSERT_EQ(expected.rank(), 4u);
  EXPECT_TRUE(AllClose(actual, ToNhwc(expected), 0, 0));
}

TEST(ChannelsLastRef, ConvMatchesNchwTransposed) {
  struct Case {
    Ints x, w;
    Attributes attrs;
  };
  const std::vector<Case> cases = {
      {{1, 3, 7, 5}, {5, 3, 3, 3}, Attrs({{"pads", Ints{1, 1, 1, 1}}})},
      {{2, 6, 9, 7}, {9, 2, 3, 1}, Attrs({{"group", int64_t{3}}, {"strides", Ints{2, 1}}, {"pads", Ints{1, 0, 0, 0}}})},
      {{1, 5, 6, 6},
       {5, 1, 3, 3},
       Attrs({{"group", int64_t{5}}, {"dilations", Ints{2, 2}}, {"pads", Ints{2, 2, 2, 2}}})},
      {{3, 7, 4, 5}, {3, 7, 1, 1}, {}},  // 1x1: the direct (no im2col) path
  };
  for (DType dt : {DType::kF32, DType::kF16}) {
    for (size_t i = 0; i < cases.size(); ++i) {
      SCOPED_TRACE(::testing::Message() << DTypeName(dt) << " case " << i);
      const Case& c = cases[i];
      const Tensor x = RandomTensor(dt, c.x, 10 + i), w = RandomTensor(dt, c.w, 20 + i);
      const Tensor b = RandomTensor(dt, {c.w[0]}, 30 + i);
      ExpectNhwcMatchesNchw(OpKind::kConv, {x, w}, {0}, c.attrs);
      ExpectNhwcMatchesNchw(OpKind::kConv, {x, w, b}, {0}, c.attrs);
    }
  }
}

TEST(ChannelsLastRef, FusedConvWithResidualMatchesNchwTransposed) {
  Attributes attrs = Attrs({{"pads", Ints{1, 1, 1, 1}}, {"strides", Ints{2, 2}}});
  WriteActivation(attrs, "activation", {Activation::kLeakyRelu, 0.1f});
  WriteActivation(attrs, "post_activation", {Activation::kRelu});
  const Tensor x = RandomTensor(DType::kF32, {2, 3, 9, 7}, 1), w = RandomTensor(DType::kF32, {5, 3, 3, 3}, 2);
  const Tensor b = RandomTensor(DType::kF32, {5}, 3), z = RandomTensor(DType::kF32, {2, 5, 5, 4}, 4);
  ExpectNhwcMatchesNchw(OpKind::kFusedConv, {x, w, b, z}, {0, 3}, attrs);
  ExpectNhwcMatchesNchw(OpKind::kFusedConv, {x, w, Tensor(), z}, {0, 3}, attrs);
  ExpectNhwcMatchesNchw(OpKind::kFusedConv, {x, w, b}, {0}, attrs);
}

TEST(ChannelsLastRef, PoolsMatchNchwTransposed) {
  const Tensor x = RandomTensor(DType::kF32, {2, 5, 9, 7}, 5);
  const Attributes window = Attrs(
      {{"kernel_shape", Ints{3, 2}}, {"strides", Ints{2, 2}}, {"pads", Ints{1, 0, 1, 1}}, {"ceil_mode", int64_t{1}}});
  ExpectNhwcMatchesNchw(OpKind::kMaxPool, {x}, {0}, window);
  ExpectNhwcMatchesNchw(OpKind::kAveragePool, {x}, {0}, window);
  Attributes count_pad = window;
  count_pad.set("count_include_pad", int64_t{1});
  ExpectNhwcMatchesNchw(OpKind::kAveragePool, {x}, {0}, count_pad);
  ExpectNhwcMatchesNchw(OpKind::kGlobalAveragePool, {x}, {0}, {});
  ExpectNhwcMatchesNchw(OpKind::kGlobalMaxPool, {x}, {0}, {});
  ExpectNhwcMatchesNchw(OpKind::kMaxPool, {Convert(x, DType::kF16)}, {0}, window);
}

TEST(ChannelsLastRef, HandComputedConv) {
  // X NHWC [1, 1, 2, 2]: pixel (0,0) has channels (1, 2), pixel (0,1) has (3, 4). W [1, 2, 1, 1]
  // = (10, 1): Y pixel = 10 * c0 + c1 -> 12, 34.
  const Tensor x = testing::F32({1, 1, 2, 2}, {1, 2, 3, 4});
  const Tensor w = testing::F32({1, 2, 1, 1}, {10, 1});
  EXPECT_TRUE(AllClose(RunOne(OpKind::kConv, {x, w}, WithChannelsLast({})), testing::F32({1, 1, 2, 1}, {12, 34})));
}

TEST(ChannelsLastRef, RefusedOnOtherRanksAndForIndices) {
  const Tensor x3 = RandomTensor(DType::kF32, {1, 5, 3}, 1);
  testing::ExpectError(OpKind::kConv, {x3, RandomTensor(DType::kF32, {2, 3, 1}, 2)}, WithChannelsLast({}), "rank 4");
  testing::ExpectError(OpKind::kGlobalMaxPool, {RandomTensor(DType::kF32, {1, 2, 3, 4, 5}, 3)}, WithChannelsLast({}),
                       "rank 4");
  testing::ExpectError(OpKind::kMaxPool, {RandomTensor(DType::kF32, {1, 4, 4, 2}, 4)},
                       WithChannelsLast(Attrs({{"kernel_shape", Ints{2, 2}}})), "Indices", 2);
}

}  // namespace
}  // namespace mrt
