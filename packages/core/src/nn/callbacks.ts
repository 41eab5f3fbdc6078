/** Training callbacks and the History `fit` returns, as in Keras. */

/** Numbers reported at a step: `loss`, each metric, and `val_*` at the end of an epoch. */
export type Logs = Record<string, number>;

/**
 * Hooks `fit` calls; any may be async (`fit` awaits it, which also lets a browser page repaint).
 * Names follow Keras (`on_epoch_end` is `onEpochEnd`); epochs and batches count from 0.
 */
export interface Callback {
  onTrainBegin?(logs: Logs): void | Promise<void>;
  onTrainEnd?(logs: Logs): void | Promise<void>;
  onEpochBegin?(epoch: number, logs: Logs): void | Promise<void>;
  /** `logs` hold the epoch's mean loss and metrics, validation values, and `seconds`. */
  onEpochEnd?(epoch: number, logs: Logs): void | Promise<void>;
  onBatchBegin?(batch: number, logs: Logs): void | Promise<void>;
  /** `logs` hold the running means of the epoch so far, as the progress bar shows them. */
  onBatchEnd?(batch: number, logs: Logs): void | Promise<void>;
}

/** What `fit` returns: per-epoch values under their names, as Keras' `History.history`. */
export interface History {
  /** Epoch indices run. */
  readonly epoch: number[];
  /** `loss`, each metric, and `val_*` per epoch. */
  readonly history: Record<string, number[]>;
  /** Wall-clock seconds per epoch. */
  readonly epochSeconds: number[];
  /** The options of the run. */
  readonly params: { readonly epochs: number; readonly steps: number; readonly batchSize: number; readonly samples: number };
}
