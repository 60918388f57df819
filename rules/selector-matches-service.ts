import { distance } from 'fastest-levenshtein';
import { selectedClusterService } from '../src/cluster-services.js';
import { spec } from '../src/graph.js';
import { isObject, pointerSegment } from '../src/parse.js';
import { defineRule } from '../src/rule.js';
import { type Labels, type NamespaceScope, type Requirement, failedRequirements, requirements } from '../src/selector.js';
import { closestName, quoteList } from '../src/suggest.js';
import type { Resource } from '../src/types.js';

export default defineRule({
  id: 'selector-matches-service',
  level: 'error',
  summary: 'Every ServiceMonitor selects at least one Service through its selector and namespaceSelector',
  help:
    'Prometheus Operator turns a ServiceMonitor into targets only for Services whose labels satisfy spec.selector ' +
    '(matchLabels and matchExpressions) in the namespaces spec.namespaceSelector names (none given: the ' +
    "ServiceMonitor's own namespace; any: true: all). A monitor that selects nothing scrapes nothing and reports no " +
    'error anywhere. Add the missing label to the Service, fix the selector, or widen namespaceSelector. When no ' +
    'Service at all is loaded in the namespaces the monitor looks at (for example the kubelet Service that the ' +
    'operator itself creates in kube-system), fedlint cannot verify the selector and says so as a note. A selector ' +
    'that is not well formed is an error too: spec.selector missing (the CRD requires it, so the API server rejects ' +
    'the monitor; a file that is plainly a partial patch is left alone), matchLabels that is not a mapping, a ' +
    'matchExpressions entry without a key or with an operator other than In, NotIn, Exists or DoesNotExist (they are ' +
    'case-sensitive), and keys other than matchLabels and matchExpressions: `selector: {app: web}` lacks the ' +
    'matchLabels level, Kubernetes drops the unknown key, and the empty selector left selects every Service in the ' +
    'namespaces; write `selector: {matchLabels: {app: web}}`.',
  check({ graph, report }) {
    for (const monitor of graph.all('ServiceMonitor')) {
      const selector = spec(monitor).selector;
      const reqs = requirements(selector);
      const scope = graph.scopeOf(monitor);
      const where = describeScope(scope);
      // A selector the API server or the operator refuses, or one that selects something other than what it says:
      // the shape is the finding, and matching it against Services would only add noise.
      const problems = selectorProblems(monitor, scope);
      for (const problem of problems) report({ resource: monitor, pointer: problem.pointer, message: problem.message, at: problem.at });
      if (!reqs && problems.length === 0)
        report({
          resource: monitor,
          pointer: '/spec/selector',
          message: `ServiceMonitor "${monitor.name}" has a spec.selector that is not a valid label selector, so it selects no Service; use matchLabels and matchExpressions ({key, operator, values}) only`,
        });
      if (!reqs || problems.some((problem) => problem.stop)) continue;
      if (graph.selectedServices(monitor).length > 0) continue;
      const subject = `ServiceMonitor "${monitor.name}" selects no Service`;
      const namespaceSelector = spec(monitor).namespaceSelector;
      const byMatchNames = !scope.any && isObject(namespaceSelector) && Array.isArray(namespaceSelector.matchNames) && namespaceSelector.matchNames.length > 0;
      // Services with the selected labels outside the scope. A selector without a requirement that some label
      // be present (empty, or only NotIn/DoesNotExist) matches nearly every Service, which says nothing about
      // where the wanted one is, so it gets no such hint.
      const elsewhere = reqs.some((requirement) => !excludes(requirement)) ? graph.servicesMatching(selector, { any: true }) : [];
      const namespaces = [...new Set(elsewhere.map((s) => s.namespace))];
      const widen = byMatchNames
        ? `add ${quoteList(namespaces)} to spec.namespaceSelector.matchNames`
        : `add ${quoteList(namespaces)} to spec.namespaceSelector.matchNames or move the monitor to ${namespaces.length === 1 ? 'that namespace' : 'one of them'}`;

      // A Service the cluster makes itself (the operator's kubelet Service, the API server's): fine, unverifiable.
      const clusterService = selectedClusterService(reqs, scope);
      if (clusterService) {
        report({
          resource: monitor,
          pointer: '/spec/selector',
          level: 'note',
          message: `${subject} that fedlint can verify: it selects the "${clusterService.name}" Service in namespace "${clusterService.namespace}", which ${clusterService.origin}; no repository defines it`,
        });
        continue;
      }

      // Nothing loaded where the monitor looks: the Service may well exist in the cluster (or in another
      // repository), so this cannot be verified. It is checked first so that a Service with the same labels
      // elsewhere turns into a hint, not into an error that may be false.
      const inScope = graph.servicesInScope(scope);
      if (inScope.length === 0) {
        const hint =
          elsewhere.length > 0
            ? ` (Service "${elsewhere[0]!.name}" in namespace "${elsewhere[0]!.namespace}" has the selected labels; if that is the one, ${widen})`
            : '';
        report({
          resource: monitor,
          pointer: spec(monitor).selector !== undefined ? '/spec/selector' : '/spec/namespaceSelector',
          level: 'note',
          message: `${subject} that fedlint can verify: no Service is loaded ${where}${hint}; if the Service comes from the cluster or another repository, lint them together`,
          related: elsewhere.slice(0, 1).map((service) => ({
            resource: service,
            pointer: '/metadata/namespace',
            message: `Service "${service.name}" in namespace "${service.namespace}"`,
          })),
        });
        continue;
      }

      // Labels right, namespace wrong: the most common slip, and the most confusing one to debug.
      if (elsewhere.length > 0) {
        const service = elsewhere[0]!;
        // The node to change: the matchNames list, the namespaceSelector, or the monitor's own namespace
        // (its `metadata` key when metadata.namespace is absent).
        const pointer = byMatchNames
          ? '/spec/namespaceSelector/matchNames'
          : namespaceSelector !== undefined
            ? '/spec/namespaceSelector'
            : '/metadata/namespace';
        report({
          resource: monitor,
          pointer,
          message: `${subject}: Service "${service.name}" has the selected labels but is in namespace "${service.namespace}", while the monitor looks only ${where}; ${widen}`,
          related: [{ resource: service, pointer: '/metadata/namespace', message: `Service "${service.name}" in namespace "${service.namespace}"` }],
        });
        continue;
      }

      const closest = closestService(monitor, reqs, inScope, (service) => graph.labels(service));
      const failed = failedRequirements(reqs, graph.labels(closest));
      const reasons = failed.map((requirement) => describeFailure(requirement, graph.labels(closest))).join(' and ');
      // Only missing labels can be fixed by adding one; a wrong or excluded value has to change or go.
      const onlyMissing = failed.every((requirement) => !excludes(requirement) && graph.labels(closest)[requirement.key] === undefined);
      const fix = onlyMissing ? 'add the label to the Service or change the selector' : "change the Service's labels or the selector";
      report({
        resource: monitor,
        pointer: `/spec/selector${failed[0]?.pointer ?? ''}`,
        message: `${subject} ${where}: the closest, Service "${closest.name}", ${reasons}; ${fix}`,
        related: [{ resource: closest, pointer: '/metadata/name', message: `closest candidate: Service "${closest.name}"` }],
      });
    }
  },
});

