// The CUDA pooling tactics (kernels/pool) against the CPU reference on random data: MaxPool and
// AveragePool over the window corners (strides, asymmetric pads, dilations, ceil_mode, auto_pad,
// count_include_pad, 1-D and 3-D windows), the stride-1 tiled MaxPool of YOLOv8's SPPF, the
// global pools, NCHW and channels_last NHWC (vectorized when C allows, scalar otherwise), f32
// and f16 with odd sizes; and the nodes the provider must leave to the CPU fallback.
// Tolerances (largest abs error / largest |ref|): f32 1e-5, f16 1e-2.
#include <string>

#include "ir/op_table.h"
#include "kernels/gpu/providers.h"
#include "tests/gpu/gpu_test_support.h"
#include "tests/gpu/gpu_timing_support.h"
#include "tests/support/graph_builder.h"

namespace mrt {
namespace {

using gpu::AppendPoolTactics;
using testing::Attrs;
using testing::ExpectTacticsMatchReference;
using testing::OpUnderTest;
using testing::RandomTensor;
using Ints = std::vector<int64_t>;

double Tol(DType dt) { return dt == DType::kF16 ? 1e-2 : 1e-5; }

OpUnderTest PoolOf(OpKind op, DType dt, Ints sizes, Attributes attrs, uint64_t seed = 1) {
  return OpUnderTest{op, std::move(attrs), {RandomTensor(dt, std::move(sizes), seed, -2.0, 2.0)}};
}

// Every offered tactic (or those whose name holds `filter`) matches the reference.
int Check(const OpUnderTest& t, const std::string& filter = "") {
  return ExpectTacticsMatchReference(t, AppendPoolTactics, Tol(t.inputs[0].dtype()), {}, filter);
}

int NumOffered(const OpUnderTest& t) { return static_cast<int>(testing::RunProviderTactics(t, AppendPoolTactics).size()); }

Attributes Window(Ints kernel, Ints strides, Ints pads) {
  return Attrs({{"kernel_shape", kernel}, {"strides", strides}, {"pads", pads}});
}

constexpr DType kFloats[] = {DType::kF32, DType::kF16};

TEST(PoolCuda, ResNetMaxPool3x3Stride2) {
  MRT_SKIP_WITHOUT_GPU();
  for (DType dt : kFloats) {
    SCOPED_TRACE(std::string(DTypeName(dt)));
    EXPECT_GE(Check(PoolOf(OpKind::kMaxPool, dt, {3, 13, 17, 19}, Window({3, 3}, {2, 2}, {1, 1, 1, 1}))), 1);
    EXPECT_EQ(Check(PoolOf(OpKind::kMaxPool, dt, {1, 64, 112, 112}, Window({3, 3}, {2, 2}, {1, 1, 1, 1})),
                    "pool_max_nchw_" + std::string(DTypeName(dt))),
              1);
  }
}

TEST(PoolCuda, SppfMaxPool5x5Stride1UsesTheTiledKernel) {
  MRT_SKIP_WITHOUT_GPU();
  for (DType dt : kFloats) {
    SCOPED_TRACE(std::string(DTypeName(dt)));
    const Attributes sppf = Window({5, 5}, {1, 1}, {2, 2, 2, 2});
    EXPECT_EQ(Check(PoolOf(OpKind::kMaxPool, dt, {1, 33, 20, 20}, sppf)), 3);
    EXPECT_EQ(Check(PoolOf(OpKind::kMaxPool, dt, {3, 7, 17, 19}, sppf), "tiled"), 2);
    EXPECT_EQ(Check(PoolOf(OpKind::kMaxPool, dt, {1, 5, 41, 70}, sppf), "tiled"), 2);  // several tiles
    // Asymmetric pads and a non-square kernel stay on the tiled kernel.
    EXPECT_EQ(Check(PoolOf(OpKind::kMaxPool, dt, {2, 3, 13, 33}, Window({3, 4}, {1, 1}, {0, 1, 2, 3})), "tiled"), 2);
  }
}

TEST(PoolCuda, MaxPoolWindowCorners) {
  MRT_SKIP_WITHOUT_GPU();
  for (DType dt : kFloats) {
    SCOPED_TRACE(std::string(DTypeName(dt)));
    Attributes ceil = Window({3, 3}, {2, 2}, {0, 0, 0, 0});
    ceil.set("ceil_mode", int64_t{1});
    EXPECT_GE(Check(PoolOf(OpKind::kMaxPool, dt, {3, 7, 17, 19}, ceil)), 1);
    Attributes dilated = Window({3, 2}, {1, 2}, {2, 1, 0, 1});
    dilated.set("dilations", Ints{2, 3});
    EXPECT_GE(Check(PoolOf(OpKind::kMaxPool, dt, {1, 13, 17, 19}, dilated)), 1);
    Attributes same = Attrs({{"kernel_shape", Ints{4, 4}}, {"strides", Ints{3, 3}}, {"auto_pad", std::string("SAME_UPPER")}});
    EXPECT_GE(Check(PoolOf(OpKind::kMaxPool, dt, {3, 5, 17, 19}, same)), 1);
    Attributes dilated3 = Window({3, 3}, {1, 1}, {2, 2, 2, 2});  // the unrolled 3x3 instance, dilated
    dilated3.set("dilations", Ints{2, 2});
    EXPECT_GE(Check(PoolOf(OpKind::kMaxPool, dt, {2, 5, 17, 19}, dilated3)), 1);
    EXPECT_GE(Check(PoolOf(OpKind::kMaxPool, dt, {3, 7, 16, 18}, Window({2, 2}, {2, 2}, {0, 0, 0, 0}))), 1);
    EXPECT_GE(Check(PoolOf(OpKind::kMaxPool, dt, {3, 13, 31}, Window({3}, {2}, {1, 1}))), 1);  // 1-D
    EXPECT_GE(Check(PoolOf(OpKind::kMaxPool, dt, {1, 7, 5, 9, 11}, Window({2, 3, 3}, {2, 1, 2}, {0, 1, 1, 1, 1, 0}))),
              1);  // 3-D
  }
}

TEST(PoolCuda, AveragePoolCountIncludePadAndCeilMode) {
  MRT_SKIP_WITHOUT_GPU();
  for (DType dt : kFloats) {
    for (int64_t count_pad : {0, 1}) {
      for (int64_t ceil_mode : {0, 1}) {
        SCOPED_TRACE(std::string(DTypeName(dt)) + " count_include_pad=" + std::to_string(count_pad) +
                     " ceil_mode=" + std::to_string(ceil_mode));
        Attributes a = Window({3, 3}, {2, 2}, {1, 1, 1, 1});
        a.set("count_include_pad", count_pad);
        a.set("ceil_mode", ceil_mode);
        EXPECT_GE(Check(PoolOf(OpKind::kAveragePool, dt, {3, 13, 17, 19}, a)), 1);
        Attributes b = Window({2, 5}, {1, 3}, {0, 2, 1, 1});
        b.set("count_include_pad", count_pad);
        b.set("ceil_mode", ceil_mode);
        EXPECT_GE(Check(PoolOf(OpKind::kAveragePool, dt, {1, 7, 17, 19}, b)), 1);
        Attributes c = Window({3, 3, 2}, {2, 2, 2}, {1, 0, 1, 1, 1, 0});
        c.set("count_include_pad", count_pad);
        c.set("ceil_mode", ceil_mode);
        EXPECT_GE(Check(PoolOf(OpKind::kAveragePool, dt, {1, 5, 7, 9, 11}, c)), 1);
        Attributes d = Window({5, 5}, {1, 1}, {2, 2, 2, 2});  // the unrolled 5x5 instance
        d.set("count_include_pad", count_pad);
        d.set("ceil_mode", ceil_mode);
        EXPECT_GE(Check(PoolOf(OpKind::kAveragePool, dt, {2, 3, 13, 11}, d)), 1);
      }
    }
  }
}

Attributes ChannelsLast(Attributes a) {
  a.set("channels_last", int64_t{1});
  return a;
}

TEST(PoolCuda, ChannelsLastVectorizedAndScalar) {
  MRT_SKIP_WITHOUT_GPU();
  for (DType dt : kFloats) {
    SCOPED_TRACE(std::string(DTypeName(dt)));
    const std::string vec = dt == DType::kF16 ? "vec8" : "vec4";
    const Attributes resnet = ChannelsLast(Window({3, 3}, {2, 2}, {1, 1, 1, 1}));
    const Attributes sppf = ChannelsLast(Window({5, 5}, {1, 1}, {2, 2, 2, 2}));
    EXPECT_EQ(Check(PoolOf(OpKind::kMaxPool, dt, {3, 17, 19, 64}, resnet), "nhwc_" + vec), 1);
    EXPECT_EQ(Check(PoolOf(OpKind::kMaxPool, dt, {3, 17, 19, 64}, resnet)), 2);  // 16-byte and narrow groups
    EXPECT_EQ(Check(PoolOf(OpKind::kMaxPool, dt, {2, 9, 11, 6}, sppf), dt == DType::kF16 ? "nhwc_vec2" : "nhwc_scalar"),
              1);
    EXPECT_EQ(Check(PoolOf(OpKind::kMaxPool, dt, {1, 20, 20, 128}, sppf), "nhwc_" + vec), 1);
    EXPECT_EQ(Check(PoolOf(OpKind::kMaxPool, dt, {3, 17, 19, 13}, resnet), "nhwc_scalar"), 1);
    EXPECT_EQ(Check(PoolOf(OpKind::kMaxPool, dt, {1, 17, 19, 7}, sppf), "nhwc_scalar"), 1);
    for (int64_t count_pad : {0, 1}) {
      Attributes avg = ChannelsLast(Window({3, 2}, {2, 1}, {1, 0, 1, 1}));
      avg.set("count_include_pad", count_pad);
      avg.set("ceil_mode", int64_t{1});
      EXPECT_EQ(Check(PoolOf(OpKind::kAveragePool, dt, {3, 17, 19, 16}, avg), "nhwc_" + vec), 1);
      EXPECT_EQ(Check(PoolOf(OpKind::kAveragePool, dt, {1, 13, 9, 33}, avg), "nhwc_scalar"), 1);
      Attributes avg5 = ChannelsLast(Window({5, 5}, {1, 1}, {2, 2, 2, 2}));  // the unrolled 5x5 instance
      avg5.set("count_include_pad", count_pad);
      EXPECT_GE(Check(PoolOf(OpKind::kAveragePool, dt, {1, 13, 9, 24}, avg5)), 2);
      Attributes avg3 = ChannelsLast(Window({3, 3}, {2, 2}, {1, 1, 1, 1}));
      avg3.set("count_include_pad", count_pad);
      EXPECT_GE(Check(PoolOf(OpKind::kAveragePool, dt, {2, 7, 10, 5}, avg3)), 1);
    }
  }
}

TEST(PoolCuda, GlobalPoolsNchw) {
  MRT_SKIP_WITHOUT_GPU();
  for (OpKind op : {OpKind::kGlobalAveragePool, OpKind::kGlobalMaxPool}) {
    for (DType dt : kFloats) {
      SCOPED_TRACE(std::string(OpName(op)) + " " + std::string(DTypeName(dt)));
      EXPECT_EQ(Check(PoolOf(op, dt, {3, 13, 17, 19}, {})), 2);
      EXPECT_EQ(Check(PoolOf(op, dt, {1, 2048, 7, 7}, {})), 2);  // ResNet-50's last pool
      EXPECT_EQ(Check(PoolOf(op, dt, {2, 65, 64, 64}, {})), 2);  // vectorized block kernel
      EXPECT_EQ(Check(PoolOf(op, dt, {3, 7, 33}, {})), 2);       // 1-D
      EXPECT_EQ(Check(PoolOf(op, dt, {2, 5, 3, 4, 7}, {})), 2);  // 3-D
      EXPECT_EQ(Check(PoolOf(op, dt, {1, 3, 1, 1}, {})), 2);     // one pixel
    }
  }
}

TEST(PoolCuda, GlobalPoolsChannelsLast) {
  MRT_SKIP_WITHOUT_GPU();
  const Attributes nhwc = ChannelsLast({});
  for (OpKind op : {OpKind::kGlobalAveragePool, OpKind::kGlobalMaxPool}) {
    for (DType dt : kFloats) {
      SCOPED_TRACE(std::string(OpName(op)) + " " + std::string(DTypeName(dt)));
      const std::string vec = dt == DType::kF16 ? "vec8" : "vec4";
      EXPECT_EQ(Check(PoolOf(op, dt, {1, 7, 7, 2048}, nhwc), vec), 1);
      EXPECT_EQ(Check(PoolOf(op, dt, {3, 17, 19, 64}, nhwc), vec), 1);
      EXPECT_EQ(Check(PoolOf(op, dt, {3, 17, 19, 13}, nhwc), "scalar"), 1);
      EXPECT_EQ(Check(PoolOf(op, dt, {2, 1, 1, 65}, nhwc), "scalar"), 1);
    }
  }
}

TEST(PoolCuda, LeavesUnsupportedNodesToTheFallback) {
  MRT_SKIP_WITHOUT_GPU();
  const Attributes w = Window({3, 3}, {2, 2}, {1, 1, 1, 1});
  OpUnderTest with_indices = PoolOf(OpKind::kMaxPool, DType::kF32, {1, 3, 9, 9}, w);
  with_indices.num_outputs = 2;
  EXPECT_EQ(NumOffered(with_indices), 0);
  EXPECT_EQ(NumOffered(PoolOf(OpKind::kMaxPool, DType::kF64, {1, 3, 9, 9}, w)), 0);
  EXPECT_EQ(NumOffered(PoolOf(OpKind::kMaxPool, DType::kI8, {1, 3, 9, 9}, w)), 0);
  EXPECT_EQ(NumOffered(PoolOf(OpKind::kAveragePool, DType::kBF16, {1, 3, 9, 9}, w)), 0);
}

// Every tactic's time on model shapes, printed to the test log (gpu_timing_support.h).
TEST(PoolCuda, TimingsOnModelShapes) {
  MRT_SKIP_WITHOUT_GPU();
  const Attributes resnet = Window({3, 3}, {2, 2}, {1, 1, 1, 1});
  const Attributes sppf = Window({5, 5}, {1, 1}, {2, 2, 2, 2});
  for (DType dt : kFloats) {
    const testing::LabelledOps cases = {
        {"resnet50 maxpool 1x64x112x112", PoolOf(OpKind::kMaxPool, dt, {1, 64, 112, 112}, resnet)},
        {"resnet50 maxpool nhwc", PoolOf(OpKind::kMaxPool, dt, {1, 112, 112, 64}, ChannelsLast(resnet))},
        {"yolov8n sppf 1x128x20x20", PoolOf(OpKind::kMaxPool, dt, {1, 128, 20, 20}, sppf)},
        {"yolov8s sppf 1x256x20x20", PoolOf(OpKind::kMaxPool, dt, {1, 256, 20, 20}, sppf)},
        {"yolov8 sppf nhwc 1x20x20x256", PoolOf(OpKind::kMaxPool, dt, {1, 20, 20, 256}, ChannelsLast(sppf))},
        {"resnet50 gap 1x2048x7x7", PoolOf(OpKind::kGlobalAveragePool, dt, {1, 2048, 7, 7}, {})},
        {"resnet50 gap nhwc", PoolOf(OpKind::kGlobalAveragePool, dt, {1, 7, 7, 2048}, ChannelsLast({}))},
        {"gap 8x2048x7x7", PoolOf(OpKind::kGlobalAveragePool, dt, {8, 2048, 7, 7}, {})},
    };
    testing::ReportTacticTimingsOfOps(cases, AppendPoolTactics, DTypeName(dt));
  }
}

}  // namespace
}  // namespace mrt
