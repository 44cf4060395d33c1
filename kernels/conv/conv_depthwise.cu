// Depthwise 2-D convolution (group == C == K: one filter per channel), NCHW and NHWC, f32 and
// f16 (f32 accumulation), with the fused epilogue before the store:
//   y[n, c, oy, ox] = epi(sum_{r,s} x[n, c, oy*sh - ph + r*dh, ox*sw - pw + s*dw] * w[c, r, s])
// Depthwise layers do ~R*S FMAs per loaded element, so they are bound by memory traffic: the
// kernels aim at reading each input element from DRAM once and at full-width accesses.
//
// NCHW: a block owns one channel plane of one image and a tile of its output; it stages the
//   input window of the tile and the R*S weights in shared memory, and each thread computes
//   rows_per_thread outputs of a column. grid = (N*C, tiles).
// NHWC: the channels of a pixel are contiguous, so a thread takes a vector of VEC channels
//   (16 bytes: 4 f32 / 8 f16) and PW consecutive output pixels of a row; for each window row it
//   loads the (PW-1)*stride + S input columns once and uses each for every output pixel whose
//   window covers it (with stride 1 and PW 4, a 3x3 window needs 18 vector loads for 4 outputs
//   instead of 36). The window (3x3/5x5) and stride (1/2) are templates so every tap loop
//   unrolls into straight-line FMAs; dilation 1 only. Window 0 is the generic path (one pixel
//   per thread, any window/stride/dilation). W is packed as [R, S, C] so each tap's weights for
//   a channel vector are one 16-byte load.
#include "kernels/conv/conv_handwritten_launch.h"
#include "kernels/gpu/epilogue.cuh"

