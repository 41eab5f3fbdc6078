// Element-wise, reduction, movement, softmax and optimizer kernels on raw buffers. Every function
// assumes the caller (addon.cc) has validated types and sizes.
#pragma once
#include <cstddef>
#include <cstdint>

namespace tk {

enum DType : int { F32 = 0, F64 = 1, I32 = 2, BOOL = 3 };
size_t dtypeSize(int dtype);

enum UnaryOp : int { NEG, ABS, EXP, LOG, SQRT, SQUARE, RELU, SIGMOID, TANH, SIGN, FLOOR, CEIL, ROUND, LOGICAL_NOT, IS_NAN, IS_FINITE, UNARY_COUNT };
enum BinaryOp : int { ADD, SUB, MUL, DIV, POW, MAXIMUM, MINIMUM, EQUAL, NOT_EQUAL, LESS, LESS_EQUAL, GREATER, GREATER_EQUAL, LOGICAL_AND, LOGICAL_OR, BINARY_COUNT };
enum ReduceOp : int { SUM, PROD, MAX, MIN, ARGMAX, ARGMIN, REDUCE_COUNT };
enum Activation : int { LINEAR, ACT_RELU, ACT_SIGMOID, ACT_TANH };

constexpr int MAX_DIMS = 32;

// A shape with per-operand strides, collapsed (adjacent dims merged where every operand is contiguous).
struct Walk {
  int ndim = 0;
  int64_t shape[MAX_DIMS];
  int64_t strides[4][MAX_DIMS];
  int operands = 0;
};
void collapse(int ndim, const int64_t* shape, int operands, const int64_t* const* strides, Walk& out);

void unary(int op, int inType, const void* in, int outType, void* out, size_t n);
void binary(int op, int type, const void* a, const void* b, int outType, void* out, const Walk& w);
void where(int condType, const void* cond, int type, const void* a, const void* b, void* out, const Walk& w);
void cast(int inType, const void* in, int outType, void* out, size_t n);
void reduce(int op, int inType, const void* in, int outType, void* out, int64_t outer, int64_t size, int64_t inner);
void stridedCopy(size_t elemSize, const void* in, void* out, const Walk& w, int64_t offset);
void softmax(int type, const void* in, void* out, int64_t rows, int64_t cols, bool log);
void sparseSoftmaxCrossEntropy(int type, const void* logits, const int32_t* labels, void* out, int64_t rows, int64_t cols);
void biasActivation(int type, void* out, const void* bias, int64_t m, int64_t n, int act);
void sgdUpdate(int type, void* w, const void* g, void* v, size_t n, double lr, double momentum, bool nesterov);
void rmspropUpdate(int type, void* w, const void* g, void* ms, size_t n, double lr, double rho, double eps);
void adamUpdate(int type, void* w, const void* g, void* m, void* v, size_t n, double alpha, double beta1, double beta2, double eps);

}  // namespace tk
