/**
 * Random ops: the Philox4x32-10 generator word for word, the seeded streams, randomUniform's exact
 * values and range, randomNormal's and truncatedNormal's statistics, and setSeed.
 *
 * Where the expected words come from: `numpy.random.Philox` is Philox **4x64**-10, a different
 * function from TensorKit's Philox **4x32**-10, so its `random_raw()` words cannot be mapped onto
 * `philox4x32`. `scripts/make_numpy_fixtures.py` therefore writes (into fixtures/numpy-golden.json)
 * the Random123 known-answer vectors for Philox4x32-10 and words from its own Philox written for
 * any word width, whose 64-bit instance it checks against `numpy.random.Philox.random_raw()` and
 * whose 32-bit instance it checks against those vectors. A stream with seed s uses key
 * (s mod 2^32, floor(s / 2^32)) and counters (n mod 2^32, floor(n / 2^32), 0, 0), n = 0, 1, ...
 * (random/philox.ts), and randomUniform's float32 values are (word >>> 8) · 2^-24.
 *
 * Statistical bounds are ±5 standard errors on 20000 samples: a correct generator fails one such
 * check with probability below 1e-6, and the seeds are fixed, so the cases are deterministic.
 */
import * as tk from '@tensorkit/core';
import golden from '../../fixtures/numpy-golden.json' with { type: 'json' };
import { check, expectError, expectTensor } from '../assert.js';
import { casesFor, type CaseContext, type ConformanceCase } from '../case.js';

interface Block {
  readonly counter: number[];
  readonly key: number[];
  readonly words: number[];
}

interface PhiloxFixture {
  readonly kat4x32: Block[];
  readonly blocks: Block[];
  readonly uniform: {
    readonly seed: number;
    readonly words: number[];
    readonly float32: number[];
    readonly float32Scaled: { minval: number; maxval: number; values: number[] };
    readonly int32: { minval: number; maxval: number; values: number[] };
    readonly float64: number[];
  };
  readonly bigSeed: { readonly seed: number; readonly words: number[] };
}

const PHILOX = (golden as unknown as { philox: PhiloxFixture }).philox;
const N = 20000;

async function float64Unsupported(c: CaseContext): Promise<boolean> {
  if (c.float64) return false;
  await expectError(() => tk.tensor([1], { dtype: 'float64' }), tk.BackendError, 'float64');
  return true;
}

function hex(words: ArrayLike<number>): string {
  return Array.from(words, (w) => (w >>> 0).toString(16).padStart(8, '0')).join(' ');
}

function stats(values: ArrayLike<number>): { mean: number; std: number; min: number; max: number } {
  let sum = 0;
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < values.length; i++) {
    sum += values[i];
    min = Math.min(min, values[i]);
    max = Math.max(max, values[i]);
  }
  const mean = sum / values.length;
  let sq = 0;
  for (let i = 0; i < values.length; i++) sq += (values[i] - mean) ** 2;
  return { mean, std: Math.sqrt(sq / (values.length - 1)), min, max };
}

/** Checks |got - want| <= 5 standard errors. */
function within5(got: number, want: number, standardError: number, what: string): void {
  check(Math.abs(got - want) <= 5 * standardError, `${what}: ${got} is more than 5 standard errors (${standardError}) from ${want}`);
}

async function read(c: CaseContext, t: tk.Tensor): Promise<tk.TypedArray> {
  c.own(t);
  return t.data();
}

