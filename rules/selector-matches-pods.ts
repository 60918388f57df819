import { distance } from 'fastest-levenshtein';
import { spec } from '../src/graph.js';
import { isObject, pointerSegment } from '../src/parse.js';
import { defineRule } from '../src/rule.js';
import type { RuleContext } from '../src/rule.js';
import { type NamespaceScope, type Requirement, failedRequirements, labelValue, labelsOf, requirements } from '../src/selector.js';
import { closestName, quoteList } from '../src/suggest.js';
import type { Resource } from '../src/types.js';
import { type ContainerPort, type Workload, describeWorkload, selectedClusterPods, workloads } from '../src/workloads.js';

const WORKLOAD_KINDS = 'Deployment, StatefulSet, DaemonSet, ReplicaSet, Job, CronJob or Pod';

export default defineRule({
  id: 'selector-matches-pods',
  level: 'error',
  summary: 'Every PodMonitor selects the pods of at least one loaded workload, on a container port they declare',
  help:
    'Prometheus Operator turns a PodMonitor into targets only for pods whose labels satisfy spec.selector ' +
    '(matchLabels and matchExpressions) in the namespaces spec.namespaceSelector names (none given: the ' +
    "PodMonitor's own namespace; any: true: all). Pods get the labels of their pod template " +
    '(spec.template.metadata.labels of a Deployment, StatefulSet, DaemonSet, ReplicaSet or Job; ' +
    'spec.jobTemplate.spec.template.metadata.labels of a CronJob), not the labels on the workload itself, which is ' +
    'the most common reason a PodMonitor copied from a Deployment selects nothing. A monitor that selects nothing ' +
    'scrapes nothing and reports no error anywhere: add the label to the pod template, fix the selector, or widen ' +
    'namespaceSelector. Pods that Prometheus Operator runs for a loaded Prometheus, PrometheusAgent, Alertmanager ' +
    'or ThanosRuler count, with the labels the operator gives them and spec.podMetadata.labels. When no workload at ' +
    'all is loaded in the namespaces the monitor looks at, or the selector picks pods the cluster runs itself ' +
    '(kube-proxy, CoreDNS, the control plane static pods), fedlint cannot verify the selector and says so as a note. ' +
    "An endpoint's `port` is the name of a container port (containers[].ports[].name) and `portNumber` its number: " +
    'when none of the selected pod templates declares it, Prometheus discovers no target, so that is an error too; ' +
    'name the container port, or use the name it already has.',
  check({ graph, report }) {
    const index = workloads(graph);
    for (const monitor of graph.all('PodMonitor')) {
      const scope = graph.scopeOf(monitor);
      const problems = podSelectorProblems(monitor, scope);
      for (const problem of problems) report({ resource: monitor, pointer: problem.pointer, message: problem.message, at: problem.at });
      const selector = spec(monitor).selector;
      const reqs = requirements(selector);
      if (!reqs || problems.some((problem) => problem.stop)) continue;

      const selected = index.matching(selector, scope);
      if (selected.length > 0) {
        checkPorts(monitor, selected, report);
        continue;
      }
      const where = describeScope(scope);
      const subject = `PodMonitor "${monitor.name}" selects no pods`;
      const namespaceSelector = spec(monitor).namespaceSelector;
      const byMatchNames = !scope.any && isObject(namespaceSelector) && Array.isArray(namespaceSelector.matchNames) && namespaceSelector.matchNames.length > 0;
      // Workloads with the selected labels elsewhere; a selector that requires no label to be present says nothing
      // about where the wanted pods are (see selector-matches-service).
      const elsewhere = reqs.some((requirement) => !excludes(requirement)) ? index.matching(selector, { any: true }) : [];
      const namespaces = [...new Set(elsewhere.map((workload) => workload.namespace))];
      const widen = byMatchNames
        ? `add ${quoteList(namespaces)} to spec.namespaceSelector.matchNames`
        : `add ${quoteList(namespaces)} to spec.namespaceSelector.matchNames or move the monitor to ${namespaces.length === 1 ? 'that namespace' : 'one of them'}`;
      const relatedWorkload = (workload: Workload) => ({
        resource: workload.resource,
        pointer: '/metadata/namespace',
        message: `${describeWorkload(workload)} in namespace "${workload.namespace}"`,
      });

      const clusterPods = selectedClusterPods(reqs, scope);
      if (clusterPods) {
        report({
          resource: monitor,
          pointer: '/spec/selector',
          level: 'note',
          message: `${subject} that fedlint can verify: it selects the ${clusterPods.name} in namespace "${clusterPods.namespace}", which ${clusterPods.origin}; no repository defines them`,
        });
        continue;
      }

      // Nothing loaded where the monitor looks: the workload may come from the cluster or another repository.
      if (index.inScope(scope).length === 0) {
        const first = elsewhere[0];
        const hint = first ? ` (${describeWorkload(first)} in namespace "${first.namespace}" has pods with the selected labels; if that is the one, ${widen})` : '';
        report({
          resource: monitor,
          pointer: selector !== undefined ? '/spec/selector' : '/spec/namespaceSelector',
          level: 'note',
          message: `${subject} that fedlint can verify: no workload (${WORKLOAD_KINDS}) is loaded ${where}${hint}; if the pods come from the cluster or another repository, lint them together`,
          related: elsewhere.slice(0, 1).map(relatedWorkload),
        });
        continue;
      }

      if (elsewhere.length > 0) {
        const workload = elsewhere[0]!;
        const pointer = byMatchNames ? '/spec/namespaceSelector/matchNames' : namespaceSelector !== undefined ? '/spec/namespaceSelector' : '/metadata/namespace';
        report({
          resource: monitor,
          pointer,
          message: `${subject}: ${describeWorkload(workload)} has pods with the selected labels but is in namespace "${workload.namespace}", while the monitor looks only ${where}; ${widen}`,
          related: [relatedWorkload(workload)],
        });
        continue;
      }

      const closest = closestWorkload(monitor, reqs, index.inScope(scope));
      const failed = failedRequirements(reqs, closest.labels);
      const reasons = failed.map((requirement) => describeFailure(requirement, closest)).join(' and ');
      const onlyMissing = failed.every((requirement) => !excludes(requirement) && labelValue(closest.labels, requirement.key) === undefined);
      // The labels are on the workload but not on its pods: the selector was copied from the wrong metadata.
      const ownLabels = labelsOf(closest.resource.body.metadata);
      const onWorkload =
        closest.labelsPointer !== '/metadata/labels' && !closest.madeBy && failed.every((requirement) => requirement.matches(ownLabels))
          ? ` (${closest.resource.kind} "${closest.resource.name}" itself carries ${failed.length === 1 ? 'that label' : 'those labels'} in metadata.labels, but its pods get only ${closest.labelsPath})`
          : '';
      const fix = onlyMissing ? `add the label to ${closest.labelsPath} or change the selector` : `change ${closest.labelsPath} or the selector`;
      report({
        resource: monitor,
        pointer: `/spec/selector${failed[0]?.pointer ?? ''}`,
        message: `${subject} ${where}: the closest, ${describeWorkload(closest)}, ${reasons}${onWorkload}; ${fix}`,
        related: [{ resource: closest.resource, pointer: closest.labelsPointer, message: `closest candidate: ${describeWorkload(closest)}` }],
      });
    }
  },
});

