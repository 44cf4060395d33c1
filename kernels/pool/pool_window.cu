// NCHW windowed pooling (MaxPool, AveragePool) with the reference's semantics (pool_ref.cpp):
// output o along a dim taps inputs o * stride - pad_begin + k * dilation; taps outside the input
// are skipped; max starts at the float's lowest value; average divides the f32 sum by the taps
// inside the input, or (count_include_pad) inside [-pad_begin, in + pad_end).
//
// Two kernels:
//  * direct: one thread per output element, blockIdx.y over planes so the per-element index math
//    stays 32-bit; neighbouring windows overlap, so most taps hit L1. 3x3 and 5x5 windows get
//    unrolled instances (their loads issue together instead of one round trip per tap).
//  * stride-1 tiled max (SPPF's 5x5/1 pad 2 run three times in a row): each block stages a tile
//    of inputs plus the kernel's halo in shared memory (padding = -inf, never chosen since every
//    window holds a real tap), takes the max along rows, then along columns: k + k compares per
//    output instead of k * k.
#include "kernels/gpu/cuda_kernel_util.cuh"
#include "kernels/pool/pool_launch.h"
#include "kernels/pool/pool_taps.cuh"

namespace mrt::gpu::pool {

namespace {

constexpr int kMaxPlanesPerGrid = 65535;

// kK > 0: a 2-D kK x kK window known at compile time (ResNet's 3x3, SPPF's 5x5), so the tap loops
// unroll and all taps' loads are in flight together; 0: any window, read from g.
template <typename T, PoolKind kKind, int kK>
__global__ void PoolNchwDirectKernel(PoolGeometry g, const T* __restrict__ x, T* __restrict__ y) {
  const int out_volume = g.out[0] * g.out[1] * g.out[2];
  const int in_volume = g.in[0] * g.in[1] * g.in[2];
  const int kd = kK > 0 ? 1 : g.kernel[0], kh = kK > 0 ? kK : g.kernel[1], kw = kK > 0 ? kK : g.kernel[2];
  for (int plane = blockIdx.y; plane < g.planes; plane += gridDim.y) {
    const T* src = x + static_cast<int64_t>(plane) * in_volume;
    T* dst = y + static_cast<int64_t>(plane) * out_volume;
    for (int o = blockIdx.x * blockDim.x + threadIdx.x; o < out_volume; o += blockDim.x * gridDim.x) {
      const int ox = o % g.out[2], oy = (o / g.out[2]) % g.out[1], oz = o / (g.out[2] * g.out[1]);
      float acc = kKind == PoolKind::kMax ? kLowest : 0.f;
      int inside = 0;
      for (int kz = 0; kz < kd; ++kz) {
        const int iz = oz * g.stride[0] - g.pad_begin[0] + kz * g.dilation[0];
        if (iz < 0 || iz >= g.in[0]) continue;
#pragma unroll
        for (int ky = 0; ky < kh; ++ky) {
          const int iy = oy * g.stride[1] - g.pad_begin[1] + ky * g.dilation[1];
          if (iy < 0 || iy >= g.in[1]) continue;
          const T* row = src + (iz * g.in[1] + iy) * g.in[2];
#pragma unroll
          for (int kx = 0; kx < kw; ++kx) {
            const int ix = ox * g.stride[2] - g.pad_begin[2] + kx * g.dilation[2];
            if (ix < 0 || ix >= g.in[2]) continue;
            const float v = ToFloat(row[ix]);
            if constexpr (kKind == PoolKind::kMax) {
              acc = v > acc ? v : acc;
            } else {
              acc += v;
              ++inside;
            }
          }
        }
      }
      if constexpr (kKind == PoolKind::kAverageCountPad) {
        inside = 1;
        const int pos[3] = {oz, oy, ox};
        for (int d = 0; d < 3; ++d)
          inside *= TapsWithin(pos[d], g.stride[d], g.pad_begin[d], g.dilation[d], g.kernel[d], -g.pad_begin[d],
                               g.in[d] + g.pad_end[d]);
      }
      if constexpr (kKind != PoolKind::kMax) acc = inside > 0 ? acc / static_cast<float>(inside) : 0.f;
      dst[o] = FromFloat<T>(acc);
    }
  }
}

// Block (tile_w, tile_h) computes the outputs [oy0, oy0 + tile_h) x [ox0, ox0 + tile_w) of one
// plane (blockIdx.z walks planes). Shared memory: the staged input tile (rows_in x cols_in) then
// the row maxima (rows_in x tile_w).
template <typename T>
__global__ void MaxPoolStride1TiledKernel(PoolGeometry g, const T* __restrict__ x, T* __restrict__ y) {
  extern __shared__ float tile[];
  const int kh = g.kernel[1], kw = g.kernel[2];
  const int tile_w = blockDim.x, tile_h = blockDim.y;
  const int rows_in = tile_h + kh - 1, cols_in = tile_w + kw - 1;
  float* staged = tile;
  float* row_max = tile + rows_in * cols_in;
  const int ox0 = blockIdx.x * tile_w, oy0 = blockIdx.y * tile_h;
  const int iy0 = oy0 - g.pad_begin[1], ix0 = ox0 - g.pad_begin[2];
  const int tid = threadIdx.y * tile_w + threadIdx.x, nthreads = tile_w * tile_h;
  const int in_plane = g.in[1] * g.in[2], out_plane = g.out[1] * g.out[2];
  for (int plane = blockIdx.z; plane < g.planes; plane += gridDim.z) {
    const T* src = x + static_cast<int64_t>(plane) * in_plane;
    for (int i = tid; i < rows_in * cols_in; i += nthreads) {
      const int r = i / cols_in, c = i % cols_in;
      const int iy = iy0 + r, ix = ix0 + c;
      const bool inside = iy >= 0 && iy < g.in[1] && ix >= 0 && ix < g.in[2];
      staged[i] = inside ? ToFloat(src[iy * g.in[2] + ix]) : -INFINITY;
    }
    __syncthreads();
    for (int i = tid; i < rows_in * tile_w; i += nthreads) {
      const int r = i / tile_w, c = i % tile_w;
      const float* s = staged + r * cols_in + c;
      float m = s[0];
      for (int k = 1; k < kw; ++k) m = fmaxf(m, s[k]);
      row_max[i] = m;
    }
    __syncthreads();
    const int oy = oy0 + threadIdx.y, ox = ox0 + threadIdx.x;
    if (oy < g.out[1] && ox < g.out[2]) {
      const float* s = row_max + threadIdx.y * tile_w + threadIdx.x;
      float m = s[0];
      for (int k = 1; k < kh; ++k) m = fmaxf(m, s[k * tile_w]);
      y[static_cast<int64_t>(plane) * out_plane + oy * g.out[2] + ox] = FromFloat<T>(m);
    }
    __syncthreads();  // the next plane overwrites the tile
  }
}

template <typename T, int kK>
void LaunchDirectWindow(PoolKind kind, const PoolGeometry& g, const T* x, T* y, cudaStream_t stream) {
  const int out_volume = g.out[0] * g.out[1] * g.out[2];
  const unsigned blocks_x = GridFor(out_volume, kThreadsPerBlock, 1024);
  const dim3 grid(blocks_x, static_cast<unsigned>(g.planes < kMaxPlanesPerGrid ? g.planes : kMaxPlanesPerGrid));
  switch (kind) {
    case PoolKind::kMax:
      PoolNchwDirectKernel<T, PoolKind::kMax, kK><<<grid, kThreadsPerBlock, 0, stream>>>(g, x, y);
      break;
    case PoolKind::kAverage:
      PoolNchwDirectKernel<T, PoolKind::kAverage, kK><<<grid, kThreadsPerBlock, 0, stream>>>(g, x, y);
      break;
    case PoolKind::kAverageCountPad:
      PoolNchwDirectKernel<T, PoolKind::kAverageCountPad, kK><<<grid, kThreadsPerBlock, 0, stream>>>(g, x, y);
      break;
  }
}

template <typename T>
cudaError_t LaunchDirectTyped(PoolKind kind, const PoolGeometry& g, const void* x, void* y, cudaStream_t stream) {
  const T* in = static_cast<const T*>(x);
  T* out = static_cast<T*>(y);
  const bool planar = g.kernel[0] == 1 && g.in[0] == 1 && g.kernel[1] == g.kernel[2];
  if (planar && g.kernel[1] == 3)
    LaunchDirectWindow<T, 3>(kind, g, in, out, stream);
  else if (planar && g.kernel[1] == 5)
    LaunchDirectWindow<T, 5>(kind, g, in, out, stream);
  else
    LaunchDirectWindow<T, 0>(kind, g, in, out, stream);
  return cudaGetLastError();
}

}  // namespace

cudaError_t LaunchPoolNchwDirect(PoolKind kind, ElemType type, const PoolGeometry& g, const void* x, void* y,
                                 cudaStream_t stream) {
  if (g.planes <= 0 || g.out[0] * g.out[1] * g.out[2] <= 0) return cudaSuccess;
  return type == ElemType::kF16 ? LaunchDirectTyped<__half>(kind, g, x, y, stream)
                                : LaunchDirectTyped<float>(kind, g, x, y, stream);
}

int MaxPoolStride1TiledSharedBytes(const PoolGeometry& g, int tile_w, int tile_h) {
  const int rows_in = tile_h + g.kernel[1] - 1, cols_in = tile_w + g.kernel[2] - 1;
  return static_cast<int>(sizeof(float)) * (rows_in * cols_in + rows_in * tile_w);
}

cudaError_t LaunchMaxPoolNchwStride1Tiled(ElemType type, const PoolGeometry& g, int tile_w, int tile_h,
                                          const void* x, void* y, cudaStream_t stream) {
  if (g.planes <= 0 || g.out[1] * g.out[2] <= 0) return cudaSuccess;
  const dim3 block(tile_w, tile_h);
  const dim3 grid((g.out[2] + tile_w - 1) / tile_w, (g.out[1] + tile_h - 1) / tile_h,
                  g.planes < kMaxPlanesPerGrid ? g.planes : kMaxPlanesPerGrid);
  const size_t smem = MaxPoolStride1TiledSharedBytes(g, tile_w, tile_h);
  if (type == ElemType::kF16)
    MaxPoolStride1TiledKernel<__half><<<grid, block, smem, stream>>>(g, static_cast<const __half*>(x),
                                                                    static_cast<__half*>(y));
  else
    MaxPoolStride1TiledKernel<float><<<grid, block, smem, stream>>>(g, static_cast<const float*>(x),
                                                                   static_cast<float*>(y));
  return cudaGetLastError();
}

}  // namespace mrt::gpu::pool
