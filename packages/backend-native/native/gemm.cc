#include "gemm.h"

#if defined(__x86_64__) || defined(__i386__)
#define TK_X86 1
#include <immintrin.h>
#elif defined(__aarch64__)
#define TK_ARM64 1
#include <arm_neon.h>
#endif

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "pool.h"

namespace tk {

namespace {

// A micro-kernel computes an MR x NR tile: C (ldc) = (acc ? C : 0) + sum_p A[p][0..MR) x B[p][0..NR).
typedef void (*MicroKernel)(int64_t kc, const float* a, const float* b, float* c, int64_t ldc, bool acc);

struct KernelInfo {
  GemmKernel id;
  const char* name;
  int mr, nr;
  MicroKernel fn;
};

#if TK_X86
// ---- AVX-512: 12 x 32 (24 zmm accumulators, 2 for B, broadcasts from memory) ----
__attribute__((target("avx512f"))) void kernelAvx512(int64_t kc, const float* a, const float* b, float* c,
                                                     int64_t ldc, bool acc) {
  __m512 c00 = _mm512_setzero_ps(), c01 = _mm512_setzero_ps(), c10 = _mm512_setzero_ps(), c11 = _mm512_setzero_ps();
  __m512 c20 = _mm512_setzero_ps(), c21 = _mm512_setzero_ps(), c30 = _mm512_setzero_ps(), c31 = _mm512_setzero_ps();
  __m512 c40 = _mm512_setzero_ps(), c41 = _mm512_setzero_ps(), c50 = _mm512_setzero_ps(), c51 = _mm512_setzero_ps();
  __m512 c60 = _mm512_setzero_ps(), c61 = _mm512_setzero_ps(), c70 = _mm512_setzero_ps(), c71 = _mm512_setzero_ps();
  __m512 c80 = _mm512_setzero_ps(), c81 = _mm512_setzero_ps(), c90 = _mm512_setzero_ps(), c91 = _mm512_setzero_ps();
  __m512 ca0 = _mm512_setzero_ps(), ca1 = _mm512_setzero_ps(), cb0 = _mm512_setzero_ps(), cb1 = _mm512_setzero_ps();
  for (int64_t p = 0; p < kc; p++) {
    __m512 b0 = _mm512_loadu_ps(b), b1 = _mm512_loadu_ps(b + 16);
    __m512 x;
#define TK_ROW(r, lo, hi)              \
  x = _mm512_set1_ps(a[r]);            \
  lo = _mm512_fmadd_ps(x, b0, lo);     \
  hi = _mm512_fmadd_ps(x, b1, hi);
    TK_ROW(0, c00, c01) TK_ROW(1, c10, c11) TK_ROW(2, c20, c21) TK_ROW(3, c30, c31)
    TK_ROW(4, c40, c41) TK_ROW(5, c50, c51) TK_ROW(6, c60, c61) TK_ROW(7, c70, c71)
    TK_ROW(8, c80, c81) TK_ROW(9, c90, c91) TK_ROW(10, ca0, ca1) TK_ROW(11, cb0, cb1)
#undef TK_ROW
    a += 12;
    b += 32;
  }
#define TK_STORE(r, lo, hi)                                                          \
  {                                                                                  \
    float* row = c + (r) * ldc;                                                      \
    if (acc) {                                                                       \
      lo = _mm512_add_ps(lo, _mm512_loadu_ps(row));                                  \
      hi = _mm512_add_ps(hi, _mm512_loadu_ps(row + 16));                             \
    }                                                                                \
    _mm512_storeu_ps(row, lo);                                                       \
    _mm512_storeu_ps(row + 16, hi);                                                  \
  }
  TK_STORE(0, c00, c01) TK_STORE(1, c10, c11) TK_STORE(2, c20, c21) TK_STORE(3, c30, c31)
  TK_STORE(4, c40, c41) TK_STORE(5, c50, c51) TK_STORE(6, c60, c61) TK_STORE(7, c70, c71)
  TK_STORE(8, c80, c81) TK_STORE(9, c90, c91) TK_STORE(10, ca0, ca1) TK_STORE(11, cb0, cb1)
#undef TK_STORE
}

// ---- AVX2 + FMA: 6 x 16 (12 ymm accumulators) ----
__attribute__((target("avx2,fma"))) void kernelAvx2(int64_t kc, const float* a, const float* b, float* c,
                                                    int64_t ldc, bool acc) {
  __m256 c00 = _mm256_setzero_ps(), c01 = _mm256_setzero_ps(), c10 = _mm256_setzero_ps(), c11 = _mm256_setzero_ps();
  __m256 c20 = _mm256_setzero_ps(), c21 = _mm256_setzero_ps(), c30 = _mm256_setzero_ps(), c31 = _mm256_setzero_ps();
  __m256 c40 = _mm256_setzero_ps(), c41 = _mm256_setzero_ps(), c50 = _mm256_setzero_ps(), c51 = _mm256_setzero_ps();
  for (int64_t p = 0; p < kc; p++) {
    __m256 b0 = _mm256_loadu_ps(b), b1 = _mm256_loadu_ps(b + 8);
    __m256 x;
#define TK_ROW(r, lo, hi)              \
  x = _mm256_broadcast_ss(a + r);      \
  lo = _mm256_fmadd_ps(x, b0, lo);     \
  hi = _mm256_fmadd_ps(x, b1, hi);
    TK_ROW(0, c00, c01) TK_ROW(1, c10, c11) TK_ROW(2, c20, c21) TK_ROW(3, c30, c31) TK_ROW(4, c40, c41) TK_ROW(5, c50, c51)
#undef TK_ROW
    a += 6;
    b += 16;
  }
#define TK_STORE(r, lo, hi)                                                          \
  {                                                                                  \
    float* row = c + (r) * ldc;                                                      \
    if (acc) {                                                                       \
      lo = _mm256_add_ps(lo, _mm256_loadu_ps(row));                                  \
      hi = _mm256_add_ps(hi, _mm256_loadu_ps(row + 8));                              \
    }                                                                                \
    _mm256_storeu_ps(row, lo);                                                       \
    _mm256_storeu_ps(row + 8, hi);                                                   \
  }
  TK_STORE(0, c00, c01) TK_STORE(1, c10, c11) TK_STORE(2, c20, c21) TK_STORE(3, c30, c31) TK_STORE(4, c40, c41) TK_STORE(5, c50, c51)
#undef TK_STORE
}

#endif

#if TK_ARM64
// ---- NEON (arm64): 8 x 12 (24 q-register accumulators, 3 for B, 2 for A; lane-indexed FMAs) ----
void kernelNeon(int64_t kc, const float* a, const float* b, float* c, int64_t ldc, bool acc) {
  float32x4_t c00 = vdupq_n_f32(0), c01 = c00, c02 = c00, c10 = c00, c11 = c00, c12 = c00, c20 = c00, c21 = c00, c22 = c00;
  float32x4_t c30 = c00, c31 = c00, c32 = c00, c40 = c00, c41 = c00, c42 = c00, c50 = c00, c51 = c00, c52 = c00;
  float32x4_t c60 = c00, c61 = c00, c62 = c00, c70 = c00, c71 = c00, c72 = c00;
  for (int64_t p = 0; p < kc; p++) {
    const float32x4_t b0 = vld1q_f32(b), b1 = vld1q_f32(b + 4), b2 = vld1q_f32(b + 8);
    const float32x4_t a0 = vld1q_f32(a), a1 = vld1q_f32(a + 4);
#define TK_ROW(x, lane, r0, r1, r2)      \
  r0 = vfmaq_laneq_f32(r0, b0, x, lane); \
  r1 = vfmaq_laneq_f32(r1, b1, x, lane); \
  r2 = vfmaq_laneq_f32(r2, b2, x, lane);
    TK_ROW(a0, 0, c00, c01, c02) TK_ROW(a0, 1, c10, c11, c12) TK_ROW(a0, 2, c20, c21, c22) TK_ROW(a0, 3, c30, c31, c32)
    TK_ROW(a1, 0, c40, c41, c42) TK_ROW(a1, 1, c50, c51, c52) TK_ROW(a1, 2, c60, c61, c62) TK_ROW(a1, 3, c70, c71, c72)
#undef TK_ROW
    a += 8;
    b += 12;
  }
#define TK_STORE(r, x0, x1, x2)                                                          \
  {                                                                                      \
    float* row = c + (r) * ldc;                                                          \
    if (acc) {                                                                           \
      x0 = vaddq_f32(x0, vld1q_f32(row));                                                \
      x1 = vaddq_f32(x1, vld1q_f32(row + 4));                                            \
      x2 = vaddq_f32(x2, vld1q_f32(row + 8));                                            \
    }                                                                                    \
    vst1q_f32(row, x0);                                                                  \
    vst1q_f32(row + 4, x1);                                                              \
    vst1q_f32(row + 8, x2);                                                              \
  }
  TK_STORE(0, c00, c01, c02) TK_STORE(1, c10, c11, c12) TK_STORE(2, c20, c21, c22) TK_STORE(3, c30, c31, c32)
  TK_STORE(4, c40, c41, c42) TK_STORE(5, c50, c51, c52) TK_STORE(6, c60, c61, c62) TK_STORE(7, c70, c71, c72)
#undef TK_STORE
}
#endif

// ---- Portable: 4 x 16 with GCC vector extensions (SSE2 on x86-64, NEON on arm64, scalar elsewhere) ----
typedef float v4f __attribute__((vector_size(16)));
void kernelPortable(int64_t kc, const float* a, const float* b, float* c, int64_t ldc, bool acc) {
  v4f r[4][4] = {};
  for (int64_t p = 0; p < kc; p++) {
    v4f bv[4];
    std::memcpy(bv, b, sizeof(bv));
    for (int i = 0; i < 4; i++) {
      float s = a[i];
      v4f x = {s, s, s, s};
      for (int j = 0; j < 4; j++) r[i][j] += x * bv[j];
    }
    a += 4;
    b += 16;
  }
  for (int i = 0; i < 4; i++) {
    float* row = c + i * ldc;
    if (acc) {
      v4f old[4];
      std::memcpy(old, row, sizeof(old));
      for (int j = 0; j < 4; j++) r[i][j] += old[j];
    }
    std::memcpy(row, r[i], sizeof(r[i]));
  }
}

// In order of preference: the first one the CPU supports is the default.
const KernelInfo KERNELS[] = {
#if TK_X86
    {GemmKernel::Avx512, "avx512 12x32", 12, 32, kernelAvx512},
    {GemmKernel::Avx2, "avx2+fma 6x16", 6, 16, kernelAvx2},
#endif
#if TK_ARM64
    {GemmKernel::Neon, "neon 8x12", 8, 12, kernelNeon},
#endif
    {GemmKernel::Portable, "portable 4x16", 4, 16, kernelPortable},
};
constexpr size_t KERNEL_COUNT = sizeof(KERNELS) / sizeof(KERNELS[0]);

// Whether this CPU runs kernel `k` (compiled in for this architecture, and its instructions present).
bool cpuHas(GemmKernel k) {
  if (k == GemmKernel::Portable) return true;
#if TK_X86
  __builtin_cpu_init();
  if (k == GemmKernel::Avx512) return __builtin_cpu_supports("avx512f");
  if (k == GemmKernel::Avx2) return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
#endif
#if TK_ARM64
  if (k == GemmKernel::Neon) return true;  // Advanced SIMD is part of the arm64 baseline
#endif
  return false;
}

const KernelInfo* chooseBest() {
  if (const char* env = std::getenv("TENSORKIT_NATIVE_GEMM")) {
    for (const auto& k : KERNELS)
      if (std::strncmp(k.name, env, std::strlen(env)) == 0 && cpuHas(k.id)) return &k;
  }
  for (const auto& k : KERNELS)
    if (cpuHas(k.id)) return &k;
  return &KERNELS[KERNEL_COUNT - 1];  // portable
}

const KernelInfo* active = chooseBest();

constexpr int64_t KC = 384;   // depth of a packed block (A panel 12x384 floats = 18 KiB stays in L1)
constexpr int64_t MC = 192;   // rows of A per block (A block 288 KiB in L2)

// Packs rows [i0, i0+mc) x depth [p0, p0+kc) of A into MR-row panels (zero padded).
void packA(const KernelInfo& K, int64_t mc, int64_t kc, const float* a, int64_t aRow, int64_t aCol, float* out) {
  const int mr = K.mr;
  for (int64_t i = 0; i < mc; i += mr) {
    int64_t rows = std::min<int64_t>(mr, mc - i);
    const float* src = a + i * aRow;
    if (aCol == 1) {
      for (int64_t p = 0; p < kc; p++) {
        for (int64_t r = 0; r < rows; r++) out[p * mr + r] = src[r * aRow + p];
        for (int64_t r = rows; r < mr; r++) out[p * mr + r] = 0.f;
      }
    } else {
      for (int64_t p = 0; p < kc; p++) {
        const float* s = src + p * aCol;
        for (int64_t r = 0; r < rows; r++) out[p * mr + r] = s[r * aRow];
        for (int64_t r = rows; r < mr; r++) out[p * mr + r] = 0.f;
      }
    }
    out += kc * mr;
  }
}

// Packs depth [p0, p0+kc) x columns [j0, j0+nc) of B into NR-column panels (zero padded).
void packB(const KernelInfo& K, int64_t kc, int64_t nc, const float* b, int64_t bRow, int64_t bCol, float* out) {
  const int nr = K.nr;
  for (int64_t j = 0; j < nc; j += nr) {
    int64_t cols = std::min<int64_t>(nr, nc - j);
    const float* src = b + j * bCol;
    if (bCol == 1 && cols == nr) {
      for (int64_t p = 0; p < kc; p++) std::memcpy(out + p * nr, src + p * bRow, sizeof(float) * nr);
    } else {
      for (int64_t p = 0; p < kc; p++) {
        const float* s = src + p * bRow;
        for (int64_t q = 0; q < cols; q++) out[p * nr + q] = s[q * bCol];
        for (int64_t q = cols; q < nr; q++) out[p * nr + q] = 0.f;
      }
    }
    out += kc * nr;
  }
}

struct Scratch {
  float* data = nullptr;
  size_t size = 0;
  float* get(size_t n) {
    if (n > size) {
      std::free(data);
      size = n + 1024;
      data = static_cast<float*>(std::aligned_alloc(64, ((size * sizeof(float)) + 63) / 64 * 64));
    }
    return data;
  }
  ~Scratch() { std::free(data); }
};

// C[ib.., j0..] (+)= packed A block (mc x kc, MR-row panels) x packed B block (kc x nc, NR-column panels).
void computeBlock(const KernelInfo& K, int64_t mc, int64_t nc, int64_t kc, const float* ap, const float* bp, float* c, int64_t n,
                  bool acc) {
  const int mr = K.mr, nr = K.nr;
  alignas(64) float tile[16 * 64];
  for (int64_t jr = 0; jr < nc; jr += nr) {
    const int64_t cols = std::min<int64_t>(nr, nc - jr);
    const float* bPanel = bp + (jr / nr) * kc * nr;
    for (int64_t ir = 0; ir < mc; ir += mr) {
      const int64_t rows = std::min<int64_t>(mr, mc - ir);
      const float* aPanel = ap + (ir / mr) * kc * mr;
      float* cTile = c + ir * n + jr;
      if (rows == mr && cols == nr) {
        K.fn(kc, aPanel, bPanel, cTile, n, acc);
      } else {
        // Edge tile (e.g. N = 10): compute the full tile into a buffer, write the valid part.
        K.fn(kc, aPanel, bPanel, tile, nr, false);
        for (int64_t r = 0; r < rows; r++)
          for (int64_t q = 0; q < cols; q++) cTile[r * n + q] = (acc ? cTile[r * n + q] : 0.f) + tile[r * nr + q];
      }
    }
  }
}

// Rows [i0, i1) of C, all of its n columns (one thread, or one thread's share of the rows).
void gemmRows(const KernelInfo& K, int64_t i0, int64_t i1, int64_t n, int64_t k, const float* a, int64_t aRow, int64_t aCol,
              const float* b, int64_t bRow, int64_t bCol, float* c, bool accumulate) {
  thread_local Scratch aScratch, bScratch;
  const int mr = K.mr, nr = K.nr;
  const int64_t nPad = (n + nr - 1) / nr * nr;
  float* bp = bScratch.get((size_t)nPad * KC);
  float* ap = aScratch.get((size_t)(MC + mr) * KC);
  for (int64_t p0 = 0; p0 < k; p0 += KC) {
    const int64_t kc = std::min(KC, k - p0);
    packB(K, kc, n, b + p0 * bRow, bRow, bCol, bp);
    for (int64_t ib = i0; ib < i1; ib += MC) {
      const int64_t mc = std::min(MC, i1 - ib);
      packA(K, mc, kc, a + ib * aRow + p0 * aCol, aRow, aCol, ap);
      computeBlock(K, mc, n, kc, ap, bp, c + ib * n, n, accumulate || p0 > 0);
    }
  }
}

// Columns of C in chunks that the pool's threads claim one at a time; each thread packs all of A
// once, on its first chunk. With a fixed half per thread, a worker that starts late (descheduled
// by the OS or a runtime thread: inside a training epoch it started ~40 us late on average) made
// every large product wait for it; now the other thread takes its chunks meanwhile (the epoch's
// large products: 331-341 -> 307-327 us each; back to back, where nobody is late, unchanged).
void gemmColumnsShared(const KernelInfo& K, int parts, int64_t m, int64_t n, int64_t k, const float* a, int64_t aRow,
                       int64_t aCol, const float* b, int64_t bRow, int64_t bCol, float* c, bool accumulate) {
  const int mr = K.mr, nr = K.nr;
  const int64_t mPad = (m + mr - 1) / mr * mr;
  const int64_t nTiles = (n + nr - 1) / nr;
  const int64_t chunkTiles = std::max<int64_t>(1, nTiles / (4 * parts));
  const int64_t chunks = (nTiles + chunkTiles - 1) / chunkTiles;
  std::atomic<int64_t> next{0};
  ThreadPool::instance().run(parts, [&](int) {
    thread_local Scratch aAll, bScratch;
    float* ap = nullptr;
    float* bp = nullptr;
    for (int64_t chunk = next.fetch_add(1); chunk < chunks; chunk = next.fetch_add(1)) {
      if (!ap) {
        // All of A, as blocks [depth block p0][row block ib] of (MR-row panels x kc): block (p0, ib)
        // starts at mPad·p0 + ib·kc (row blocks are whole panels: MC is a multiple of MR).
        ap = aAll.get((size_t)(mPad * k));
        bp = bScratch.get((size_t)chunkTiles * nr * KC);
        for (int64_t p0 = 0; p0 < k; p0 += KC) {
          const int64_t kc = std::min(KC, k - p0);
          for (int64_t ib = 0; ib < m; ib += MC) packA(K, std::min(MC, m - ib), kc, a + ib * aRow + p0 * aCol, aRow, aCol, ap + mPad * p0 + ib * kc);
        }
      }
      const int64_t j0 = chunk * chunkTiles * nr, j1 = std::min(n, j0 + chunkTiles * nr);
      for (int64_t p0 = 0; p0 < k; p0 += KC) {
        const int64_t kc = std::min(KC, k - p0);
        packB(K, kc, j1 - j0, b + p0 * bRow + j0 * bCol, bRow, bCol, bp);
        for (int64_t ib = 0; ib < m; ib += MC)
          computeBlock(K, std::min(MC, m - ib), j1 - j0, kc, ap + mPad * p0 + ib * kc, bp, c + ib * n + j0, n, accumulate || p0 > 0);
      }
    }
  });
}

}  // namespace

bool setGemmKernel(GemmKernel kernel) {
  if (kernel == GemmKernel::Auto) {
    active = chooseBest();
    return true;
  }
  for (const auto& k : KERNELS)
    if (k.id == kernel) {
      if (!cpuHas(kernel)) return false;
      active = &k;
      return true;
    }
  return false;
}

const char* gemmKernelName() { return active->name; }

void sgemm(int64_t m, int64_t n, int64_t k, const float* a, int64_t aRow, int64_t aCol, const float* b, int64_t bRow,
           int64_t bCol, float* c, bool accumulate) {
  if (m <= 0 || n <= 0) return;
  if (k <= 0) {
    if (!accumulate) std::memset(c, 0, sizeof(float) * m * n);
    return;
  }
  const KernelInfo& K = *active;
  if (2 * n <= K.nr && m >= K.nr && aRow == 1) {
    // A narrow output (the chapter's N = 10) would fill 10 of a tile's 32 columns; as Cᵀ = Bᵀ·Aᵀ
    // the narrow side lands on the tile's rows instead (10 of 12), then Cᵀ is written back transposed.
    // Only when A is stored transposed (Hᵀ·dZ in backprop): Aᵀ then packs as contiguous rows, while
    // a row-major A would need a strided transposing pack that costs more than the waste it saves.
    thread_local Scratch transposed;
    float* ct = transposed.get((size_t)(m * n));
    sgemm(n, m, k, b, bCol, bRow, a, aCol, aRow, ct, false);
    for (int64_t i = 0; i < m; i++)
      for (int64_t j = 0; j < n; j++) c[i * n + j] = (accumulate ? c[i * n + j] : 0.f) + ct[j * m + i];
    return;
  }
  const int threads = ThreadPool::instance().threads();
  const double flops = 2.0 * m * n * k;
  const int64_t mTiles = (m + K.mr - 1) / K.mr, nTiles = (n + K.nr - 1) / K.nr;
  int parts = flops < 2e5 ? 1 : threads;
  // Split the larger tile dimension between threads (columns keep each thread's B panel private).
  bool splitN = nTiles >= mTiles || nTiles >= 2 * parts;
  int64_t tiles = splitN ? nTiles : mTiles;
  if (parts > tiles) parts = (int)tiles;
  if (parts <= 1) {
    gemmRows(K, 0, m, n, k, a, aRow, aCol, b, bRow, bCol, c, accumulate);
    return;
  }
  if (splitN) {
    gemmColumnsShared(K, parts, m, n, k, a, aRow, aCol, b, bRow, bCol, c, accumulate);
    return;
  }
  ThreadPool::instance().run(parts, [&](int t) {
    int64_t i0 = tiles * t / parts * K.mr, i1 = std::min(m, tiles * (t + 1) / parts * K.mr);
    if (i0 < i1) gemmRows(K, i0, i1, n, k, a, aRow, aCol, b, bRow, bCol, c, accumulate);
  });
}

void dgemm(int64_t m, int64_t n, int64_t k, const double* a, int64_t aRow, int64_t aCol, const double* b, int64_t bRow,
           int64_t bCol, double* c) {
  // Sum over p in order for each output, as the float64 reference does.
  parallelFor((size_t)m, (size_t)std::max<int64_t>(1, 65536 / std::max<int64_t>(1, n * k)), [&](size_t i0, size_t i1) {
    for (size_t i = i0; i < i1; i++) {
      double* row = c + i * n;
      for (int64_t j = 0; j < n; j++) row[j] = 0;
      for (int64_t p = 0; p < k; p++) {
        const double x = a[i * aRow + p * aCol];
        const double* brow = b + p * bRow;
        if (bCol == 1)
          for (int64_t j = 0; j < n; j++) row[j] += x * brow[j];
        else
          for (int64_t j = 0; j < n; j++) row[j] += x * brow[j * bCol];
      }
    }
  });
}

void igemm(int64_t m, int64_t n, int64_t k, const int32_t* a, int64_t aRow, int64_t aCol, const int32_t* b,
           int64_t bRow, int64_t bCol, int32_t* c) {
  for (int64_t i = 0; i < m; i++)
    for (int64_t j = 0; j < n; j++) {
      uint32_t s = 0;
      for (int64_t p = 0; p < k; p++) s += (uint32_t)a[i * aRow + p * aCol] * (uint32_t)b[p * bRow + j * bCol];
      c[i * n + j] = (int32_t)s;
    }
}

}  // namespace tk
