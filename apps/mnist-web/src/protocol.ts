/** Messages between the page and the training worker (structured-cloned; typed arrays are transferred). */
import type { BackendRow } from './backends.js';

/** Training settings chosen on the page. */
export interface TrainSettings {
  readonly backend: string;
  /** Base URL of the four MNIST `.gz` files. */
  readonly dataUrl: string;
  readonly epochs: number;
  readonly batchSize: number;
  /** Training examples to use (at most 60,000). */
  readonly trainLimit: number;
  /** Test examples to evaluate on (at most 10,000). */
  readonly testLimit: number;
}

export type ToWorker =
  | { readonly type: 'probe' }
  | { readonly type: 'train'; readonly settings: TrainSettings }
  | { readonly type: 'stop' }
  | { readonly type: 'predict'; readonly id: number; readonly pixels: Float32Array }
  | { readonly type: 'save' }
  | { readonly type: 'load'; readonly backend: string; readonly bytes: Uint8Array; readonly name: string };

export type FromWorker =
  | { readonly type: 'backends'; readonly rows: readonly BackendRow[] }
  | { readonly type: 'status'; readonly text: string }
  | { readonly type: 'download'; readonly file: string; readonly loaded: number; readonly total?: number }
  | { readonly type: 'data'; readonly train: number; readonly test: number; readonly seconds: number }
  | { readonly type: 'started'; readonly backend: string; readonly epochs: number; readonly steps: number; readonly batchSize: number }
  | { readonly type: 'batch'; readonly epoch: number; readonly batch: number; readonly steps: number; readonly loss: number; readonly accuracy: number }
  | { readonly type: 'epoch'; readonly epoch: number; readonly loss: number; readonly accuracy: number; readonly seconds: number; readonly backend: string }
  | { readonly type: 'weights'; readonly count: number; readonly side: number; readonly data: Float32Array }
  | { readonly type: 'evaluated'; readonly loss: number; readonly accuracy: number; readonly labels: Uint8Array; readonly predicted: Int32Array; readonly seconds: number }
  | { readonly type: 'done'; readonly stopped: boolean }
  | { readonly type: 'prediction'; readonly id: number; readonly probabilities: Float32Array | null }
  | { readonly type: 'saved'; readonly bytes: Uint8Array }
  | { readonly type: 'loaded'; readonly name: string; readonly backend: string }
  | { readonly type: 'error'; readonly message: string; readonly during: string };
