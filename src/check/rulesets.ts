// Users' own rulesets (--ruleset FILE, config `rulesets`): YAML or JSON in the format Spectral users already write —
// `rules: {id: {given, then: {field, function, functionOptions}, severity, message, description}}` — with Spectral's
// core functions (truthy, pattern, schema, …), run by user-rules.ts over the array of all resource bodies: a `given`
// starts at `$[*]` (every resource) or filters by kind, `$[?(@.kind == 'Service')]`.
//
// A ruleset may sit in the repository being linted, so it is data, never code: `given` and `field` must be
// JSONPath of the grammar jsonpath.ts evaluates itself, messages hold only Spectral's fixed placeholders, functions
// are the vetted core functions of ruleset-functions.ts, and there is no `extends`, `functions` or `overrides`.
// Anything else is a configuration error: one line `file:line:col: key.path: what is wrong`, exit 2.

import { resolve } from 'node:path';
import { UsageError } from '../errors.js';
import { closestName } from '../lang/suggest.js';
import type { Level, RuleMeta } from '../types.js';
import { type JsonPath, JsonPathError, isSingular, parseJsonPath } from './jsonpath.js';
import { FUNCTION_NAMES, type FunctionName, type RulesetFunction, rulesetFunction } from './ruleset-functions.js';
import { PLACEHOLDER, PLACEHOLDERS } from './user-rules.js';
import { type KeyPath, readYamlFile } from './yaml-file.js';

/** A rule of a user's ruleset, checked and ready to run. */
export interface UserRule extends RuleMeta {
  given: JsonPath[];
  checks: UserCheck[];
  /** `file:line:col: rules.<id>`: where the rule is written, for messages about it. */
  where: string;
  /** The rule's message template; absent: its description, else the function's message (as Spectral does). */
  message?: string;
  description?: string;
}

export interface UserCheck {
  field?: { kind: 'keys' } | { kind: 'path'; path: JsonPath } | { kind: 'single'; path: JsonPath };
  run: RulesetFunction;
  options: unknown;
}

const SEVERITIES: Record<string, Level> = { error: 'error', warn: 'warning', warning: 'warning', info: 'note', hint: 'note', '0': 'error', '1': 'warning', '2': 'note', '3': 'note' };
const RULESET_KEYS = ['rules', 'description'];
const RULE_KEYS = ['given', 'then', 'severity', 'message', 'description', 'documentationUrl', 'recommended', 'resolved'];
const THEN_KEYS = ['function', 'field', 'functionOptions'];
/** A rule id shows in reports, SARIF and the Action's summary table: plain characters only. */
const RULE_ID = /^[A-Za-z0-9_][A-Za-z0-9._/-]*$/;

export async function loadRulesets(files: string[], cwd: string, reservedIds: Set<string>): Promise<UserRule[]> {
  const rules: UserRule[] = [];
  for (const file of files) rules.push(...(await loadRuleset(file, cwd, reservedIds)));
  return rules;
}

async function loadRuleset(file: string, cwd: string, reservedIds: Set<string>): Promise<UserRule[]> {
  const { data, where } = readYamlFile(resolve(cwd, file), file, 'ruleset');
  const fail = (path: KeyPath, what: string, at: 'key' | 'value' = 'key'): never => {
    throw new UsageError(`${where(path, at)}: ${what}`);
  };
  if (!isMapping(data) || !isMapping(data.rules)) return fail(['rules'], 'a ruleset needs a `rules` mapping of rule id to rule');
  for (const key of Object.keys(data))
    if (!RULESET_KEYS.includes(key))
      fail([key], `not supported by fedlint rulesets, which hold only rules and a description: no extends, functions, overrides or aliases (a ruleset must not load code or other files)`);
  const rules: UserRule[] = [];
  for (const [id, raw] of Object.entries(data.rules)) {
    const at = ['rules', id];
    if (!RULE_ID.test(id)) fail(at, 'a rule id is letters, digits and _ . / - (not starting with . / -)');
    if (reservedIds.has(id)) fail(at, 'a fedlint rule already has this id; choose another');
    if (!isMapping(raw)) return fail(at, 'a rule is a mapping with given and then');
    for (const key of Object.keys(raw)) if (!RULE_KEYS.includes(key)) fail([...at, key], unknownKey(key, RULE_KEYS));
    const rule = raw;
    const severity = rule.severity === undefined ? 'warn' : String(rule.severity);
    const level = Object.hasOwn(SEVERITIES, severity) ? SEVERITIES[severity]! : fail([...at, 'severity'], `unknown severity "${severity}"; use error, warn, info or hint`, 'value');
    if (rule.recommended === false)
      fail([...at, 'recommended'], `recommended: false would turn the rule off; leave it out and turn the rule off with rules: {${id}: off} in .fedlint.yaml`, 'value');
    const description = optionalString(rule.description, [...at, 'description'], fail);
    const message = optionalString(rule.message, [...at, 'message'], fail);
    if (message !== undefined) checkPlaceholders(message, [...at, 'message'], fail);
    const documentationUrl = optionalString(rule.documentationUrl, [...at, 'documentationUrl'], fail);
    if (documentationUrl !== undefined && !/^https?:\/\/\S+$/.test(documentationUrl)) fail([...at, 'documentationUrl'], 'an http(s) URL', 'value');
    const summary = description ?? message ?? id;
    rules.push({
      id,
      level,
      summary: summary.split('\n')[0]!.replace(/\.$/, ''),
      help: description ?? `A rule of the ruleset ${file}.`,
      ruleset: file,
      where: where(at),
      ...(documentationUrl ? { helpUri: documentationUrl } : {}),
      given: givenPaths(rule.given, [...at, 'given'], fail),
      checks: await checksOf(rule.then, [...at, 'then'], fail),
      ...(message !== undefined ? { message } : {}),
      ...(description !== undefined ? { description } : {}),
    });
  }
  return rules;
}

