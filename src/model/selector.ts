// Kubernetes label-selector and Prometheus Operator namespace-selector
// semantics, and nothing else: what a selector selects, and how near it comes
// to selecting an object it misses. Shapes that are not selectors (the schema
// check owns those) select nothing rather than throw. The words for all of it
// are in selector-text.ts.

import { distance } from 'fastest-levenshtein';
import { isObject, pointerSegment } from '../load/parse.js';
import { quoteValue } from '../quote.js';

export type Labels = Record<string, string>;

/** One requirement of a selector, as a person would write it, with its JSON pointer. */
export interface Requirement {
  /** Pointer relative to the selector: '/matchLabels/app' or '/matchExpressions/0'. */
  pointer: string;
  /** 'app=worker', 'tier in (a, b)', 'team', '!legacy' */
  text: string;
  /** The label key this requirement is about. */
  key: string;
  operator: 'Equals' | 'In' | 'NotIn' | 'Exists' | 'DoesNotExist';
  /** The values an Equals/In/NotIn requirement names. */
  values: string[];
  matches(labels: Labels): boolean;
}

/**
 * The requirements of a label selector. `null` when the value is not a
 * selector at all; an empty array selects everything (an empty `{}` selector).
 */
export function requirements(selector: unknown): Requirement[] | null {
  if (selector === undefined || selector === null) return [];
  if (!isObject(selector)) return null;
  const result: Requirement[] = [];
  const { matchLabels, matchExpressions } = selector;
  if (matchLabels !== undefined && matchLabels !== null) {
    if (!isObject(matchLabels)) return null;
    for (const [key, value] of Object.entries(matchLabels)) {
      const wanted = labelText(value);
      const shown = wanted ?? quoteValue(value);
      result.push({
        pointer: `/matchLabels/${pointerSegment(key)}`,
        text: `${key}=${shown}`,
        key,
        operator: 'Equals',
        values: [shown],
        matches: (labels) => wanted !== undefined && labelValue(labels, key) === wanted,
      });
    }
  }
  if (matchExpressions !== undefined && matchExpressions !== null) {
    if (!Array.isArray(matchExpressions)) return null;
    for (const [index, expression] of matchExpressions.entries()) {
      const requirement = expressionRequirement(expression, `/matchExpressions/${index}`);
      if (!requirement) return null;
      result.push(requirement);
    }
  }
  return result;
}

function expressionRequirement(expression: unknown, pointer: string): Requirement | null {
  if (!isObject(expression) || typeof expression.key !== 'string') return null;
  const key = expression.key;
  const listed: unknown[] = Array.isArray(expression.values) ? expression.values : [];
  const values = [...new Set(listed.map((value) => labelText(value) ?? quoteValue(value)))];
  // What a label value can equal: the scalars; a mapping or list in `values` matches no label.
  const wanted = new Set(listed.map(labelText).filter((value) => value !== undefined));
  const isWanted = (labels: Labels) => {
    const value = labelValue(labels, key);
    return value !== undefined && wanted.has(value);
  };
  switch (expression.operator) {
    case 'In':
      return { pointer, key, operator: 'In', values, text: `${key} in (${values.join(', ')})`, matches: isWanted };
    case 'NotIn':
      return { pointer, key, operator: 'NotIn', values, text: `${key} notin (${values.join(', ')})`, matches: (labels) => !isWanted(labels) };
    case 'Exists':
      return { pointer, key, operator: 'Exists', values: [], text: key, matches: (labels) => labelValue(labels, key) !== undefined };
    case 'DoesNotExist':
      return { pointer, key, operator: 'DoesNotExist', values: [], text: `!${key}`, matches: (labels) => labelValue(labels, key) === undefined };
    default:
      return null;
  }
}

/** A selector value as a label value compares with it: a scalar's text (YAML 1.1 `true` is "true"); else none. */
function labelText(value: unknown): string | undefined {
  return value === null || typeof value !== 'object' ? String(value) : undefined;
}

export function failedRequirements(reqs: Requirement[], labels: Labels): Requirement[] {
  return reqs.filter((requirement) => !requirement.matches(labels));
}

/**
 * Index lookups that bound a selector's matches: each inner list is a set of
 * index keys whose union holds every Service that can satisfy one
 * requirement (`key=value` for matchLabels and `In`, `key` for `Exists`).
 * NotIn and DoesNotExist bound nothing. Use with `indexKeys` below.
 */
export function indexTerms(reqs: Requirement[]): string[][] {
  const terms: string[][] = [];
  for (const requirement of reqs) {
    if (requirement.operator === 'Equals' || requirement.operator === 'In')
      terms.push(requirement.values.map((value) => `${requirement.key}=${value}`));
    else if (requirement.operator === 'Exists') terms.push([requirement.key]);
  }
  return terms;
}

/**
 * What every match of a selector is in: the smallest union of index buckets over its `indexTerms`, or undefined
 * when there are no terms (nothing bounds it). An object carries one value per key, so the union of an In's
 * buckets holds it at most once.
 */
export function smallestBucket<T>(buckets: Map<string, T[]>, terms: string[][]): T[] | undefined {
  let smallest: T[] | undefined;
  for (const term of terms) {
    const union = term.flatMap((indexKey) => buckets.get(indexKey) ?? []);
    if (!smallest || union.length < smallest.length) smallest = union;
  }
  return smallest;
}

/** The index keys a set of labels is filed under: `key=value` and `key` for each label. */
export function indexKeys(labels: Labels): string[] {
  return Object.entries(labels).flatMap(([key, value]) => [`${key}=${value}`, key]);
}

