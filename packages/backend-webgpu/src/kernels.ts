/** The kernel table: each kernel allocates its output and records one or more dispatches. */
import {
  collapseDimensions, sizeOf, stridesOf,
  type AdamUpdateArgs, type BinaryArgs, type CastArgs, type ConcatArgs, type DataId, type DenseArgs, type GatherArgs,
  type Kernels, type MatmulArgs, type ReduceArgs, type RmspropUpdateArgs, type SgdUpdateArgs, type SoftmaxArgs,
  type SparseSoftmaxCrossEntropyArgs, type StridedCopyArgs, type TensorInfo, type UnaryArgs, type WhereArgs,
} from '@tensorkit/core';
import { Params, type Engine, type GpuStorage } from './engine.js';
import type { MatmulPrecision } from './precision.js';
import {
  binaryShader, castShader, concatShader, gatherShader, matmulSimpleShader, matmulTiledShader, optimizerShader,
  reduceShader, softmaxShader, stridedCopyShader, unaryShader, whereShader, type MatmulVariant,
} from './wgsl.js';

const groups64 = (n: number) => Math.ceil(n / 64);

/** Sizes of one matmul as core passes them (batch is the broadcast batch; batchA/batchB are 1 or batch). */
export interface MatmulDims {
  readonly m: number;
  readonly n: number;
  readonly k: number;
  readonly batch: number;
  readonly batchA: number;
  readonly batchB: number;
}

/** Which kernel a matmul runs, and which operands the tiled kernel reads as vec4. */
export interface MatmulPlan {
  readonly path: 'tiled' | 'simple';
  readonly vecA: boolean;
  readonly vecB: boolean;
}

/**
 * Chooses the matmul kernel. Small shapes (m or n below 32, k below 16) take the one-thread-per-output
 * kernel: a 64x64 tile would be mostly idle. The tiled kernel reads an operand through `vec4` loads
 * when its stride-1 dimension is a multiple of 4 (A: k, or m when transposed; B: n, or k when
 * transposed): then every row starts on a 16-byte boundary, so does every batch element (its offset,
 * rows x that dimension, is a multiple of 4 too), and a vec4 never straddles the matrix's edge.
 * Otherwise it loads that operand as scalars. `vectorLoads: false` forces scalar loads.
 */
export function matmulPlan(d: MatmulDims, transposeA: boolean, transposeB: boolean, vectorLoads = true): MatmulPlan {
  if (!(d.m >= 32 && d.n >= 32 && d.k >= 16)) return { path: 'simple', vecA: false, vecB: false };
  const aInner = transposeA ? d.m : d.k;
  const bInner = transposeB ? d.k : d.n;
  return {
    path: 'tiled',
    vecA: vectorLoads && aInner % 4 === 0 && (d.m * d.k) % 4 === 0,
    vecB: vectorLoads && bInner % 4 === 0 && (d.k * d.n) % 4 === 0,
  };
}

/** Backend settings the matmul kernels read at each call (they can change at run time). */
export interface MatmulSettings {
  /** The precision in effect (already downgraded from 'f16' when the device lacks shader-f16). */
  readonly precision: MatmulPrecision;
  /** False forces scalar loads in the tiled kernel. */
  readonly vectorLoads: boolean;
}

