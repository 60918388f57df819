// The functions a user's ruleset may name in `then.function`: Spectral's core functions, as @stoplight/spectral-functions
// ships them, except where one would hand a string from the ruleset to an engine that can be made to run for ever or
// to run code. `pattern` runs its regular expressions on RE2 (re2js, linear time) instead of JavaScript's backtracking
// engine, where `^(a+)+$` takes minutes on a 41-character name; a `schema` may not hold regular expressions (ajv
// would run them on JavaScript's engine) nor refer outside itself; `unreferencedReusableObject` needs a document graph
// of `$ref`s that fedlint never resolves, so it is not offered.

import { RE2JS } from 're2js';

/** A Spectral ruleset function, as spectral-functions exports it: the function and its options validator. */
export interface RulesetFunction {
  (input: unknown, options: unknown, context: FunctionContext): { message: string; path?: (string | number)[] }[] | void;
  /** Throws Spectral's RulesetValidationError (or an AggregateError of them) for options the function does not take. */
  validator(options: unknown): void;
}

/** What a function is given besides its input: the place of the input and the document, as Spectral gives them. */
export interface FunctionContext {
  path: (string | number)[];
  document: { data: unknown; source: string };
  documentInventory: { findAssociatedItemForPath(): null };
  rule: { resolved: boolean };
}

/** An option a function cannot take, at `path` below `functionOptions`. */
export interface OptionProblem {
  path: (string | number)[];
  message: string;
}

export const FUNCTION_NAMES = ['alphabetical', 'casing', 'defined', 'enumeration', 'falsy', 'length', 'or', 'pattern', 'schema', 'truthy', 'undefined', 'xor'] as const;
export type FunctionName = (typeof FUNCTION_NAMES)[number];

let library: Promise<Record<string, RulesetFunction>> | undefined;

/** spectral-functions, imported once and only when a ruleset is used (it brings Spectral's core along: ~0.15 s). */
function spectralFunctions(): Promise<Record<string, RulesetFunction>> {
  library ??= import('@stoplight/spectral-functions').then((module) => module as unknown as Record<string, RulesetFunction>);
  return library;
}

/**
 * The function a ruleset names, with its options checked: by Spectral's own validator of the function's options, and
 * by fedlint where the options hold something it will not run. Returns the function or the first problem.
 */
export async function rulesetFunction(name: FunctionName, options: unknown): Promise<RulesetFunction | OptionProblem> {
  const functions = await spectralFunctions();
  const spectral = functions[name]!;
  const invalid = spectralOptionProblem(spectral, options);
  if (invalid) return invalid;
  if (name === 'pattern') return re2Pattern(spectral, options as PatternOptions);
  if (name === 'schema') {
    const problem = schemaProblem((options as { schema: unknown }).schema, ['schema']);
    if (problem) return problem;
  }
  return spectral;
}

function spectralOptionProblem(spectral: RulesetFunction, options: unknown): OptionProblem | undefined {
  try {
    spectral.validator(options ?? null);
    return undefined;
  } catch (error) {
    const first = (error as { errors?: unknown[] }).errors?.[0] ?? error;
    const { message, path } = first as { message?: string; path?: (string | number)[] };
    // Spectral's paths start at the `functionOptions` key itself.
    return { path: (path ?? []).slice(path?.[0] === 'functionOptions' ? 1 : 0), message: String(message ?? error) };
  }
}

interface PatternOptions {
  match?: string;
  notMatch?: string;
}

/** `/source/flags` or a bare source, as Spectral's pattern function reads its options. */
const REGEXP_LITERAL = /^\/(.+)\/([a-z]*)$/;
const FLAGS: Record<string, number> = { i: RE2JS.CASE_INSENSITIVE, m: RE2JS.MULTILINE, s: RE2JS.DOTALL, u: 0, g: 0, y: 0 };

/**
 * Spectral's pattern function with the same options and messages, its expressions compiled by RE2. JavaScript's `g`
 * and `y` mean nothing to a single test and `u` is how RE2 reads every expression; other flags are refused.
 */
function re2Pattern(spectral: RulesetFunction, options: PatternOptions): RulesetFunction | OptionProblem {
  const compiled: { option: 'match' | 'notMatch'; regex: RE2JS }[] = [];
  for (const option of ['match', 'notMatch'] as const) {
    const text = options[option];
    if (text === undefined) continue;
    const regex = compileRe2(text);
    if (typeof regex === 'string') return { path: [option], message: regex };
    compiled.push({ option, regex });
  }
  const pattern = (input: unknown) => {
    if (typeof input !== 'string') return undefined; // Spectral's pattern looks only at strings
    const results: { message: string }[] = [];
    for (const { option, regex } of compiled) {
      const matches = regex.test(input);
      if (option === 'match' && !matches) results.push({ message: `#{{print("value")}} must match the pattern ${JSON.stringify(options.match)}` });
      if (option === 'notMatch' && matches) results.push({ message: `#{{print("value")}} must not match the pattern ${JSON.stringify(options.notMatch)}` });
    }
    return results.length > 0 ? results : undefined;
  };
  return Object.assign(pattern, { validator: spectral.validator });
}

function compileRe2(text: string): RE2JS | string {
  const literal = REGEXP_LITERAL.exec(text);
  const [source, flags] = literal ? [literal[1]!, literal[2]!] : [text, ''];
  let mask = 0;
  for (const flag of flags) {
    if (!(flag in FLAGS)) return `the flag "${flag}" of ${JSON.stringify(text)} is not supported (use i, m, s or u)`;
    mask |= FLAGS[flag]!;
  }
  try {
    return RE2JS.compile(source, mask);
  } catch (error) {
    return `${JSON.stringify(text)} is not a regular expression fedlint runs: ${String((error as Error).message).replace(/^error parsing regexp: /, '')}; fedlint runs RE2 syntax, which has no lookarounds or backreferences (they can take exponential time)`;
  }
}

/** Schema keywords whose values ajv would compile into JavaScript regular expressions. */
const REGEX_KEYWORDS = new Set(['pattern', 'patternProperties']);
const REF_KEYWORDS = new Set(['$ref', '$dynamicRef', '$recursiveRef']);

/**
 * A schema for the `schema` function, walked as data: where it names a regular expression (ajv runs those with
 * JavaScript's backtracking engine) or a `$ref` that leaves the schema. Iterative, so a deep schema cannot exhaust
 * the stack; ajv itself is left to report anything else.
 */
function schemaProblem(schema: unknown, at: (string | number)[]): OptionProblem | undefined {
  const pending: { node: unknown; path: (string | number)[] }[] = [{ node: schema, path: at }];
  while (pending.length > 0) {
    const { node, path } = pending.pop()!;
    if (Array.isArray(node)) {
      node.forEach((item, index) => pending.push({ node: item, path: [...path, index] }));
      continue;
    }
    if (typeof node !== 'object' || node === null) continue;
    for (const [key, value] of Object.entries(node)) {
      if (REGEX_KEYWORDS.has(key) && (typeof value === 'string' || (key === 'patternProperties' && typeof value === 'object')))
        return {
          path: [...path, key],
          message: `a schema in a fedlint ruleset may not use ${key}: ajv would run its regular expression on JavaScript's backtracking engine; check the string with the pattern function instead, which runs RE2`,
        };
      if (REF_KEYWORDS.has(key) && typeof value === 'string' && !value.startsWith('#'))
        return { path: [...path, key], message: `${key} ${JSON.stringify(value)} points outside the schema; fedlint reads no other file and fetches nothing: inline it or refer to #/definitions/…` };
      pending.push({ node: value, path: [...path, key] });
    }
  }
  return undefined;
}
