// Runs the rules of users' rulesets (rulesets.ts) over the array of all resource bodies, as Spectral would: each
// `given` path selects nodes, each `then` picks its targets under them (`field`) and calls its core function, and a
// result becomes a report at the deepest node of its path that exists, with the rule's message.
//
// fedlint runs these itself rather than through Spectral's runner because that runner evaluates strings of the
// ruleset as code: JSONPath filters (nimma, jsonpath-plus) and `#{{…}}` message expressions (expr-eval), the latter
// also on text that quotes the linted data. Here paths are evaluated by jsonpath.ts and messages are filled in from a
// fixed set of placeholders, never evaluated. A function sees a copy of its input without a prototype, so that a
// schema's `required: [toString]` is not met by Object's own member; and every rule runs under a time budget, for
// what a ruleset can still make slow (a schema's uniqueItems over a huge list, a casing regex on a crafted name).

import { createContext, runInContext } from 'node:vm';
import { UsageError } from '../errors.js';
import type { Report, Resource } from '../types.js';
import { type Match, select, selectSingular } from './jsonpath.js';
import type { FunctionContext } from './ruleset-functions.js';
import { pointerOf } from './spectral.js';
import type { UserRule } from './rulesets.js';

export interface UserRuleReport {
  ruleId: string;
  report: Report;
}

type Runtime = typeof import('@stoplight/spectral-runtime');

/** How long one user rule may run over the whole repository before the run stops with a configuration error. */
export const RULE_TIME_BUDGET_MS = 30_000;

export async function runUserRules(resources: Resource[], rules: UserRule[], budget = RULE_TIME_BUDGET_MS): Promise<UserRuleReport[]> {
  if (resources.length === 0 || rules.length === 0) return [];
  // Spectral's own printing of paths and values, so that messages read as Spectral's; loaded only for rulesets.
  const loaded = (await import('@stoplight/spectral-runtime')) as unknown as Runtime & { default?: Runtime };
  // Node sees only some of this CommonJS module's names (its exports are set through tslib): take its module.exports.
  const runtime = typeof loaded.printPath === 'function' ? loaded : loaded.default!;
  const data = resources.map((resource) => resource.body);
  const reports: UserRuleReport[] = [];
  for (const rule of rules) {
    const run = () => reports.push(...runRule(rule, resources, data, runtime));
    try {
      // vm's watchdog is the one way to stop a synchronous call that runs too long (a regex, ajv) and carry on;
      // the only code it is given is this constant call of fedlint's own function.
      runInContext('run()', createContext({ run }), { timeout: budget });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ERR_SCRIPT_EXECUTION_TIMEOUT') throw error;
      throw new UsageError(
        `${rule.where}: ran for more than ${budget / 1000} s on ${resources.length} resources and was stopped; narrow its given, or simplify its function's options`,
      );
    }
  }
  return reports;
}

function runRule(rule: UserRule, resources: Resource[], data: unknown[], runtime: Runtime): UserRuleReport[] {
  const reports: UserRuleReport[] = [];
  const document = { data, source: 'fedlint' };
  // The `schema` function keeps its compiled validators, by $id too, per inventory object: one per rule, so that two
  // rules' schemas with one $id do not share a validator.
  const documentInventory = { findAssociatedItemForPath: () => null };
  const copies = new WeakMap<object, unknown>();
  const seen = new Set<string>();
  for (const given of rule.given)
    for (const node of select(given, data))
      for (const check of rule.checks)
        for (const target of targetsOf(node, check.field)) {
          // Paths are given to the function from its resource, not from the array fedlint lints: a schema message
          // then names the field, not the resource's index ("0" property …). (A target at `$`, the array itself, is in
          // no resource: what is found there cannot be located, as before.)
          const [index, ...inResource] = target.path;
          const context: FunctionContext = { path: inResource, document, documentInventory, rule: { resolved: false } };
          for (const result of check.run(withoutPrototypes(target.value, copies), check.options, context) ?? []) {
            const wanted = result.path === undefined ? target.path : index === undefined ? result.path : [index, ...result.path];
            const path = closestPath(data, wanted);
            const resource = resources[Number(path[0])];
            if (!resource) continue;
            const message = messageOf(rule, result.message, { wanted, path }, data, runtime);
            // Spectral reports a result once however many paths reach it.
            const key = `${JSON.stringify(path)}\u0000${message}`;
            if (seen.has(key)) continue;
            seen.add(key);
            reports.push({ ruleId: rule.id, report: { resource, pointer: pointerOf(path), message } });
          }
        }
  return reports;
}

/**
 * A copy of parsed data whose mappings have no prototype, made once per node (aliases share one), without recursion:
 * the deepest document that parses cannot exhaust the stack.
 */