function describeScope(scope: NamespaceScope): string {
  if (scope.any) return 'in any namespace';
  return scope.names.length === 1 ? `in namespace "${scope.names[0]}"` : `in namespaces ${quoteList(scope.names)}`;
}

/** The Service failing the fewest requirements; ties go to the name closest to the monitor's. */
function closestService(monitor: Resource, reqs: Requirement[], services: Resource[], labels: (s: Resource) => Labels): Resource {
  let best = services[0]!;
  let bestScore = [Infinity, Infinity];
  for (const service of services) {
    const score = [failedRequirements(reqs, labels(service)).length, distance(monitor.name, service.name)];
    if (score[0]! < bestScore[0]! || (score[0] === bestScore[0] && score[1]! < bestScore[1]!)) {
      best = service;
      bestScore = score;
    }
  }
  return best;
}

function describeFailure(requirement: Requirement, labels: Labels): string {
  const { key, text } = requirement;
  const present = labels[key];
  if (excludes(requirement)) return `carries label ${key}=${present} that the selector excludes (${text})`;
  if (present === undefined) {
    const wanted = text === key || text.startsWith(`${key}=`) ? `label ${text}` : `label ${key} (the selector wants ${text})`;
    return Object.keys(labels).length === 0 ? `has no labels at all (the selector wants ${text})` : `lacks ${wanted}`;
  }
  return `has ${key}=${present}, not ${text}`;
}