/** Builds the kernel table over an engine getter (the engine changes when the device is re-created). */
export function makeKernels(engineOf: () => Engine, settingsOf: () => MatmulSettings): Kernels {
  const st = (info: TensorInfo) => info.dataId as GpuStorage;
  const read = (e: Engine, info: TensorInfo) => ({ buffer: e.bufferOf(st(info)), write: false });
  const written = (e: Engine, s: GpuStorage) => ({ buffer: e.bufferOf(s), write: true });

  function matmulInto(e: Engine, variant: MatmulVariant, a: TensorInfo, b: TensorInfo, bias: TensorInfo | null, dims: MatmulDims): GpuStorage {
    const { m, n, k, batch } = dims;
    const out = e.allocate(variant.dtype, batch * m * n);
    const params = new Params().us([m, n, k, dims.batchA, dims.batchB, batch]);
    const bindings = [read(e, a), read(e, b), ...(bias ? [read(e, bias)] : []), written(e, out)];
    const settings = settingsOf();
    const plan = matmulPlan(dims, variant.transposeA, variant.transposeB, settings.vectorLoads);
    // Precision applies to float32 only; int32 products are exact (the template ignores it for i32).
    const v: MatmulVariant = { ...variant, precision: variant.dtype === 'float32' ? settings.precision : 'highest' };
    if (plan.path === 'tiled') {
      e.dispatch(matmulTiledShader({ ...v, vecA: plan.vecA, vecB: plan.vecB }), params, bindings, [Math.ceil(n / 64), Math.ceil(m / 64), batch]);
    } else {
      e.dispatch(matmulSimpleShader(v), params, bindings, groups64(batch * m * n));
    }
    return out;
  }

  /** The storage an optimizer writes: the original in place, otherwise a copy. */
  function target(e: Engine, info: TensorInfo, inPlace: boolean): GpuStorage {
    const s = st(info);
    if (inPlace) return s;
    const copy = e.allocate(s.dtype, s.size);
    e.copy(e.bufferOf(s), e.bufferOf(copy), s.size * 4);
    return copy;
  }

  /** A gradient that aliases a buffer the update writes is copied first (one buffer cannot be bound as both). */
  function gradientFor(e: Engine, gradient: TensorInfo, targets: readonly GpuStorage[]): { buffer: GPUBuffer; write: false } {
    const g = st(gradient);
    if (!targets.some((t) => e.bufferOf(t) === e.bufferOf(g))) return { buffer: e.bufferOf(g), write: false };
    const copy = e.allocate(g.dtype, g.size);
    const buffer = e.bufferOf(copy);
    e.copy(e.bufferOf(g), buffer, g.size * 4);
    e.free(copy); // pooled only after the pending work (which reads it) is submitted
    return { buffer, write: false };
  }

  function softmaxLike(mode: 'softmax' | 'logSoftmax' | 'ce', logits: TensorInfo, labels: TensorInfo | null, rows: number, cols: number): DataId {
    const e = engineOf();
    const out = e.allocate(logits.dtype, mode === 'ce' ? rows : rows * cols);
    const bindings = [read(e, logits), ...(labels ? [read(e, labels)] : []), written(e, out)];
    e.dispatch(softmaxShader(mode), new Params().us([rows, cols]), bindings, rows);
    return out;
  }

  return {
    unary({ op, x, outDtype }: UnaryArgs) {
      const e = engineOf();
      const n = sizeOf(x.shape);
      const out = e.allocate(outDtype, n);
      e.dispatch(unaryShader(op, x.dtype, outDtype), new Params().u(n), [read(e, x), written(e, out)], groups64(n));
      return out;
    },
    binary({ op, a, b, aStrides, bStrides, outShape, outDtype }: BinaryArgs) {
      const e = engineOf();
      const n = sizeOf(outShape);
      const out = e.allocate(outDtype, n);
      const c = collapseDimensions(outShape, [aStrides, bStrides]);
      const params = new Params().u(n).us(c.shape).is(c.strides[0]).is(c.strides[1]);
      e.dispatch(binaryShader(op, a.dtype, outDtype, c.shape.length), params, [read(e, a), read(e, b), written(e, out)], groups64(n));
      return out;
    },
    where({ condition, a, b, conditionStrides, aStrides, bStrides, outShape, outDtype }: WhereArgs) {
      const e = engineOf();
      const n = sizeOf(outShape);
      const out = e.allocate(outDtype, n);
      const c = collapseDimensions(outShape, [conditionStrides, aStrides, bStrides]);
      const params = new Params().u(n).us(c.shape).is(c.strides[0]).is(c.strides[1]).is(c.strides[2]);
      e.dispatch(whereShader(condition.dtype, outDtype, c.shape.length), params, [read(e, condition), read(e, a), read(e, b), written(e, out)], groups64(n));
      return out;
    },
    cast({ x, dtype }: CastArgs) {
      const e = engineOf();
      const n = sizeOf(x.shape);
      const out = e.allocate(dtype, n);
      if (x.dtype === dtype) e.copy(e.bufferOf(st(x)), e.bufferOf(out), n * 4);
      else e.dispatch(castShader(x.dtype, dtype), new Params().u(n), [read(e, x), written(e, out)], groups64(n));
      return out;
    },
    reduce({ op, x, outer, reduceSize, inner, outDtype }: ReduceArgs) {
      const e = engineOf();
      const outputs = outer * inner;
      const out = e.allocate(outDtype, outputs);
      const parallel = reduceSize >= 256 || (reduceSize >= 32 && outputs < 1024);
      const params = new Params().us([outputs, reduceSize, inner]);
      e.dispatch(reduceShader(op, x.dtype, outDtype, parallel), params, [read(e, x), written(e, out)], parallel ? outputs : groups64(outputs));
      return out;
    },
    matmul({ a, b, transposeA, transposeB, batch, batchA, batchB, m, n, k, outDtype }: MatmulArgs) {
      return matmulInto(engineOf(), { dtype: outDtype, transposeA, transposeB }, a, b, null, { m, n, k, batch, batchA, batchB });
    },
    stridedCopy({ x, outShape, strides, offset }: StridedCopyArgs) {
      const e = engineOf();
      const n = sizeOf(outShape);
      const out = e.allocate(x.dtype, n);
      const c = collapseDimensions(outShape, [strides, stridesOf(outShape)]);
      const contiguous = c.shape.length === 1 && c.strides[0][0] === 1 && offset === 0;
      if (contiguous) {
        e.copy(e.bufferOf(st(x)), e.bufferOf(out), n * 4);
      } else {
        const params = new Params().u(n).i(offset).us(c.shape).is(c.strides[0]);
        e.dispatch(stridedCopyShader(x.dtype, c.shape.length), params, [read(e, x), written(e, out)], groups64(n));
      }
      return out;
    },
    concat({ inputs, outer, innerSizes, outDtype }: ConcatArgs) {
      const e = engineOf();
      const total = innerSizes.reduce((s, v) => s + v, 0);
      const out = e.allocate(outDtype, outer * total);
      let offset = 0;
      inputs.forEach((input, i) => {
        const size = innerSizes[i];
        const n = outer * size;
        if (n > 0) {
          const params = new Params().us([n, size, total, offset]);
          e.dispatch(concatShader(outDtype), params, [read(e, input), written(e, out)], groups64(n));
        }
        offset += size;
      });
      return out;
    },
    gather({ x, indices, outer, axisSize, inner, indexCount }: GatherArgs) {
      const e = engineOf();
      const n = outer * indexCount * inner;
      const out = e.allocate(x.dtype, n);
      const params = new Params().us([n, axisSize, inner, indexCount]);
      e.dispatch(gatherShader(x.dtype), params, [read(e, x), read(e, indices), written(e, out)], groups64(n));
      return out;
    },
    dense({ x, w, bias, activation, m, n, k }: DenseArgs) {
      return matmulInto(engineOf(), { dtype: x.dtype, transposeA: false, transposeB: false, bias: bias !== null, activation }, x, w, bias, { m, n, k, batch: 1, batchA: 1, batchB: 1 });
    },
    softmax({ logits, rows, cols }: SoftmaxArgs) {
      return softmaxLike('softmax', logits, null, rows, cols);
    },
    logSoftmax({ logits, rows, cols }: SoftmaxArgs) {
      return softmaxLike('logSoftmax', logits, null, rows, cols);
    },
    sparseSoftmaxCrossEntropy({ logits, labels, rows, cols }: SparseSoftmaxCrossEntropyArgs) {
      return softmaxLike('ce', logits, labels, rows, cols);
    },
    sgdUpdate(args: SgdUpdateArgs) {
      const e = engineOf();
      const n = sizeOf(args.variable.shape);
      const w = target(e, args.variable, args.inPlace);
      if (!args.velocity || args.momentum === 0) {
        e.dispatch(optimizerShader('sgd'), new Params().u(n).f(args.learningRate).pad(5), [written(e, w), gradientFor(e, args.gradient, [w])], groups64(n));
        return { variable: w, velocity: args.velocity ? args.velocity.dataId : null };
      }
      const v = target(e, args.velocity, args.inPlace);
      const params = new Params().u(n).f(args.learningRate).f(args.momentum).pad(5);
      e.dispatch(optimizerShader(args.nesterov ? 'nesterov' : 'momentum'), params, [written(e, w), gradientFor(e, args.gradient, [w, v]), written(e, v)], groups64(n));
      return { variable: w, velocity: v };
    },
    rmspropUpdate(args: RmspropUpdateArgs) {
      const e = engineOf();
      const n = sizeOf(args.variable.shape);
      const w = target(e, args.variable, args.inPlace);
      const ms = target(e, args.meanSquare, args.inPlace);
      const params = new Params().u(n).f(args.learningRate).f(args.rho).f(args.epsilon).f(1 - args.rho);
      e.dispatch(optimizerShader('rmsprop'), params, [written(e, w), gradientFor(e, args.gradient, [w, ms]), written(e, ms)], groups64(n));
      return { variable: w, meanSquare: ms };
    },
    adamUpdate(args: AdamUpdateArgs) {
      const e = engineOf();
      const n = sizeOf(args.variable.shape);
      const w = target(e, args.variable, args.inPlace);
      const m = target(e, args.m, args.inPlace);
      const v = target(e, args.v, args.inPlace);
      const alpha = (args.learningRate * Math.sqrt(1 - args.beta2 ** args.step)) / (1 - args.beta1 ** args.step);
      const params = new Params().u(n).f(alpha).f(1 - args.beta1).f(1 - args.beta2).f(args.epsilon);
      e.dispatch(optimizerShader('adam'), params, [written(e, w), gradientFor(e, args.gradient, [w, m, v]), written(e, m), written(e, v)], groups64(n));
      return { variable: w, m, v };
    },
  };
}
