/** Keras 3's `model.summary()` table. */
import type { Layer } from './layer.js';

function withCommas(n: number): string {
  return n.toLocaleString('en-US');
}

function bytes(n: number): string {
  const units = ['B', 'KB', 'MB', 'GB'];
  let value = n;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value.toFixed(2)} ${units[unit]}`;
}

function shapeText(shape: readonly (number | null)[] | null): string {
  if (!shape) return '?';
  return `(${shape.map((d) => (d === null ? 'None' : String(d))).join(', ')})`;
}

/** Formats the summary of a sequential model's layers. */
export function formatSummary(name: string, layers: readonly Layer[]): string {
  const widths = [33, 24, 15];
  const rows: string[][] = [];
  const first = layers[0];
  const input = first?.builtInputShape ? first.builtInputShape.slice(1) : first?.inputShape;
  let shape: (number | null)[] | null = input ? [null, ...input] : null;
  let total = 0;
  let trainable = 0;
  let bytesTotal = 0;
  let bytesTrainable = 0;
  for (const layer of layers) {
    if (shape) shape = layer.computeOutputShape(shape);
    const params = layer.countParams();
    total += params;
    const element = layer.dtype === 'float64' ? 8 : 4;
    bytesTotal += params * element;
    const trainableParams = layer.trainableWeights.reduce((n, w) => n + w.size, 0);
    trainable += trainableParams;
    bytesTrainable += trainableParams * element;
    rows.push([`${layer.name} (${layer.className})`, layer.built ? shapeText(shape) : '?', layer.built ? withCommas(params) : '0 (unbuilt)']);
  }
  const cell = (text: string, width: number, right: boolean) => ` ${right ? text.padStart(width - 2) : text.padEnd(width - 2)} `;
  const line = (l: string, m: string, r: string, fill: string) => l + widths.map((w) => fill.repeat(w)).join(m) + r;
  const row = (values: string[], edge: string) => edge + values.map((v, i) => cell(v, widths[i], i === 2)).join(edge) + edge;
  const out = [
    `Model: "${name}"`,
    line('┏', '┳', '┓', '━'),
    row(['Layer (type)', 'Output Shape', 'Param #'], '┃'),
    line('┡', '╇', '┩', '━'),
    ...rows.flatMap((r, i) => (i === 0 ? [row(r, '│')] : [line('├', '┼', '┤', '─'), row(r, '│')])),
    line('└', '┴', '┘', '─'),
    ` Total params: ${withCommas(total)} (${bytes(bytesTotal)})`,
    ` Trainable params: ${withCommas(trainable)} (${bytes(bytesTrainable)})`,
    ` Non-trainable params: ${withCommas(total - trainable)} (${bytes(bytesTotal - bytesTrainable)})`,
  ];
  return out.join('\n');
}
