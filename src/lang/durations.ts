// Prometheus durations, as github.com/prometheus/common/model.ParseDuration reads
// them (interval, scrapeTimeout, scrapeInterval): `0`, or one or more
// <digits><unit> with units y, w, d, h, m, s, ms from the largest to the
// smallest, each at most once, not beyond what a Go time.Duration holds.

const UNITS = ['y', 'w', 'd', 'h', 'm', 's', 'ms'] as const;
type Unit = (typeof UNITS)[number];

const MILLISECONDS: Record<Unit, number> = {
  y: 365 * 24 * 3600 * 1000,
  w: 7 * 24 * 3600 * 1000,
  d: 24 * 3600 * 1000,
  h: 3600 * 1000,
  m: 60 * 1000,
  s: 1000,
  ms: 1,
};

/** A Go time.Duration is an int64 of nanoseconds. */
const MAX_NANOSECONDS = 2n ** 63n - 1n;

export type DurationResult = { ok: true; ms: number } | { ok: false; reason: string; suggestion?: string };

export const DURATION_GRAMMAR = 'a whole number and a unit (y, w, d, h, m, s, ms), several from the largest unit to the smallest (1m30s), or 0';

export function parseDuration(text: string): DurationResult {
  const parsed = parse(text);
  if ('ms' in parsed) return { ok: true, ms: parsed.ms };
  const suggestion = suggest(text);
  return suggestion !== undefined && suggestion !== text ? { ok: false, reason: parsed.reason, suggestion } : { ok: false, reason: parsed.reason };
}

function parse(text: string): { ms: number } | { reason: string } {
  if (text === '0') return { ms: 0 };
  if (text === '') return { reason: 'it is empty' };
  if (/\s/.test(text)) return { reason: 'it contains spaces' };
  if (/^[-+]/.test(text)) return { reason: 'it has a sign' };
  let rest = text;
  let lastUnit = -1;
  let nanoseconds = 0n;
  while (rest !== '') {
    const number = /^\d+/.exec(rest)?.[0];
    if (!number) return { reason: rest === text ? 'it does not start with a number' : `"${rest}" is not <number><unit>` };
    rest = rest.slice(number.length);
    const unitText = /^\D*/.exec(rest)![0];
    if (unitText === '') return { reason: `"${number}" has no unit` };
    if (unitText.startsWith('.')) return { reason: 'it has a fraction, and durations take whole numbers' };
    const unit = UNITS.indexOf(unitText as Unit);
    if (unit === -1) return { reason: `"${unitText}" is not one of the units y, w, d, h, m, s, ms` };
    if (unit <= lastUnit) return { reason: 'its units must go from the largest to the smallest, each once' };
    lastUnit = unit;
    nanoseconds += BigInt(number) * BigInt(MILLISECONDS[UNITS[unit]!]) * 1_000_000n;
    if (nanoseconds > MAX_NANOSECONDS) return { reason: 'it is longer than the 292 years or so that Prometheus can hold' };
    rest = rest.slice(unitText.length);
  }
  return { ms: Number(nanoseconds / 1_000_000n) };
}

/** How Prometheus prints a duration: `1m30s`; years and weeks only when exact, as model.Duration.String does. */
export function formatDuration(ms: number): string {
  if (ms === 0) return '0s';
  let rest = ms;
  let text = '';
  for (const unit of UNITS) {
    const size = MILLISECONDS[unit];
    if ((unit === 'y' || unit === 'w') && rest % size !== 0) continue;
    const count = Math.floor(rest / size);
    if (count > 0) {
      text += `${count}${unit}`;
      rest -= count * size;
    }
  }
  return text;
}

/** The spellings people write for the units (`30sec`, `5 minutes`, `PT1M`, `1.5m`). */
const UNIT_WORDS: Record<string, Unit> = {
  ms: 'ms', msec: 'ms', msecs: 'ms', millisecond: 'ms', milliseconds: 'ms',
  s: 's', sec: 's', secs: 's', second: 's', seconds: 's',
  m: 'm', min: 'm', mins: 'm', minute: 'm', minutes: 'm',
  h: 'h', hr: 'h', hrs: 'h', hour: 'h', hours: 'h',
  d: 'd', day: 'd', days: 'd',
  w: 'w', wk: 'w', wks: 'w', week: 'w', weeks: 'w',
  y: 'y', yr: 'y', yrs: 'y', year: 'y', years: 'y',
};

/** The valid duration a person most likely meant, or undefined when there is no safe guess. */
function suggest(text: string): string | undefined {
  // ISO 8601 (PT1M30S) and capitals (30S): lower-case, drop the P/T markers of a time-only ISO duration.
  let lenient = text.trim().toLowerCase().replace(/\s+/g, '');
  if (/^pt/.test(lenient)) lenient = lenient.slice(2);
  if (lenient === '') return undefined;
  // A bare number is seconds to everyone who writes one (timeoutSeconds, scrape_timeout: 10).
  if (/^\d+$/.test(lenient)) lenient += 's';
  let ms = 0;
  let rest = lenient;
  while (rest !== '') {
    const match = /^(\d+(?:\.\d+)?)([a-z]+)/.exec(rest);
    if (!match) return undefined;
    const unit = UNIT_WORDS[match[2]!];
    if (!unit) return undefined;
    ms += Number(match[1]) * MILLISECONDS[unit];
    rest = rest.slice(match[0].length);
  }
  if (!Number.isInteger(ms) || ms <= 0) return undefined;
  const suggestion = formatDuration(ms);
  return 'ms' in parse(suggestion) ? suggestion : undefined;
}
