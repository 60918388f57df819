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
