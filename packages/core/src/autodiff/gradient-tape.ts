/**
 * GradientTape, as in TensorFlow: ops that run inside `record()` are remembered, and `gradient()`
 * walks them backwards using each op's gradient rule (written in core ops, so every backend trains
 * and tapes nest for higher-order gradients).
 */
import { currentContext, runInContext } from '../engine/context.js';
import { assertLive, disposeTensor, holdHandle } from '../engine/engine.js';
import { warn } from '../warn.js';
import { tidy } from '../engine/scope.js';
import type { RecordedOp, TapeRecorder } from '../engine/tape-types.js';
import { ArgumentError, DTypeError, ShapeError, formatShape } from '../errors.js';
import { isFloat } from '../dtype.js';
import { shapesEqual } from '../shape.js';
import { Tensor } from '../tensor.js';
import { add } from '../ops/elementwise.js';
import { clone } from '../ops/reshape.js';
import { onesLike, zeros } from '../ops/creation.js';

/** Options of a `GradientTape`. */
export interface GradientTapeOptions {
  /** Allow `gradient()` more than once (then call `dispose()` when done). Default false. */
  readonly persistent?: boolean;
  /** Watch trainable variables that ops read, without `watch()`. Default true. */
  readonly watchAccessedVariables?: boolean;
}

/** Options of `GradientTape.gradient`. */
export interface GradientOptions {
  /** The gradient of some outer loss with respect to `target` (default: ones). */
  readonly outputGradient?: Tensor;
  /** What a source unconnected to the target gets: zeros (default) or null, as TensorFlow's `unconnected_gradients`. */
  readonly unconnected?: 'zero' | 'none';
}

interface TapeNode {
  readonly op: string;
  readonly inputs: readonly Tensor[];
  readonly output: Tensor;
  readonly gradient: RecordedOp['gradient'];
}

/** Frees the handles of recorded ops and empties the list. */
function releaseNodes(nodes: TapeNode[]): void {
  for (const node of nodes) {
    node.inputs.forEach(disposeTensor);
    disposeTensor(node.output);
  }
  nodes.length = 0;
}

let warnedForgottenTape = false;
/**
 * The safety net for a tape dropped without `gradient()` or `dispose()` (a persistent one, or one
 * whose gradient was never asked for): its handles are freed when the tape is garbage-collected.
 */
const forgottenTapes =
  typeof FinalizationRegistry === 'function'
    ? new FinalizationRegistry<TapeNode[]>((nodes) => {
        if (!warnedForgottenTape) {
          warnedForgottenTape = true;
          warn('TensorKit: a GradientTape was garbage-collected without dispose(); what it held was freed now, but call dispose() (or use `using`) to free it on time');
        }
        releaseNodes(nodes);
      })
    : undefined;

/**
 * Records ops for automatic differentiation.
 *
 * @example
 * const x = variable(0);
 * const tape = new GradientTape();
 * const y = tape.record(() => x.mul(2).add(3));
 * tape.gradient(y, x); // 2.
 */
export class GradientTape implements TapeRecorder {
  readonly #persistent: boolean;
  readonly #watchVariables: boolean;
  /** What the tape recorded; emptied in place by `dispose` (the leak safety net holds this array). */
  readonly #nodes: TapeNode[] = [];
  /** Ids of watched tensors and of everything computed from them while recording. */
  readonly #tracked = new Set<number>();
  #used = false;
  #disposed = false;

  constructor(options: GradientTapeOptions = {}) {
    this.#persistent = options.persistent ?? false;
    this.#watchVariables = options.watchAccessedVariables ?? true;
  }

  /** True for a tape that can be asked for gradients more than once. */
  get persistent(): boolean {
    return this.#persistent;
  }

  #assertUsable(what: string): void {
    if (this.#disposed) throw new ArgumentError(`GradientTape.${what}: the tape was disposed${this.#used ? ' after its gradient was taken (use { persistent: true } to ask more than once)' : ''}`);
  }

  /**
   * Runs `fn` (sync or async) with this tape recording, and returns its result. Tapes nest: ops are
   * recorded on every tape whose `record()` they run inside.
   */
  record<T>(fn: () => T): T {
    this.#assertUsable('record');
    if (typeof fn !== 'function') throw new ArgumentError('GradientTape.record: expected a function');
    const context = currentContext();
    return runInContext({ scope: context.scope, tapes: [...context.tapes, this] }, fn);
  }

