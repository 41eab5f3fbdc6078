import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import * as tk from '@tensorkit/core';
import '@tensorkit/backend-cpu/register';

function chapterModel(): tk.Sequential {
  return tk.sequential([tk.dense({ units: 5, activation: 'relu', inputShape: [4] }), tk.dense({ units: 3, activation: 'softmax' })]);
}

describe('saving and loading models', () => {
  it('round-trips weights and config through a safetensors file and its .json', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tk-model-'));
    const path = join(dir, 'model.safetensors');
    const model = chapterModel();
    await model.save(path);
    expect(readdirSync(dir).sort()).toEqual(['model.json', 'model.safetensors']);
    const config = JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8'));
    expect(config.className).toBe('Sequential');
    expect(config.layers.map((l: { config: { units: number } }) => l.config.units)).toEqual([5, 3]);
    const before = tk.memory().numTensors;
    const loaded = await tk.loadModel(path);
    expect(loaded.layers.map((l) => l.name)).toEqual(model.layers.map((l) => l.name));
    const x = tk.randomUniform([2, 4], { seed: 3 });
    const a = model.apply(x);
    const b = loaded.apply(x);
    expect([...b.dataSync()]).toEqual([...a.dataSync()]);
    tk.dispose([a, b, x]);
    loaded.dispose();
    expect(tk.memory().numTensors).toBe(before);
    model.dispose();
  });

  it('loads weights into a fresh model by position when the layer names differ', async () => {
    const model = chapterModel();
    const bytes = await model.toSafetensors();
    const other = tk.sequential([tk.dense({ units: 5, activation: 'relu' }), tk.dense({ units: 3, activation: 'softmax' })]);
    await other.loadWeights(bytes);
    expect(other.weights.map((w) => [...w.dataSync()])).toEqual(model.weights.map((w) => [...w.dataSync()]));
    const wrong = tk.sequential([tk.dense({ units: 6, inputShape: [4] }), tk.dense({ units: 3 })]);
    await expect(wrong.loadWeights(bytes)).rejects.toThrow(/does not fit/);
    [model, other, wrong].forEach((m) => m.dispose());
  });

  it('rejects corrupt and truncated files with a WeightsFileError naming the file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tk-model-'));
    const model = chapterModel();
    const bytes = await model.toSafetensors();
    const truncated = join(dir, 'truncated.safetensors');
    writeFileSync(truncated, bytes.subarray(0, bytes.length - 7));
    await expect(tk.loadModel(truncated)).rejects.toThrow(tk.WeightsFileError);
    await expect(tk.loadModel(truncated)).rejects.toThrow(/truncated\.safetensors/);
    const garbage = join(dir, 'garbage.safetensors');
    writeFileSync(garbage, new Uint8Array([255, 255, 255, 255, 255, 255, 255, 127, 1, 2]));
    await expect(tk.loadModel(garbage)).rejects.toThrow(/header/);
    await expect(tk.loadModel(join(dir, 'missing.safetensors'))).rejects.toThrow(tk.WeightsFileError);
    model.dispose();
  });
});