// ------------------------------------------------------------------ container ports

/**
 * A podMetricsEndpoints entry's `port` must be the name of a container port of the selected pods (the operator
 * keeps only targets whose port name matches), and `portNumber` the number of a declared one. Checked against all
 * selected pod templates together: a monitor may scrape a port that only some of them have.
 */
function checkPorts(monitor: Resource, selected: Workload[], report: RuleContext['report']): void {
  // Pods an operator builds declare ports fedlint does not model: nothing to compare with.
  if (selected.some((workload) => workload.ports === null)) return;
  const endpoints = spec(monitor).podMetricsEndpoints;
  if (!Array.isArray(endpoints)) return;
  const declared = selected.flatMap((workload) => workload.ports!.map((port) => ({ workload, port })));
  const named = [...new Set(declared.map(({ port }) => port.name).filter((name) => name !== ''))];
  const whoDeclares = describeDeclared(selected);
  endpoints.forEach((endpoint: unknown, index: number) => {
    if (!isObject(endpoint)) return;
    const pointer = `/spec/podMetricsEndpoints/${index}`;
    const { port, portNumber } = endpoint;
    if (typeof port === 'string' && port !== '') {
      if (named.includes(port)) return;
      // `port: "8080"`: a number where the name belongs.
      const byNumber = /^[0-9]+$/.test(port) ? declared.find(({ port: entry }) => String(entry.containerPort) === port && entry.name !== '') : undefined;
      const suggestion = byNumber ? undefined : closestName(port, named);
      const fix = byNumber
        ? `podMetricsEndpoints[].port takes the container port's name: use "${byNumber.port.name}" (or portNumber: ${port})`
        : suggestion
          ? `use "${suggestion}", or name the container port "${port}"`
          : `name the container port "${port}" (containers[].ports[].name) or scrape a port the pods declare`;
      report({
        resource: monitor,
        pointer: `${pointer}/port`,
        message: `PodMonitor "${monitor.name}" scrapes port "${port}", which no container of the pods it selects declares (${whoDeclares}), so Prometheus discovers no target; ${fix}`,
        related: relatedPorts(selected),
      });
      return;
    }
    // `port` takes precedence over `portNumber`; an absent port scrapes every declared port.
    if (port === undefined && typeof portNumber === 'number') {
      if (declared.some(({ port: entry }) => entry.containerPort === portNumber)) return;
      report({
        resource: monitor,
        pointer: `${pointer}/portNumber`,
        message: `PodMonitor "${monitor.name}" scrapes portNumber ${portNumber}, which no container of the pods it selects declares (${whoDeclares}), and Prometheus drops targets on undeclared ports; declare containerPort ${portNumber} in the pod template or scrape a port it declares`,
        related: relatedPorts(selected),
      });
    }
  });
}

