// A standalone check of the GEMM micro-kernels against a float64 reference, outside Node: it lets a
// kernel be tested on an architecture that can only be emulated here (scripts/check-arm64.sh
// cross-compiles it for arm64 and runs it under qemu). Exit status 0 when every product agrees.
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <vector>

#include "../gemm.h"
#include "../pool.h"

namespace {

float next(unsigned& s) {
  s = s * 1664525u + 1013904223u;
  return (float)(s / 4294967296.0) * 2 - 1;
}

// Checks every transpose combination of an m x n x k product; returns the number of bad outputs.
int check(int64_t m, int64_t n, int64_t k, const char* kernel, int threads) {
  unsigned seed = (unsigned)(m * 131 + n * 17 + k);
  std::vector<float> a((size_t)(m * k)), b((size_t)(k * n)), c((size_t)(m * n));
  for (float& v : a) v = next(seed);
  for (float& v : b) v = next(seed);
  int bad = 0;
  for (int t = 0; t < 4; t++) {
    const bool tA = t & 1, tB = t & 2;
    const int64_t aRow = tA ? 1 : k, aCol = tA ? m : 1, bRow = tB ? 1 : n, bCol = tB ? k : 1;
    tk::sgemm(m, n, k, a.data(), aRow, aCol, b.data(), bRow, bCol, c.data(), false);
    for (int64_t i = 0; i < m; i++)
      for (int64_t j = 0; j < n; j++) {
        double s = 0;
        for (int64_t p = 0; p < k; p++) s += (double)a[i * aRow + p * aCol] * b[p * bRow + j * bCol];
        if (std::fabs(c[i * n + j] - s) > 1e-5 * k + 1e-6) {
          if (bad++ < 3) std::printf("  %s, %d thread(s), %lldx%lldx%lld tA=%d tB=%d: [%lld,%lld] %g vs %g\n", kernel, threads,
                                     (long long)m, (long long)n, (long long)k, tA, tB, (long long)i, (long long)j, c[i * n + j], s);
        }
      }
  }
  return bad;
}

}  // namespace

int main() {
  const struct { tk::GemmKernel id; const char* name; } kernels[] = {
      {tk::GemmKernel::Avx512, "avx512"}, {tk::GemmKernel::Avx2, "avx2"}, {tk::GemmKernel::Neon, "neon"}, {tk::GemmKernel::Portable, "portable"}};
  const int64_t shapes[][3] = {{1, 1, 1}, {13, 10, 7}, {128, 10, 512}, {37, 65, 129}, {200, 33, 400}, {64, 512, 10}, {200, 100, 400}, {128, 512, 784}};
  int failures = 0, ran = 0;
  for (const auto& kernel : kernels) {
    if (!tk::setGemmKernel(kernel.id)) continue;
    for (int threads : {1, 2}) {
      tk::ThreadPool::instance().setThreads(threads);
      int bad = 0;
      for (const auto& s : shapes) bad += check(s[0], s[1], s[2], kernel.name, threads);
      std::printf("%s (%s), %d thread(s): %s\n", kernel.name, tk::gemmKernelName(), threads, bad ? "MISMATCH" : "ok");
      failures += bad;
      ran++;
    }
  }
  if (ran == 0) std::printf("no kernel ran\n");
  return failures == 0 && ran > 0 ? 0 : 1;
}
