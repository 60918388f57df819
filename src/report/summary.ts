import type { Finding, Level } from '../types.js';

export type Counts = Record<Level, number>;

export function countLevels(findings: Finding[]): Counts {
  const counts: Counts = { error: 0, warning: 0, note: 0 };
  for (const finding of findings) counts[finding.level]++;
  return counts;
}

export function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? '' : 's'}`;
}

/** "2 suppressed, 3 unchanged from the baseline": what the report leaves out, or '' when nothing. */
export function leftOut(findings: Finding[]): string {
  const suppressed = findings.filter((finding) => finding.suppressed !== undefined).length;
  const unchanged = findings.filter((finding) => finding.suppressed === undefined && finding.baselineState === 'unchanged').length;
  return [suppressed > 0 ? `${suppressed} suppressed` : '', unchanged > 0 ? `${unchanged} unchanged from the baseline` : ''].filter(Boolean).join(', ');
}
