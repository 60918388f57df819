// Offsets inside a YAML string scalar → source regions. A rule that finds a bad
// token inside a string (a PromQL selector, a regex) reports the span of that
// token in the string's parsed value; this module maps it back through the
// scalar's quoting to the characters a person sees in the file. When the source
// does not map character by character (block scalars, strings folded over
// several lines, aliases, escapes this module does not know) the whole value is
// shown instead, never a wrong column.

import { isObject, parsePointer, regionOf } from './parse.js';
import type { Region, Resource } from '../types.js';

/** Characters [start, end) of a string value, in UTF-16 units (JavaScript string indices). */
export interface Span {
  start: number;
  end: number;
}

/** Where each character of a scalar's value is written in its raw source text: [start, end) per UTF-16 unit. */
export interface ScalarOffsets {
  starts: number[];
  ends: number[];
}

/**
 * Region of `span` inside the string at `pointer`, or of the whole value when
 * the span cannot be placed exactly.
 */
export function spanRegion(resource: Resource, pointer: string, span: Span): Region {
  const whole = resource.locate(pointer);
  const value = valueAt(resource.body, pointer);
  if (typeof value !== 'string') return whole;
  const { file } = resource;
  const start = file.lineStarts[whole.startLine - 1];
  const end = file.lineStarts[whole.endLine - 1];
  if (start === undefined || end === undefined) return whole;
  const rawStart = start + whole.startColumn - 1;
  const rawEnd = end + whole.endColumn - 1;
  const offsets = scalarOffsets(file.text.slice(rawStart, rawEnd), value);
  if (!offsets) return whole;
  const from = Math.max(0, Math.min(span.start, value.length));
  const to = Math.max(from, Math.min(span.end, value.length));
  if (value.length === 0) return whole;
  // A zero-width span (an error at a position, "missing `}`") shows the character there, or the closing quote at the end.
  const first = from < value.length ? offsets.starts[from]! : offsets.ends[value.length - 1]!;
  const last = to > from ? offsets.ends[to - 1]! : first + 1;
  return regionOf(file, rawStart + first, rawStart + last);
}

/**
 * Maps a single-line plain, single-quoted or double-quoted scalar's raw text to
 * its value, or null when the raw text does not decode to exactly `value`.
 */
export function scalarOffsets(raw: string, value: string): ScalarOffsets | null {
  if (raw.includes('\n') || raw.includes('\r')) return null; // folded over lines: offsets shift with the folding
  const decoded = raw.startsWith("'") ? singleQuoted(raw) : raw.startsWith('"') ? doubleQuoted(raw) : plain(raw);
  if (!decoded || decoded.value !== value) return null;
  return { starts: decoded.starts, ends: decoded.ends };
}

interface Decoded extends ScalarOffsets {
  value: string;
}

/** A plain scalar is its own value; a tag, an anchor or an alias in front makes `value` differ, and so falls back. */
function plain(raw: string): Decoded {
  const starts: number[] = [];
  const ends: number[] = [];
  for (let i = 0; i < raw.length; i++) {
    starts.push(i);
    ends.push(i + 1);
  }
  return { value: raw, starts, ends };
}

function singleQuoted(raw: string): Decoded | null {
  if (raw.length < 2 || !raw.endsWith("'")) return null;
  let value = '';
  const starts: number[] = [];
  const ends: number[] = [];
  for (let i = 1; i < raw.length - 1; i++) {
    const width = raw[i] === "'" && raw[i + 1] === "'" ? 2 : 1;
    if (raw[i] === "'" && width === 1) return null; // a lone quote ends the scalar early: not what we were given
    value += raw[i];
    starts.push(i);
    ends.push(i + width);
    i += width - 1;
  }
  return { value, starts, ends };
}

/** YAML's double-quoted escapes (YAML 1.1 and 1.2 share these). */
const SIMPLE_ESCAPES: Record<string, string> = {
  '0': '\0',
  a: '\x07',
  b: '\b',
  t: '\t',
  '\t': '\t',
  n: '\n',
  v: '\v',
  f: '\f',
  r: '\r',
  e: '\x1b',
  ' ': ' ',
  '"': '"',
  '/': '/',
  '\\': '\\',
  N: '\x85',
  _: '\xa0',
  L: '\u2028',
  P: '\u2029',
};

const HEX_ESCAPES: Record<string, number> = { x: 2, u: 4, U: 8 };

function doubleQuoted(raw: string): Decoded | null {
  if (raw.length < 2 || !raw.endsWith('"')) return null;
  let value = '';
  const starts: number[] = [];
  const ends: number[] = [];
  const push = (text: string, start: number, end: number) => {
    for (let unit = 0; unit < text.length; unit++) {
      starts.push(start);
      ends.push(end);
    }
    value += text;
  };
  const last = raw.length - 1;
  for (let i = 1; i < last; i++) {
    const char = raw[i]!;
    if (char === '"') return null;
    if (char !== '\\') {
      push(char, i, i + 1);
      continue;
    }
    const code = raw[i + 1];
    if (code === undefined || i + 1 >= last) return null;
    const simple = SIMPLE_ESCAPES[code];
    if (simple !== undefined) {
      push(simple, i, i + 2);
      i += 1;
      continue;
    }
    const digits = HEX_ESCAPES[code];
    if (digits === undefined) return null;
    const hex = raw.slice(i + 2, i + 2 + digits);
    if (hex.length !== digits || !/^[0-9a-fA-F]+$/.test(hex) || i + 2 + digits > last) return null;
    const point = Number.parseInt(hex, 16);
    if (point > 0x10ffff) return null;
    push(String.fromCodePoint(point), i, i + 2 + digits);
    i += 1 + digits;
  }
  return { value, starts, ends };
}

/** The plain value at a JSON pointer inside a resource body. */
function valueAt(body: unknown, pointer: string): unknown {
  let node: unknown = body;
  for (const segment of parsePointer(pointer)) {
    if (Array.isArray(node)) node = node[Number(segment)];
    else if (isObject(node)) node = node[segment];
    else return undefined;
  }
  return node;
}