function withoutPrototypes(value: unknown, copies: WeakMap<object, unknown>): unknown {
  const copyOf = (node: unknown, pending: [object, object][]): unknown => {
    if (typeof node !== 'object' || node === null) return node;
    const known = copies.get(node);
    if (known !== undefined) return known;
    const copy = Array.isArray(node) ? [] : Object.create(null);
    copies.set(node, copy);
    pending.push([node, copy]);
    return copy;
  };
  const pending: [object, object][] = [];
  const root = copyOf(value, pending);
  while (pending.length > 0) {
    const [original, copy] = pending.pop()!;
    if (Array.isArray(original)) for (const item of original) (copy as unknown[]).push(copyOf(item, pending));
    else for (const key of Object.keys(original)) (copy as Record<string, unknown>)[key] = copyOf((original as Record<string, unknown>)[key], pending);
  }
  return root;
}

/** Spectral's lint targets: the node itself, the node's keys (`@key`), a path below it, or the one field it names. */
function targetsOf(node: Match, field: UserRule['checks'][number]['field']): Match[] {
  const below = (matches: Match[]) => matches.map((match) => ({ path: [...node.path, ...match.path], value: match.value }));
  if (!field || typeof node.value !== 'object' || node.value === null) return [node];
  if (field.kind === 'keys')
    return Array.isArray(node.value) ? [] : Object.keys(node.value).map((key) => ({ path: [...node.path, key], value: key }));
  if (field.kind === 'path') {
    const matches = below(select(field.path, node.value));
    return matches.length > 0 ? matches : [{ path: node.path, value: undefined }];
  }
  return below([selectSingular(field.path, node.value)]);
}

/** The longest start of `path` that exists in `data`: Spectral reports a missing field at its nearest ancestor. */
function closestPath(data: unknown, path: readonly (string | number)[]): (string | number)[] {
  const found: (string | number)[] = [];
  let node = data;
  for (const segment of path) {
    const key = String(segment);
    if (typeof node !== 'object' || node === null || !Object.hasOwn(node, key)) break;
    node = (node as Record<string, unknown>)[key];
    found.push(segment);
  }
  return found;
}

function valueAt(data: unknown, path: readonly (string | number)[]): unknown {
  let node = data;
  for (const segment of path) node = (node as Record<string, unknown>)[String(segment)];
  return node;
}

/** `{{name}}` and `#{{print("name")}}`, as Spectral's messages write them. */
export const PLACEHOLDER = /#?\{\{([^}\n]+)\}\}/g;
/** The placeholders a message may hold (rulesets.ts refuses a ruleset message with any other). */
export const PLACEHOLDERS = new Set(['{{error}}', '{{description}}', '{{path}}', '{{property}}', '{{value}}', '#{{print("property")}}', '#{{print("value")}}']);

/**
 * The message of a result, as Spectral words it: the function's message with its placeholder filled in (that is
 * `{{error}}`), then the rule's `message` around it, or else its description, or else the function's message alone.
 * `{{path}}` and `{{value}}` are of the deepest node that exists, `{{property}}` is the one wanted. The rule's message
 * is filled in one pass, so text from the files that reads `{{…}}` is shown as it is, never filled in.
 */
function messageOf(
  rule: UserRule,
  functionMessage: string,
  { wanted, path }: { wanted: readonly (string | number)[]; path: (string | number)[] },
  data: unknown,
  { printPath, printValue, PrintStyle }: Runtime,
): string {
  const value = path.length === 0 ? data : valueAt(data, path);
  // The property the result is about, even when it is missing (reported at its parent): `"team" property must be truthy`.
  const property = wanted.length > 1 ? String(wanted[wanted.length - 1]) : '';
  const values: Record<string, string> = {
    '{{description}}': rule.description ?? '',
    // Relative to the resource: its index in the array fedlint lints means nothing to a reader.
    '{{path}}': printPath(path.slice(1) as string[], PrintStyle.EscapedPointer),
    '{{property}}': property,
    '{{value}}': typeof value === 'object' && value !== null ? printValue(value) : String(value),
    '#{{print("property")}}': property === '' ? 'The document ' : `"${property}" property `,
    '#{{print("value")}}': printValue(value),
  };
  const fill = (text: string) => text.replace(PLACEHOLDER, (placeholder) => values[placeholder] ?? placeholder);
  // A core function's message starts with its one placeholder; the rest quotes options and data, which stay as written.
  const leading = /^#\{\{print\("(?:property|value)"\)\}\}/.exec(functionMessage)?.[0];
  const error = leading ? values[leading] + functionMessage.slice(leading.length) : functionMessage;
  values['{{error}}'] = error;
  return (rule.message === undefined ? (rule.description ?? error) : fill(rule.message)).trim();
}