type Fail = (path: KeyPath, what: string, at?: 'key' | 'value') => never;

function givenPaths(given: unknown, at: KeyPath, fail: Fail): JsonPath[] {
  const list = Array.isArray(given) ? given : [given];
  if (list.length === 0 || !list.every((entry) => typeof entry === 'string'))
    return fail(at, `a JSONPath string or a list of them, e.g. "$[?(@.kind == 'Service')].spec"`, 'value');
  return (list as string[]).map((text, index) => jsonPath(text, Array.isArray(given) ? [...at, index] : at, fail));
}

function jsonPath(text: string, at: KeyPath, fail: Fail): JsonPath {
  try {
    return parseJsonPath(text);
  } catch (error) {
    if (!(error instanceof JsonPathError)) throw error;
    return fail(at, `${JSON.stringify(text)} is not a JSONPath fedlint runs: at character ${error.offset + 1}, ${error.message}`, 'value');
  }
}

async function checksOf(then: unknown, at: KeyPath, fail: Fail): Promise<UserCheck[]> {
  const list = Array.isArray(then) ? then : [then];
  if (list.length === 0) return fail(at, 'a mapping with function (and optionally field and functionOptions), or a list of them', 'value');
  const checks: UserCheck[] = [];
  for (const [index, entry] of list.entries()) {
    const here = Array.isArray(then) ? [...at, index] : at;
    if (!isMapping(entry)) return fail(here, 'a mapping with function (and optionally field and functionOptions)', 'value');
    for (const key of Object.keys(entry)) if (!THEN_KEYS.includes(key)) fail([...here, key], unknownKey(key, THEN_KEYS));
    const name = entry.function;
    if (typeof name !== 'string' || !(FUNCTION_NAMES as readonly string[]).includes(name)) {
      const hint = typeof name === 'string' ? closestName(name, [...FUNCTION_NAMES]) : undefined;
      fail([...here, 'function'], `unknown function ${JSON.stringify(name)}${hint ? `; did you mean "${hint}"?` : ''} (one of ${FUNCTION_NAMES.join(', ')})`, 'value');
    }
    const run = await rulesetFunction(name as FunctionName, entry.functionOptions);
    if (typeof run !== 'function') return fail([...here, 'functionOptions', ...run.path], run.message, 'value');
    checks.push({ run, options: entry.functionOptions ?? null, ...fieldOf(entry.field, [...here, 'field'], fail) });
  }
  return checks;
}

/** Spectral's `field`: `@key` (the keys of the node), a JSONPath from `$`, or a path of names such as `metadata.labels`. */
function fieldOf(field: unknown, at: KeyPath, fail: Fail): Pick<UserCheck, 'field'> {
  if (field === undefined) return {};
  if (typeof field !== 'string' || field === '') return fail(at, 'a key path such as metadata.labels, @key, or a JSONPath from $', 'value');
  if (field === '@key') return { field: { kind: 'keys' } };
  if (field.startsWith('$')) return { field: { kind: 'path', path: jsonPath(field, at, fail) } };
  const path = jsonPath(field.startsWith('[') ? `$${field}` : `$.${field}`, at, fail);
  if (!isSingular(path)) return fail(at, `${JSON.stringify(field)} names more than one node; write it as a JSONPath from $ (with * or filters) or as names and indexes`, 'value');
  return { field: { kind: 'single', path } };
}

function checkPlaceholders(message: string, at: KeyPath, fail: Fail): void {
  for (const match of message.matchAll(PLACEHOLDER))
    if (!PLACEHOLDERS.has(match[0]))
      fail(at, `${match[0]} is not a placeholder fedlint fills in; use ${[...PLACEHOLDERS].join(', ')} (expressions are never evaluated)`, 'value');
}

function optionalString(value: unknown, at: KeyPath, fail: Fail): string | undefined {
  if (value === undefined) return undefined;
  return typeof value === 'string' ? value : fail(at, 'must be a string', 'value');
}

function unknownKey(key: string, known: string[]): string {
  const hint = closestName(key, known);
  return `not a key fedlint rulesets know${hint ? `; did you mean "${hint}"?` : `; the keys here are ${known.join(', ')}`}`;
}

function isMapping(value: unknown): value is Record<string, any> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
