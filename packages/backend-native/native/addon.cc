// The N-API surface of the native backend. Storage: buffers allocated here (64-byte aligned) and
// exposed to JavaScript as typed arrays over external ArrayBuffers, so kernels read and write them
// without copies. `free` releases a buffer at once: kernels refuse it from then on, and its typed
// array is kept for the next output of the same dtype and length (see Free and reuseView); buffers
// never freed are released when collected.
//
// Every entry point checks its arguments (types, integer sizes, bounds of every strided access)
// and throws a JavaScript TypeError/RangeError on bad input: nothing reaching the addon can crash it.
#include <napi.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "gemm.h"
#include "kernels.h"
#include "pool.h"

namespace {

using tk::Walk;

// Per JavaScript thread (main thread or worker): each has its own buffers and parameter block.
thread_local int64_t liveBytes = 0;
thread_local int64_t liveBuffers = 0;

struct Block {
  void* data;
  size_t bytes;
  bool released;      // freed by `free`: the memory belongs to a cache, not to this block's view
  bool ownsOnFinalize;  // evicted from the view cache: the finalizer returns the memory to the system
};
thread_local std::unordered_map<void*, Block*> blocks;  // touched on the owning JavaScript thread only

// Freed buffers are kept by size for reuse (up to CACHE_LIMIT bytes): training allocates the same
// shapes every step, and fresh large allocations would cost a page fault per 4 KiB on first touch.
constexpr size_t CACHE_LIMIT = size_t(256) << 20;
thread_local std::unordered_map<size_t, std::vector<void*>> cache;
thread_local size_t cachedBytes = 0;

// Buffers freed by `free` whose views still exist in JavaScript: kernels refuse them. A pointer
// leaves the set when its memory is handed out again.
thread_local std::unordered_set<void*> released;

// Buffers are allocated in whole 64-byte lines (a zero-length one still takes a line).
size_t roundedBytes(size_t bytes) { return bytes ? (bytes + 63) / 64 * 64 : 64; }

void* takeMemory(size_t rounded) {
  auto it = cache.find(rounded);
  if (it != cache.end() && !it->second.empty()) {
    void* p = it->second.back();
    it->second.pop_back();
    cachedBytes -= rounded;
    released.erase(p);
    return p;
  }
  void* fresh = std::aligned_alloc(64, rounded);
  released.erase(fresh);  // the system may hand out a freed address again
  return fresh;
}

void giveMemory(void* p, size_t bytes) {
  size_t rounded = roundedBytes(bytes);
  if (cachedBytes + rounded <= CACHE_LIMIT) {
    cache[rounded].push_back(p);
    cachedBytes += rounded;
  } else {
    std::free(p);
  }
}

// Freed buffers together with their typed array, kept by (dtype, length) for reuse. Handing the
// same typed array out again means no new ArrayBuffer per op output: V8 counts every new external
// ArrayBuffer's bytes as external memory until it is collected, and a training step's worth of
// fresh ones triggered a full (mark-compact) collection every few steps.
struct RecycledView {
  Block* block;
  napi_ref view;
};
thread_local std::unordered_map<uint64_t, std::vector<RecycledView>> recycledViews;

uint64_t viewKey(int dtype, size_t length) { return ((uint64_t)length << 2) | (uint64_t)dtype; }

// Drops a recycled view: from now on its memory is freed when V8 collects the view.
void evictView(napi_env env, RecycledView& entry) {
  entry.block->ownsOnFinalize = true;
  cachedBytes -= roundedBytes(entry.block->bytes);
  napi_delete_reference(env, entry.view);
}

void releaseCache(napi_env env) {
  for (auto& entry : cache)
    for (void* p : entry.second) std::free(p);
  cache.clear();
  for (auto& entry : recycledViews)
    for (RecycledView& view : entry.second) evictView(env, view);
  recycledViews.clear();
  cachedBytes = 0;
}

constexpr int PARAMS = 512;
thread_local double* params = nullptr;  // shapes and strides written by JavaScript before a call

void finalizeBlock(napi_env, void*, void* hint) {
  Block* block = static_cast<Block*>(hint);
  if (!block->released) {
    blocks.erase(block->data);
    liveBytes -= (int64_t)block->bytes;
    liveBuffers--;
    giveMemory(block->data, block->bytes);
  } else if (block->ownsOnFinalize) {
    std::free(block->data);  // still in `released`, so a recycled address is erased from it when handed out again
  }
  delete block;
}

struct Arr {
  void* data = nullptr;
  size_t length = 0;
  int dtype = -1;
  napi_value buffer = nullptr;
};

#define FAIL(kind, msg)                                  \
  do {                                                   \
    Napi::kind::New(env, msg).ThrowAsJavaScriptException(); \
    return env.Undefined();                              \
  } while (0)

bool readArray(napi_env env, napi_value v, Arr& out) {
  bool is = false;
  if (napi_is_typedarray(env, v, &is) != napi_ok || !is) return false;
  napi_typedarray_type type;
  size_t byteOffset;
  if (napi_get_typedarray_info(env, v, &type, &out.length, &out.data, &out.buffer, &byteOffset) != napi_ok) return false;
  switch (type) {
    case napi_float32_array: out.dtype = tk::F32; break;
    case napi_float64_array: out.dtype = tk::F64; break;
    case napi_int32_array: out.dtype = tk::I32; break;
    case napi_uint8_array: out.dtype = tk::BOOL; break;
    default: return false;
  }
  if (!out.data || released.count(out.data)) out.length = 0;  // freed storage reads as empty
  return true;
}

bool readNumber(napi_env env, napi_value v, double& out) {
  return napi_get_value_double(env, v, &out) == napi_ok;
}

constexpr double MAX_SIZE = 1099511627776.0;  // 2^40 elements

// A non-negative integer size below 2^40.
bool readSize(napi_env env, napi_value v, int64_t& out) {
  double d;
  if (!readNumber(env, v, d) || !(d >= 0) || d > MAX_SIZE || std::floor(d) != d) return false;
  out = (int64_t)d;
  return true;
}

bool paramInt(int index, int64_t& out, bool allowNegative) {
  double d = params[index];
  if (!(std::fabs(d) <= MAX_SIZE) || std::floor(d) != d || (!allowNegative && d < 0)) return false;
  out = (int64_t)d;
  return true;
}

bool mulSize(int64_t a, int64_t b, int64_t& out) { return !__builtin_mul_overflow(a, b, &out) && out <= (int64_t)MAX_SIZE; }

// A recycled typed array of exactly this dtype and length, live again; nullptr when there is none.
napi_value reuseView(napi_env env, int dtype, int64_t n) {
  auto it = recycledViews.find(viewKey(dtype, (size_t)n));
  if (it == recycledViews.end() || it->second.empty()) return nullptr;
  RecycledView entry = it->second.back();
  it->second.pop_back();
  napi_value view;
  napi_get_reference_value(env, entry.view, &view);
  napi_delete_reference(env, entry.view);
  Block* block = entry.block;
  block->released = false;
  released.erase(block->data);
  blocks[block->data] = block;
  cachedBytes -= roundedBytes(block->bytes);
  liveBytes += (int64_t)block->bytes;
  liveBuffers++;
  return view;
}

napi_value allocate(napi_env env, int dtype, int64_t n) {
  if (napi_value view = reuseView(env, dtype, n)) return view;
  size_t bytes = (size_t)n * tk::dtypeSize(dtype);
  void* data = takeMemory(roundedBytes(bytes));
  if (!data) {
    napi_throw_range_error(env, nullptr, "native backend: out of memory");
    return nullptr;
  }
  Block* block = new Block{data, bytes, false, false};
  napi_value ab, ta;
  if (napi_create_external_arraybuffer(env, data, bytes, finalizeBlock, block, &ab) != napi_ok) {
    std::free(data);
    delete block;
    napi_throw_error(env, nullptr, "native backend: could not create an external ArrayBuffer");
    return nullptr;
  }
  blocks[data] = block;
  liveBytes += (int64_t)bytes;
  liveBuffers++;
  static const napi_typedarray_type types[] = {napi_float32_array, napi_float64_array, napi_int32_array, napi_uint8_array};
  napi_create_typedarray(env, types[dtype], (size_t)n, ab, 0, &ta);
  return ta;
}


// ---------------------------------------------------------------- storage
Napi::Value Alloc(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  int64_t dtype, n;
  if (info.Length() < 2 || !readSize(env, info[0], dtype) || dtype > 3 || !readSize(env, info[1], n)) FAIL(TypeError, "alloc(dtype, length): bad arguments");
  napi_value out = allocate(env, (int)dtype, n);
  return out ? Napi::Value(env, out) : env.Undefined();
}

Napi::Value FromArray(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Arr x;
  if (info.Length() < 1 || !readArray(env, info[0], x)) FAIL(TypeError, "fromArray(typedArray): expected a Float32Array, Float64Array, Int32Array or Uint8Array");
  napi_value out = allocate(env, x.dtype, (int64_t)x.length);
  if (!out) return env.Undefined();
  Arr o;
  readArray(env, out, o);
  if (x.length) std::memcpy(o.data, x.data, x.length * tk::dtypeSize(x.dtype));
  return Napi::Value(env, out);
}

Napi::Value Free(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Arr x;
  if (info.Length() < 1 || !readArray(env, info[0], x)) FAIL(TypeError, "free(typedArray): expected a typed array");
  if (!x.data || released.count(x.data)) return env.Undefined();  // already freed
  auto it = blocks.find(x.data);
  if (it == blocks.end()) FAIL(TypeError, "free: this array was not allocated by the native backend");
  Block* block = it->second;
  blocks.erase(it);
  block->released = true;
  liveBytes -= (int64_t)block->bytes;
  liveBuffers--;
  void* data = block->data;
  // Not detached: detaching any ArrayBuffer switches off a V8 fast path for every typed array in
  // the process (its "detaching protector"), slowing all JavaScript array code by ~40%. The
  // pointer is marked released instead, and the backend drops its view.
  released.insert(data);
  const size_t rounded = roundedBytes(block->bytes);
  napi_ref view;
  // The view is kept for reuse only when it spans the whole block (what `allocate` hands out).
  if (x.length * tk::dtypeSize(x.dtype) == block->bytes && cachedBytes + rounded <= CACHE_LIMIT &&
      napi_create_reference(env, info[0], 1, &view) == napi_ok) {
    recycledViews[viewKey(x.dtype, x.length)].push_back({block, view});
    cachedBytes += rounded;
  } else {
    giveMemory(data, block->bytes);
  }
  return env.Undefined();
}

Napi::Value Memory(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Napi::Array out = Napi::Array::New(env, 3);
  out.Set(0u, Napi::Number::New(env, (double)liveBytes));
  out.Set(1u, Napi::Number::New(env, (double)liveBuffers));
  out.Set(2u, Napi::Number::New(env, (double)(liveBytes + (int64_t)cachedBytes)));
  return out;
}

Napi::Value ReleaseCache(const Napi::CallbackInfo& info) {
  releaseCache(info.Env());
  return info.Env().Undefined();
}

Napi::Value Noop(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Arr x;
  if (info.Length() < 1 || !readArray(env, info[0], x)) FAIL(TypeError, "noop(typedArray)");
  return env.Undefined();
}

// ---------------------------------------------------------------- element-wise
Napi::Value Unary(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  int64_t op, outDtype;
  Arr x;
  if (info.Length() < 3 || !readSize(env, info[0], op) || op >= tk::UNARY_COUNT || !readArray(env, info[1], x) ||
      !readSize(env, info[2], outDtype) || outDtype > 3)
    FAIL(TypeError, "unary(op, x, outDtype): bad arguments");
  napi_value out = allocate(env, (int)outDtype, (int64_t)x.length);
  if (!out) return env.Undefined();
  Arr o;
  readArray(env, out, o);
  tk::unary((int)op, x.dtype, x.data, (int)outDtype, o.data, x.length);
  return Napi::Value(env, out);
}

// Reads ndim, the shape (params[0..ndim)) and `operands` stride vectors after it; checks that every
// operand's reachable index range lies within its array (base offsets in `base`). Returns the size.
bool readWalk(int64_t ndim, int operands, const Arr* const* arrays, const int64_t* base, int64_t* shape,
              int64_t strides[][tk::MAX_DIMS], int64_t& size) {
  if (ndim > tk::MAX_DIMS || (ndim + 1) * (operands + 1) > PARAMS) return false;
  size = 1;
  for (int d = 0; d < ndim; d++) {
    if (!paramInt(d, shape[d], false) || !mulSize(size, shape[d], size)) return false;
  }
  for (int k = 0; k < operands; k++) {
    for (int d = 0; d < ndim; d++)
      if (!paramInt((int)((k + 1) * ndim + d), strides[k][d], true)) return false;
    if (size == 0) continue;
    // The lowest and highest element this operand's walk touches must be inside the array.
    int64_t lo = base[k], hi = base[k];
    for (int d = 0; d < ndim; d++) {
      int64_t span;
      if (__builtin_mul_overflow(strides[k][d], shape[d] - 1, &span)) return false;
      if (span < 0) lo += span; else hi += span;
    }
    if (lo < 0 || hi >= (int64_t)arrays[k]->length) return false;
  }
  return true;
}

void buildWalk(int64_t ndim, int operands, const int64_t* shape, int64_t strides[][tk::MAX_DIMS], Walk& w, bool withOut) {
  int64_t outStrides[tk::MAX_DIMS];
  int64_t s = 1;
  for (int d = (int)ndim - 1; d >= 0; d--) {
    outStrides[d] = s;
    s *= shape[d];
  }
  const int64_t* lists[4];
  for (int k = 0; k < operands; k++) lists[k] = strides[k];
  if (withOut) lists[operands] = outStrides;
  tk::collapse((int)ndim, shape, operands + (withOut ? 1 : 0), lists, w);
}

Napi::Value Binary(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  int64_t op, outDtype, ndim;
  Arr a, b;
  if (info.Length() < 5 || !readSize(env, info[0], op) || op >= tk::BINARY_COUNT || !readArray(env, info[1], a) ||
      !readArray(env, info[2], b) || !readSize(env, info[3], outDtype) || outDtype > 3 || !readSize(env, info[4], ndim))
    FAIL(TypeError, "binary(op, a, b, outDtype, ndim): bad arguments");
  if (a.dtype != b.dtype) FAIL(TypeError, "binary: a and b must have the same dtype");
  int want = op >= tk::EQUAL ? tk::BOOL : a.dtype;
  if (outDtype != want) FAIL(TypeError, "binary: wrong output dtype for this op");
  int64_t shape[tk::MAX_DIMS], strides[2][tk::MAX_DIMS], size;
  const Arr* arrays[2] = {&a, &b};
  const int64_t base[2] = {0, 0};
  if (!readWalk(ndim, 2, arrays, base, shape, strides, size)) FAIL(RangeError, "binary: bad shape or strides (out of bounds)");
  napi_value out = allocate(env, (int)outDtype, size);
  if (!out || size == 0) return out ? Napi::Value(env, out) : env.Undefined();
  Arr o;
  readArray(env, out, o);
  Walk w;
  buildWalk(ndim, 2, shape, strides, w, true);
  tk::binary((int)op, a.dtype, a.data, b.data, (int)outDtype, o.data, w);
  return Napi::Value(env, out);
}

Napi::Value Where(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  int64_t outDtype, ndim;
  Arr c, a, b;
  if (info.Length() < 5 || !readArray(env, info[0], c) || !readArray(env, info[1], a) || !readArray(env, info[2], b) ||
      !readSize(env, info[3], outDtype) || outDtype > 3 || !readSize(env, info[4], ndim))
    FAIL(TypeError, "where(condition, a, b, outDtype, ndim): bad arguments");
  if (a.dtype != b.dtype || a.dtype != outDtype) FAIL(TypeError, "where: a, b and the output must have the same dtype");
  int64_t shape[tk::MAX_DIMS], strides[3][tk::MAX_DIMS], size;
  const Arr* arrays[3] = {&c, &a, &b};
  const int64_t base[3] = {0, 0, 0};
  if (!readWalk(ndim, 3, arrays, base, shape, strides, size)) FAIL(RangeError, "where: bad shape or strides (out of bounds)");
  napi_value out = allocate(env, (int)outDtype, size);
  if (!out || size == 0) return out ? Napi::Value(env, out) : env.Undefined();
  Arr o;
  readArray(env, out, o);
  Walk w;
  buildWalk(ndim, 3, shape, strides, w, true);
  tk::where(c.dtype, c.data, a.dtype, a.data, b.data, o.data, w);
  return Napi::Value(env, out);
}

Napi::Value Cast(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  int64_t dtype;
  Arr x;
  if (info.Length() < 2 || !readArray(env, info[0], x) || !readSize(env, info[1], dtype) || dtype > 3) FAIL(TypeError, "cast(x, dtype): bad arguments");
  napi_value out = allocate(env, (int)dtype, (int64_t)x.length);
  if (!out) return env.Undefined();
  Arr o;
  readArray(env, out, o);
  tk::cast(x.dtype, x.data, (int)dtype, o.data, x.length);
  return Napi::Value(env, out);
}

Napi::Value Reduce(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  int64_t op, outer, size, inner, outDtype, total, outSize;
  Arr x;
  if (info.Length() < 6 || !readSize(env, info[0], op) || op >= tk::REDUCE_COUNT || !readArray(env, info[1], x) ||
      !readSize(env, info[2], outer) || !readSize(env, info[3], size) || !readSize(env, info[4], inner) ||
      !readSize(env, info[5], outDtype) || outDtype > 3)
    FAIL(TypeError, "reduce(op, x, outer, reduceSize, inner, outDtype): bad arguments");
  if (!mulSize(outer, inner, outSize) || !mulSize(outSize, size, total) || total > (int64_t)x.length) FAIL(RangeError, "reduce: [outer, reduceSize, inner] exceeds the input");
  if (size == 0 && op != tk::SUM && op != tk::PROD && outSize > 0) FAIL(RangeError, "reduce: empty reduction for max/min/argmax/argmin");
  if ((op == tk::ARGMAX || op == tk::ARGMIN) && outDtype != tk::I32) FAIL(TypeError, "reduce: argmax/argmin produce int32");
  napi_value out = allocate(env, (int)outDtype, outSize);
  if (!out) return env.Undefined();
  Arr o;
  readArray(env, out, o);
  if (outSize) tk::reduce((int)op, x.dtype, x.data, (int)outDtype, o.data, outer, size, inner);
  return Napi::Value(env, out);
}

// ---------------------------------------------------------------- products
Napi::Value Matmul(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Arr a, b;
  int64_t batch, batchA, batchB, m, n, k, outDtype, outSize, aSize, bSize, tmp;
  bool tA = false, tB = false;
  if (info.Length() < 11 || !readArray(env, info[0], a) || !readArray(env, info[1], b) || !readSize(env, info[4], batch) ||
      !readSize(env, info[5], batchA) || !readSize(env, info[6], batchB) || !readSize(env, info[7], m) ||
      !readSize(env, info[8], n) || !readSize(env, info[9], k) || !readSize(env, info[10], outDtype) || outDtype > 2)
    FAIL(TypeError, "matmul(a, b, transposeA, transposeB, batch, batchA, batchB, m, n, k, outDtype): bad arguments");
  napi_get_value_bool(env, info[2], &tA);
  napi_get_value_bool(env, info[3], &tB);
  if (a.dtype != outDtype || b.dtype != outDtype) FAIL(TypeError, "matmul: a, b and the output must share a float32, float64 or int32 dtype");
  if ((batchA != 1 && batchA != batch) || (batchB != 1 && batchB != batch)) FAIL(RangeError, "matmul: batchA and batchB must be 1 or batch");
  if (!mulSize(m, k, aSize) || !mulSize(aSize, batchA, tmp) || tmp > (int64_t)a.length || !mulSize(k, n, bSize) ||
      !mulSize(bSize, batchB, tmp) || tmp > (int64_t)b.length || !mulSize(m, n, outSize) || !mulSize(outSize, batch, tmp))
    FAIL(RangeError, "matmul: sizes exceed the inputs");
  napi_value out = allocate(env, (int)outDtype, tmp);
  if (!out) return env.Undefined();
  Arr o;
  readArray(env, out, o);
  const int64_t aRow = tA ? 1 : k, aCol = tA ? m : 1, bRow = tB ? 1 : n, bCol = tB ? k : 1;
  for (int64_t t = 0; t < batch; t++) {
    const int64_t ao = batchA == 1 ? 0 : t * aSize, bo = batchB == 1 ? 0 : t * bSize, oo = t * outSize;
    if (outDtype == tk::F32)
      tk::sgemm(m, n, k, (const float*)a.data + ao, aRow, aCol, (const float*)b.data + bo, bRow, bCol, (float*)o.data + oo, false);
    else if (outDtype == tk::F64)
      tk::dgemm(m, n, k, (const double*)a.data + ao, aRow, aCol, (const double*)b.data + bo, bRow, bCol, (double*)o.data + oo);
    else
      tk::igemm(m, n, k, (const int32_t*)a.data + ao, aRow, aCol, (const int32_t*)b.data + bo, bRow, bCol, (int32_t*)o.data + oo);
  }
  return Napi::Value(env, out);
}

Napi::Value Dense(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Arr x, w, bias;
  int64_t act, m, n, k, size, tmp;
  bool hasBias = false;
  if (info.Length() < 7 || !readArray(env, info[0], x) || !readArray(env, info[1], w) || !readSize(env, info[3], act) || act > 3 ||
      !readSize(env, info[4], m) || !readSize(env, info[5], n) || !readSize(env, info[6], k))
    FAIL(TypeError, "dense(x, w, bias, activation, m, n, k): bad arguments");
  napi_valuetype bt;
  napi_typeof(env, info[2], &bt);
  if (bt != napi_null && bt != napi_undefined) {
    if (!readArray(env, info[2], bias)) FAIL(TypeError, "dense: bias must be a typed array or null");
    hasBias = true;
  }
  if ((x.dtype != tk::F32 && x.dtype != tk::F64) || w.dtype != x.dtype || (hasBias && bias.dtype != x.dtype))
    FAIL(TypeError, "dense: x, w and bias must share a float dtype");
  if (!mulSize(m, k, tmp) || tmp > (int64_t)x.length || !mulSize(k, n, tmp) || tmp > (int64_t)w.length ||
      (hasBias && n > (int64_t)bias.length) || !mulSize(m, n, size))
    FAIL(RangeError, "dense: sizes exceed the inputs");
  napi_value out = allocate(env, x.dtype, size);
  if (!out) return env.Undefined();
  Arr o;
  readArray(env, out, o);
  if (size == 0) return Napi::Value(env, out);
  if (x.dtype == tk::F32) {
    float* c = (float*)o.data;
    if (hasBias)
      for (int64_t i = 0; i < m; i++) std::memcpy(c + i * n, bias.data, sizeof(float) * n);
    tk::sgemm(m, n, k, (const float*)x.data, k, 1, (const float*)w.data, n, 1, c, hasBias);
    tk::biasActivation(tk::F32, c, nullptr, m, n, (int)act);
  } else {
    tk::dgemm(m, n, k, (const double*)x.data, k, 1, (const double*)w.data, n, 1, (double*)o.data);
    tk::biasActivation(tk::F64, o.data, hasBias ? bias.data : nullptr, m, n, (int)act);
  }
  return Napi::Value(env, out);
}

// ---------------------------------------------------------------- movement
Napi::Value StridedCopy(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Arr x;
  int64_t ndim, offset;
  if (info.Length() < 3 || !readArray(env, info[0], x) || !readSize(env, info[1], ndim) || !readSize(env, info[2], offset))
    FAIL(TypeError, "stridedCopy(x, ndim, offset): bad arguments");
  int64_t shape[tk::MAX_DIMS], strides[1][tk::MAX_DIMS], size;
  const Arr* arrays[1] = {&x};
  const int64_t base[1] = {offset};
  if (!readWalk(ndim, 1, arrays, base, shape, strides, size)) FAIL(RangeError, "stridedCopy: bad shape, strides or offset (out of bounds)");
  napi_value out = allocate(env, x.dtype, size);
  if (!out || size == 0) return out ? Napi::Value(env, out) : env.Undefined();
  Arr o;
  readArray(env, out, o);
  Walk w;
  buildWalk(ndim, 1, shape, strides, w, true);
  tk::stridedCopy(tk::dtypeSize(x.dtype), x.data, o.data, w, offset);
  return Napi::Value(env, out);
}

Napi::Value Concat(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  int64_t outer, outDtype, count, total = 0, size;
  if (info.Length() < 3 || !info[0].IsArray() || !readSize(env, info[1], outer) || !readSize(env, info[2], outDtype) || outDtype > 3)
    FAIL(TypeError, "concat(inputs, outer, outDtype): bad arguments");
  Napi::Array list = info[0].As<Napi::Array>();
  count = list.Length();
  if (count > PARAMS) FAIL(RangeError, "concat: too many inputs");
  std::vector<Arr> inputs((size_t)count);
  std::vector<int64_t> inner((size_t)count);
  for (int64_t i = 0; i < count; i++) {
    int64_t tmp;
    if (!readArray(env, list.Get((uint32_t)i), inputs[i]) || inputs[i].dtype != outDtype) FAIL(TypeError, "concat: inputs must be typed arrays of the output dtype");
    if (!paramInt((int)i, inner[i], false) || !mulSize(inner[i], outer, tmp) || tmp > (int64_t)inputs[i].length) FAIL(RangeError, "concat: inner sizes exceed the inputs");
    total += inner[i];
  }
  if (!mulSize(outer, total, size)) FAIL(RangeError, "concat: too large");
  napi_value out = allocate(env, (int)outDtype, size);
  if (!out) return env.Undefined();
  Arr o;
  readArray(env, out, o);
  const size_t es = tk::dtypeSize((int)outDtype);
  char* dst = (char*)o.data;
  for (int64_t r = 0; r < outer; r++)
    for (int64_t i = 0; i < count; i++) {
      std::memcpy(dst, (const char*)inputs[i].data + (size_t)(r * inner[i]) * es, (size_t)inner[i] * es);
      dst += (size_t)inner[i] * es;
    }
  return Napi::Value(env, out);
}

Napi::Value Gather(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Arr x, idx;
  int64_t outer, axis, inner, count, tmp, size;
  if (info.Length() < 6 || !readArray(env, info[0], x) || !readArray(env, info[1], idx) || !readSize(env, info[2], outer) ||
      !readSize(env, info[3], axis) || !readSize(env, info[4], inner) || !readSize(env, info[5], count))
    FAIL(TypeError, "gather(x, indices, outer, axisSize, inner, indexCount): bad arguments");
  if (idx.dtype != tk::I32) FAIL(TypeError, "gather: indices must be int32");
  if ((int64_t)idx.length < count || !mulSize(outer, axis, tmp) || !mulSize(tmp, inner, tmp) || tmp > (int64_t)x.length ||
      !mulSize(outer, count, size) || !mulSize(size, inner, size))
    FAIL(RangeError, "gather: sizes exceed the inputs");
  napi_value out = allocate(env, x.dtype, size);
  if (!out) return env.Undefined();
  Arr o;
  readArray(env, out, o);
  const size_t es = tk::dtypeSize(x.dtype);
  const int32_t* ix = (const int32_t*)idx.data;
  char* dst = (char*)o.data;
  const char* src = (const char*)x.data;
  // Rows are copied on the pool's threads when there is enough to copy: a training batch gathers
  // 128 rows scattered over the data set, and the cache misses overlap across cores.
  const size_t rowBytes = (size_t)inner * es;
  const size_t grain = std::max<size_t>(1, (size_t(1) << 17) / std::max<size_t>(1, rowBytes));
  tk::parallelFor((size_t)(outer * count), grain, [&](size_t b, size_t e) {
    for (size_t row = b; row < e; row++) {
      const int64_t r = (int64_t)row / count, j = (int64_t)row % count;
      char* d = dst + row * rowBytes;
      const int32_t index = ix[j];
      if (index < 0 || index >= axis) std::memset(d, 0, rowBytes);
      else std::memcpy(d, src + (size_t)((r * axis + index) * inner) * es, rowBytes);
    }
  });
  return Napi::Value(env, out);
}

// ---------------------------------------------------------------- nn
Napi::Value Softmax(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Arr x;
  int64_t rows, cols, size;
  bool log = false;
  if (info.Length() < 4 || !readArray(env, info[0], x) || !readSize(env, info[1], rows) || !readSize(env, info[2], cols))
    FAIL(TypeError, "softmax(x, rows, cols, log): bad arguments");
  napi_get_value_bool(env, info[3], &log);
  if (x.dtype != tk::F32 && x.dtype != tk::F64) FAIL(TypeError, "softmax: logits must be float32 or float64");
  if (!mulSize(rows, cols, size) || size > (int64_t)x.length) FAIL(RangeError, "softmax: sizes exceed the input");
  napi_value out = allocate(env, x.dtype, size);
  if (!out) return env.Undefined();
  Arr o;
  readArray(env, out, o);
  if (size) tk::softmax(x.dtype, x.data, o.data, rows, cols, log);
  return Napi::Value(env, out);
}

Napi::Value SparseCE(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Arr x, y;
  int64_t rows, cols, size;
  if (info.Length() < 4 || !readArray(env, info[0], x) || !readArray(env, info[1], y) || !readSize(env, info[2], rows) || !readSize(env, info[3], cols))
    FAIL(TypeError, "sparseSoftmaxCrossEntropy(logits, labels, rows, cols): bad arguments");
  if ((x.dtype != tk::F32 && x.dtype != tk::F64) || y.dtype != tk::I32) FAIL(TypeError, "sparseSoftmaxCrossEntropy: float logits and int32 labels expected");
  if (!mulSize(rows, cols, size) || size > (int64_t)x.length || rows > (int64_t)y.length) FAIL(RangeError, "sparseSoftmaxCrossEntropy: sizes exceed the inputs");
  napi_value out = allocate(env, x.dtype, rows);
  if (!out) return env.Undefined();
  Arr o;
  readArray(env, out, o);
  tk::sparseSoftmaxCrossEntropy(x.dtype, x.data, (const int32_t*)y.data, o.data, rows, cols);
  return Napi::Value(env, out);
}

// ---------------------------------------------------------------- optimizers (in place)
bool sameFloat(const Arr& a, const Arr& b) { return a.dtype == b.dtype && (a.dtype == tk::F32 || a.dtype == tk::F64) && b.length >= a.length; }

Napi::Value Sgd(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Arr w, g, v;
  double lr, momentum;
  bool nesterov = false, hasV = false;
  if (info.Length() < 6 || !readArray(env, info[0], w) || !readArray(env, info[1], g) || !readNumber(env, info[3], lr) || !readNumber(env, info[4], momentum))
    FAIL(TypeError, "sgd(w, g, velocity, lr, momentum, nesterov): bad arguments");
  napi_get_value_bool(env, info[5], &nesterov);
  napi_valuetype vt;
  napi_typeof(env, info[2], &vt);
  if (vt != napi_null && vt != napi_undefined) {
    if (!readArray(env, info[2], v)) FAIL(TypeError, "sgd: velocity must be a typed array or null");
    hasV = true;
  }
  if (!sameFloat(w, g) || (hasV && !sameFloat(w, v))) FAIL(TypeError, "sgd: w, g and velocity must share a float dtype and size");
  tk::sgdUpdate(w.dtype, w.data, g.data, hasV ? v.data : nullptr, w.length, lr, momentum, nesterov);
  return env.Undefined();
}

Napi::Value Rmsprop(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Arr w, g, ms;
  double lr, rho, eps;
  if (info.Length() < 6 || !readArray(env, info[0], w) || !readArray(env, info[1], g) || !readArray(env, info[2], ms) ||
      !readNumber(env, info[3], lr) || !readNumber(env, info[4], rho) || !readNumber(env, info[5], eps))
    FAIL(TypeError, "rmsprop(w, g, meanSquare, lr, rho, epsilon): bad arguments");
  if (!sameFloat(w, g) || !sameFloat(w, ms)) FAIL(TypeError, "rmsprop: w, g and meanSquare must share a float dtype and size");
  tk::rmspropUpdate(w.dtype, w.data, g.data, ms.data, w.length, lr, rho, eps);
  return env.Undefined();
}

Napi::Value Adam(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Arr w, g, m, v;
  double alpha, b1, b2, eps;
  if (info.Length() < 8 || !readArray(env, info[0], w) || !readArray(env, info[1], g) || !readArray(env, info[2], m) || !readArray(env, info[3], v) ||
      !readNumber(env, info[4], alpha) || !readNumber(env, info[5], b1) || !readNumber(env, info[6], b2) || !readNumber(env, info[7], eps))
    FAIL(TypeError, "adam(w, g, m, v, alpha, beta1, beta2, epsilon): bad arguments");
  if (!sameFloat(w, g) || !sameFloat(w, m) || !sameFloat(w, v)) FAIL(TypeError, "adam: w, g, m and v must share a float dtype and size");
  tk::adamUpdate(w.dtype, w.data, g.data, m.data, v.data, w.length, alpha, b1, b2, eps);
  return env.Undefined();
}

// ---------------------------------------------------------------- settings
Napi::Value SetThreads(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  int64_t n;
  if (info.Length() < 1 || !readSize(env, info[0], n) || n < 1 || n > 64) FAIL(TypeError, "setThreads(n): n in [1, 64]");
  tk::ThreadPool::instance().setThreads((int)n);
  return env.Undefined();
}

Napi::Value GetThreads(const Napi::CallbackInfo& info) { return Napi::Number::New(info.Env(), tk::ThreadPool::instance().threads()); }

Napi::Value SetGemmKernel(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 1 || !info[0].IsString()) FAIL(TypeError, "setGemmKernel(name): auto, avx512, avx2, neon or portable");
  std::string name = info[0].As<Napi::String>();
  tk::GemmKernel k = name == "avx512"   ? tk::GemmKernel::Avx512
                     : name == "avx2"   ? tk::GemmKernel::Avx2
                     : name == "neon"   ? tk::GemmKernel::Neon
                     : name == "portable" ? tk::GemmKernel::Portable
                                          : tk::GemmKernel::Auto;
  if (k == tk::GemmKernel::Auto && name != "auto") FAIL(TypeError, "setGemmKernel(name): auto, avx512, avx2, neon or portable");
  return Napi::Boolean::New(env, tk::setGemmKernel(k));
}