namespace mrt::gpu {

namespace {

// ----------------------------------------------------------------------------------- kernels

// VEC consecutive elements as f32 (one aligned load of VEC * sizeof(T) bytes).
template <typename T, int VEC>
__device__ __forceinline__ void LoadVector(const T* p, float (&out)[VEC]) {
  union {
    typename RawVector<VEC * sizeof(T)>::type raw;
    T elems[VEC];
  } u;
  u.raw = *reinterpret_cast<const typename RawVector<VEC * sizeof(T)>::type*>(p);
#pragma unroll
  for (int i = 0; i < VEC; ++i) out[i] = ToFloat(u.elems[i]);
}

template <typename T, int VEC>
__device__ __forceinline__ void StoreVector(T* p, const float (&in)[VEC]) {
  union {
    typename RawVector<VEC * sizeof(T)>::type raw;
    T elems[VEC];
  } u;
#pragma unroll
  for (int i = 0; i < VEC; ++i) u.elems[i] = FromFloat<T>(in[i]);
  *reinterpret_cast<typename RawVector<VEC * sizeof(T)>::type*>(p) = u.raw;
}

// ---- NCHW ----

template <typename T, int KW>
__global__ void __launch_bounds__(256)
    DepthwiseNchwKernel(ConvGeometry g, int tile_h, int rows_per_thread, Epilogue e, const T* __restrict__ x,
                        const T* __restrict__ w, T* __restrict__ y) {
  extern __shared__ float dw_nchw_smem[];
  const int R = KW > 0 ? KW : g.r, S = KW > 0 ? KW : g.s;
  const int tile_w = blockDim.x;
  const int in_h = (tile_h - 1) * g.stride_h + (R - 1) * g.dil_h + 1;
  const int in_w = (tile_w - 1) * g.stride_w + (S - 1) * g.dil_w + 1;
  float* w_s = dw_nchw_smem;
  float* in_s = w_s + R * S;

  const int plane = blockIdx.x;  // n * C + c
  const int c = plane % g.c;
  const int tiles_w = (g.ow + tile_w - 1) / tile_w;
  const int oy0 = (blockIdx.y / tiles_w) * tile_h, ox0 = (blockIdx.y % tiles_w) * tile_w;
  const int iy0 = oy0 * g.stride_h - g.pad_h, ix0 = ox0 * g.stride_w - g.pad_w;
  const T* x_plane = x + int64_t(plane) * g.h * g.w;
  const int tid = threadIdx.y * blockDim.x + threadIdx.x, nthreads = blockDim.x * blockDim.y;

  for (int i = tid; i < R * S; i += nthreads) w_s[i] = ToFloat(w[int64_t(c) * R * S + i]);
  for (int i = tid; i < in_h * in_w; i += nthreads) {
    const int gy = iy0 + i / in_w, gx = ix0 + i % in_w;
    in_s[i] = (gy >= 0 && gy < g.h && gx >= 0 && gx < g.w) ? ToFloat(x_plane[gy * g.w + gx]) : 0.f;
  }
  __syncthreads();

  const int ox = ox0 + threadIdx.x;
  for (int j = 0; j < rows_per_thread; ++j) {
    const int ty = threadIdx.y + j * blockDim.y;
    const int oy = oy0 + ty;
    if (ty >= tile_h || oy >= g.oh || ox >= g.ow) continue;
    const float* in_pix = in_s + ty * g.stride_h * in_w + threadIdx.x * g.stride_w;
    float acc = 0.f;
#pragma unroll
    for (int r = 0; r < R; ++r) {
#pragma unroll
      for (int s = 0; s < S; ++s) acc += in_pix[r * g.dil_h * in_w + s * g.dil_w] * w_s[r * S + s];
    }
    const int64_t idx = (int64_t(plane) * g.oh + oy) * g.ow + ox;
    y[idx] = FromFloat<T>(ApplyEpilogue<T>(e, acc, c, idx));
  }
}

// ---- NHWC ----

// The epilogue of VEC channels [c, c + VEC) of one output pixel at element offset `idx`.
template <typename T, int VEC>
__device__ __forceinline__ void StoreNhwcVector(const Epilogue& e, float (&acc)[VEC], int c, int64_t idx, T* y) {
  float bias[VEC], residual[VEC];
  if (e.bias != nullptr) LoadVector<T, VEC>(static_cast<const T*>(e.bias) + c, bias);
  if (e.residual != nullptr) LoadVector<T, VEC>(static_cast<const T*>(e.residual) + idx, residual);
#pragma unroll
  for (int v = 0; v < VEC; ++v) {
    float a = acc[v] + (e.bias != nullptr ? bias[v] : 0.f);
    a = ApplyActivation(e.act, a);
    if (e.residual != nullptr) a += residual[v];
    acc[v] = ApplyActivation(e.post, a);
  }
  StoreVector<T, VEC>(y + idx, acc);
}

// Fast path: KW x KW window, stride STRIDE, dilation 1, PW output pixels per thread.
template <typename T, int VEC, int KW, int STRIDE, int PW>
__global__ void __launch_bounds__(128, 4) DepthwiseNhwcKernel(ConvGeometry g, Epilogue e, const T* __restrict__ x,
                                                              const T* __restrict__ w, T* __restrict__ y) {
  constexpr int kSpan = (PW - 1) * STRIDE + KW;  // input columns a thread's PW outputs cover
  const int vectors = g.c / VEC, col_groups = (g.ow + PW - 1) / PW;
  const int64_t total = int64_t(g.n) * g.oh * col_groups * vectors;
  MRT_GRID_STRIDE_LOOP(i, total) {
    const int item = int(i);  // < numel(Y) < 2^31 (the provider checks): 32-bit divisions
    const int c = (item % vectors) * VEC;
    int rest = item / vectors;
    const int ox0 = (rest % col_groups) * PW;
    rest /= col_groups;
    const int oy = rest % g.oh, n = rest / g.oh;
    const int ix0 = ox0 * STRIDE - g.pad_w;
    float acc[PW][VEC] = {};
#pragma unroll
    for (int r = 0; r < KW; ++r) {
      const int iy = oy * STRIDE - g.pad_h + r;
      if (iy < 0 || iy >= g.h) continue;
      float wrow[KW][VEC];
#pragma unroll
      for (int s = 0; s < KW; ++s) LoadVector<T, VEC>(w + int64_t(r * KW + s) * g.c + c, wrow[s]);
      const T* x_row = x + (int64_t(n) * g.h + iy) * g.w * g.c + c;
#pragma unroll
      for (int j = 0; j < kSpan; ++j) {
        const int ix = ix0 + j;
        if (ix < 0 || ix >= g.w) continue;
        float xv[VEC];
        LoadVector<T, VEC>(x_row + int64_t(ix) * g.c, xv);
#pragma unroll
        for (int p = 0; p < PW; ++p) {
          const int s = j - p * STRIDE;  // compile-time after unrolling
          if (s < 0 || s >= KW) continue;
#pragma unroll
          for (int v = 0; v < VEC; ++v) acc[p][v] += xv[v] * wrow[s][v];
        }
      }
    }
#pragma unroll
    for (int p = 0; p < PW; ++p) {
      const int ox = ox0 + p;
      if (ox >= g.ow) break;
      StoreNhwcVector<T, VEC>(e, acc[p], c, ((int64_t(n) * g.oh + oy) * g.ow + ox) * g.c + c, y);
    }
  }
}

// Generic path: any window, stride, dilation; one output pixel per thread.
template <typename T, int VEC>
__global__ void __launch_bounds__(128, 4)
    DepthwiseNhwcGenericKernel(ConvGeometry g, Epilogue e, const T* __restrict__ x, const T* __restrict__ w,
                               T* __restrict__ y) {
  const int vectors = g.c / VEC;
  const int64_t total = int64_t(g.n) * g.oh * g.ow * vectors;
  MRT_GRID_STRIDE_LOOP(i, total) {
    const int item = int(i);  // < numel(Y) < 2^31 (the provider checks): 32-bit divisions
    const int c = (item % vectors) * VEC;
    const int pixel = item / vectors;  // (n * OH + oy) * OW + ox
    const int ox = pixel % g.ow, oy = (pixel / g.ow) % g.oh, n = pixel / (g.ow * g.oh);
    float acc[VEC] = {};
    for (int r = 0; r < g.r; ++r) {
      const int iy = oy * g.stride_h - g.pad_h + r * g.dil_h;
      if (iy < 0 || iy >= g.h) continue;
      for (int s = 0; s < g.s; ++s) {
        const int ix = ox * g.stride_w - g.pad_w + s * g.dil_w;
        if (ix < 0 || ix >= g.w) continue;
        float xv[VEC], wv[VEC];
        LoadVector<T, VEC>(x + ((int64_t(n) * g.h + iy) * g.w + ix) * g.c + c, xv);
        LoadVector<T, VEC>(w + int64_t(r * g.s + s) * g.c + c, wv);
#pragma unroll
        for (int v = 0; v < VEC; ++v) acc[v] += xv[v] * wv[v];
      }
    }
    StoreNhwcVector<T, VEC>(e, acc, c, int64_t(pixel) * g.c + c, y);
  }
}

// ---------------------------------------------------------------------------------- launchers

template <typename T, int KW>
cudaError_t LaunchNchwTyped(const ConvGeometry& g, const DepthwiseNchwConfig& cfg, const ConvOperands& op,
                            cudaStream_t stream) {
  const size_t smem = DepthwiseNchwSharedBytes(g, cfg);
  if (smem > 48 * 1024) return cudaErrorInvalidConfiguration;
  const int tiles = ((g.oh + cfg.tile_h - 1) / cfg.tile_h) * ((g.ow + cfg.tile_w - 1) / cfg.tile_w);
  const dim3 grid(g.n * g.c, tiles);
  const dim3 block(cfg.tile_w, (cfg.tile_h + cfg.rows_per_thread - 1) / cfg.rows_per_thread);
  const Epilogue e{op.bias, op.residual, op.act, op.post};
  DepthwiseNchwKernel<T, KW><<<grid, block, smem, stream>>>(g, cfg.tile_h, cfg.rows_per_thread, e,
                                                            static_cast<const T*>(op.x), static_cast<const T*>(op.w),
                                                            static_cast<T*>(op.y));
  return cudaGetLastError();
}

template <typename T>
cudaError_t LaunchNchwForDtype(const ConvGeometry& g, const DepthwiseNchwConfig& cfg, const ConvOperands& op,
                               cudaStream_t stream) {
  if (cfg.window == 3 && g.r == 3 && g.s == 3) return LaunchNchwTyped<T, 3>(g, cfg, op, stream);
  if (cfg.window == 5 && g.r == 5 && g.s == 5) return LaunchNchwTyped<T, 5>(g, cfg, op, stream);
  if (cfg.window == 0) return LaunchNchwTyped<T, 0>(g, cfg, op, stream);
  return cudaErrorInvalidValue;
}

bool Aligned(const void* p, size_t bytes) { return p == nullptr || reinterpret_cast<uintptr_t>(p) % bytes == 0; }

template <typename T, int VEC>
cudaError_t LaunchNhwcVec(const ConvGeometry& g, const DepthwiseNhwcConfig& cfg, const ConvOperands& op,
                          cudaStream_t stream) {
  const Epilogue e{op.bias, op.residual, op.act, op.post};
  const T* x = static_cast<const T*>(op.x);
  const T* w = static_cast<const T*>(op.w);
  T* y = static_cast<T*>(op.y);
  const int pw = cfg.window == 0 ? 1 : cfg.pixels_per_thread;
  const int64_t items = int64_t(g.n) * g.oh * ((g.ow + pw - 1) / pw) * (g.c / VEC);
  // 128-thread blocks: a batch-1 layer has few items (112x112x32 f16 in 8-channel vectors and
  // 4 pixels is 12544 threads), and smaller blocks spread them over more SMs.
  constexpr int kThreads = 128;
  const unsigned grid = GridFor(items, kThreads);
  const int key = cfg.window * 100 + cfg.stride * 10 + cfg.pixels_per_thread;
  switch (cfg.window == 0 ? 0 : key) {
    case 0:
      DepthwiseNhwcGenericKernel<T, VEC><<<grid, kThreads, 0, stream>>>(g, e, x, w, y);
      break;
    case 311:
      DepthwiseNhwcKernel<T, VEC, 3, 1, 1><<<grid, kThreads, 0, stream>>>(g, e, x, w, y);
      break;
    case 312:
      DepthwiseNhwcKernel<T, VEC, 3, 1, 2><<<grid, kThreads, 0, stream>>>(g, e, x, w, y);
      break;
    case 314:
      DepthwiseNhwcKernel<T, VEC, 3, 1, 4><<<grid, kThreads, 0, stream>>>(g, e, x, w, y);
      break;
    case 321:
      DepthwiseNhwcKernel<T, VEC, 3, 2, 1><<<grid, kThreads, 0, stream>>>(g, e, x, w, y);
      break;
    case 322:
      DepthwiseNhwcKernel<T, VEC, 3, 2, 2><<<grid, kThreads, 0, stream>>>(g, e, x, w, y);
      break;
    case 511:
      DepthwiseNhwcKernel<T, VEC, 5, 1, 1><<<grid, kThreads, 0, stream>>>(g, e, x, w, y);
      break;
    case 512:
      DepthwiseNhwcKernel<T, VEC, 5, 1, 2><<<grid, kThreads, 0, stream>>>(g, e, x, w, y);
      break;
    case 514:
      DepthwiseNhwcKernel<T, VEC, 5, 1, 4><<<grid, kThreads, 0, stream>>>(g, e, x, w, y);
      break;
    case 521:
      DepthwiseNhwcKernel<T, VEC, 5, 2, 1><<<grid, kThreads, 0, stream>>>(g, e, x, w, y);
      break;
    case 522:
      DepthwiseNhwcKernel<T, VEC, 5, 2, 2><<<grid, kThreads, 0, stream>>>(g, e, x, w, y);
      break;
    default:
      return cudaErrorInvalidValue;
  }
  return cudaGetLastError();
}

// The widest vector the channel count and every pointer allow: 16 bytes, else one element.
template <typename T>
cudaError_t LaunchNhwcForDtype(const ConvGeometry& g, const DepthwiseNhwcConfig& cfg, const ConvOperands& op,
                               cudaStream_t stream) {
  constexpr int kVec = 16 / sizeof(T);
  const bool wide = g.c % kVec == 0 && Aligned(op.x, 16) && Aligned(op.w, 16) && Aligned(op.y, 16) &&
                    Aligned(op.bias, 16) && Aligned(op.residual, 16);
  return wide ? LaunchNhwcVec<T, kVec>(g, cfg, op, stream) : LaunchNhwcVec<T, 1>(g, cfg, op, stream);
}

}  // namespace

size_t DepthwiseNchwSharedBytes(const ConvGeometry& g, const DepthwiseNchwConfig& config) {
  const size_t in_h = size_t(config.tile_h - 1) * g.stride_h + size_t(g.r - 1) * g.dil_h + 1;
  const size_t in_w = size_t(config.tile_w - 1) * g.stride_w + size_t(g.s - 1) * g.dil_w + 1;
  return (in_h * in_w + size_t(g.r) * g.s) * sizeof(float);
}

cudaError_t LaunchConvDepthwiseNchw(const ConvGeometry& g, const DepthwiseNchwConfig& config, const ConvOperands& op,
                                    cudaStream_t stream) {
  return g.element == ConvElement::kF16 ? LaunchNchwForDtype<__half>(g, config, op, stream)
                                        : LaunchNchwForDtype<float>(g, config, op, stream);
}

cudaError_t LaunchConvDepthwiseNhwc(const ConvGeometry& g, const DepthwiseNhwcConfig& config, const ConvOperands& op,
                                    cudaStream_t stream) {
  return g.element == ConvElement::kF16 ? LaunchNhwcForDtype<__half>(g, config, op, stream)
                                        : LaunchNhwcForDtype<float>(g, config, op, stream);
}

}  // namespace mrt::gpu
