// Runs the rules of users' rulesets (rulesets.ts) over the array of all resource bodies, as Spectral would: each
// `given` path selects nodes, each `then` picks its targets under them (`field`) and calls its core function, and a
// result becomes a report at the deepest node of its path that exists, with the rule's message.
//
// fedlint runs these itself rather than through Spectral's runner because that runner evaluates strings of the
// ruleset as code: JSONPath filters (nimma, jsonpath-plus) and `#{{…}}` message expressions (expr-eval), the latter
// also on text that quotes the linted data. Here paths are evaluated by jsonpath.ts and messages are filled in from a
// fixed set of placeholders, never evaluated.

import { pointerSegment } from '../load/parse.js';
import type { Report, Resource } from '../types.js';
import { type Match, select, selectSingular } from './jsonpath.js';
import type { FunctionContext } from './ruleset-functions.js';
import type { UserRule } from './rulesets.js';

export interface UserRuleReport {
  ruleId: string;
  report: Report;
}

type Runtime = typeof import('@stoplight/spectral-runtime');

export async function runUserRules(resources: Resource[], rules: UserRule[]): Promise<UserRuleReport[]> {
  if (resources.length === 0 || rules.length === 0) return [];
  // Spectral's own printing of paths and values, so that messages read as Spectral's; loaded only for rulesets.
  const loaded = (await import('@stoplight/spectral-runtime')) as unknown as Runtime & { default?: Runtime };
  // Node sees only some of this CommonJS module's names (its exports are set through tslib): take its module.exports.
  const runtime = typeof loaded.printPath === 'function' ? loaded : loaded.default!;
  const data = resources.map((resource) => resource.body);
  const document = { data, source: 'fedlint' };
  // The `schema` function keeps its compiled validators per inventory object: one per run.
  const documentInventory = { findAssociatedItemForPath: () => null };
  const reports: UserRuleReport[] = [];
  for (const rule of rules) {
    const seen = new Set<string>();
    for (const given of rule.given)
      for (const node of select(given, data))
        for (const check of rule.checks)
          for (const target of targetsOf(node, check.field)) {
            const context: FunctionContext = { path: target.path, document, documentInventory, rule: { resolved: false } };
            for (const result of check.run(target.value, check.options, context) ?? []) {
              const wanted = result.path ?? target.path;
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
  }
  return reports;
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

/** A result path (resource index first) as a pointer relative to its resource. */
function pointerOf(path: readonly (string | number)[]): string {
  return path
    .slice(1)
    .map((segment) => `/${pointerSegment(segment)}`)
    .join('');
}

/** `{{name}}` and `#{{print("name")}}`, as Spectral's messages write them. */
export const PLACEHOLDER = /#?\{\{([^}\n]+)\}\}/g;
/** The placeholders a message may hold (rulesets.ts refuses a ruleset message with any other). */
export const PLACEHOLDERS = new Set(['{{error}}', '{{description}}', '{{path}}', '{{property}}', '{{value}}', '#{{print("property")}}', '#{{print("value")}}']);

/**
 * The message of a result, as Spectral words it: the function's message with its placeholders filled in (that is
 * `{{error}}`; `{{path}}` and `{{value}}` are of the deepest node that exists, `{{property}}` is the one wanted), then the rule's `message` around it, or else its description, or else the function's message alone.
 * Each text is filled in one pass, so a value that itself reads `{{…}}` is shown as it is, never filled in again.
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
  const error = fill(functionMessage);
  values['{{error}}'] = error;
  return (rule.message === undefined ? (rule.description ?? error) : fill(rule.message)).trim();
}
