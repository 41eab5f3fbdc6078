/** The op x backend table the CLI prints. */
import type { CaseResult } from './runner.js';

/** One backend's column: its results, or why it could not run. */
export interface BackendColumn {
  readonly backend: string;
  readonly results?: readonly CaseResult[];
  readonly unavailable?: string;
  /** What the backend declares about itself, shown under the table. */
  readonly capabilities?: string;
}

function cell(results: readonly CaseResult[]): string {
  const failed = results.filter((r) => r.status === 'failed').length;
  const gaps = results.filter((r) => r.status === 'gap').length;
  const passed = results.filter((r) => r.status === 'passed').length;
  if (failed > 0) return `FAIL ${failed}/${results.length}`;
  if (gaps > 0) return `${passed}/${results.length} +${gaps} gap`;
  return `${passed}/${results.length}`;
}

/** Renders rows `group/op` against one column per backend, then totals, gaps and failures. */
export function renderTable(columns: readonly BackendColumn[]): string {
  const rows = new Map<string, Map<string, CaseResult[]>>();
  for (const column of columns) {
    for (const r of column.results ?? []) {
      const key = `${r.group}/${r.op}`;
      const row = rows.get(key) ?? new Map<string, CaseResult[]>();
      row.set(column.backend, [...(row.get(column.backend) ?? []), r]);
      rows.set(key, row);
    }
  }
  const header = ['op', ...columns.map((c) => c.backend)];
  const body = [...rows.entries()].map(([key, row]) => [key, ...columns.map((c) => (c.unavailable ? '-' : cell(row.get(c.backend) ?? [])))]);
  const totals = ['total', ...columns.map((c) => (c.unavailable ? 'unavailable' : cell([...(c.results ?? [])])))];
  const all = [header, ...body, totals];
  const widths = header.map((_, i) => Math.max(...all.map((r) => r[i].length)));
  const line = (r: string[]) => `| ${r.map((v, i) => v.padEnd(widths[i])).join(' | ')} |`;
  const out = [line(header), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...body.map(line), line(totals)];
  const groups = new Map<string, Set<string>>();
  for (const c of columns) for (const r of c.results ?? []) groups.set(r.group, (groups.get(r.group) ?? new Set()).add(r.id));
  out.push(`\ncases by group: ${[...groups].map(([group, ids]) => `${group} ${ids.size}`).join(', ')}`);
  for (const c of columns) {
    if (c.capabilities) out.push(`\n${c.backend}: ${c.capabilities}`);
    if (c.unavailable) out.push(`\n${c.backend}: unavailable (${c.unavailable})`);
    const gaps = (c.results ?? []).filter((r) => r.status === 'gap');
    if (gaps.length) out.push(`\n${c.backend} known gaps:\n${gaps.map((g) => `  ${g.id}: ${g.message}`).join('\n')}`);
    const failed = (c.results ?? []).filter((r) => r.status === 'failed');
    if (failed.length) out.push(`\n${c.backend} failures:\n${failed.map((f) => `  ${f.id}: ${f.message}`).join('\n')}`);
  }
  return out.join('\n');
}