/** `Deployment "app" declares "http" and 9100`, `Deployment "app" declares no container ports`, or a count. */
function describeDeclared(selected: Workload[]): string {
  const describePorts = (ports: ContainerPort[]) => {
    if (ports.length === 0) return 'no container ports';
    const shown = [...new Set(ports.map((port) => (port.name !== '' ? `"${port.name}"` : `unnamed ${String(port.containerPort)}`)))];
    return shown.length <= 1 ? shown.join('') : `${shown.slice(0, -1).join(', ')} and ${shown[shown.length - 1]}`;
  };
  if (selected.length === 1) return `${describeWorkload(selected[0]!)} declares ${describePorts(selected[0]!.ports ?? [])}`;
  const all = selected.flatMap((workload) => workload.ports ?? []);
  return `the ${selected.length} pod templates it selects declare ${describePorts(all)}`;
}

function relatedPorts(selected: Workload[]) {
  return selected.slice(0, 10).map((workload) => ({
    resource: workload.resource,
    pointer: `${workload.podSpecPointer}/containers`,
    message: `containers of ${describeWorkload(workload)}`,
  }));
}

// ------------------------------------------------------------------ matching

function describeScope(scope: NamespaceScope): string {
  if (scope.any) return 'in any namespace';
  return scope.names.length === 1 ? `in namespace "${scope.names[0]}"` : `in namespaces ${quoteList(scope.names)}`;
}

/** The workload failing the fewest requirements; ties go to the name closest to the monitor's. */
function closestWorkload(monitor: Resource, reqs: Requirement[], candidates: Workload[]): Workload {
  let best = candidates[0]!;
  let bestScore = [Infinity, Infinity];
  for (const workload of candidates) {
    const score = [failedRequirements(reqs, workload.labels).length, distance(monitor.name, workload.resource.name)];
    if (score[0]! < bestScore[0]! || (score[0] === bestScore[0] && score[1]! < bestScore[1]!)) {
      best = workload;
      bestScore = score;
    }
  }
  return best;
}

