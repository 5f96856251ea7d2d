// Histograms as bcc prints them (print_log2_hist): one line per slot up to the
// last non-empty one, "low -> high : count |stars|" with 40 star columns.
const STAR_COLUMNS = 40;

export function formatLog2Histogram(counts: readonly number[], unit: string): string {
  let last = counts.length - 1;
  while (last >= 0 && counts[last] === 0) last--;
  if (last < 0) return '';
  const max = Math.max(...counts.slice(0, last + 1));
  const lines = [`${' '.repeat(5)}${unit.padEnd(19)} : count    distribution`];
  for (let slot = 0; slot <= last; slot++) {
    const count = counts[slot] ?? 0;
    const high = 2 ** (slot + 1) - 1;
    const low = slot === 0 ? 0 : 2 ** slot;
    const stars = max > 0 ? Math.floor((count * STAR_COLUMNS) / max) : 0;
    lines.push(`${String(low).padStart(10)} -> ${String(high).padEnd(10)} : ${String(count).padEnd(8)} |${'*'.repeat(stars).padEnd(STAR_COLUMNS)}|`);
  }
  return `${lines.join('\n')}\n`;
}