  /** Watches tensors that are not trainable variables, so gradients with respect to them can be taken. */
  watch(...tensors: Tensor[]): void {
    this.#assertUsable('watch');
    for (const t of tensors.flat()) {
      if (!(t instanceof Tensor)) throw new ArgumentError('GradientTape.watch: expected tensors');
      assertLive('GradientTape.watch', t, 'the tensor');
      this.#tracked.add(t.id);
    }
  }

  /** @internal Called by the engine for every op that runs while this tape records. */
  onOp(op: RecordedOp): void {
    let relevant = false;
    for (const input of op.inputs) {
      if (this.#tracked.has(input.id)) relevant = true;
      else if (this.#watchVariables && input.trainable) {
        this.#tracked.add(input.id);
        relevant = true;
      }
    }
    if (!relevant) return;
    this.#tracked.add(op.output.id);
    if (this.#nodes.length === 0) forgottenTapes?.register(this, this.#nodes, this);
    this.#nodes.push({ op: op.op, inputs: op.inputs.map(holdHandle), output: holdHandle(op.output), gradient: op.gradient });
  }

  /**
   * The gradient of `target` (summed over its elements, as TensorFlow does for non-scalars) with
   * respect to `sources`: one tensor, or an array in the same order.
   */
  gradient(target: Tensor, sources: Tensor, options?: GradientOptions): Tensor;
  gradient(target: Tensor, sources: readonly Tensor[], options?: GradientOptions): Tensor[];
  gradient(target: Tensor, sources: readonly Tensor[], options: GradientOptions & { unconnected: 'none' }): (Tensor | null)[];
  gradient(target: Tensor, sources: Tensor | readonly Tensor[], options: GradientOptions = {}): Tensor | (Tensor | null)[] {
    this.#assertUsable('gradient');
    if (this.#used && !this.#persistent) {
      throw new ArgumentError('GradientTape.gradient: a non-persistent tape can be asked once; create it with { persistent: true } to ask again');
    }
    if (!(target instanceof Tensor)) throw new ArgumentError('GradientTape.gradient: target must be a tensor');
    const list = Array.isArray(sources) ? (sources as readonly Tensor[]) : [sources as Tensor];
    for (const s of list) if (!(s instanceof Tensor)) throw new ArgumentError('GradientTape.gradient: sources must be tensors');
    assertLive('GradientTape.gradient', target, 'target');
    if (!isFloat(target.dtype)) throw new DTypeError(`GradientTape.gradient: target must be float32 or float64, got ${target.dtype}`);
    const seed = options.outputGradient;
    if (seed && !shapesEqual(seed.shape, target.shape)) {
      throw new ShapeError(`GradientTape.gradient: outputGradient ${formatShape(seed.shape)} must have the target's shape ${formatShape(target.shape)}`);
    }
    this.#used = true;
    const context = currentContext();
    // This tape must not record its own backward pass; enclosing tapes do (higher-order gradients).
    const others = context.tapes.filter((t) => t !== this);
    const results = runInContext({ scope: context.scope, tapes: others }, () =>
      tidy(() => {
        const grads = new Map<number, Tensor>();
        grads.set(target.id, seed ?? onesLike(target));
        for (let i = this.#nodes.length - 1; i >= 0; i--) {
          const node = this.#nodes[i];
          const dy = grads.get(node.output.id);
          if (!dy) continue;
          const rules = node.gradient(dy, { inputs: node.inputs, output: node.output });
          node.inputs.forEach((input, j) => {
            const rule = rules[j];
            if (!rule || !this.#tracked.has(input.id) || !isFloat(input.dtype)) return;
            const g = rule();
            const previous = grads.get(input.id);
            grads.set(input.id, previous ? add(previous, g) : g);
          });
        }
        return list.map((source) => {
          const g = grads.get(source.id);
          if (g) return g === seed ? clone(g) : g;
          return options.unconnected === 'none' ? null : zeros(source.shape, isFloat(source.dtype) ? source.dtype : 'float32');
        });
      }),
    );
    if (!this.#persistent) this.dispose();
    return Array.isArray(sources) ? results : (results[0] as Tensor);
  }

  /** Frees what the tape holds for its gradients. Done automatically after a non-persistent tape's `gradient()`. */
  dispose(): void {
    if (this.#disposed) return;
    this.#disposed = true;
    forgottenTapes?.unregister(this);
    releaseNodes(this.#nodes);
    this.#tracked.clear();
  }

  /** Disposes the tape at the end of a `using` block. */
  [Symbol.dispose](): void {
    this.dispose();
  }
}
