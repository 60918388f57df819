// Runs fedlint's own declarative rules (rules/*.ts made with defineSpectralRule)
// through @stoplight/spectral-core in ONE pass over one synthetic document: the
// array of all resource bodies. (Users' rulesets do not run here: Spectral's
// runner evaluates their strings as code; see user-rules.ts.) A result path starts with the resource's index in
// that array, which maps back to the resource and its source positions.
//
// Spectral costs ~0.15 s to import, so it is imported only when there is a
// resource for its rules to look at.

import type { RulesetFunctionContext } from '@stoplight/spectral-core';
import { pointerSegment } from '../load/parse.js';
import type { Fix, Level, Report, Resource, RuleMeta } from '../types.js';

/** What a fedlint Spectral function returns: Spectral's result shape. */
export interface SpectralResult {
  message: string;
  path?: (string | number)[];
  /** The edit that resolves it (pointer relative to the resource). Spectral drops it: runSpectral keeps it aside. */
  fix?: Fix;
}

export type SpectralFunction = (input: any, options: any, context: RulesetFunctionContext) => SpectralResult[] | void;

/** One Spectral rule: a JSONPath `given` over the array of resource bodies, and a function. */
export interface SpectralCheck {
  given: string | string[];
  field?: string;
  function: SpectralFunction;
  functionOptions?: Record<string, unknown>;
  /** Results of this check are advisory: reported at this level when it is below the rule's. */
  level?: Level;
}

/** A fedlint rule whose logic is one or more Spectral checks (one per level it reports at). */
export interface SpectralRule extends RuleMeta {
  /**
   * Whether its checks can find anything in a resource. Resources for which no rule says yes are not handed to
   * Spectral, and without any, Spectral (~0.3 s to import and set up) is not loaded at all.
   */
  appliesTo(resource: Resource): boolean;
  checks: SpectralCheck[];
}

export function defineSpectralRule(rule: SpectralRule): SpectralRule {
  return rule;
}

/**
 * Whether Spectral may see more in a resource than the fields its own kind defines, so that an `appliesTo` cannot
 * settle from those fields what the checks will report: an object inside the body has a `kind` (the rules' paths
 * filter `$.[?(@.kind == …)]`, which nimma reads as the deep scan `$..[?(…)]`, so an embedded manifest's fields are
 * reached too), or the body has a `$ref` (Spectral resolves it before the checks see the values).
 */
export function mayMatchMore(resource: Resource): boolean {
  // Asked by each rule's appliesTo: walked once per resource.
  let more = matchesMore.get(resource);
  if (more === undefined) matchesMore.set(resource, (more = holdsMore(resource.body, false)));
  return more;
}

const matchesMore = new WeakMap<Resource, boolean>();

function holdsMore(node: unknown, nested: boolean): boolean {
  if (typeof node !== 'object' || node === null) return false;
  if (Array.isArray(node)) {
    for (const item of node) if (holdsMore(item, true)) return true;
    return false;
  }
  const object = node as Record<string, unknown>;
  if (typeof object.$ref === 'string' || (nested && object.kind !== undefined)) return true;
  for (const key in object) if (holdsMore(object[key], true)) return true;
  return false;
}

/** A finding from Spectral, before the engine turns it into a located Finding. */
export interface SpectralReport {
  ruleId: string;
  report: Report;
}

const INTERNAL_CODES = new Set(['invalid-ref', 'parser']);

/** Each run's document (the array of bodies) → the resources in the same order. */
const resourcesOfRun = new WeakMap<unknown[], Resource[]>();

/**
 * The resource a check's input belongs to: `path[0]` is the resource's index
 * in the document Spectral runs over.
 */
export function resourceAt(context: RulesetFunctionContext): Resource | undefined {
  const data = (context.document as unknown as { data: unknown[] }).data;
  return resourcesOfRun.get(data)?.[Number(context.path[0])];
}

/** The pointer, relative to its resource, of a path over the array of bodies (it starts with the resource index). */
export function pointerOf(path: readonly (string | number)[]): string {
  return path
    .slice(1)
    .map((segment) => `/${pointerSegment(segment)}`)
    .join('');
}

