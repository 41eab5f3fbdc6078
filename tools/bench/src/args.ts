/** Command-line options. */

export interface Options {
  /** TensorKit backends to run; null = every registered backend that initialises. */
  readonly backends: string[] | null;
  /** Peer rows to run (tfjs-cpu, tfjs-wasm, numpy); null = all; [] = none. */
  readonly peers: string[] | null;
  /** Case-insensitive substring of the workload title or id. */
  readonly filter: string | null;
  readonly repeats: number;
  readonly warmupMs: number;
  readonly minSampleMs: number;
  readonly json: string | null;
  /** Epoch rows: run whole epochs instead of timing a prefix of steps. */
  readonly fullEpoch: boolean;
  /** Epoch rows: steps timed after the warm-up (ignored with fullEpoch). */
  readonly steps: number;
  /** Epoch rows: steps run before the timed ones. */
  readonly warmupSteps: number;
  /** Folder with MNIST's IDX .gz files; null = the default location. */
  readonly mnist: string | null;
  /** Side of the GPU throughput matmul; null = 4096, or 512 on a software adapter. */
  readonly gemmSize: number | null;
  readonly help: boolean;
}

export const USAGE = `Usage: node tools/bench/dist/main.js [options]   (or: pnpm bench [options])

Times TensorKit against TensorFlow.js on the chapter's MNIST workloads, side by side.

Options:
  --backend LIST     TensorKit backends to run, comma-separated (default: every registered
                     backend that initialises; webgpu on a software adapter only when named)
  --peers LIST       peer rows to run, comma-separated, or 'none' (default: all: tfjs-cpu, and
                     tfjs-wasm and numpy for the epoch rows). 'vs tfjs' needs tfjs-cpu; numpy runs
                     tools/bench/reference/numpy_mnist_epoch.py with python3.
  --filter TEXT      only workloads whose title or id contains TEXT (case-insensitive)
  --repeats N        timed samples per row; the median is reported (default 10)
  --warmup-ms MS     minimum warm-up per row (default 300; at least 3 runs either way)
  --min-sample-ms MS minimum duration of one sample; fast ops run several times per sample
                     (default 20)
  --json FILE        also write every result, with all samples, as JSON
  --gemm-size N      side of the webgpu throughput matmul (N x N x N float32; default 4096,
                     or 512 on a software adapter such as SwiftShader, where 4096 takes minutes)

Epoch rows (model.fit of the chapter's model, one epoch of MNIST):
  --steps N          steps timed after the warm-up; the epoch (469 steps) is projected from
                     their median (default 60)
  --warmup-steps N   steps run before the timed ones (default 5)
  --full-epoch       run complete epochs instead, and report their measured time and the
                     epoch's accuracy (several minutes: tfjs-cpu takes 2 minutes or more)
  --mnist DIR        folder with train-images-idx3-ubyte.gz and train-labels-idx1-ubyte.gz
                     (default: $MNIST_DIR, else /work/shared/datasets/mnist); without them the
                     rows train on seeded synthetic data and say so
  --help             this text`;

function list(value: string): string[] {
  return value
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}

function positive(name: string, value: string, integer: boolean): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0 || (integer && !Number.isInteger(n))) {
    throw new Error(`${name} must be a positive ${integer ? 'integer' : 'number'}, got '${value}'`);
  }
  return n;
}

/** Parses `argv` (without node and the script). Accepts `--opt value` and `--opt=value`. */
export function parseArgs(argv: readonly string[]): Options {
  let backends: string[] | null = null;
  let peers: string[] | null = null;
  let filter: string | null = null;
  let repeats = 10;
  let warmupMs = 300;
  let minSampleMs = 20;
  let json: string | null = null;
  let fullEpoch = false;
  let steps = 60;
  let warmupSteps = 5;
  let mnist: string | null = null;
  let gemmSize: number | null = null;
  let help = false;
  const args = [...argv];
  while (args.length > 0) {
    let arg = args.shift()!;
    if (arg === '--') continue;
    let value: string | undefined;
    const eq = arg.indexOf('=');
    if (arg.startsWith('--') && eq > 0) {
      value = arg.slice(eq + 1);
      arg = arg.slice(0, eq);
    }
    const take = (): string => {
      const v = value ?? args.shift();
      if (v === undefined) throw new Error(`${arg} needs a value`);
      return v;
    };
    switch (arg) {
      case '--backend':
      case '--backends':
        backends = list(take());
        break;
      case '--peers':
      case '--peer': {
        const v = take();
        peers = v === 'none' ? [] : list(v);
        break;
      }
      case '--filter':
        filter = take();
        break;
      case '--repeats':
        repeats = positive('--repeats', take(), true);
        break;
      case '--warmup-ms':
        warmupMs = positive('--warmup-ms', take(), false);
        break;
      case '--min-sample-ms':
        minSampleMs = positive('--min-sample-ms', take(), false);
        break;
      case '--json':
        json = take();
        break;
      case '--full-epoch':
        if (value !== undefined) throw new Error('--full-epoch takes no value');
        fullEpoch = true;
        break;
      case '--steps':
        steps = positive('--steps', take(), true);
        break;
      case '--warmup-steps':
        warmupSteps = positive('--warmup-steps', take(), true);
        break;
      case '--mnist':
        mnist = take();
        break;
      case '--gemm-size':
        gemmSize = positive('--gemm-size', take(), true);
        break;
      case '-h':
      case '--help':
        help = true;
        break;
      default:
        throw new Error(`unknown option '${arg}'`);
    }
  }
  return { backends, peers, filter, repeats, warmupMs, minSampleMs, json, fullEpoch, steps, warmupSteps, mnist, gemmSize, help };
}