function philoxCases(): ConformanceCase[] {
  return [
    ...casesFor('random', 'philox4x32', {
      'Random123 known-answer vectors': async () => {
        const out = new Uint32Array(4);
        for (const { counter, key, words } of PHILOX.kat4x32) {
          tk.philox4x32(counter[0], counter[1], counter[2], counter[3], key[0], key[1], out);
          check(hex(out) === hex(words), `philox4x32(ctr ${hex(counter)}, key ${hex(key)}) = ${hex(out)}, expected ${hex(words)}`);
        }
      },
      'blocks from an independent Philox4x32-10 (its 4x64 instance checked against numpy.random.Philox)': async () => {
        const out = new Uint32Array(4);
        for (const { counter, key, words } of PHILOX.blocks) {
          tk.philox4x32(counter[0], counter[1], counter[2], counter[3], key[0], key[1], out);
          check(hex(out) === hex(words), `philox4x32(ctr ${hex(counter)}, key ${hex(key)}) = ${hex(out)}, expected ${hex(words)}`);
        }
      },
    }),
    ...casesFor('random', 'PhiloxStream', {
      'a seed is a key; words run through counters 0, 1, 2, ...': async () => {
        const stream = new tk.PhiloxStream(PHILOX.uniform.seed);
        const got = Array.from({ length: PHILOX.uniform.words.length }, () => stream.nextUint32());
        check(hex(got) === hex(PHILOX.uniform.words), `PhiloxStream(${PHILOX.uniform.seed}) words ${hex(got)}, expected ${hex(PHILOX.uniform.words)}`);
        // A seed above 2^32 fills the second key word.
        const big = new tk.PhiloxStream(PHILOX.bigSeed.seed);
        const gotBig = Array.from({ length: PHILOX.bigSeed.words.length }, () => big.nextUint32());
        check(hex(gotBig) === hex(PHILOX.bigSeed.words), `PhiloxStream(2^40 + 5) words ${hex(gotBig)}, expected ${hex(PHILOX.bigSeed.words)}`);
      },
      'float24 and float53 follow their formulas': async () => {
        const w = PHILOX.uniform.words;
        const s24 = new tk.PhiloxStream(PHILOX.uniform.seed);
        for (let i = 0; i < 4; i++) {
          const got = s24.nextFloat24();
          check(got === (w[i] >>> 8) * 2 ** -24, `nextFloat24 #${i} = ${got}, expected ${(w[i] >>> 8) * 2 ** -24}`);
        }
        const s53 = new tk.PhiloxStream(PHILOX.uniform.seed);
        PHILOX.uniform.float64.forEach((want, i) => {
          const got = s53.nextFloat53();
          check(got === want, `nextFloat53 #${i} = ${got}, expected ${want}`);
        });
      },
    }),
  ];
}

