// How label selectors, and the ways they miss, are put in words. Shared by the rules that report a selector that
// selects nothing (selector-matches-service, selector-matches-pods, prometheus-selects-monitor, and
// monitor-port-exists through the first), each naming what its selector picks: a Service, a pod, a ServiceMonitor.
// The semantics behind the words are in selector.ts.

import { spec } from '../model/graph.js';
import { isObject, pointerSegment } from '../load/parse.js';
import {
  type Labels,
  type NamespaceScope,
  OPERATORS,
  type Requirement,
  SELECTOR_FIELDS,
  excludes,
  labelValue,
  onlyMissingLabels,
  requirements,
  scopeSetting,
} from '../model/selector.js';
import { closestName, quoteList } from './suggest.js';
import { quoteValue } from '../quote.js';
import type { RelatedLocation, Report, Resource } from '../types.js';
import { hasPatchDirective } from '../load/kustomize.js';

/** `in namespace "shop"`, `in namespaces "a" and "b"`, `in any namespace` */
export function describeScope(scope: NamespaceScope): string {
  if (scope.any) return 'in any namespace';
  return scope.names.length === 1 ? `in namespace "${scope.names[0]}"` : `in namespaces ${quoteList(scope.names)}`;
}

/**
 * The fix for a monitor that looks in the wrong namespaces, given the ones where what it selects is: add them to
 * matchNames (when the scope is a matchNames list), or that or move the monitor (when it is its own namespace).
 */
function widenScope(namespaces: string[], byMatchNames: boolean): string {
  const add = `add ${quoteList(namespaces)} to spec.namespaceSelector.matchNames`;
  return byMatchNames ? add : `${add} or move the monitor to ${namespaces.length === 1 ? 'that namespace' : 'one of them'}`;
}

// ---------------------------------------------------------------- where the candidates are

/** How a rule names what its monitors select (Services, workloads' pods), for the findings about where they are. */
export interface CandidateWords<T> {
  /** `Service "web"`, `Deployment "web"` */
  describe(candidate: T): string;
  resource(candidate: T): Resource;
  namespace(candidate: T): string;
  /** After its name: `has the selected labels`, `has pods with the selected labels`. */
  matches: string;
  /** Before ` is loaded in namespace …`: `no Service`, `no workload (Deployment, …)`. */
  none: string;
  /** Before ` from the cluster or another repository`: `the Service comes`, `the pods come`. */
  origin: string;
}

/**
 * The finding for a monitor that selects nothing in its scope when the namespace is the story: nothing is loaded
 * in the scope at all, so the selector cannot be verified (a note, naming a match elsewhere as a hint); or what it
 * selects is loaded in another namespace (`elsewhere`, matches outside the scope). Undefined when neither holds,
 * and the closest candidate in the scope tells what is wrong. `subject` is `ServiceMonitor "x" selects no Service`.
 */
export function scopeFinding<T>(
  monitor: Resource,
  scope: NamespaceScope,
  subject: string,
  loadedInScope: boolean,
  elsewhere: T[],
  words: CandidateWords<T>,
): Report | undefined {
  const where = describeScope(scope);
  const setting = scopeSetting(spec(monitor).namespaceSelector, scope);
  const widen = widenScope([...new Set(elsewhere.map(words.namespace))], setting.byMatchNames);
  const located = (candidate: T): RelatedLocation => ({
    resource: words.resource(candidate),
    pointer: '/metadata/namespace',
    message: `${words.describe(candidate)} in namespace "${words.namespace(candidate)}"`,
  });
  const first = elsewhere[0];
  // Nothing loaded where the monitor looks: what it selects may well exist in the cluster (or in another
  // repository), so this cannot be verified. It comes first so that a match elsewhere turns into a hint, not into
  // an error that may be false.
  if (!loadedInScope) {
    const hint = first === undefined ? '' : ` (${words.describe(first)} in namespace "${words.namespace(first)}" ${words.matches}; if that is the one, ${widen})`;
    return {
      resource: monitor,
      pointer: spec(monitor).selector !== undefined ? '/spec/selector' : '/spec/namespaceSelector',
      level: 'note',
      message: `${subject} that fedlint can verify: ${words.none} is loaded ${where}${hint}; if ${words.origin} from the cluster or another repository, lint them together`,
      related: elsewhere.slice(0, 1).map(located),
    };
  }
  // Labels right, namespace wrong: the most common slip, and the most confusing one to debug.
  if (first !== undefined)
    return {
      resource: monitor,
      pointer: setting.pointer,
      message: `${subject}: ${words.describe(first)} ${words.matches} but is in namespace "${words.namespace(first)}", while the monitor looks only ${where}; ${widen}`,
      related: [located(first)],
    };
  return undefined;
}

