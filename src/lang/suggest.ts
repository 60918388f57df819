// "did you mean …?" for names: the closest candidate by edit distance, only
// when it is close enough that a person would call it a typo or a rename.

import { distance } from 'fastest-levenshtein';

/** Longer than any Kubernetes name (253): a typo of it is no one's guess, and its edit distance costs length². */
const MAX_NAME = 256;

export function closestName(wanted: string, candidates: Iterable<string>): string | undefined {
  if (wanted.length > MAX_NAME) return undefined;
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    if (candidate === wanted || candidate === '' || candidate.length > MAX_NAME) continue;
    // Names share prefixes like "prometheus-"; allow up to about half the longer name to differ.
    const allowed = Math.max(2, Math.ceil(Math.max(wanted.length, candidate.length) / 2));
    // The lengths alone may already differ by more (the distance is at least their difference).
    if (Math.abs(wanted.length - candidate.length) > Math.min(allowed, bestDistance)) continue;
    const d = distance(wanted, candidate);
    if (d > allowed) continue;
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