function uniformCases(): ConformanceCase[] {
  const U = PHILOX.uniform;
  return casesFor('random', 'randomUniform', {
    'exact float32 values for seed 42: (word >>> 8) · 2^-24 of the Philox stream': async (c) => {
      // 24-bit values times 2^-24 are exact in float32, so the comparison is exact.
      await expectTensor(c.own(tk.randomUniform([4], { seed: 42 })), { shape: [4], dtype: 'float32', values: U.float32, rtol: 0, atol: 0 });
      await expectTensor(c.own(tk.randomUniform([2, 2], { seed: 42 })), { shape: [2, 2], dtype: 'float32', values: U.float32, rtol: 0, atol: 0 });
    },
    'exact scaled float32 and int32 values for seed 42': async (c) => {
      // minval + u·(maxval - minval), rounded to float32 once; int32: floor of it.
      const s = U.float32Scaled;
      await expectTensor(c.own(tk.randomUniform([s.values.length], { seed: 42, minval: s.minval, maxval: s.maxval })), { shape: [s.values.length], dtype: 'float32', values: s.values, rtol: 0, atol: 0 });
      const i = U.int32;
      await expectTensor(c.own(tk.randomUniform([i.values.length], { seed: 42, minval: i.minval, maxval: i.maxval, dtype: 'int32' })), { shape: [i.values.length], dtype: 'int32', values: i.values });
    },
    'exact float64 values for seed 42 (53 bits from two words)': async (c) => {
      if (await float64Unsupported(c)) return;
      await expectTensor(c.own(tk.randomUniform([3], { seed: 42, dtype: 'float64' })), { shape: [3], dtype: 'float64', values: U.float64, rtol: 0, atol: 0 });
    },
    'the same seed gives the same values; another seed does not': async (c) => {
      const a = await read(c, tk.randomUniform([64], { seed: 7 }));
      const b = await read(c, tk.randomUniform([64], { seed: 7 }));
      const d = await read(c, tk.randomUniform([64], { seed: 8 }));
      check(a.every((v, i) => v === b[i]), 'seed 7 twice gave different values');
      check(a.some((v, i) => v !== d[i]), 'seeds 7 and 8 gave the same values');
    },
    'values lie in [minval, maxval) with the right mean': async (c) => {
      for (const [minval, maxval] of [[0, 1], [-3, 5], [10, 10.5]]) {
        const v = await read(c, tk.randomUniform([N], { seed: 11, minval, maxval }));
        const s = stats(v);
        check(s.min >= minval && s.max < maxval, `randomUniform [${minval}, ${maxval}): values span [${s.min}, ${s.max}]`);
        // Mean (a+b)/2, standard deviation (b-a)/√12.
        within5(s.mean, (minval + maxval) / 2, (maxval - minval) / Math.sqrt(12) / Math.sqrt(N), `mean of U[${minval}, ${maxval})`);
        within5(s.std, (maxval - minval) / Math.sqrt(12), (maxval - minval) / Math.sqrt(12) / Math.sqrt(2 * N), `std of U[${minval}, ${maxval})`);
      }
    },
    'values stay below maxval even where float32 spacing is coarse': async (c) => {
      // Between 2^24 and 2^24 + 4 float32 can only hold 2^24, 2^24 + 2 and 2^24 + 4; the last is maxval
      // and must never be drawn: [minval, maxval) is the documented range.
      const v = await read(c, tk.randomUniform([1000], { seed: 3, minval: 2 ** 24, maxval: 2 ** 24 + 4 }));
      const s = stats(v);
      check(s.min >= 2 ** 24 && s.max < 2 ** 24 + 4, `randomUniform [2^24, 2^24 + 4): values span [${s.min}, ${s.max}]`);
    },
    'int32: integers in [minval, maxval), every value about equally often': async (c) => {
      const v = await read(c, tk.randomUniform([N], { seed: 12, minval: -5, maxval: 7, dtype: 'int32' }));
      const counts = new Map<number, number>();
      for (const x of v) {
        check(Number.isInteger(x) && x >= -5 && x < 7, `int32 uniform value ${x} outside [-5, 7)`);
        counts.set(x, (counts.get(x) ?? 0) + 1);
      }
      // Each of 12 values: binomial(N, 1/12), mean N/12, sd √(N·(1/12)·(11/12)).
      const sd = Math.sqrt(N * (1 / 12) * (11 / 12));
      for (let x = -5; x < 7; x++) within5(counts.get(x) ?? 0, N / 12, sd, `count of ${x}`);
      const t = c.own(tk.randomUniform([2, 3], { seed: 1, dtype: 'int32', minval: 0, maxval: 2 }));
      check(t.dtype === 'int32' && t.shape.join() === '2,3', `int32 uniform: ${t.dtype} [${t.shape}]`);
    },
    'shapes, size 0 included': async (c) => {
      await expectTensor(c.own(tk.randomUniform([0, 3], { seed: 1 })), { shape: [0, 3], dtype: 'float32', values: [] });
      const t = c.own(tk.randomUniform([], { seed: 1 }));
      check(t.shape.length === 0 && t.size === 1, `scalar uniform has shape [${t.shape}]`);
    },
    'bad arguments are errors': async () => {
      await expectError(() => tk.randomUniform([2], { minval: 1, maxval: 1 }), tk.ArgumentError, 'randomUniform');
      await expectError(() => tk.randomUniform([2], { minval: 2, maxval: 1 }), tk.ArgumentError, 'randomUniform');
      await expectError(() => tk.randomUniform([2], { dtype: 'bool' }), tk.DTypeError, 'randomUniform');
      await expectError(() => tk.randomUniform([2], { seed: 1.5 }), tk.ArgumentError, 'seed');
      await expectError(() => tk.randomUniform([-1]), tk.ShapeError, 'randomUniform');
    },
  });
}

/** Standard deviation of a standard normal truncated to [-2, 2]: √(1 - 2·2φ(2) / (2Φ(2) - 1)) = 0.87962566... */
const TRUNCATED_STD = Math.sqrt(1 - (4 * (Math.exp(-2) / Math.sqrt(2 * Math.PI))) / 0.9544997361036416);