// ---------------------------------------------------------------- why a candidate fails a selector

/** How one kind of candidate is said to carry labels, in the clauses `describeFailure` builds. */
export interface LabelWording {
  /** Before `app=api, not app=web`: `has`, `labels its pods`. */
  has: string;
  /** It carries a label the selector excludes: `carries label app=web that the selector excludes (app notin (web))`. */
  excluded(label: string, requirement: string): string;
  /** Before ` at all (the selector wants …)`: `has no labels`. */
  noLabels: string;
  /** It lacks the label a `key=value` requirement names: `lacks label app=web`. */
  lacksLabel(label: string): string;
  /** It lacks a key that an Exists or In requirement wants: `lacks label tier`. */
  lacksKey(key: string): string;
}

/**
 * Why a candidate's labels fail one requirement, as a clause after its name: `has app=api, not app=web`,
 * `lacks label tier (the selector wants tier in (web, api))`, `has no labels at all (the selector wants app=web)`.
 */
export function describeFailure(requirement: Requirement, labels: Labels, wording: LabelWording): string {
  const { key, text } = requirement;
  const present = labelValue(labels, key);
  if (excludes(requirement)) return wording.excluded(`${key}=${present}`, text);
  if (present === undefined) {
    if (Object.keys(labels).length === 0) return `${wording.noLabels} at all (the selector wants ${text})`;
    if (text.startsWith(`${key}=`)) return wording.lacksLabel(text);
    const lacks = wording.lacksKey(key);
    return text === key ? lacks : `${lacks} (the selector wants ${text})`;
  }
  return `${wording.has} ${key}=${present}, not ${text}`;
}

/** Every failed requirement of a candidate, joined; a candidate without labels is said to be so once. */
export function describeFailures(failed: Requirement[], labels: Labels, wording: LabelWording): string {
  const wanted = failed.filter((requirement) => !excludes(requirement));
  if (Object.keys(labels).length === 0 && wanted.length === failed.length && failed.length > 1)
    return `${wording.noLabels} at all (the selector wants ${failed.map((requirement) => requirement.text).join(' and ')})`;
  return failed.map((requirement) => describeFailure(requirement, labels, wording)).join(' and ');
}

/**
 * The fix for a candidate that fails requirements: only a missing label can be fixed by adding one; a wrong or
 * excluded value has to change or go. `target` names where its labels are edited (`the Service`, `the Service's
 * labels`), `selector` the selector (`the selector`, `serviceMonitorSelector`).
 */
export function labelFix(failed: Requirement[], labels: Labels, target: { addTo: string; change: string }, selector = 'the selector'): string {
  return onlyMissingLabels(failed, labels) ? `add the label to ${target.addTo} or change ${selector}` : `change ${target.change} or ${selector}`;
}

// ---------------------------------------------------------------- the shape of a monitor's spec.selector

/** A monitor kind whose spec.selector picks what it scrapes, and how its messages name that. */
export interface SelectorOwner {
  kind: 'ServiceMonitor' | 'PodMonitor';
  /** What the selector picks, as in `selects every Service`: `Service`, `pod`. */
  selects: string;
  /** Who has to carry the labels, with its verb: `the Service to scrape carries`, `the pods to scrape carry`. */
  carriers: string;
  /** The list of scrape endpoints: a spec with neither it nor a selector is a fragment to merge, not a monitor. */
  endpointsField: string;
  /**
   * Labels written beside matchLabels: say only where they belong (`move it into spec.selector.matchLabels`)
   * rather than the selector to write. selector-matches-pods's wording, which its tests assert.
   */
}

