// Numpy broadcasting on the GPU: a strided indexer that maps an output element to the element
// each input reads, and a generic "map" kernel built on it (y[i] = f(in0[...], in1[...], ...)),
// shared by the elementwise ops, the Pointwise interpreter and any kernel that reads
// numpy-broadcast operands.
//
// The math is that of kernels/common/broadcast.h: inputs are right-aligned against the output's
// dims; input k has row-major strides s_k with s_k[d] = 0 on its broadcast dims, and
//     offset_k(output coords c) = sum_d c_d * s_k[d].
// Output dims of size 1 are dropped and adjacent dims that every input walks contiguously
// (s_k[d] == s_k[d+1] * size[d+1]) are merged, so equal shapes become one flat dim, a scalar
// operand a stride-0 flat dim, and a per-channel bias over NCHW [N, C, H*W] with strides
// [0, 1, 0]. After merging, every input's innermost stride is 0 (broadcast) or 1 (walks).
//
// Why 32-bit: index math runs per element, and 64-bit division costs ~20x a 32-bit one. The
// merged sizes are divided with a multiply-high ("magic number", Granlund-Montgomery as in
// PyTorch's IntDivider), exact for n, d < 2^31; MakeBroadcastIndex refuses larger tensors
// (kMaxBroadcastElements), and providers then offer nothing (the CPU fallback covers them).
//
// Vectors: the map kernel gives each thread a chunk of kVec consecutive outputs. A chunk never
// crosses a row of the innermost merged dim (the host only vectorizes when the row length is a
// multiple of kVec, or the index is flat, where just the last chunk is partial), so an input
// that walks the row is one aligned 16-byte load and a broadcast input one load, replicated.
//
// This header is included by .cu files and by the plain C++ launcher headers: the structs, the
// host-side builder and the index arithmetic are plain C++ (host and device); the kernels and
// device helpers are compiled only under nvcc.
#pragma once

#include <cstdint>
#include <cstring>

#if defined(__CUDACC__)
#include "kernels/gpu/cuda_kernel_util.cuh"
#endif

#if !defined(MRT_HOST_DEVICE)
#if defined(__CUDACC__)
#define MRT_HOST_DEVICE __host__ __device__
#else
#define MRT_HOST_DEVICE
#endif
#endif
#if defined(__CUDACC__)
#define MRT_UNROLL _Pragma("unroll")
#else
#define MRT_UNROLL
#endif

namespace mrt::gpu {

inline constexpr int kMaxBroadcastRank = 8;
inline constexpr int64_t kMaxBroadcastElements = (int64_t{1} << 31) - 1;

// n / d and n % d for n, d < 2^31 with one multiply-high, an add and a shift:
//   shift = ceil(log2 d), multiplier = floor(2^32 * (2^shift - d) / d) + 1,
//   n / d = (umulhi(n, multiplier) + n) >> shift.
struct FastDivmod {
  uint32_t divisor = 1;
  uint32_t multiplier = 1;
  uint32_t shift = 0;

  static FastDivmod Make(uint32_t d) {
    FastDivmod f;
    f.divisor = d;
    f.shift = 0;
    while (f.shift < 31 && (uint32_t{1} << f.shift) < d) ++f.shift;
    const uint64_t one = 1;
    f.multiplier = static_cast<uint32_t>(((one << 32) * ((one << f.shift) - d)) / d + 1);
    return f;
  }
  MRT_HOST_DEVICE uint32_t Div(uint32_t n) const {
#if defined(__CUDA_ARCH__)
    return (__umulhi(n, multiplier) + n) >> shift;
#else
    return (static_cast<uint32_t>((uint64_t{n} * multiplier) >> 32) + n) >> shift;
#endif
  }
};

// A tensor's sizes as the builder reads them (no std::vector, so .cu files stay light).
struct ShapeRef {
  const int64_t* sizes = nullptr;
  int rank = 0;
};

// Output element -> offset in each of up to kMaxInputs inputs. Plain data, passed by value into
// kernels. Dims are stored innermost first.
template <int kMaxInputs>
struct BroadcastIndex {
  int32_t rank = 1;        // merged dims, at least 1
  int32_t num_inputs = 0;  // inputs described (<= kMaxInputs)
  uint32_t numel = 0;      // output elements
  FastDivmod dims[kMaxBroadcastRank];
  uint32_t strides[kMaxInputs][kMaxBroadcastRank] = {};  // element strides; 0 where broadcast