function normalCases(): ConformanceCase[] {
  return [
    ...casesFor('random', 'randomNormal', {
      'standard normal: mean 0, stddev 1 within 5 standard errors': async (c) => {
        const s = stats(await read(c, tk.randomNormal([N], { seed: 21 })));
        within5(s.mean, 0, 1 / Math.sqrt(N), 'mean');
        within5(s.std, 1, 1 / Math.sqrt(2 * N), 'stddev');
        // Tails: |z| > 5 has probability 6e-7; with 20000 samples none is expected, and |z| > 3 (0.27%) should occur.
        check(s.max < 6 && s.min > -6 && (s.max > 3 || s.min < -3), `normal samples span [${s.min}, ${s.max}]`);
      },
      'mean and stddev options, float64': async (c) => {
        const s = stats(await read(c, tk.randomNormal([N], { seed: 22, mean: 3, stddev: 2 })));
        within5(s.mean, 3, 2 / Math.sqrt(N), 'mean');
        within5(s.std, 2, 2 / Math.sqrt(2 * N), 'stddev');
        if (await float64Unsupported(c)) return;
        const t = c.own(tk.randomNormal([N], { seed: 23, mean: -1, stddev: 0.5, dtype: 'float64' }));
        check(t.dtype === 'float64', `dtype ${t.dtype}`);
        const s64 = stats(await t.data());
        within5(s64.mean, -1, 0.5 / Math.sqrt(N), 'float64 mean');
        within5(s64.std, 0.5, 0.5 / Math.sqrt(2 * N), 'float64 stddev');
      },
      'stddev 0 gives the mean; the same seed repeats': async (c) => {
        await expectTensor(c.own(tk.randomNormal([3], { seed: 1, mean: 4, stddev: 0 })), { shape: [3], dtype: 'float32', values: [4, 4, 4] });
        const a = await read(c, tk.randomNormal([16], { seed: 5 }));
        const b = await read(c, tk.randomNormal([16], { seed: 5 }));
        check(a.every((v, i) => v === b[i]), 'seed 5 twice gave different normals');
      },
      'bad arguments are errors': async () => {
        await expectError(() => tk.randomNormal([2], { stddev: -1 }), tk.ArgumentError, 'stddev');
        await expectError(() => tk.randomNormal([2], { dtype: 'int32' as 'float32' }), tk.DTypeError, 'randomNormal');
      },
    }),
    ...casesFor('random', 'truncatedNormal', {
      'within 2 stddev of the mean, with the truncated moments': async (c) => {
        for (const [mean, stddev] of [[0, 1], [5, 0.1]]) {
          const v = await read(c, tk.truncatedNormal([N], { seed: 31, mean, stddev }));
          const s = stats(v);
          // float32 storage may round mean ± 2·stddev outward by half an ulp.
          const slack = Math.abs(mean + 2 * stddev) * 2 ** -24;
          check(s.min >= mean - 2 * stddev - slack && s.max <= mean + 2 * stddev + slack, `truncatedNormal(${mean}, ${stddev}) spans [${s.min}, ${s.max}]`);
          within5(s.mean, mean, (stddev * TRUNCATED_STD) / Math.sqrt(N), 'mean');
          within5(s.std, stddev * TRUNCATED_STD, (stddev * TRUNCATED_STD) / Math.sqrt(2 * N), 'stddev (truncated)');
        }
      },
    }),
    ...casesFor('random', 'setSeed', {
      'reseeding replays the global stream': async (c) => {
        tk.setSeed(1234);
        const a1 = await read(c, tk.randomUniform([5]));
        const n1 = await read(c, tk.randomNormal([3]));
        tk.setSeed(1234);
        const a2 = await read(c, tk.randomUniform([5]));
        const n2 = await read(c, tk.randomNormal([3]));
        check(a1.every((v, i) => v === a2[i]) && n1.every((v, i) => v === n2[i]), 'setSeed(1234) twice gave different draws');
      },
      'the global stream advances between draws': async (c) => {
        tk.setSeed(99);
        const a = await read(c, tk.randomUniform([8]));
        const b = await read(c, tk.randomUniform([8]));
        check(a.some((v, i) => v !== b[i]), 'two draws from the global stream were equal');
        // Consecutive draws continue one stream: [5] then [3] equals [8] after reseeding.
        tk.setSeed(99);
        const first = await read(c, tk.randomUniform([5]));
        const second = await read(c, tk.randomUniform([3]));
        check([...first, ...second].every((v, i) => v === a[i]), 'draws of 5 and 3 do not continue the stream of a draw of 8');
      },
      'a non-integer seed is an ArgumentError': async () => {
        await expectError(() => tk.setSeed(0.5), tk.ArgumentError, 'setSeed');
      },
    }),
  ];
}

/** Every random case. */
export function randomCases(): ConformanceCase[] {
  return [...philoxCases(), ...uniformCases(), ...normalCases()];
}
