/**
 * Known gaps of a backend: a data file kept by the backend package (`conformance-gaps.txt`), one
 * gap per line, `<case id or prefix>: <reason>`; `#` starts a comment. A case whose id starts with a
 * listed prefix is reported as a gap with that reason instead of failing.
 */

/** One known gap. */
export interface Gap {
  readonly prefix: string;
  readonly reason: string;
}

/** Parses a gap file; throws on a line without a reason, since a gap must say why. */
export function parseGaps(text: string, source = 'conformance-gaps.txt'): Gap[] {
  const gaps: Gap[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.replace(/#.*$/, '').trim();
    if (!line) return;
    const colon = line.indexOf(':');
    const prefix = colon > 0 ? line.slice(0, colon).trim() : '';
    const reason = colon > 0 ? line.slice(colon + 1).trim() : '';
    if (!prefix || !reason) throw new Error(`${source}:${i + 1}: expected "<case id or prefix>: <reason>", got "${raw}"`);
    gaps.push({ prefix, reason });
  });
  return gaps;
}

/** The gap covering case `id`, if any. */
export function gapFor(id: string, gaps: readonly Gap[]): Gap | undefined {
  return gaps.find((g) => id === g.prefix || id.startsWith(g.prefix.endsWith('/') ? g.prefix : `${g.prefix}/`));
}
