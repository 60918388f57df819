// "did you mean …?" for names: the closest candidate by edit distance, only
// when it is close enough that a person would call it a typo or a rename.

import { distance } from 'fastest-levenshtein';

export function closestName(wanted: string, candidates: Iterable<string>): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    if (candidate === wanted || candidate === '') continue;
    const d = distance(wanted, candidate);
    // Names share prefixes like "prometheus-"; allow up to about half the longer name to differ.
    if (d > Math.max(2, Math.ceil(Math.max(wanted.length, candidate.length) / 2))) continue;
    if (d < bestDistance || (d === bestDistance && best !== undefined && candidate < best)) {
      best = candidate;
      bestDistance = d;
    }
  }
  return best;
}

/** ` did you mean "x"?` or '' — ready to append to a message. */
export function didYouMean(wanted: string, candidates: Iterable<string>): string {
  const best = closestName(wanted, candidates);
  return best === undefined ? '' : `; did you mean "${best}"?`;
}

/** `"a", "b" and "c"` (or `… or "c"`) */
export function quoteList(names: string[], conjunction: 'and' | 'or' = 'and'): string {
  const quoted = names.map((name) => `"${name}"`);
  if (quoted.length <= 1) return quoted.join('');
  return `${quoted.slice(0, -1).join(', ')} ${conjunction} ${quoted[quoted.length - 1]}`;
}
