// A value from a user's YAML as a message shows it: short JSON, so that a mapping or a list where a string was
// expected reads as `{"a":1}` or `["x","y"]`, never as String()'s "[object Object]" or "x,y". Every stage may use it.

/** At most `max` characters of the value's JSON (a string in double quotes), cut with "…". */
export function quoteValue(value: unknown, max = 60): string {
  const json = value === undefined ? 'nothing' : JSON.stringify(value, (_key, inner: unknown) => (typeof inner === 'bigint' ? String(inner) : inner)) ?? String(value);
  return json.length <= max ? json : `${json.slice(0, max - 1)}…`;
}

/**
 * A value as text that never throws: a scalar's String(), a mapping's or list's short JSON. String() would print a
 * mapping as "[object Object]", and throws on one whose own `toString` and `valueOf` keys are not functions.
 */
export function textOf(value: unknown): string {
  return value === null || typeof value !== 'object' ? String(value) : quoteValue(value);
}