/** `labels its pods app=web, not app=api`, `does not label its pods tier=web`, … (a bare Pod: `is labelled …`). */
function describeFailure(requirement: Requirement, workload: Workload): string {
  const { key, text } = requirement;
  const present = labelValue(workload.labels, key);
  const pod = workload.labelsPointer === '/metadata/labels';
  const has = pod ? 'is labelled' : workload.madeBy ? 'are labelled' : 'labels its pods';
  if (excludes(requirement)) return `${has} ${key}=${present}, which the selector excludes (${text})`;
  if (present === undefined) {
    if (Object.keys(workload.labels).length === 0)
      return `${pod ? 'has no labels' : 'gives its pods no labels'} at all (the selector wants ${text})`;
    if (text.startsWith(`${key}=`)) return `${pod ? 'is not labelled' : workload.madeBy ? 'are not labelled' : 'does not label its pods'} ${text}`;
    const noLabel = pod ? `has no ${key} label` : workload.madeBy ? `have no ${key} label` : `gives its pods no ${key} label`;
    return text === key ? noLabel : `${noLabel} (the selector wants ${text})`;
  }
  return `${has} ${key}=${present}, not ${text}`;
}

/** NotIn and DoesNotExist: requirements that pods without the label satisfy. */
function excludes(requirement: Requirement): boolean {
  return requirement.operator === 'NotIn' || requirement.operator === 'DoesNotExist';
}

// ------------------------------------------------------------------ the shape of spec.selector

interface SelectorProblem {
  pointer: string;
  at?: 'key';
  message: string;
  /** The selector selects nothing the author meant: matching it against pods would only add noise. */
  stop: boolean;
}

const SELECTOR_FIELDS = ['matchLabels', 'matchExpressions'];

/**
 * What is wrong with the shape of a PodMonitor's spec.selector: absent (the CRD requires it), not a label
 * selector, or with keys a label selector does not have (labels written straight under it, a misspelt
 * matchLabels). The operator and matchExpressions details are selector-matches-service's for ServiceMonitors;
 * here a selector that `requirements()` refuses gets one finding.
 */
function podSelectorProblems(monitor: Resource, scope: NamespaceScope): SelectorProblem[] {
  const subject = `PodMonitor "${monitor.name}"`;
  if (!isObject(monitor.body.spec)) return [];
  const monitorSpec = monitor.body.spec;
  const selector = monitorSpec.selector;
  const everything = `selector: {} selects every pod ${describeScope(scope)}`;
  if (selector === undefined || selector === null) {
    // A fragment to merge into a full PodMonitor (a patch) has neither a selector nor endpoints.
    if (!('podMetricsEndpoints' in monitorSpec)) return [];
    return [
      {
        pointer: selector === undefined ? '/spec' : '/spec/selector',
        stop: true,
        message: `${subject} has ${selector === undefined ? 'no' : 'an empty'} spec.selector, which the PodMonitor CRD requires, so the API server rejects it; add spec.selector with matchLabels that the pods to scrape carry (${everything})`,
      },
    ];
  }
  if (!isObject(selector) || requirements(selector) === null)
    return [
      {
        pointer: '/spec/selector',
        stop: true,
        message: `${subject} has a spec.selector that is not a valid label selector, so it selects no pods; write matchLabels as a mapping and matchExpressions as a list of {key, operator: In, NotIn, Exists or DoesNotExist, values}`,
      },
    ];
  const problems: SelectorProblem[] = [];
  const empty = (requirements(selector) ?? []).length === 0;
  const effect = empty ? `so Kubernetes drops it and the empty selector left selects every pod ${describeScope(scope)}` : 'so Kubernetes drops it and the selector does not require it';
  for (const key of Object.keys(selector).filter((key) => !SELECTOR_FIELDS.includes(key))) {
    const value = selector[key];
    if (value === null || typeof value !== 'object') {
      problems.push({
        pointer: `/spec/selector/${pointerSegment(key)}`,
        at: 'key',
        stop: empty,
        message: `${subject} has label "${key}" directly under spec.selector instead of under matchLabels, ${effect}; move it into spec.selector.matchLabels`,
      });
      continue;
    }
    const meant = Array.isArray(value) ? 'matchExpressions' : 'matchLabels';
    const typo = closestName(key, SELECTOR_FIELDS) === meant || key.toLowerCase() === meant.toLowerCase();
    problems.push({
      pointer: `/spec/selector/${pointerSegment(key)}`,
      at: 'key',
      stop: empty,
      message: `${subject} has field "${key}" in spec.selector, which a label selector does not have${typo ? ` (did you mean "${meant}"?)` : ''}, ${effect}; ${typo && !(meant in selector) ? `rename it to ${meant}` : `put it under ${meant}`}`,
    });
  }
  return problems;
}