  MRT_HOST_DEVICE uint32_t inner() const { return dims[0].divisor; }  // length of a row of the innermost dim
  MRT_HOST_DEVICE uint32_t step(int k) const { return strides[k][0]; }  // 0 (broadcast) or 1 (walks the row)
  MRT_HOST_DEVICE bool flat() const { return rank == 1; }
  // Whether chunks of `vec` outputs stay inside one row (then each input is one load per chunk).
  MRT_HOST_DEVICE bool AllowsVectors(int vec) const { return flat() || inner() % static_cast<uint32_t>(vec) == 0; }
  // The widest chunk, of at most `max_vec` (a power of two) outputs, that stays inside rows: rows
  // of 196 (14 x 14) take chunks of 4, odd rows 1.
  MRT_HOST_DEVICE int ChunkWidth(int max_vec) const {
    int w = max_vec;
    while (w > 1 && !AllowsVectors(w)) w /= 2;
    return w;
  }

  // Coordinates of output element `linear` along the merged dims (innermost first); dims at or
  // beyond `rank` get 0.
  MRT_HOST_DEVICE inline void Coords(uint32_t linear, uint32_t (&coord)[kMaxBroadcastRank]) const {
    MRT_UNROLL
    for (int d = 0; d < kMaxBroadcastRank; ++d) {
      if (d >= rank) {
        coord[d] = 0;
      } else if (d + 1 == rank) {  // the outermost dim takes what is left: no division
        coord[d] = linear;
      } else {
        const uint32_t q = dims[d].Div(linear);
        coord[d] = linear - q * dims[d].divisor;
        linear = q;
      }
    }
  }
  // Offset in input k of the element at `coord` (k may be a runtime value).
  MRT_HOST_DEVICE inline uint32_t Offset(int k, const uint32_t (&coord)[kMaxBroadcastRank]) const {
    uint32_t off = 0;
    MRT_UNROLL
    for (int d = 0; d < kMaxBroadcastRank; ++d)
      if (d < rank) off += coord[d] * strides[k][d];
    return off;
  }
  // Offsets of output element `linear` in inputs 0 .. kN-1 (those at or past num_inputs are 0).
  template <int kN>
  MRT_HOST_DEVICE inline void Offsets(uint32_t linear, uint32_t (&off)[kN]) const {
    MRT_UNROLL
    for (int k = 0; k < kN; ++k) off[k] = 0;
    MRT_UNROLL
    for (int d = 0; d < kMaxBroadcastRank; ++d) {
      if (d >= rank) break;
      uint32_t c = linear;
      if (d + 1 < rank) {
        const uint32_t q = dims[d].Div(linear);
        c = linear - q * dims[d].divisor;
        linear = q;
      }
      MRT_UNROLL
      for (int k = 0; k < kN; ++k)
        if (k < num_inputs) off[k] += c * strides[k][d];
    }
  }
};

// Builds the index of `num_inputs` inputs broadcast to `out`. False when an input does not
// broadcast to the output (a dim neither equal nor 1, or a higher rank), when a rank exceeds
// kMaxBroadcastRank, or when a tensor holds more than kMaxBroadcastElements elements.
template <int kMaxInputs>
bool MakeBroadcastIndex(ShapeRef out, const ShapeRef* inputs, int num_inputs, BroadcastIndex<kMaxInputs>* index) {
  if (out.rank > kMaxBroadcastRank || num_inputs > kMaxInputs || num_inputs < 0) return false;
  BroadcastIndex<kMaxInputs> ix;
  ix.num_inputs = num_inputs;
  int64_t numel = 1;
  for (int d = 0; d < out.rank; ++d) numel *= out.sizes[d];
  if (numel < 0 || numel > kMaxBroadcastElements) return false;
  ix.numel = static_cast<uint32_t>(numel);
  // Per output dim (innermost first): its size and each input's stride, size-1 dims dropped.
  int64_t sizes[kMaxBroadcastRank];
  int64_t strides[kMaxInputs][kMaxBroadcastRank];
  int64_t running[kMaxInputs];  // each input's row-major stride of the dim being visited
  for (int k = 0; k < num_inputs; ++k) {
    if (inputs[k].rank > out.rank) return false;
    running[k] = 1;
  }
  int kept = 0;
  for (int d = out.rank - 1; d >= 0; --d) {
    const int64_t size = out.sizes[d];
    for (int k = 0; k < num_inputs; ++k) {
      const int in_d = d - (out.rank - inputs[k].rank);
      const int64_t in_size = in_d >= 0 ? inputs[k].sizes[in_d] : 1;
      if (in_size != size && in_size != 1) return false;
      if (size != 1) strides[k][kept] = in_size == 1 ? 0 : running[k];
      running[k] *= in_size;
    }
    if (size != 1) sizes[kept++] = size;
  }
  for (int k = 0; k < num_inputs; ++k)
    if (running[k] > kMaxBroadcastElements) return false;
  if (numel == 0) {  // nothing to index: one flat dim (kernels return before launching)
    *index = ix;
    return true;
  }
  // Merge dim i+1 into dim i when every input walks both contiguously.
  int rank = 0;
  for (int d = 0; d < kept; ++d) {
    bool merge = rank > 0;
    for (int k = 0; k < num_inputs && merge; ++k)
      merge = strides[k][d] == strides[k][rank - 1] * sizes[rank - 1];
    if (merge) {
      sizes[rank - 1] *= sizes[d];
      continue;
    }
    sizes[rank] = sizes[d];
    for (int k = 0; k < num_inputs; ++k) strides[k][rank] = strides[k][d];
    ++rank;
  }
  if (rank == 0) {  // a single element: one flat dim, every input read at offset 0
    sizes[0] = 1;
    for (int k = 0; k < num_inputs; ++k) strides[k][0] = 0;
    rank = 1;
  }
  ix.rank = rank;
  for (int d = 0; d < rank; ++d) {
    ix.dims[d] = FastDivmod::Make(static_cast<uint32_t>(sizes[d]));
    for (int k = 0; k < num_inputs; ++k) ix.strides[k][d] = static_cast<uint32_t>(strides[k][d]);
  }
  *index = ix;
  return true;
}

// ---- the generic map kernel ----------------------------------------------------------------

// What a map functor declares: its input types (In0 for input 0, In1 for inputs 1 and 2), its
// output type and arity, and its vector width: 16 bytes of the widest type it moves.
constexpr int MaxOf(int a, int b) { return a > b ? a : b; }

template <typename A, typename B, typename O, int kInputs>
struct MapSignature {
  using In0 = A;
  using In1 = B;
  using Out = O;
  static constexpr int kArity = kInputs;
  static constexpr int kWidest = MaxOf(MaxOf(int{sizeof(A)}, int{sizeof(O)}), kInputs > 1 ? int{sizeof(B)} : 1);
  static constexpr int kVec = 16 / kWidest;
  // True for ops whose inputs all have the output's shape (unary ops, Cast): their index is
  // always flat, so only the full-width and the scalar kernels are compiled.
  static constexpr bool kFlatOnly = false;
};

// The index of a map: up to three inputs (those past the functor's arity are ignored).
using MapIndex = BroadcastIndex<3>;

// Outputs per thread of the vector map kernel for a functor of vector width `vec`: the widest
// chunk that stays inside rows, among the widths compiled (vec, and for functors that see
// broadcast indexes vec / 2 and vec / 4 when at least 2); 1 means the scalar kernel. The
// provider names its tactics with it, and the launcher picks the kernel with it.
inline int MapChunkWidth(const MapIndex& index, int vec, bool flat_only) {
  const int w = index.ChunkWidth(vec);
  if (w == vec) return w;
  return !flat_only && w >= 2 && w >= vec / 4 ? w : 1;
}

// Device pointers of a map: inputs (those past the arity unused) and the output.
struct MapPointers {
  const void* in[3] = {nullptr, nullptr, nullptr};
  void* out = nullptr;
};

// Whether p is aligned for loads of `bytes` bytes.
inline bool IsAligned(const void* p, int bytes) { return reinterpret_cast<uintptr_t>(p) % bytes == 0; }

#if defined(__CUDACC__)

// An unsigned type of exactly kBytes bytes, for one vector access.
template <int kBytes>
struct RawBytes;
template <>
struct RawBytes<1> { using type = uint8_t; };
template <>
struct RawBytes<2> { using type = uint16_t; };
template <>
struct RawBytes<4> { using type = uint32_t; };
template <>
struct RawBytes<8> { using type = uint2; };
template <>
struct RawBytes<16> { using type = uint4; };

// Copies N elements of T between registers and memory as 16-byte pieces (or one smaller
// piece): p must be aligned to min(16, sizeof(T) * N) bytes.
template <int N, typename T>
__device__ __forceinline__ void LoadVector(const T* p, T (&x)[N]) {
  constexpr int kBytes = static_cast<int>(sizeof(T)) * N;
  if constexpr (kBytes <= 16) {
    using R = typename RawBytes<kBytes>::type;
    const R r = *reinterpret_cast<const R*>(p);
    memcpy(&x[0], &r, sizeof(R));
  } else {
    static_assert(kBytes % 16 == 0, "vector chunks are whole 16-byte pieces");
#pragma unroll
    for (int q = 0; q < kBytes / 16; ++q) {
      const uint4 r = reinterpret_cast<const uint4*>(p)[q];
      memcpy(reinterpret_cast<char*>(&x[0]) + 16 * q, &r, 16);
    }
  }
}
template <int N, typename T>
__device__ __forceinline__ void StoreVector(T* p, const T (&y)[N]) {
  constexpr int kBytes = static_cast<int>(sizeof(T)) * N;
  if constexpr (kBytes <= 16) {
    using R = typename RawBytes<kBytes>::type;
    R r;
    memcpy(&r, &y[0], sizeof(R));
    *reinterpret_cast<R*>(p) = r;
  } else {
    static_assert(kBytes % 16 == 0, "vector chunks are whole 16-byte pieces");
#pragma unroll
    for (int q = 0; q < kBytes / 16; ++q) {
      uint4 r;
      memcpy(&r, reinterpret_cast<const char*>(&y[0]) + 16 * q, 16);
      reinterpret_cast<uint4*>(p)[q] = r;
    }
  }
}
// The alignment in bytes that LoadVector / StoreVector need for N elements of `element_bytes`.
inline int VectorAlignment(int element_bytes, int n) { return element_bytes * n < 16 ? element_bytes * n : 16; }

// x[j] = p[off + j * step] for j < count (step 0 or 1); full chunks with step 1 are vector
// loads. Lanes past count repeat a valid element.
template <int N, typename T>
__device__ __forceinline__ void LoadChunk(const T* p, uint32_t off, uint32_t step, int count, T (&x)[N]) {
  if constexpr (N == 1) {
    x[0] = p[off];
  } else {
    if (step == 0) {
      const T v = p[off];
#pragma unroll
      for (int j = 0; j < N; ++j) x[j] = v;
    } else if (count == N) {
      LoadVector<N>(p + off, x);
    } else {
#pragma unroll
      for (int j = 0; j < N; ++j) x[j] = p[off + (j < count ? j : 0)];
    }
  }
}

// p[off + j] = y[j] for j < count; a full chunk is a vector store.
template <int N, typename T>
__device__ __forceinline__ void StoreChunk(T* p, uint32_t off, int count, const T (&y)[N]) {
  if constexpr (N == 1) {
    p[off] = y[0];
  } else if (count == N) {
    StoreVector<N>(p + off, y);
  } else {
#pragma unroll
    for (int j = 0; j < N; ++j)
      if (j < count) p[off + j] = y[j];
  }
}

// y[i] = f(in0[off_0(i)], in1[off_1(i)], in2[off_2(i)]) for every output element, kVec outputs
// per thread. Each thread reads all inputs of its chunk before writing it, so the output may
// alias an input of the same shape.
template <typename F, int kVec>
__global__ void __launch_bounds__(kThreadsPerBlock)
    BroadcastMapKernel(F f, MapPointers ptrs, MapIndex index) {
  using In0 = typename F::In0;
  using In1 = typename F::In1;
  using Out = typename F::Out;
  constexpr int kArity = F::kArity;
  const uint32_t n = index.numel;
  const uint32_t chunks = (n + kVec - 1) / kVec;
  for (uint32_t chunk = blockIdx.x * blockDim.x + threadIdx.x; chunk < chunks; chunk += blockDim.x * gridDim.x) {
    const uint32_t first = chunk * kVec;
    const int count = n - first < kVec ? static_cast<int>(n - first) : kVec;
    uint32_t off[kArity];
    index.Offsets(first, off);
    In0 x0[kVec];
    In1 x1[kVec], x2[kVec];
    LoadChunk<kVec>(static_cast<const In0*>(ptrs.in[0]), off[0], index.step(0), count, x0);
    if constexpr (kArity > 1) LoadChunk<kVec>(static_cast<const In1*>(ptrs.in[1]), off[1], index.step(1), count, x1);
    if constexpr (kArity > 2) LoadChunk<kVec>(static_cast<const In1*>(ptrs.in[2]), off[2], index.step(2), count, x2);
    Out y[kVec];
#pragma unroll
    for (int j = 0; j < kVec; ++j) {
      if constexpr (kArity == 1)
        y[j] = f(x0[j]);
      else if constexpr (kArity == 2)
        y[j] = f(x0[j], x1[j]);
      else
        y[j] = f(x0[j], x1[j], x2[j]);
    }
    StoreChunk<kVec>(static_cast<Out*>(ptrs.out), first, count, y);
  }
}

// Whether the kVec-wide kernel may run on these pointers: the output and every input that walks
// its rows are aligned for kVec-element accesses.
template <typename F, int kVec>
bool PointersAllowVectors(const MapPointers& ptrs, const MapIndex& index) {
  if (!IsAligned(ptrs.out, VectorAlignment(sizeof(typename F::Out), kVec))) return false;
  for (int k = 0; k < F::kArity; ++k) {
    const int bytes = VectorAlignment(k == 0 ? sizeof(typename F::In0) : sizeof(typename F::In1), kVec);
    if (index.step(k) != 0 && !IsAligned(ptrs.in[k], bytes)) return false;
  }
  return true;
}

template <typename F, int kVec>
cudaError_t LaunchMapKernel(const F& f, const MapPointers& ptrs, const MapIndex& index, cudaStream_t stream) {
  const unsigned grid = GridFor((int64_t{index.numel} + kVec - 1) / kVec);
  BroadcastMapKernel<F, kVec><<<grid, kThreadsPerBlock, 0, stream>>>(f, ptrs, index);
  return cudaGetLastError();
}

// Launches the map. With `vectorize`, chunks of index.ChunkWidth(F::kVec) outputs per thread
// (16 bytes of the widest type when the rows allow; half or a quarter of that for rows such as
// 14 x 14, unless the functor only ever sees flat indexes, F::kFlatOnly), else, or when a
// pointer is misaligned, one element per thread.
template <typename F>
cudaError_t LaunchBroadcastMap(const F& f, const MapPointers& ptrs, const MapIndex& index, bool vectorize,
                               cudaStream_t stream) {
  if (index.numel == 0) return cudaSuccess;
  constexpr int kVec = F::kVec;
  const int width = vectorize ? MapChunkWidth(index, kVec, F::kFlatOnly) : 1;
  if (width == kVec && kVec > 1 && PointersAllowVectors<F, kVec>(ptrs, index))
    return LaunchMapKernel<F, kVec>(f, ptrs, index, stream);
  if constexpr (!F::kFlatOnly && kVec >= 4) {
    if (width == kVec / 2 && PointersAllowVectors<F, kVec / 2>(ptrs, index))
      return LaunchMapKernel<F, kVec / 2>(f, ptrs, index, stream);
  }
  if constexpr (!F::kFlatOnly && kVec >= 8) {
    if (width == kVec / 4 && PointersAllowVectors<F, kVec / 4>(ptrs, index))
      return LaunchMapKernel<F, kVec / 4>(f, ptrs, index, stream);
  }
  return LaunchMapKernel<F, 1>(f, ptrs, index, stream);
}

// ---- numeric helpers for functors: the type each dtype computes in (as the reference does) ----
// f32/f16/bf16 compute in float, integers in int64 (wrapping, narrowed back on store).
__device__ __forceinline__ float Widen(float v) { return v; }
__device__ __forceinline__ float Widen(__half v) { return __half2float(v); }
__device__ __forceinline__ float Widen(__nv_bfloat16 v) { return __bfloat162float(v); }
__device__ __forceinline__ int64_t Widen(int32_t v) { return v; }
__device__ __forceinline__ int64_t Widen(int64_t v) { return v; }

template <typename T>
__device__ __forceinline__ T Narrow(float v) { return FromFloat<T>(v); }
template <typename T>
__device__ __forceinline__ T Narrow(int64_t v) { return static_cast<T>(v); }

#endif  // __CUDACC__

}  // namespace mrt::gpu
