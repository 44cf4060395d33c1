// Warp- and block-wide reductions shared by the reduce, softmax, norm and pool kernels.
//
// A warp reduces by butterfly shuffles: in step offset = 16, 8, 4, 2, 1 every lane merges its
// value with lane (lane ^ offset)'s, so after five steps every lane holds the merge of all 32.
// The kernels bring their own value type (a float, an (m, s) pair, a Welford triple, an argmax
// candidate) and say how to shuffle it (one __shfl_xor_sync per field it needs) and how to merge
// two partial results (merge(mine, theirs)).
// A block reduces in two levels: every warp reduces, lane 0 of each stores its result to shared
// memory, and warp 0 reduces those (lanes past the block's warps contribute the identity).
#pragma once

#include "kernels/gpu/cuda_kernel_util.cuh"

namespace mrt::gpu {

// Lane (lane ^ offset)'s v, over all 32 lanes.
template <typename T>
__device__ __forceinline__ T ShuffleXor(T v, int offset) {
  return __shfl_xor_sync(0xffffffffu, v, offset);
}

// The merge of the warp's 32 values, on every lane. shuffle(v, offset) returns lane
// (lane ^ offset)'s v; merge(mine, theirs) joins two partial results.
template <typename T, typename Shuffle, typename Merge>
__device__ __forceinline__ T WarpAllReduce(T v, Shuffle shuffle, Merge merge) {
#pragma unroll
  for (int offset = 16; offset > 0; offset >>= 1) v = merge(v, shuffle(v, offset));
  return v;
}

__device__ __forceinline__ float WarpSum(float v) {
  return WarpAllReduce(v, ShuffleXor<float>, [](float mine, float theirs) { return mine + theirs; });
}

__device__ __forceinline__ float WarpMax(float v) {
  return WarpAllReduce(v, ShuffleXor<float>, [](float mine, float theirs) { return fmaxf(mine, theirs); });
}

// The block-wide reduction of v: warp_reduce(v) reduces a warp (a WarpAllReduce); thread 0 gets
// the block's result as on_result(result). `partial` holds one entry per warp (32). Ends with a
// barrier, so partial may be reused (e.g. by the next row) right after.
template <typename T, typename WarpReduce, typename OnResult>
__device__ __forceinline__ void BlockReduce(T v, T identity, T* partial, WarpReduce warp_reduce, OnResult on_result) {
  const int lane = threadIdx.x & 31, warp = threadIdx.x >> 5, warps = blockDim.x >> 5;
  v = warp_reduce(v);
  if (lane == 0) partial[warp] = v;
  __syncthreads();
  if (warp == 0) {
    v = lane < warps ? partial[lane] : identity;
    v = warp_reduce(v);
    if (lane == 0) on_result(v);
  }
  __syncthreads();
}

// BlockReduce with the result returned to every thread of the block. `shared` holds 33 entries
// (one per warp, then the result).
template <typename T, typename WarpReduce>
__device__ T BlockAllReduce(T v, T identity, T* shared, WarpReduce warp_reduce) {
  BlockReduce(v, identity, shared, warp_reduce, [shared](T r) { shared[32] = r; });
  const T r = shared[32];
  __syncthreads();  // shared is reused by the next call
  return r;
}

}  // namespace mrt::gpu