/** NotIn and DoesNotExist: requirements that a Service without the label satisfies. */
function excludes(requirement: Requirement): boolean {
  return requirement.operator === 'NotIn' || requirement.operator === 'DoesNotExist';
}

// ---------------------------------------------------------------- the shape of spec.selector

/** The fields of a Kubernetes label selector; the API server drops any other key as unknown. */
const SELECTOR_FIELDS = ['matchLabels', 'matchExpressions'];
const OPERATORS = ['In', 'NotIn', 'Exists', 'DoesNotExist'];
const OPERATOR_LIST = 'In, NotIn, Exists or DoesNotExist';
/** Strategic-merge-patch directives: only a patch carries them. */
const PATCH_DIRECTIVE = /^\$(patch|retainKeys|setElementOrder\/|deleteFromPrimitiveList\/)/;

export interface SelectorProblem {
  /** Pointer relative to the monitor. */
  pointer: string;
  /** 'key' for a field that does not belong there: show the key, not its value. */
  at?: 'key';
  message: string;
  /**
   * The selector selects nothing the author meant: the API server or the operator refuses it, or unknown keys
   * leave it empty so that it selects every Service. Matching it against Services would only add noise.
   */
  stop: boolean;
}

/**
 * What is wrong with the shape of a ServiceMonitor's spec.selector: absent (the CRD requires it), not a
 * selector (what `requirements()` refuses), or with keys a label selector does not have. Empty when the
 * selector is well formed, or absent from what is plainly a partial patch.
 */
