/** The confusion matrix as an HTML table, cells shaded by their share of the row. */
import { recallPerClass, type ConfusionMatrix } from './confusion.js';

export function renderConfusion(table: HTMLTableElement, matrix: ConfusionMatrix): void {
  const { classes, counts } = matrix;
  const recall = recallPerClass(matrix);
  const head = `<thead><tr><th title="true label (rows) / predicted (columns)">true \\ pred</th>${Array.from({ length: classes }, (_, p) => `<th>${p}</th>`).join('')}<th>recall</th></tr></thead>`;
  const rows = Array.from({ length: classes }, (_, t) => {
    let rowTotal = 0;
    for (let p = 0; p < classes; p++) rowTotal += counts[t * classes + p];
    const cells = Array.from({ length: classes }, (_, p) => {
      const n = counts[t * classes + p];
      const share = rowTotal ? n / rowTotal : 0;
      const color = t === p ? `rgba(47, 158, 68, ${0.15 + 0.85 * share})` : `rgba(224, 49, 49, ${Math.min(1, share * 4)})`;
      return `<td style="background:${n ? color : 'transparent'}">${n || ''}</td>`;
    }).join('');
    const r = recall[t];
    return `<tr><th>${t}</th>${cells}<td>${Number.isNaN(r) ? '-' : `${(r * 100).toFixed(1)}%`}</td></tr>`;
  }).join('');
  table.innerHTML = `${head}<tbody>${rows}</tbody>`;
}
