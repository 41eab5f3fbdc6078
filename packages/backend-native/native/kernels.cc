// Kernels with the cpu backend's exact semantics (see packages/backend-cpu/src/kernels): values are
// computed in double (or in the element type where that gives the same bits) and stored with
// JavaScript's typed-array conversions (ToInt32 wrap-around for int32, NaN/Inf -> 0).
#include "kernels.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <type_traits>
#include <vector>

#include "pool.h"

#if defined(__x86_64__) && defined(__linux__) && !defined(__clang__)
#define TK_CLONES __attribute__((target_clones("avx512f", "avx2", "default")))
#else
#define TK_CLONES
#endif

namespace tk {

size_t dtypeSize(int dtype) { return dtype == F64 ? 8 : dtype == BOOL ? 1 : 4; }

namespace {

constexpr size_t GRAIN = 1 << 15;  // elements per thread below which a kernel stays on one thread

inline int32_t jsToInt32(double r) {
  if (!std::isfinite(r)) return 0;
  double t = std::trunc(r);
  if (t >= -2147483648.0 && t <= 2147483647.0) return (int32_t)t;
  double m = std::fmod(t, 4294967296.0);
  if (m < 0) m += 4294967296.0;
  return (int32_t)(uint32_t)m;
}

template <class O> inline O conv(double r);
template <> inline float conv<float>(double r) { return (float)r; }
template <> inline double conv<double>(double r) { return r; }
template <> inline int32_t conv<int32_t>(double r) { return jsToInt32(r); }
template <> inline uint8_t conv<uint8_t>(double r) { return (uint8_t)(jsToInt32(r) & 0xff); }

inline double maxJS(double a, double b) {
  if (a != a) return a;
  if (b != b) return b;
  if (a > b) return a;
  if (b > a) return b;
  return std::signbit(a) ? b : a;  // max(-0, +0) = +0
}
inline double minJS(double a, double b) {
  if (a != a) return a;
  if (b != b) return b;
  if (a < b) return a;
  if (b < a) return b;
  return std::signbit(a) ? a : b;  // min(-0, +0) = -0
}
inline double sigmoid(double x) {
  if (x >= 0) return 1 / (1 + std::exp(-x));
  double e = std::exp(x);
  return e / (1 + e);
}

// Dispatches a dtype code to a C++ type.
template <class F> void withType(int dtype, F f) {
  switch (dtype) {
    case F32: f(float()); break;
    case F64: f(double()); break;
    case I32: f(int32_t()); break;
    default: f(uint8_t()); break;
  }
}

// ---------------------------------------------------------------- unary
template <class I, class O, class F> void mapLoop(const I* a, O* o, size_t n, F f) {
  parallelFor(n, GRAIN, [&](size_t b, size_t e) {
    for (size_t i = b; i < e; i++) o[i] = f(a[i]);
  });
}

TK_CLONES void reluF32(const float* a, float* o, size_t b, size_t e) {
  for (size_t i = b; i < e; i++) {
    float v = a[i];
    o[i] = v > 0 ? v : (v != v ? v : 0.f);
  }
}

template <class I, class O> void unaryT(int op, const I* a, O* o, size_t n) {
  auto d = [](I x) { return (double)x; };
  switch (op) {
    case NEG: mapLoop(a, o, n, [&](I x) { return conv<O>(-d(x)); }); break;
    case ABS: mapLoop(a, o, n, [&](I x) { return conv<O>(std::fabs(d(x))); }); break;
    case EXP: mapLoop(a, o, n, [&](I x) { return conv<O>(std::exp(d(x))); }); break;
    case LOG: mapLoop(a, o, n, [&](I x) { return conv<O>(std::log(d(x))); }); break;
    case SQRT: mapLoop(a, o, n, [&](I x) { return conv<O>(std::sqrt(d(x))); }); break;
    case SQUARE:
      if constexpr (std::is_same<O, int32_t>::value)
        mapLoop(a, o, n, [&](I x) { uint32_t v = (uint32_t)jsToInt32(d(x)); return (int32_t)(v * v); });
      else
        mapLoop(a, o, n, [&](I x) { double v = d(x); return conv<O>(v * v); });
      break;
    case RELU:
      if constexpr (std::is_same<I, float>::value && std::is_same<O, float>::value)
        parallelFor(n, GRAIN, [&](size_t b, size_t e) { reluF32(a, o, b, e); });
      else
        mapLoop(a, o, n, [&](I x) { double v = d(x); return conv<O>(v > 0 ? v : (v != v ? v : 0.0)); });
      break;
    case SIGMOID: mapLoop(a, o, n, [&](I x) { return conv<O>(sigmoid(d(x))); }); break;
    case TANH: mapLoop(a, o, n, [&](I x) { return conv<O>(std::tanh(d(x))); }); break;
    case SIGN: mapLoop(a, o, n, [&](I x) { double v = d(x); return conv<O>(v > 0 ? 1.0 : v < 0 ? -1.0 : v == 0 ? 0.0 : v); }); break;
    case FLOOR: mapLoop(a, o, n, [&](I x) { return conv<O>(std::floor(d(x))); }); break;
    case CEIL: mapLoop(a, o, n, [&](I x) { return conv<O>(std::ceil(d(x))); }); break;
    case ROUND: mapLoop(a, o, n, [&](I x) { return conv<O>(std::nearbyint(d(x))); }); break;
    case LOGICAL_NOT: mapLoop(a, o, n, [&](I x) { return conv<O>(d(x) == 0 ? 1.0 : 0.0); }); break;
    case IS_NAN: mapLoop(a, o, n, [&](I x) { double v = d(x); return conv<O>(v != v ? 1.0 : 0.0); }); break;
    case IS_FINITE: mapLoop(a, o, n, [&](I x) { return conv<O>(std::isfinite(d(x)) ? 1.0 : 0.0); }); break;
  }
}

// ---------------------------------------------------------------- strided walks
// Calls fn(offsets, n) for rows [r0, r1) of the walk (all but the last dim); offsets per operand.
template <class F> void walkRows(const Walk& w, int64_t r0, int64_t r1, const int64_t* base, F fn) {
  const int outer = w.ndim - 1;
  int64_t counter[MAX_DIMS] = {0};
  int64_t off[4];
  for (int k = 0; k < w.operands; k++) off[k] = base[k];
  int64_t r = r0;
  for (int d = outer - 1; d >= 0; d--) {
    counter[d] = r % w.shape[d];
    r /= w.shape[d];
    for (int k = 0; k < w.operands; k++) off[k] += counter[d] * w.strides[k][d];
  }
  const int64_t n = w.shape[w.ndim - 1];
  for (int64_t row = r0; row < r1; row++) {
    fn(off, n);
    for (int d = outer - 1; d >= 0; d--) {
      counter[d]++;
      for (int k = 0; k < w.operands; k++) off[k] += w.strides[k][d];
      if (counter[d] < w.shape[d]) break;
      for (int k = 0; k < w.operands; k++) off[k] -= w.strides[k][d] * w.shape[d];
      counter[d] = 0;
    }
  }
}

// Runs fn(offsets, n) over the whole walk, threaded over rows, or over pieces of a single long row.
template <class F> void walkParallel(const Walk& w, const int64_t* base, F fn) {
  const int64_t n = w.shape[w.ndim - 1];
  int64_t rows = 1;
  for (int d = 0; d < w.ndim - 1; d++) rows *= w.shape[d];
  if (rows == 0 || n == 0) return;
  if (rows == 1) {
    parallelFor((size_t)n, GRAIN, [&](size_t b, size_t e) {
      int64_t off[4];
      for (int k = 0; k < w.operands; k++) off[k] = base[k] + (int64_t)b * w.strides[k][w.ndim - 1];
      fn(off, (int64_t)(e - b));
    });
    return;
  }
  size_t grain = std::max<size_t>(1, GRAIN / (size_t)std::max<int64_t>(1, n));
  parallelFor((size_t)rows, grain, [&](size_t b, size_t e) { walkRows(w, (int64_t)b, (int64_t)e, base, fn); });
}

// ---------------------------------------------------------------- binary
template <class T, class O, class F>
inline void rowLoop(const T* a, int64_t as, const T* b, int64_t bs, O* o, int64_t n, F f) {
  if (as == 1 && bs == 1)
    for (int64_t i = 0; i < n; i++) o[i] = f(a[i], b[i]);
  else if (as == 1 && bs == 0) {
    const T y = b[0];
    for (int64_t i = 0; i < n; i++) o[i] = f(a[i], y);
  } else if (as == 0 && bs == 1) {
    const T x = a[0];
    for (int64_t i = 0; i < n; i++) o[i] = f(x, b[i]);
  } else
    for (int64_t i = 0; i < n; i++) o[i] = f(a[i * as], b[i * bs]);
}

template <class T, class O, class F> void binaryWalk(const T* a, const T* b, O* o, const Walk& w, F f) {
  const int64_t base[3] = {0, 0, 0};
  const int last = w.ndim - 1;
  const int64_t as = w.strides[0][last], bs = w.strides[1][last];
  walkParallel(w, base, [&](const int64_t* off, int64_t n) { rowLoop(a + off[0], as, b + off[1], bs, o + off[2], n, f); });
}

TK_CLONES void addF32(const float* a, int64_t as, const float* b, int64_t bs, float* o, int64_t n) {
  rowLoop(a, as, b, bs, o, n, [](float x, float y) { return x + y; });
}
TK_CLONES void subF32(const float* a, int64_t as, const float* b, int64_t bs, float* o, int64_t n) {
  rowLoop(a, as, b, bs, o, n, [](float x, float y) { return x - y; });
}
TK_CLONES void mulF32(const float* a, int64_t as, const float* b, int64_t bs, float* o, int64_t n) {
  rowLoop(a, as, b, bs, o, n, [](float x, float y) { return x * y; });
}
TK_CLONES void divF32(const float* a, int64_t as, const float* b, int64_t bs, float* o, int64_t n) {
  rowLoop(a, as, b, bs, o, n, [](float x, float y) { return x / y; });
}

template <class T> void binaryT(int op, const T* a, const T* b, void* out, const Walk& w) {
  T* o = static_cast<T*>(out);
  uint8_t* ob = static_cast<uint8_t*>(out);
  constexpr bool isInt = std::is_same<T, int32_t>::value || std::is_same<T, uint8_t>::value;
  if constexpr (std::is_same<T, float>::value) {
    void (*fast)(const float*, int64_t, const float*, int64_t, float*, int64_t) =
        op == ADD ? addF32 : op == SUB ? subF32 : op == MUL ? mulF32 : op == DIV ? divF32 : nullptr;
    if (fast) {
      const int64_t base[3] = {0, 0, 0};
      const int last = w.ndim - 1;
      const int64_t as = w.strides[0][last], bs = w.strides[1][last];
      walkParallel(w, base, [&](const int64_t* off, int64_t n) { fast(a + off[0], as, b + off[1], bs, o + off[2], n); });
      return;
    }
  }
  switch (op) {
    case ADD:
      if constexpr (isInt) binaryWalk(a, b, o, w, [](T x, T y) { return conv<T>((double)x + (double)y); });
      else binaryWalk(a, b, o, w, [](T x, T y) { return (T)(x + y); });
      break;
    case SUB:
      if constexpr (isInt) binaryWalk(a, b, o, w, [](T x, T y) { return conv<T>((double)x - (double)y); });
      else binaryWalk(a, b, o, w, [](T x, T y) { return (T)(x - y); });
      break;
    case MUL:
      if constexpr (std::is_same<T, int32_t>::value) binaryWalk(a, b, o, w, [](T x, T y) { return (int32_t)((uint32_t)x * (uint32_t)y); });
      else if constexpr (isInt) binaryWalk(a, b, o, w, [](T x, T y) { return conv<T>((double)x * (double)y); });
      else binaryWalk(a, b, o, w, [](T x, T y) { return (T)(x * y); });
      break;
    case DIV:
      if constexpr (isInt) binaryWalk(a, b, o, w, [](T x, T y) { return conv<T>((double)x / (double)y); });
      else binaryWalk(a, b, o, w, [](T x, T y) { return (T)(x / y); });
      break;
    case POW: binaryWalk(a, b, o, w, [](T x, T y) { return conv<T>(std::pow((double)x, (double)y)); }); break;
    case MAXIMUM: binaryWalk(a, b, o, w, [](T x, T y) { return conv<T>(maxJS((double)x, (double)y)); }); break;
    case MINIMUM: binaryWalk(a, b, o, w, [](T x, T y) { return conv<T>(minJS((double)x, (double)y)); }); break;
    case EQUAL: binaryWalk(a, b, ob, w, [](T x, T y) { return (uint8_t)(x == y); }); break;
    case NOT_EQUAL: binaryWalk(a, b, ob, w, [](T x, T y) { return (uint8_t)(x != y); }); break;
    case LESS: binaryWalk(a, b, ob, w, [](T x, T y) { return (uint8_t)(x < y); }); break;
    case LESS_EQUAL: binaryWalk(a, b, ob, w, [](T x, T y) { return (uint8_t)(x <= y); }); break;
    case GREATER: binaryWalk(a, b, ob, w, [](T x, T y) { return (uint8_t)(x > y); }); break;
    case GREATER_EQUAL: binaryWalk(a, b, ob, w, [](T x, T y) { return (uint8_t)(x >= y); }); break;
    case LOGICAL_AND: binaryWalk(a, b, ob, w, [](T x, T y) { return (uint8_t)(x != 0 && y != 0); }); break;
    case LOGICAL_OR: binaryWalk(a, b, ob, w, [](T x, T y) { return (uint8_t)(x != 0 || y != 0); }); break;
  }
}

// ---------------------------------------------------------------- reduce
// Column sums of a float32 matrix [size, inner] over columns [i0, i1), in float64 (a bias gradient).
TK_CLONES void columnSumsF32(const float* x, double* acc, int64_t size, int64_t inner, int64_t i0, int64_t i1) {
  const int64_t n = i1 - i0;
  for (int64_t i = 0; i < n; i++) acc[i] = 0;
  for (int64_t r = 0; r < size; r++) {
    const float* row = x + r * inner + i0;
    for (int64_t i = 0; i < n; i++) acc[i] += (double)row[i];
  }
}

template <class I, class O> void reduceT(int op, const I* v, O* out, int64_t outer, int64_t size, int64_t inner) {
  if constexpr (std::is_same<I, float>::value) {
    if (op == SUM && outer == 1 && inner > 1) {
      // One sum over the rows (the bias gradient of a dense layer): split the columns between
      // threads, since there is no outer dimension to split.
      parallelFor((size_t)inner, std::max<size_t>(16, GRAIN / (size_t)std::max<int64_t>(1, size)), [&](size_t b, size_t e) {
        std::vector<double> acc(e - b);
        columnSumsF32(v, acc.data(), size, inner, (int64_t)b, (int64_t)e);
        for (size_t i = b; i < e; i++) out[i] = conv<O>(acc[i - b]);
      });
      return;
    }
  }
  size_t grain = std::max<size_t>(1, GRAIN / (size_t)std::max<int64_t>(1, size * inner));
  parallelFor((size_t)outer, grain, [&](size_t ob, size_t oe) {
    std::vector<double> acc((size_t)inner), best((size_t)inner);
    for (size_t o = ob; o < oe; o++) {
      const I* x = v + (int64_t)o * size * inner;
      O* y = out + (int64_t)o * inner;
      switch (op) {
        case SUM:
          if (inner == 1) {
            double s = 0;
            for (int64_t r = 0; r < size; r++) s += (double)x[r];
            y[0] = conv<O>(s);
            break;
          }
          std::fill(acc.begin(), acc.end(), 0.0);
          for (int64_t r = 0; r < size; r++) {
            const I* row = x + r * inner;
            for (int64_t i = 0; i < inner; i++) acc[i] += (double)row[i];
          }
          for (int64_t i = 0; i < inner; i++) y[i] = conv<O>(acc[i]);
          break;
        case PROD:
          if constexpr (std::is_same<O, int32_t>::value) {
            for (int64_t i = 0; i < inner; i++) {
              uint32_t p = 1;
              for (int64_t r = 0; r < size; r++) p *= (uint32_t)jsToInt32((double)x[r * inner + i]);
              y[i] = (int32_t)p;
            }
          } else {
            std::fill(acc.begin(), acc.end(), 1.0);
            for (int64_t r = 0; r < size; r++)
              for (int64_t i = 0; i < inner; i++) acc[i] *= (double)x[r * inner + i];
            for (int64_t i = 0; i < inner; i++) y[i] = conv<O>(acc[i]);
          }
          break;
        case MAX:
        case MIN:
          for (int64_t i = 0; i < inner; i++) acc[i] = (double)x[i];
          for (int64_t r = 1; r < size; r++) {
            const I* row = x + r * inner;
            if (op == MAX)
              for (int64_t i = 0; i < inner; i++) acc[i] = maxJS(acc[i], (double)row[i]);
            else
              for (int64_t i = 0; i < inner; i++) acc[i] = minJS(acc[i], (double)row[i]);
          }
          for (int64_t i = 0; i < inner; i++) y[i] = conv<O>(acc[i]);
          break;
        case ARGMAX:
        case ARGMIN: {
          const double sign = op == ARGMAX ? 1 : -1;
          for (int64_t i = 0; i < inner; i++) {
            acc[i] = 0;
            best[i] = (double)x[i];
          }
          for (int64_t r = 1; r < size; r++) {
            const I* row = x + r * inner;
            for (int64_t i = 0; i < inner; i++) {
              const double value = (double)row[i], current = best[i];
              if (current != current) continue;  // the first NaN wins
              if (value != value || sign * (value - current) > 0) {
                best[i] = value;
                acc[i] = (double)r;
              }
            }
          }
          for (int64_t i = 0; i < inner; i++) y[i] = conv<O>(acc[i]);
          break;
        }
      }
    }
  });
}

// The largest value of a row, the shift that keeps softmax's exponentials finite: NaN when any value
// is NaN (it spreads to the whole row), 0 for a row of -inf (or an empty one), so that
// x - max stays -inf, not NaN.
template <class T> inline T rowMax(const T* x, int64_t cols) {
  T m = -INFINITY;
  for (int64_t j = 0; j < cols; j++)
    if (x[j] > m || x[j] != x[j]) m = x[j];
  return m == -INFINITY ? 0 : m;
}

// e^x in float32 (within 2 ulp), with no branches, calls or tables, so loops over it vectorise
// (std::exp is a scalar call per element: 1,280 of them per softmax of the chapter's logits).
// Cephes' expf: x = n·ln2 + r, |r| <= ln2/2, a degree-7 polynomial for e^r, then 2^n applied as
// two factors so that results reaching into the subnormals, and 2^128 near overflow, come out right.
// NaN stays NaN, +inf gives +inf, -inf gives 0.
inline float expF32(float x) {
  const float high = 88.72283935546875f, low = -103.972084045410156f;
  const float clamped = x > high ? high : (x < low ? low : x);  // NaN fails both tests and stays NaN
  const float shifter = 12582912.f;                              // 1.5·2^23: adding it rounds to an integer
  float n = (clamped * 1.44269504088896341f + shifter) - shifter;
  const float r = (clamped - n * 0.693359375f) - n * -2.12194440e-4f;
  float p = 1.9875691500e-4f;
  p = p * r + 1.3981999507e-3f;
  p = p * r + 8.3334519073e-3f;
  p = p * r + 4.1665795894e-2f;
  p = p * r + 1.6666665459e-1f;
  p = p * r + 5.0000001201e-1f;
  const float e = p * r * r + r + 1.f;
  n = n == n ? n : 0.f;  // a NaN input: e is NaN already; keep the integer conversion defined
  const int32_t k = (int32_t)n, k1 = k / 2, k2 = k - k1;  // each half within a normal float's exponent
  const float s1 = __builtin_bit_cast(float, (k1 + 127) << 23), s2 = __builtin_bit_cast(float, (k2 + 127) << 23);
  const float result = e * s1 * s2;
  return x > high ? INFINITY : result;
}

// float32 rows of softmax / log-softmax: exponentials in float32 (expF32, vectorised), their sum
// and logarithm in float64.
TK_CLONES void softmaxRowsF32(const float* v, float* out, size_t rb, size_t re, int64_t cols, bool log) {
  for (size_t r = rb; r < re; r++) {
    const float* x = v + (int64_t)r * cols;
    float* y = out + (int64_t)r * cols;
    const float m = rowMax(x, cols);
    for (int64_t j = 0; j < cols; j++) y[j] = expF32(x[j] - m);
    double total = 0;
    for (int64_t j = 0; j < cols; j++) total += y[j];
    if (log) {
      const double lse = std::log(total) + m;
      for (int64_t j = 0; j < cols; j++) y[j] = (float)((double)x[j] - lse);
    } else {
      const float scale = (float)(1 / total);
      for (int64_t j = 0; j < cols; j++) y[j] = y[j] * scale;
    }
  }
}

// Cross-entropy of float32 rows: log(sum e^(x - max)) + (max - x[label]), the exponentials in
// float32, the sum and logarithm in float64 (so a confident prediction's small loss keeps its digits).
TK_CLONES void sparseCrossEntropyRowsF32(const float* v, const int32_t* labels, float* out, int64_t rows, int64_t cols) {
  float e[64];
  for (int64_t r = 0; r < rows; r++) {
    const float* x = v + r * cols;
    const int32_t label = labels[r];
    if (label < 0 || label >= cols) {
      out[r] = NAN;
      continue;
    }
    const float m = rowMax(x, cols);
    double total = 0;
    for (int64_t j0 = 0; j0 < cols; j0 += 64) {
      const int64_t n = std::min<int64_t>(64, cols - j0);
      for (int64_t j = 0; j < n; j++) e[j] = expF32(x[j0 + j] - m);
      for (int64_t j = 0; j < n; j++) total += e[j];
    }
    out[r] = (float)(std::log(total) + ((double)m - (double)x[label]));
  }
}

template <class T> void softmaxT(const T* v, T* out, int64_t rows, int64_t cols, bool log) {
  size_t grain = std::max<size_t>(1, GRAIN / (size_t)std::max<int64_t>(1, cols));
  if constexpr (std::is_same<T, float>::value) {
    parallelFor((size_t)rows, grain, [&](size_t rb, size_t re) { softmaxRowsF32(v, out, rb, re, cols, log); });
    return;
  }
  parallelFor((size_t)rows, grain, [&](size_t rb, size_t re) {
    std::vector<double> e(log ? 0 : (size_t)cols);
    for (size_t r = rb; r < re; r++) {
      const T* x = v + (int64_t)r * cols;
      T* y = out + (int64_t)r * cols;
      const double m = rowMax(x, cols);
      double total = 0;
      if (log) {
        for (int64_t j = 0; j < cols; j++) total += std::exp((double)x[j] - m);
        const double lse = std::log(total) + m;
        for (int64_t j = 0; j < cols; j++) y[j] = (T)((double)x[j] - lse);
      } else {
        for (int64_t j = 0; j < cols; j++) {
          e[j] = std::exp((double)x[j] - m);
          total += e[j];
        }
        const double scale = 1 / total;
        for (int64_t j = 0; j < cols; j++) y[j] = (T)(e[j] * scale);
      }
    }
  });
}

template <class T> double logSumExpRow(const T* x, int64_t cols) {
  const double m = rowMax(x, cols);
  double total = 0;
  for (int64_t j = 0; j < cols; j++) total += std::exp((double)x[j] - m);
  return std::log(total) + m;
}

// float32 variables are updated in float32 math, as Keras and TensorFlow do: a float64 square root
// and division per element made the update of the chapter's 784x512 kernel cost ~4x more.
TK_CLONES void rmspropF32(float* w, const float* g, float* ms, size_t b, size_t e, double lr, double rho, double eps) {
  const float r = (float)rho, keep = (float)(1 - rho), rate = (float)lr, epsilon = (float)eps;
  for (size_t i = b; i < e; i++) {
    const float gi = g[i];
    const float s = r * ms[i] + keep * gi * gi;
    ms[i] = s;
    w[i] = w[i] - (rate * gi) / std::sqrt(s + epsilon);
  }
}
TK_CLONES void rmspropF64(double* w, const double* g, double* ms, size_t b, size_t e, double lr, double rho, double eps) {
  const double keep = 1 - rho;
  for (size_t i = b; i < e; i++) {
    const double gi = g[i];
    const double s = rho * ms[i] + keep * gi * gi;
    ms[i] = s;
    w[i] -= (lr * gi) / std::sqrt(s + eps);
  }
}

template <class T> void adamT(T* w, const T* g, T* m, T* v, size_t b, size_t e, double alpha, double beta1, double beta2, double eps) {
  for (size_t i = b; i < e; i++) {
    const double gi = g[i];
    const double mi = (double)m[i] + (gi - (double)m[i]) * (1 - beta1);
    const double vi = (double)v[i] + (gi * gi - (double)v[i]) * (1 - beta2);
    m[i] = (T)mi;
    v[i] = (T)vi;
    w[i] = (T)((double)w[i] - (alpha * mi) / (std::sqrt(vi) + eps));
  }
}
TK_CLONES void adamF32(float* w, const float* g, float* m, float* v, size_t b, size_t e, double alpha, double beta1, double beta2, double eps) {
  const float a = (float)alpha, keep1 = (float)(1 - beta1), keep2 = (float)(1 - beta2), epsilon = (float)eps;
  for (size_t i = b; i < e; i++) {  // float32 math, as for rmspropF32
    const float gi = g[i];
    const float mi = m[i] + (gi - m[i]) * keep1;
    const float vi = v[i] + (gi * gi - v[i]) * keep2;
    m[i] = mi;
    v[i] = vi;
    w[i] = w[i] - (a * mi) / (std::sqrt(vi) + epsilon);
  }
}

template <class T> void sgdT(T* w, const T* g, T* v, size_t b, size_t e, double lr, double momentum, bool nesterov) {
  if (!v) {
    for (size_t i = b; i < e; i++) w[i] = (T)((double)w[i] - lr * (double)g[i]);
    return;
  }
  for (size_t i = b; i < e; i++) {
    const double velocity = momentum * (double)v[i] - lr * (double)g[i];
    v[i] = (T)velocity;
    w[i] = (T)((double)w[i] + (nesterov ? momentum * velocity - lr * (double)g[i] : velocity));
  }
}

}  // namespace

void collapse(int ndim, const int64_t* shape, int operands, const int64_t* const* strides, Walk& out) {
  out.ndim = 0;
  out.operands = operands;
  for (int d = 0; d < ndim; d++) {
    if (shape[d] == 1) continue;
    const int last = out.ndim - 1;
    bool mergeable = last >= 0;
    for (int k = 0; k < operands && mergeable; k++) mergeable = out.strides[k][last] == strides[k][d] * shape[d];
    if (mergeable) {
      out.shape[last] *= shape[d];
      for (int k = 0; k < operands; k++) out.strides[k][last] = strides[k][d];
    } else {
      out.shape[out.ndim] = shape[d];
      for (int k = 0; k < operands; k++) out.strides[k][out.ndim] = strides[k][d];
      out.ndim++;
    }
  }
  if (out.ndim == 0) {
    out.shape[0] = 1;
    for (int k = 0; k < operands; k++) out.strides[k][0] = 0;
    out.ndim = 1;
  }
}

void unary(int op, int inType, const void* in, int outType, void* out, size_t n) {
  withType(inType, [&](auto i) {
    using I = decltype(i);
    withType(outType, [&](auto o) {
      using O = decltype(o);
      unaryT<I, O>(op, static_cast<const I*>(in), static_cast<O*>(out), n);
    });
  });
}

void binary(int op, int type, const void* a, const void* b, int, void* out, const Walk& w) {
  withType(type, [&](auto t) {
    using T = decltype(t);
    binaryT<T>(op, static_cast<const T*>(a), static_cast<const T*>(b), out, w);
  });
}

// A row of where with contiguous or scalar (stride 0) operands. Both values are loaded before the
// select, so the loop compiles to vector blends: with a data-dependent branch (the relu gradient
// is where(x > 0, dy, 0), true about half the time) mispredictions cost ~2 ns per element.
template <class C, class V> inline void whereRow(const C* c, const V* a, int64_t as, const V* b, int64_t bs, V* o, int64_t n) {
  if (as == 1 && bs == 1)
    for (int64_t i = 0; i < n; i++) { const V x = a[i], y = b[i]; o[i] = c[i] != 0 ? x : y; }
  else if (as == 1) {
    const V y = b[0];
    for (int64_t i = 0; i < n; i++) { const V x = a[i]; o[i] = c[i] != 0 ? x : y; }
  } else if (bs == 1) {
    const V x = a[0];
    for (int64_t i = 0; i < n; i++) { const V y = b[i]; o[i] = c[i] != 0 ? x : y; }
  } else {
    const V x = a[0], y = b[0];
    for (int64_t i = 0; i < n; i++) o[i] = c[i] != 0 ? x : y;
  }
}
TK_CLONES void whereRowBool32(const uint8_t* c, const uint32_t* a, int64_t as, const uint32_t* b, int64_t bs, uint32_t* o, int64_t n) {
  whereRow(c, a, as, b, bs, o, n);
}

template <class C, class V> void whereT(const C* c, const V* a, const V* b, V* o, const Walk& w) {
  const int64_t base[4] = {0, 0, 0, 0};
  const int last = w.ndim - 1;
  const int64_t cs = w.strides[0][last], as = w.strides[1][last], bs = w.strides[2][last];
  const bool rowsFit = cs == 1 && (as == 0 || as == 1) && (bs == 0 || bs == 1);
  walkParallel(w, base, [&](const int64_t* off, int64_t n) {
    const C* cc = c + off[0];
    const V* aa = a + off[1];
    const V* bb = b + off[2];
    V* oo = o + off[3];
    if (rowsFit) {
      if constexpr (std::is_same<C, uint8_t>::value && std::is_same<V, uint32_t>::value) whereRowBool32(cc, aa, as, bb, bs, oo, n);
      else whereRow(cc, aa, as, bb, bs, oo, n);
    } else {
      for (int64_t i = 0; i < n; i++) oo[i] = cc[i * cs] != 0 ? aa[i * as] : bb[i * bs];
    }
  });
}

void where(int condType, const void* cond, int type, const void* a, const void* b, void* out, const Walk& w) {
  withType(condType, [&](auto c) {
    using C = decltype(c);
    const C* cp = static_cast<const C*>(cond);
    switch (dtypeSize(type)) {
      case 1: whereT(cp, (const uint8_t*)a, (const uint8_t*)b, (uint8_t*)out, w); break;
      case 4: whereT(cp, (const uint32_t*)a, (const uint32_t*)b, (uint32_t*)out, w); break;
      default: whereT(cp, (const uint64_t*)a, (const uint64_t*)b, (uint64_t*)out, w); break;
    }
  });
}

void cast(int inType, const void* in, int outType, void* out, size_t n) {
  if (inType == outType) {
    std::memcpy(out, in, n * dtypeSize(inType));
    return;
  }
  withType(inType, [&](auto i) {
    using I = decltype(i);
    const I* a = static_cast<const I*>(in);
    withType(outType, [&](auto o) {
      using O = decltype(o);
      O* y = static_cast<O*>(out);
      if (outType == BOOL)
        mapLoop(a, y, n, [](I x) { return (O)(x != 0 ? 1 : 0); });
      else
        mapLoop(a, y, n, [](I x) { return conv<O>((double)x); });
    });
  });
}

void reduce(int op, int inType, const void* in, int outType, void* out, int64_t outer, int64_t size, int64_t inner) {
  withType(inType, [&](auto i) {
    using I = decltype(i);
    withType(outType, [&](auto o) {
      using O = decltype(o);
      reduceT<I, O>(op, static_cast<const I*>(in), static_cast<O*>(out), outer, size, inner);
    });
  });
}

template <class E> void copyT(const E* in, E* out, const Walk& w, int64_t offset) {
  const int64_t base[2] = {offset, 0};
  const int last = w.ndim - 1;
  const int64_t step = w.strides[0][last];
  walkParallel(w, base, [&](const int64_t* off, int64_t n) {
    const E* s = in + off[0];
    E* d = out + off[1];
    if (step == 1)
      std::memcpy(d, s, sizeof(E) * n);
    else
      for (int64_t i = 0; i < n; i++) d[i] = s[i * step];
  });
}

void stridedCopy(size_t elemSize, const void* in, void* out, const Walk& w, int64_t offset) {
  if (elemSize == 1) copyT((const uint8_t*)in, (uint8_t*)out, w, offset);
  else if (elemSize == 4) copyT((const uint32_t*)in, (uint32_t*)out, w, offset);
  else copyT((const uint64_t*)in, (uint64_t*)out, w, offset);
}

void softmax(int type, const void* in, void* out, int64_t rows, int64_t cols, bool log) {
  if (type == F64) softmaxT((const double*)in, (double*)out, rows, cols, log);
  else softmaxT((const float*)in, (float*)out, rows, cols, log);
}

void sparseSoftmaxCrossEntropy(int type, const void* logits, const int32_t* labels, void* out, int64_t rows, int64_t cols) {
  withType(type, [&](auto t) {
    using T = decltype(t);
    if constexpr (std::is_same<T, float>::value) {
      sparseCrossEntropyRowsF32(static_cast<const float*>(logits), labels, static_cast<float*>(out), rows, cols);
    } else if constexpr (std::is_same<T, double>::value) {
      const T* v = static_cast<const T*>(logits);
      T* y = static_cast<T*>(out);
      for (int64_t r = 0; r < rows; r++) {
        const int32_t label = labels[r];
        y[r] = label >= 0 && label < cols ? (T)(logSumExpRow(v + r * cols, cols) - (double)v[r * cols + label]) : (T)NAN;
      }
    }
  });
}

void biasActivation(int type, void* out, const void* bias, int64_t m, int64_t n, int act) {
  withType(type, [&](auto t) {
    using T = decltype(t);
    if constexpr (std::is_same<T, float>::value || std::is_same<T, double>::value) {
      T* y = static_cast<T*>(out);
      const T* bv = static_cast<const T*>(bias);
      size_t grain = std::max<size_t>(1, GRAIN / (size_t)std::max<int64_t>(1, n));
      parallelFor((size_t)m, grain, [&](size_t rb, size_t re) {
        for (size_t r = rb; r < re; r++) {
          T* row = y + (int64_t)r * n;
          if (bv)
            for (int64_t j = 0; j < n; j++) row[j] += bv[j];
          switch (act) {
            case ACT_RELU:
              for (int64_t j = 0; j < n; j++) {
                T v = row[j];
                row[j] = v > 0 ? v : (v != v ? v : (T)0);
              }
              break;
            case ACT_SIGMOID:
              for (int64_t j = 0; j < n; j++) row[j] = (T)sigmoid((double)row[j]);
              break;
            case ACT_TANH:
              for (int64_t j = 0; j < n; j++) row[j] = (T)std::tanh((double)row[j]);
              break;
            default:
              break;
          }
        }
      });
    }
  });
}

void sgdUpdate(int type, void* w, const void* g, void* v, size_t n, double lr, double momentum, bool nesterov) {
  parallelFor(n, GRAIN, [&](size_t b, size_t e) {
    if (type == F64) sgdT((double*)w, (const double*)g, (double*)v, b, e, lr, momentum, nesterov);
    else sgdT((float*)w, (const float*)g, (float*)v, b, e, lr, momentum, nesterov);
  });
}

void rmspropUpdate(int type, void* w, const void* g, void* ms, size_t n, double lr, double rho, double eps) {
  parallelFor(n, GRAIN, [&](size_t b, size_t e) {
    if (type == F64) rmspropF64((double*)w, (const double*)g, (double*)ms, b, e, lr, rho, eps);
    else rmspropF32((float*)w, (const float*)g, (float*)ms, b, e, lr, rho, eps);
  });
}

void adamUpdate(int type, void* w, const void* g, void* m, void* v, size_t n, double alpha, double beta1, double beta2, double eps) {
  parallelFor(n, GRAIN, [&](size_t b, size_t e) {
    if (type == F64) adamT((double*)w, (const double*)g, (double*)m, (double*)v, b, e, alpha, beta1, beta2, eps);
    else adamF32((float*)w, (const float*)g, (float*)m, (float*)v, b, e, alpha, beta1, beta2, eps);
  });
}

}  // namespace tk