export interface SelectorProblem {
  /** Pointer relative to the monitor. */
  pointer: string;
  /** 'key' for a field that does not belong there: show the key, not its value. */
  at?: 'key';
  message: string;
  /**
   * The selector selects nothing the author meant: the API server or the operator refuses it, or unknown keys
   * leave it empty so that it selects everything. Matching it against candidates would only add noise.
   */
  stop: boolean;
}

const OPERATOR_LIST = 'In, NotIn, Exists or DoesNotExist';

/**
 * What is wrong with the shape of a monitor's spec.selector: absent (the CRD requires it), not a selector (what
 * `requirements()` refuses), or with keys a label selector does not have. Empty when the selector is well formed,
 * or absent from what is plainly a partial patch.
 */
export function selectorProblems(monitor: Resource, scope: NamespaceScope, owner: SelectorOwner): SelectorProblem[] {
  const subject = `${owner.kind} "${monitor.name}"`;
  const where = describeScope(scope);
  const everything = `selector: {} selects every ${owner.selects} ${where}`;
  // No spec at all, or one that is not a mapping: a metadata-only patch, or a shape no selector rule can help with.
  if (!isObject(monitor.body.spec)) return [];
  const selector = monitor.body.spec.selector;
  if (selector === undefined || selector === null) {
    if (isPartialPatch(monitor, owner.endpointsField)) return [];
    return [
      selector === undefined
        ? {
            pointer: '/spec',
            stop: true,
            message: `${subject} has no spec.selector, which the ${owner.kind} CRD requires, so the API server rejects it; add spec.selector with matchLabels that ${owner.carriers} (${everything})`,
          }
        : {
            pointer: '/spec/selector',
            stop: true,
            message: `${subject} has an empty spec.selector, which the API server treats as absent and rejects, since the ${owner.kind} CRD requires it; give it matchLabels that ${owner.carriers} (${everything})`,
          },
    ];
  }
  if (!isObject(selector)) {
    return [
      {
        pointer: '/spec/selector',
        stop: true,
        message: `${subject} has a spec.selector that is ${describeValue(selector)}, not a label selector, so the API server rejects it; write selector: {matchLabels: ${labelsSuggestion(selector)}}`,
      },
    ];
  }
  const problems = [...fieldProblems(subject, selector), ...expressionProblems(subject, selector)];
  if (problems.length > 0) return problems;
  // Keys other than matchLabels and matchExpressions: Kubernetes drops them, and what is left may select everything.
  const reqs = requirements(selector) ?? [];
  const empty = reqs.length === 0;
  const effect = (it: string) =>
    empty
      ? `so Kubernetes drops ${it} and the empty selector left selects every ${owner.selects} ${where}`
      : `so Kubernetes drops ${it} and the selector does not require ${it}`;
  const unknown = Object.keys(selector).filter((key) => !SELECTOR_FIELDS.includes(key));
  const labels = unknown.filter((key) => isScalar(selector[key]));
  if (labels.length > 0) {
    const written = Object.fromEntries(labels.map((key) => [key, selector[key]]));
    const existing = isObject(selector.matchLabels) ? selector.matchLabels : {};
    const named = labels.length === 1 ? `label "${labels[0]}"` : `labels ${quoteList(labels)}`;
    const them = labels.length === 1 ? 'it' : 'them';
    const fix = empty
        ? `write selector: {matchLabels: ${flowLabels(written)}}`
        : `move ${them} into matchLabels: ${flowLabels({ ...existing, ...written })}`;
    problems.push({
      pointer: `/spec/selector/${pointerSegment(labels[0]!)}`,
      at: 'key',
      stop: empty,
      message: `${subject} has ${named} directly under spec.selector instead of under matchLabels, ${effect(them)}; ${fix}`,
    });
  }
  for (const key of unknown.filter((key) => !isScalar(selector[key]))) {
    const meant = Array.isArray(selector[key]) ? 'matchExpressions' : 'matchLabels';
    const typo = closestName(key, SELECTOR_FIELDS) === meant || key.toLowerCase() === meant.toLowerCase();
    const fix = !typo
      ? meant === 'matchLabels'
        ? 'put the labels to select under matchLabels'
        : 'put the requirements under matchExpressions'
      : meant in selector
        ? `merge it into ${meant}`
        : `rename it to ${meant}`;
    problems.push({
      pointer: `/spec/selector/${pointerSegment(key)}`,
      at: 'key',
      stop: empty,
      message: `${subject} has field "${key}" in spec.selector, which a label selector does not have${typo ? ` (did you mean "${meant}"?)` : ''}, ${effect('it')}; ${fix}`,
    });
  }
  return problems;
}