Napi::Value GemmKernelName(const Napi::CallbackInfo& info) { return Napi::String::New(info.Env(), tk::gemmKernelName()); }

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  auto add = [&](const char* name, Napi::Value (*fn)(const Napi::CallbackInfo&)) { exports.Set(name, Napi::Function::New(env, fn, name)); };
  add("alloc", Alloc);
  add("fromArray", FromArray);
  add("free", Free);
  add("memory", Memory);
  add("noop", Noop);
  add("releaseCache", ReleaseCache);
  add("unary", Unary);
  add("binary", Binary);
  add("where", Where);
  add("cast", Cast);
  add("reduce", Reduce);
  add("matmul", Matmul);
  add("dense", Dense);
  add("stridedCopy", StridedCopy);
  add("concat", Concat);
  add("gather", Gather);
  add("softmax", Softmax);
  add("sparseSoftmaxCrossEntropy", SparseCE);
  add("sgd", Sgd);
  add("rmsprop", Rmsprop);
  add("adam", Adam);
  add("setThreads", SetThreads);
  add("getThreads", GetThreads);
  add("setGemmKernel", SetGemmKernel);
  add("gemmKernel", GemmKernelName);
  // The parameter block: JavaScript writes shapes and strides here (static memory, never freed).
  napi_value ab, ta;
  if (!params) params = static_cast<double*>(std::calloc(PARAMS, sizeof(double)));
  napi_create_external_arraybuffer(env, params, PARAMS * sizeof(double), nullptr, nullptr, &ab);
  napi_create_typedarray(env, napi_float64_array, PARAMS, ab, 0, &ta);
  exports.Set("params", Napi::Value(env, ta));
  exports.Set("abi", Napi::Number::New(env, 1));
  return exports;
}

}  // namespace

NODE_API_MODULE(tensorkit_native, Init)