export async function runSpectral(resources: Resource[], rules: SpectralRule[]): Promise<SpectralReport[]> {
  if (resources.length === 0 || rules.length === 0) return [];
  const [{ Spectral }, { Resolver, ResolverDepGraph }] = await Promise.all([import('@stoplight/spectral-core'), import('@stoplight/spectral-ref-resolver')]);
  // Linted YAML may hold `$ref`s: never let Spectral follow them to files or the network.
  const resolver = new Resolver({ resolvers: {} });
  const resolveRefs = resolver.resolve.bind(resolver);
  resolver.resolve = (source, options) =>
    refsToResolve(source) ? resolveRefs(source, options) : Promise.resolve({ result: source, refMap: {}, graph: new ResolverDepGraph(), errors: [] } as never);
  const spectral = new Spectral({ resolver });

  const owners = new Map<string, { ruleId: string; level?: Level }>();
  const fixes = new FixTable();
  const definitions: Record<string, unknown> = {};
  for (const rule of rules) {
    rule.checks.forEach((check, index) => {
      const key = index === 0 ? rule.id : `${rule.id}#${index}`;
      owners.set(key, { ruleId: rule.id, level: check.level });
      definitions[key] = {
        given: check.given,
        severity: 'error',
        message: '{{error}}',
        then: { field: check.field, function: fixes.recording(key, check.function), functionOptions: check.functionOptions },
      };
    });
  }
  spectral.setRuleset({ rules: definitions } as never);

  const data = resources.map((resource) => resource.body);
  resourcesOfRun.set(data, resources);
  // A plain parsed-result object: Spectral stringifies a ParsedDocument instance and finds nothing.
  const document = {
    parsed: { data, diagnostics: [], ast: {}, lineMap: [] },
    getLocationForJsonPath: () => ({ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } } }),
    source: 'fedlint',
  };
  const results = await spectral.run(document as never);

  const reports: SpectralReport[] = [];
  for (const result of results) {
    const owner = owners.get(String(result.code));
    if (!owner || INTERNAL_CODES.has(String(result.code))) continue;
    const resource = resources[Number(result.path[0])];
    if (!resource) continue;
    reports.push({
      ruleId: owner.ruleId,
      report: {
        resource,
        pointer: pointerOf(result.path),
        message: result.message,
        level: owner.level,
        ...fixes.lookup(String(result.code), result.path, result.message),
      },
    });
  }
  return reports;
}

/**
 * Whether Spectral's resolver may walk the document. It looks for `$ref`s by calling each object's own
 * `hasOwnProperty`, which a YAML key of that name replaces ("target.hasOwnProperty is not a function": the whole run
 * lost). Only a `$ref` gives it something to do: without one, the document is handed on as it is; with one beside
 * such a key, it is left unresolved, as the API server reads it.
 */
function refsToResolve(document: unknown): boolean {
  let refs = false;
  const nodes = [document];
  while (nodes.length > 0) {
    const node = nodes.pop();
    if (typeof node !== 'object' || node === null) continue;
    if (Array.isArray(node)) {
      for (const item of node) nodes.push(item);
      continue;
    }
    const object = node as Record<string, unknown>;
    if (Object.hasOwn(object, 'hasOwnProperty')) return false;
    refs ||= typeof object.$ref === 'string';
    for (const key of Object.keys(object)) nodes.push(object[key]);
  }
  return refs;
}

/**
 * Spectral rebuilds each result from its code, path and message, and may shorten the path to the deepest node that
 * exists, so a function's `fix` is kept here under rule key, resource index and message, with the path it gave: a
 * result's fix is the one recorded under its key whose path the result's path begins (or none, when that is not one).
 */
class FixTable {
  private readonly fixes = new Map<string, { path: string[]; fix: Fix }[]>();

  recording(ruleKey: string, check: SpectralFunction): SpectralFunction {
    const recorder: SpectralFunction = (input, options, context) => {
      const results = check(input, options, context);
      for (const result of results ?? []) {
        if (!result.fix) continue;
        const path = result.path ?? context.path;
        const key = FixTable.key(ruleKey, path, result.message);
        this.fixes.set(key, [...(this.fixes.get(key) ?? []), { path: path.map(String), fix: result.fix }]);
      }
      return results;
    };
    // Spectral names the function when it throws: keep the check's own name.
    return Object.defineProperty(recorder, 'name', { value: check.name });
  }

  lookup(ruleKey: string, path: readonly (string | number)[], message: string): { fix?: Fix } {
    const recorded = this.fixes.get(FixTable.key(ruleKey, path, message)) ?? [];
    const candidates = new Map<string, Fix>();
    for (const entry of recorded)
      if (path.every((segment, index) => String(segment) === entry.path[index])) candidates.set(JSON.stringify(entry.fix), entry.fix);
    return candidates.size === 1 ? { fix: [...candidates.values()][0]! } : {};
  }

  private static key(ruleKey: string, path: readonly (string | number)[], message: string): string {
    return `${ruleKey}\u0000${String(path[0])}\u0000${message.trim()}`;
  }
}