export function selectorProblems(monitor: Resource, scope: NamespaceScope): SelectorProblem[] {
  const subject = `ServiceMonitor "${monitor.name}"`;
  const where = describeScope(scope);
  const everything = `selector: {} selects every Service ${where}`;
  // No spec at all, or one that is not a mapping: a metadata-only patch, or a shape no selector rule can help with.
  if (!isObject(monitor.body.spec)) return [];
  const monitorSpec = monitor.body.spec;
  const selector = monitorSpec.selector;
  if (selector === undefined || selector === null) {
    if (isPartialPatch(monitor)) return [];
    return [
      selector === undefined
        ? {
            pointer: '/spec',
            stop: true,
            message: `${subject} has no spec.selector, which the ServiceMonitor CRD requires, so the API server rejects it; add spec.selector with matchLabels that the Service to scrape carries (${everything})`,
          }
        : {
            pointer: '/spec/selector',
            stop: true,
            message: `${subject} has an empty spec.selector, which the API server treats as absent and rejects, since the ServiceMonitor CRD requires it; give it matchLabels that the Service to scrape carries (${everything})`,
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
    empty ? `so Kubernetes drops ${it} and the empty selector left selects every Service ${where}` : `so Kubernetes drops ${it} and the selector does not require ${it}`;
  const unknown = Object.keys(selector).filter((key) => !SELECTOR_FIELDS.includes(key));
  const labels = unknown.filter((key) => isScalar(selector[key]));
  if (labels.length > 0) {
    const written = Object.fromEntries(labels.map((key) => [key, selector[key]]));
    const existing = isObject(selector.matchLabels) ? selector.matchLabels : {};
    const named = labels.length === 1 ? `label "${labels[0]}"` : `labels ${quoteList(labels)}`;
    const fix = empty
      ? `write selector: {matchLabels: ${flowLabels(written)}}`
      : `move ${labels.length === 1 ? 'it' : 'them'} into matchLabels: ${flowLabels({ ...existing, ...written })}`;
    problems.push({
      pointer: `/spec/selector/${pointerSegment(labels[0]!)}`,
      at: 'key',
      stop: empty,
      message: `${subject} has ${named} directly under spec.selector instead of under matchLabels, ${effect(labels.length === 1 ? 'it' : 'them')}; ${fix}`,
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
      add(`${pointer}/key`, `${subject} has a ${entry} whose key ${String(key)} is not a string, so the API server rejects it; quote it: key: "${String(key)}"`);
    const which = typeof key === 'string' ? `${entry} (key "${key}")` : entry;
    if (operator === undefined || operator === null) {
      add('operator' in expression ? `${pointer}/operator` : pointer, `${subject} has a ${which} without an operator, so the API server rejects it; add operator: ${OPERATOR_LIST}`);
    } else if (!OPERATORS.includes(operator)) {
      const text = String(operator);
      const consequence =
        typeof operator === 'string'
          ? 'so Prometheus Operator cannot use the selector and the monitor scrapes nothing'
          : 'so the API server rejects it';
      add(`${pointer}/operator`, `${subject} has a ${which} with operator "${text}", which is not a label selector operator (${OPERATOR_LIST}), ${consequence}; ${operatorFix(text)}`);
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
 * A ServiceMonitor that is plainly a fragment to merge into another one: it carries a strategic-merge-patch
 * directive, or its spec has neither a selector nor endpoints (a full monitor without both does nothing).
 */
function isPartialPatch(monitor: Resource): boolean {
  const monitorSpec = spec(monitor);
  if (!('selector' in monitorSpec) && !('endpoints' in monitorSpec)) return true;
  return hasPatchDirective(monitor.body, 0);
}

function hasPatchDirective(value: unknown, depth: number): boolean {
  if (depth > 20) return false;
  if (Array.isArray(value)) return value.some((item) => hasPatchDirective(item, depth + 1));
  if (!isObject(value)) return false;
  return Object.entries(value).some(([key, item]) => PATCH_DIRECTIVE.test(key) || hasPatchDirective(item, depth + 1));
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
  const labels: Record<string, unknown> = {};
  const add = (item: unknown): boolean => {
    if (isObject(item)) {
      for (const [key, label] of Object.entries(item)) {
        if (!isScalar(label) || label === null) return false;
        labels[key] = label;
      }
      return true;
    }
    if (typeof item !== 'string') return false;
    for (const part of item.split(',')) {
      const match = /^\s*([^=:\s]+)\s*(?:=|==|:)\s*(\S*)\s*$/.exec(part);
      if (!match) return false;
      labels[match[1]!] = match[2]!;
    }
    return true;
  };
  const ok = Array.isArray(value) ? value.length > 0 && value.every(add) : add(value);
  return ok && Object.keys(labels).length > 0 ? flowLabels(labels) : '{<label key>: <label value>}';
}

/** `{app: web, tier: "true"}`: label values are strings, so anything YAML would read otherwise is quoted. */
function flowLabels(labels: Record<string, unknown>): string {
  return `{${Object.entries(labels)
    .map(([key, value]) => `${flowString(key)}: ${flowString(value)}`)
    .join(', ')}}`;
}

function flowString(value: unknown): string {
  const text = value === null || value === undefined ? '' : String(value);
  const plain = typeof value === 'string' && /^[A-Za-z_][A-Za-z0-9._/-]*$/.test(text) && !/^(y|yes|n|no|true|false|on|off|null)$/i.test(text);
  return plain ? text : JSON.stringify(text);
}
