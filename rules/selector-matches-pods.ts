import { spec } from '../src/model/graph.js';
import { isObject } from '../src/load/parse.js';
import { textOf } from '../src/quote.js';
import { defineRule } from '../src/check/rule.js';
import type { RuleContext } from '../src/check/rule.js';
import {
  type CandidateWords,
  type LabelWording,
  type SelectorOwner,
  describeFailures,
  describeScope,
  labelFix,
  scopeFinding,
  selectorProblems,
} from '../src/lang/selector-text.js';
import { closestCandidate, failedRequirements, labelsOf, requirements, requiresLabel } from '../src/model/selector.js';
import { closestName } from '../src/lang/suggest.js';
import type { Resource } from '../src/types.js';
import { type ContainerPort, type Workload, describeWorkload, selectedClusterPods, workloads } from '../src/model/workloads.js';

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
    for (const monitor of graph.all('PodMonitor')) {
      // Built on the first PodMonitor (and shared through the graph): a repository without one never pays for it.
      const index = workloads(graph);
      const scope = graph.scopeOf(monitor);
      const problems = selectorProblems(monitor, scope, POD_MONITOR);
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

      // Nothing loaded where the monitor looks (the workload may come from the cluster or another repository), or
      // workloads with the selected labels elsewhere; a selector that requires no label to be present says nothing
      // about where the wanted pods are (see selector-matches-service).
      const inScope = index.inScope(scope);
      const elsewhere = requiresLabel(reqs) ? index.matching(selector, { any: true }) : [];
      const scopeProblem = scopeFinding(monitor, scope, subject, inScope.length > 0, elsewhere, WORKLOADS);
      if (scopeProblem) {
        report(scopeProblem);
        continue;
      }

      const closest = closestCandidate(inScope, reqs, (workload) => workload.labels, (workload) => workload.resource.name, monitor.name);
      const failed = failedRequirements(reqs, closest.labels);
      const reasons = describeFailures(failed, closest.labels, podLabelWording(closest));
      // The labels are on the workload but not on its pods: the selector was copied from the wrong metadata.
      const ownLabels = labelsOf(closest.resource.body.metadata);
      const onWorkload =
        closest.labelsPointer !== '/metadata/labels' && !closest.madeBy && failed.every((requirement) => requirement.matches(ownLabels))
          ? ` (${closest.resource.kind} "${closest.resource.name}" itself carries ${failed.length === 1 ? 'that label' : 'those labels'} in metadata.labels, but its pods get only ${closest.labelsPath})`
          : '';
      const fix = labelFix(failed, closest.labels, { addTo: closest.labelsPath, change: closest.labelsPath });
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
      const byNumber = /^[0-9]+$/.test(port) ? declared.find(({ port: entry }) => textOf(entry.containerPort) === port && entry.name !== '') : undefined;
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
    const shown = [...new Set(ports.map((port) => (port.name !== '' ? `"${port.name}"` : `unnamed ${textOf(port.containerPort)}`)))];
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

// ------------------------------------------------------------------ wording

/** A PodMonitor's selector picks pods. */
const POD_MONITOR: SelectorOwner = {
  kind: 'PodMonitor',
  selects: 'pod',
  carriers: 'the pods to scrape carry',
  endpointsField: 'podMetricsEndpoints',
};

/** Workloads, for the findings about where they are. */
const WORKLOADS: CandidateWords<Workload> = {
  describe: describeWorkload,
  resource: (workload) => workload.resource,
  namespace: (workload) => workload.namespace,
  matches: 'has pods with the selected labels',
  none: `no workload (${WORKLOAD_KINDS})`,
  origin: 'the pods come',
};

/**
 * How a workload's pods carry labels: `labels its pods app=web, not app=api`, `does not label its pods tier=web`;
 * a bare Pod `is labelled …`, the pods an operator makes `are labelled …`.
 */
function podLabelWording(workload: Workload): LabelWording {
  const pod = workload.labelsPointer === '/metadata/labels';
  const has = pod ? 'is labelled' : workload.madeBy ? 'are labelled' : 'labels its pods';
  return {
    has,
    excluded: (label, requirement) => `${has} ${label}, which the selector excludes (${requirement})`,
    noLabels: pod ? 'has no labels' : 'gives its pods no labels',
    lacksLabel: (label) => `${pod ? 'is not labelled' : workload.madeBy ? 'are not labelled' : 'does not label its pods'} ${label}`,
    lacksKey: (key) => (pod ? `has no ${key} label` : workload.madeBy ? `have no ${key} label` : `gives its pods no ${key} label`),
  };
}
