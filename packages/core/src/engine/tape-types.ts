import type { Tensor } from '../tensor.js';

/**
 * A gradient function: given the gradient of the op's output, returns for each input either a thunk
 * computing that input's gradient (only called when the input needs one) or null when the input is
 * not differentiable (integer indices, labels).
 */
export type GradientFunction = (
  dy: Tensor,
  saved: { readonly inputs: readonly Tensor[]; readonly output: Tensor },
) => ReadonlyArray<(() => Tensor) | null>;

/** One op as recorded: what it read, what it made, and how to send a gradient back. */
export interface RecordedOp {
  readonly op: string;
  readonly inputs: readonly Tensor[];
  readonly output: Tensor;
  readonly gradient: GradientFunction;
}

/** What the engine tells an active tape after each op; the tape decides whether to keep it. */
export interface TapeRecorder {
  onOp(op: RecordedOp): void;
}
