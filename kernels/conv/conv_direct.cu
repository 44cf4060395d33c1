// Direct 2-D convolution for any group, stride, padding, dilation and window, NCHW or NHWC,
// f32 or f16 (f32 accumulation), with the fused epilogue (epilogue.cuh) before the store.
//
// A block computes a tile_h x tile_w tile of output pixels (one per thread) for KPT consecutive
// output channels of one group of one image:
//   grid = (tiles_h * tiles_w, ceil(K_g / KPT), N * group).
// It walks the group's input channels in chunks; per chunk it stages in shared memory (as f32)
//   in_s[cc][iy][ix]  the input window of the whole tile, ((th-1)*sh + (R-1)*dh + 1) x (... w)
//   w_s[cc][r][s][kk] the chunk's weights for the block's KPT channels (kk fastest, so the
//                     per-tap weight vector is one broadcast 16-byte shared load)
// then every thread accumulates acc[kk] += in_s[cc][ty*sh + r*dh][tx*sw + s*dw] * w_s[cc][r][s][kk].
// Each input value read from shared memory feeds KPT FMAs. This is the general fallback of the
// hand-written family (grouped convs, stems, odd windows); dense 3x3/1x1 layers are faster on the
// implicit GEMM and the 1x1 GEMM. A 3x3 window is a template (unrolled taps), others are runtime.
#include "kernels/conv/conv_handwritten_launch.h"
#include "kernels/gpu/epilogue.cuh"