/** matchLabels that is not a mapping, matchExpressions that is not a list. */
function fieldProblems(subject: string, selector: Record<string, any>): SelectorProblem[] {
  const problems: SelectorProblem[] = [];
  const { matchLabels, matchExpressions } = selector;
  if (matchLabels !== undefined && matchLabels !== null && !isObject(matchLabels))
    problems.push({
      pointer: '/spec/selector/matchLabels',
      stop: true,
      message: `${subject} has a spec.selector.matchLabels that is ${describeValue(matchLabels)}, not a mapping of label keys to values, so the API server rejects it; write matchLabels: ${labelsSuggestion(matchLabels)}`,
    });
  if (matchExpressions !== undefined && matchExpressions !== null && !Array.isArray(matchExpressions)) {
    const single = isObject(matchExpressions) && 'key' in matchExpressions;
    problems.push({
      pointer: '/spec/selector/matchExpressions',
      stop: true,
      message:
        `${subject} has a spec.selector.matchExpressions that is ${describeValue(matchExpressions)}, not a list of requirements, so the API server rejects it; ` +
        (single ? 'make the requirement a list entry (start it with "- ")' : `write each requirement as a list entry {key: <label key>, operator: ${OPERATOR_LIST}, values: [...]}`),
    });
  }
  return problems;
}

/** Entries of matchExpressions that are not {key, operator, values} requirements. */
function expressionProblems(subject: string, selector: Record<string, any>): SelectorProblem[] {
  const problems: SelectorProblem[] = [];
  if (!Array.isArray(selector.matchExpressions)) return problems;
  selector.matchExpressions.forEach((expression: unknown, index: number) => {
    const pointer = `/spec/selector/matchExpressions/${index}`;
    const entry = `spec.selector.matchExpressions entry ${index + 1}`;
    const add = (at: string, message: string) => problems.push({ pointer: at, stop: true, message });
    if (!isObject(expression)) {
      add(pointer, `${subject} has a ${entry} that is ${describeValue(expression)}, not a requirement, so the API server rejects it; write it as {key: <label key>, operator: In, values: [<label value>]}`);
      return;
    }
    const { key, operator } = expression;
    if (key === undefined || key === null)
      add('key' in expression ? `${pointer}/key` : pointer, `${subject} has a ${entry} without a key, so the API server rejects it; add key: <label key>`);
    else if (typeof key !== 'string')
      add(
        `${pointer}/key`,
        `${subject} has a ${entry} whose key ${quoteValue(key)} is not a string, so the API server rejects it; ${isScalar(key) ? `quote it: key: "${String(key)}"` : 'write the label key as a string: key: <label key>'}`,
      );
    const which = typeof key === 'string' ? `${entry} (key "${key}")` : entry;
    if (operator === undefined || operator === null) {
      add('operator' in expression ? `${pointer}/operator` : pointer, `${subject} has a ${which} without an operator, so the API server rejects it; add operator: ${OPERATOR_LIST}`);
    } else if (!OPERATORS.includes(operator)) {
      const consequence =
        typeof operator === 'string'
          ? 'so Prometheus Operator cannot use the selector and the monitor scrapes nothing'
          : 'so the API server rejects it';
      const shown = isScalar(operator) ? `"${String(operator)}"` : quoteValue(operator);
      const fix = isScalar(operator) ? operatorFix(String(operator)) : `use ${OPERATOR_LIST}`;
      add(`${pointer}/operator`, `${subject} has a ${which} with operator ${shown}, which is not a label selector operator (${OPERATOR_LIST}), ${consequence}; ${fix}`);
    }
  });
  return problems;
}

