/** Plain-text table output: a markdown table whose columns are padded so it also reads aligned. */

export interface Column {
  readonly header: string;
  readonly align: 'left' | 'right';
}

/** Renders rows as an aligned markdown table. */
export function renderTable(columns: readonly Column[], rows: readonly (readonly string[])[]): string {
  const widths = columns.map((c, i) => Math.max(c.header.length, 3, ...rows.map((r) => (r[i] ?? '').length)));
  const pad = (text: string, i: number) => (columns[i].align === 'right' ? text.padStart(widths[i]) : text.padEnd(widths[i]));
  const line = (cells: readonly string[]) => `| ${cells.map((c, i) => pad(c ?? '', i)).join(' | ')} |`;
  const rule = `|${columns.map((c, i) => (c.align === 'right' ? `${'-'.repeat(widths[i] + 1)}:` : `:${'-'.repeat(widths[i] + 1)}`)).join('|')}|`;
  return [line(columns.map((c) => c.header)), rule, ...rows.map(line)].join('\n');
}

/** Milliseconds with about three significant digits. */
export function formatMs(ms: number): string {
  if (!Number.isFinite(ms)) return '—';
  if (ms >= 100) return ms.toFixed(1);
  if (ms >= 10) return ms.toFixed(2);
  if (ms >= 1) return ms.toFixed(3);
  return ms.toFixed(4);
}

/** A ratio such as `14.2x`. */
export function formatRatio(r: number): string {
  if (!Number.isFinite(r)) return '—';
  return r >= 10 ? `${r.toFixed(1)}x` : `${r.toFixed(2)}x`;
}

/** Seconds, human-sized. */
export function formatSeconds(s: number): string {
  if (s >= 100) return `${s.toFixed(0)} s`;
  if (s >= 10) return `${s.toFixed(1)} s`;
  return `${s.toFixed(2)} s`;
}
