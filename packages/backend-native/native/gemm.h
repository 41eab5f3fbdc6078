// Single-precision GEMM on packed panels with register-blocked micro-kernels chosen at run time.
#pragma once
#include <cstddef>
#include <cstdint>

namespace tk {

enum class GemmKernel { Auto = 0, Avx512 = 1, Avx2 = 2, Portable = 3, Neon = 4 };

// C[m,n] (row-major, ldc = n) = (accumulate ? C : 0) + op(A)·op(B), with A read as a[i*aRow + p*aCol]
// and B as b[p*bRow + j*bCol] (transposes are strides: no transposed copies are made).
void sgemm(int64_t m, int64_t n, int64_t k, const float* a, int64_t aRow, int64_t aCol, const float* b,
           int64_t bRow, int64_t bCol, float* c, bool accumulate);

// Double precision and int32 (wrapping) products: straightforward blocked loops.
void dgemm(int64_t m, int64_t n, int64_t k, const double* a, int64_t aRow, int64_t aCol, const double* b,
           int64_t bRow, int64_t bCol, double* c);
void igemm(int64_t m, int64_t n, int64_t k, const int32_t* a, int64_t aRow, int64_t aCol, const int32_t* b,
           int64_t bRow, int64_t bCol, int32_t* c);

// Chooses the micro-kernel (Auto: the best the CPU supports). Returns false if the CPU lacks it.
bool setGemmKernel(GemmKernel kernel);
const char* gemmKernelName();

}  // namespace tk