namespace mrt::gpu {

namespace {

// ----------------------------------------------------------------------------------- kernels

constexpr int kDirectBudgetBytes = 24 * 1024;  // preferred shared memory per block
constexpr int kDirectMaxBytes = 48 * 1024;     // hard limit (no opt-in attribute needed)
constexpr int kDirectMaxChunk = 32;

struct DirectTile {
  int in_h, in_w;  // staged input window of the output tile
};

__host__ __device__ inline DirectTile DirectTileOf(const ConvGeometry& g, int tile_h, int tile_w) {
  return {(tile_h - 1) * g.stride_h + (g.r - 1) * g.dil_h + 1, (tile_w - 1) * g.stride_w + (g.s - 1) * g.dil_w + 1};
}

// Stages input channels [c0, c0 + chunk) of group `grp` of image `n` for the tile whose input
// origin is (iy0, ix0): zero outside the image and past the last channel.
template <typename T>
__device__ void LoadInputChunk(const ConvGeometry& g, const T* __restrict__ x, float* in_s, DirectTile t, int n,
                               int grp, int c0, int chunk, int iy0, int ix0) {
  const int cpg = g.c / g.group;
  const int plane = t.in_h * t.in_w;
  const int total = chunk * plane;
  const int tid = threadIdx.y * blockDim.x + threadIdx.x;
  const int nthreads = blockDim.x * blockDim.y;
  for (int i = tid; i < total; i += nthreads) {
    int cc, iy, ix;
    if (g.channels_last) {  // channels fastest: consecutive threads read consecutive channels
      cc = i % chunk;
      const int pix = i / chunk;
      iy = pix / t.in_w;
      ix = pix % t.in_w;
    } else {  // columns fastest: consecutive threads read consecutive pixels of a row
      cc = i / plane;
      iy = (i % plane) / t.in_w;
      ix = i % t.in_w;
    }
    const int gy = iy0 + iy, gx = ix0 + ix, c_in_group = c0 + cc;
    float v = 0.f;
    if (gy >= 0 && gy < g.h && gx >= 0 && gx < g.w && c_in_group < cpg) {
      const int c = grp * cpg + c_in_group;
      const int64_t idx = g.channels_last ? ((int64_t(n) * g.h + gy) * g.w + gx) * g.c + c
                                          : ((int64_t(n) * g.c + c) * g.h + gy) * g.w + gx;
      v = ToFloat(x[idx]);
    }
    in_s[(cc * t.in_h + iy) * t.in_w + ix] = v;
  }
}

// Stages w[k0 + kk, c0 + cc, r, s] into w_s[((cc * R + r) * S + s) * KPT + kk] (zero past K_g).
template <typename T, int KPT>
__device__ void LoadWeightChunk(const ConvGeometry& g, const T* __restrict__ w, float* w_s, int k_first_in_group,
                                int grp, int c0, int chunk) {
  const int cpg = g.c / g.group, kpg = g.k / g.group, taps = g.r * g.s;
  const int per_k = chunk * taps;
  const int tid = threadIdx.y * blockDim.x + threadIdx.x;
  const int nthreads = blockDim.x * blockDim.y;
  for (int i = tid; i < KPT * per_k; i += nthreads) {
    const int kk = i / per_k, rest = i % per_k;  // rest = cc * taps + tap: contiguous in W
    const int cc = rest / taps;
    const int k_in_group = k_first_in_group + kk;
    float v = 0.f;
    if (k_in_group < kpg && c0 + cc < cpg) v = ToFloat(w[(int64_t(grp * kpg + k_in_group) * cpg + c0) * taps + rest]);
    w_s[rest * KPT + kk] = v;
  }
}

// acc[kk] += the chunk's contribution to the thread's pixel (in_s offset of its (0, 0) tap).
template <int KPT, int KR, int KS>
__device__ __forceinline__ void AccumulateChunk(const ConvGeometry& g, const float* in_s, const float* w_s,
                                                DirectTile t, int chunk, int pix_offset, float (&acc)[KPT]) {
  const int R = KR > 0 ? KR : g.r, S = KS > 0 ? KS : g.s;
  for (int cc = 0; cc < chunk; ++cc) {
    const float* in_c = in_s + cc * t.in_h * t.in_w + pix_offset;
    const float* w_c = w_s + cc * R * S * KPT;
#pragma unroll
    for (int r = 0; r < R; ++r) {
#pragma unroll
      for (int s = 0; s < S; ++s) {
        const float v = in_c[r * g.dil_h * t.in_w + s * g.dil_w];
        const float4* wv = reinterpret_cast<const float4*>(w_c + (r * S + s) * KPT);
#pragma unroll
        for (int q = 0; q < KPT / 4; ++q) {
          const float4 w4 = wv[q];
          acc[4 * q + 0] += v * w4.x;
          acc[4 * q + 1] += v * w4.y;
          acc[4 * q + 2] += v * w4.z;
          acc[4 * q + 3] += v * w4.w;
        }
      }
    }
  }
}

template <typename T, int KPT, int KR, int KS>
__global__ void __launch_bounds__(256, 1)
    ConvDirectKernel(ConvGeometry g, int chunk, Epilogue e, const T* __restrict__ x, const T* __restrict__ w,
                     T* __restrict__ y) {
  extern __shared__ float4 direct_smem[];
  const int tile_w = blockDim.x, tile_h = blockDim.y;
  const DirectTile t = DirectTileOf(g, tile_h, tile_w);
  const int R = KR > 0 ? KR : g.r, S = KS > 0 ? KS : g.s;
  float* w_s = reinterpret_cast<float*>(direct_smem);  // first: 16-byte aligned float4 reads
  float* in_s = w_s + chunk * R * S * KPT;

  const int tiles_w = (g.ow + tile_w - 1) / tile_w;
  const int oy0 = (blockIdx.x / tiles_w) * tile_h, ox0 = (blockIdx.x % tiles_w) * tile_w;
  const int k_first_in_group = blockIdx.y * KPT;
  const int n = blockIdx.z / g.group, grp = blockIdx.z % g.group;
  const int cpg = g.c / g.group, kpg = g.k / g.group;
  const int iy0 = oy0 * g.stride_h - g.pad_h, ix0 = ox0 * g.stride_w - g.pad_w;
  const int pix_offset = threadIdx.y * g.stride_h * t.in_w + threadIdx.x * g.stride_w;

  float acc[KPT];
#pragma unroll
  for (int kk = 0; kk < KPT; ++kk) acc[kk] = 0.f;
  for (int c0 = 0; c0 < cpg; c0 += chunk) {
    const int this_chunk = min(chunk, cpg - c0);
    __syncthreads();  // the previous chunk is consumed
    LoadInputChunk(g, x, in_s, t, n, grp, c0, this_chunk, iy0, ix0);
    LoadWeightChunk<T, KPT>(g, w, w_s, k_first_in_group, grp, c0, this_chunk);
    __syncthreads();
    AccumulateChunk<KPT, KR, KS>(g, in_s, w_s, t, this_chunk, pix_offset, acc);
  }

  const int oy = oy0 + threadIdx.y, ox = ox0 + threadIdx.x;
  if (oy >= g.oh || ox >= g.ow) return;
#pragma unroll
  for (int kk = 0; kk < KPT; ++kk) {
    const int k_in_group = k_first_in_group + kk;
    if (k_in_group >= kpg) break;
    const int k = grp * kpg + k_in_group;
    const int64_t idx = g.channels_last ? ((int64_t(n) * g.oh + oy) * g.ow + ox) * g.k + k
                                        : ((int64_t(n) * g.k + k) * g.oh + oy) * g.ow + ox;
    y[idx] = FromFloat<T>(ApplyEpilogue<T>(e, acc[kk], k, idx));
  }
}

template <typename T, int KPT>
cudaError_t LaunchDirectTyped(const ConvGeometry& g, const DirectConvConfig& config, const ConvOperands& op,
                              cudaStream_t stream) {
  const int chunk = DirectConvChunkChannels(g, config);
  if (chunk <= 0) return cudaErrorInvalidConfiguration;
  const size_t smem = DirectConvSharedBytes(g, config, chunk);
  const int tiles = ((g.oh + config.tile_h - 1) / config.tile_h) * ((g.ow + config.tile_w - 1) / config.tile_w);
  const dim3 grid(tiles, (g.k / g.group + KPT - 1) / KPT, g.n * g.group);
  const dim3 block(config.tile_w, config.tile_h);
  const Epilogue e{op.bias, op.residual, op.act, op.post};
  const T* x = static_cast<const T*>(op.x);
  const T* w = static_cast<const T*>(op.w);
  T* y = static_cast<T*>(op.y);
  if (g.r == 3 && g.s == 3)
    ConvDirectKernel<T, KPT, 3, 3><<<grid, block, smem, stream>>>(g, chunk, e, x, w, y);
  else
    ConvDirectKernel<T, KPT, 0, 0><<<grid, block, smem, stream>>>(g, chunk, e, x, w, y);
  return cudaGetLastError();
}

template <typename T>
cudaError_t LaunchDirectForDtype(const ConvGeometry& g, const DirectConvConfig& config, const ConvOperands& op,
                                 cudaStream_t stream) {
  switch (config.channels_per_thread) {
    case 4:
      return LaunchDirectTyped<T, 4>(g, config, op, stream);
    case 8:
      return LaunchDirectTyped<T, 8>(g, config, op, stream);
    case 16:
      return LaunchDirectTyped<T, 16>(g, config, op, stream);
    default:
      return cudaErrorInvalidValue;
  }
}

}  // namespace

// ---------------------------------------------------------------------------------- launchers

size_t DirectConvSharedBytes(const ConvGeometry& g, const DirectConvConfig& config, int chunk_channels) {
  const DirectTile t = DirectTileOf(g, config.tile_h, config.tile_w);
  const size_t per_channel = size_t(t.in_h) * t.in_w + size_t(g.r) * g.s * config.channels_per_thread;
  return per_channel * chunk_channels * sizeof(float);
}

int DirectConvChunkChannels(const ConvGeometry& g, const DirectConvConfig& config) {
  const size_t per_channel = DirectConvSharedBytes(g, config, 1);
  if (per_channel > size_t(kDirectMaxBytes)) return 0;
  size_t chunk = kDirectBudgetBytes / per_channel;
  if (chunk < 1) chunk = 1;
  const size_t cpg = size_t(g.c / g.group);
  if (chunk > cpg) chunk = cpg;
  if (chunk > size_t(kDirectMaxChunk)) chunk = kDirectMaxChunk;
  return static_cast<int>(chunk);
}

cudaError_t LaunchConvDirect(const ConvGeometry& g, const DirectConvConfig& config, const ConvOperands& op,
                             cudaStream_t stream) {
  if (config.tile_h * config.tile_w > 256) return cudaErrorInvalidValue;
  return g.element == ConvElement::kF16 ? LaunchDirectForDtype<__half>(g, config, op, stream)
                                        : LaunchDirectForDtype<float>(g, config, op, stream);
}

}  // namespace mrt::gpu