/** Which namespaces a monitor's `namespaceSelector` looks at: every one, or a list. */
export type NamespaceScope = { any: true } | { any: false; names: string[] };

export function namespaceScope(namespaceSelector: unknown, ownNamespace: string): NamespaceScope {
  if (!isObject(namespaceSelector)) return { any: false, names: [ownNamespace] };
  if (namespaceSelector.any === true) return { any: true };
  const names = Array.isArray(namespaceSelector.matchNames) ? namespaceSelector.matchNames.filter((name: unknown) => typeof name === 'string') : [];
  return { any: false, names: names.length > 0 ? names : [ownNamespace] };
}

export function labelsOf(metadata: unknown): Labels {
  if (!isObject(metadata) || !isObject(metadata.labels)) return {};
  // No prototype: a label named `constructor` or `hasOwnProperty` must not find Object's members.
  const labels: Labels = Object.create(null);
  for (const [key, value] of Object.entries(metadata.labels))
    if (value !== null && typeof value !== 'object') labels[key] = String(value);
  return labels;
}

/** A label's value, never an inherited Object member (labels objects may come from anywhere). */
export function labelValue(labels: Labels, key: string): string | undefined {
  return Object.hasOwn(labels, key) ? labels[key] : undefined;
}

// ---------------------------------------------------------------- how near a selector comes to matching

/** NotIn and DoesNotExist: requirements that labels without the key satisfy. */
export function excludes(requirement: Requirement): boolean {
  return requirement.operator === 'NotIn' || requirement.operator === 'DoesNotExist';
}

/**
 * Whether a selector needs some label to be present. One that does not (empty, or only NotIn and DoesNotExist)
 * matches nearly everything, so what it matches in other namespaces says nothing about where the wanted object is.
 */
export function requiresLabel(reqs: Requirement[]): boolean {
  return reqs.some((requirement) => !excludes(requirement));
}

/** Whether every failed requirement is a label the labels lack, so that adding labels fixes it (nothing to change or remove). */
export function onlyMissingLabels(failed: Requirement[], labels: Labels): boolean {
  return failed.every((requirement) => !excludes(requirement) && labelValue(labels, requirement.key) === undefined);
}

/** The item whose key is lowest, comparing keys element by element; of equal keys the first wins. `items` must not be empty. */
export function lowestBy<T>(items: T[], key: (item: T) => number[]): T {
  let best: T = items[0]!;
  let bestKey = key(best);
  for (const item of items.slice(1)) {
    const itemKey = key(item);
    const differs = itemKey.findIndex((value, index) => value !== bestKey[index]);
    if (differs !== -1 && itemKey[differs]! < bestKey[differs]!) {
      best = item;
      bestKey = itemKey;
    }
  }
  return best;
}

/**
 * The closest candidate to a selector that matches none: the one failing the fewest requirements, ties going to
 * the name closest to `near` (the selecting object's own name). `candidates` must not be empty.
 */
export function closestCandidate<T>(candidates: T[], reqs: Requirement[], labels: (candidate: T) => Labels, name: (candidate: T) => string, near: string): T {
  // lowestBy over [failed count, name distance], without its cost: a candidate replaces the best only when it is
  // strictly lower (the first of equals wins), so one failing more requirements is out without a distance, and one
  // failing as many needs a distance below the best's. Two names' edit distance is at least the difference of their
  // lengths, which rules most of those out before the distance is computed. Most candidates fail every requirement
  // of a selector that matched none of them, so the distance is rarely needed at all.
  let best: T = candidates[0]!;
  let bestFailed = failedCount(reqs, labels(best));
  let bestDistance = distance(near, name(best));
  for (let index = 1; index < candidates.length; index++) {
    const candidate = candidates[index]!;
    const failed = failedCount(reqs, labels(candidate));
    if (failed > bestFailed) continue;
    const candidateName = name(candidate);
    if (failed === bestFailed && Math.abs(candidateName.length - near.length) >= bestDistance) continue;
    const candidateDistance = distance(near, candidateName);
    if (failed === bestFailed && candidateDistance >= bestDistance) continue;
    best = candidate;
    bestFailed = failed;
    bestDistance = candidateDistance;
  }
  return best;
}

function failedCount(reqs: Requirement[], labels: Labels): number {
  let count = 0;
  for (const requirement of reqs) if (!requirement.matches(labels)) count++;
  return count;
}

/**
 * Where a monitor's namespace scope is set, for a finding that it looks in the wrong namespace: its
 * namespaceSelector.matchNames list, the namespaceSelector, or (neither given) its own namespace, whose
 * `metadata` key stands in when metadata.namespace is absent.
 */
export function scopeSetting(namespaceSelector: unknown, scope: NamespaceScope): { byMatchNames: boolean; pointer: string } {
  const byMatchNames = !scope.any && isObject(namespaceSelector) && Array.isArray(namespaceSelector.matchNames) && namespaceSelector.matchNames.length > 0;
  const pointer = byMatchNames ? '/spec/namespaceSelector/matchNames' : namespaceSelector !== undefined ? '/spec/namespaceSelector' : '/metadata/namespace';
  return { byMatchNames, pointer };
}

// ---------------------------------------------------------------- the shape of a label selector

/** The fields of a Kubernetes label selector; the API server drops any other key as unknown. */
export const SELECTOR_FIELDS = ['matchLabels', 'matchExpressions'];
/** The operators of a matchExpressions requirement (case-sensitive). */
export const OPERATORS = ['In', 'NotIn', 'Exists', 'DoesNotExist'];