/** `use "In" (operators are case-sensitive)`, `did you mean "Exists"?`, or the list. */
function operatorFix(written: string): string {
  const letters = (text: string) => text.toLowerCase().replace(/[^a-z]/g, '');
  const same = OPERATORS.find((operator) => letters(operator) === letters(written));
  if (same) return same.toLowerCase() === written.toLowerCase() ? `use "${same}" (operators are case-sensitive)` : `use "${same}"`;
  // The set-based operators of `kubectl -l` syntax: `=` and `==` are In with one value, `!=` is NotIn.
  const symbol = { '=': 'In', '==': 'In', '!=': 'NotIn' }[written.trim()];
  if (symbol) return `use "${symbol}" with values: [<label value>]`;
  const close = /[a-z]/i.test(written) ? closestName(written, OPERATORS) : undefined;
  return close ? `did you mean "${close}"?` : `use ${OPERATOR_LIST}`;
}

/**
 * A monitor that is plainly a fragment to merge into another one: it carries a strategic-merge-patch directive,
 * or its spec has neither a selector nor endpoints (a full monitor without both does nothing).
 */
function isPartialPatch(monitor: Resource, endpointsField: string): boolean {
  const monitorSpec = spec(monitor);
  if (!('selector' in monitorSpec) && !(endpointsField in monitorSpec)) return true;
  return hasPatchDirective(monitor.body);
}

function isScalar(value: unknown): boolean {
  return value === null || typeof value !== 'object';
}

/** `a list`, `the string "app=web"`, `a mapping`, `the number 3` */
function describeValue(value: unknown): string {
  if (Array.isArray(value)) return 'a list';
  if (isObject(value)) return 'a mapping';
  if (typeof value === 'string') return `the string "${value}"`;
  if (value === null) return 'null';
  return `the ${typeof value} ${String(value)}`;
}

/** What a person most likely meant as matchLabels, in flow style: a mapping, `[{app: x}]`, `["app=x"]`, `"app=x"`. */
function labelsSuggestion(value: unknown): string {
  // A Map: a label key may be `__proto__`, which an object would swallow.
  const labels = new Map<string, unknown>();
  const add = (item: unknown): boolean => {
    if (isObject(item)) {
      for (const [key, label] of Object.entries(item)) {
        if (!isScalar(label) || label === null) return false;
        labels.set(key, label);
      }
      return true;
    }
    if (typeof item !== 'string') return false;
    for (const part of item.split(',')) {
      const match = /^\s*([^=:\s]+)\s*(?:=|==|:)\s*(\S*)\s*$/.exec(part);
      if (!match) return false;
      labels.set(match[1]!, match[2]!);
    }
    return true;
  };
  const ok = Array.isArray(value) ? value.length > 0 && value.every(add) : add(value);
  return ok && labels.size > 0 ? flowLabels(labels) : '{<label key>: <label value>}';
}

/** `{app: web, tier: "true"}`: label values are strings, so anything YAML would read otherwise is quoted. */
function flowLabels(labels: Map<string, unknown> | Record<string, unknown>): string {
  return `{${(labels instanceof Map ? [...labels] : Object.entries(labels))
    .map(([key, value]) => `${flowString(key)}: ${flowString(value)}`)
    .join(', ')}}`;
}

function flowString(value: unknown): string {
  const text = value === null || value === undefined ? '' : String(value);
  const plain = typeof value === 'string' && /^[A-Za-z_][A-Za-z0-9._/-]*$/.test(text) && !/^(y|yes|n|no|true|false|on|off|null)$/i.test(text);
  return plain ? text : JSON.stringify(text);
}
