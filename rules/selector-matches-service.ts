import { distance } from 'fastest-levenshtein';
import { selectedClusterService } from '../src/cluster-services.js';
import { spec } from '../src/graph.js';
import { isObject } from '../src/parse.js';
import { defineRule } from '../src/rule.js';
import { type Labels, type NamespaceScope, type Requirement, failedRequirements, requirements } from '../src/selector.js';
import { quoteList } from '../src/suggest.js';
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
    'operator itself creates in kube-system), fedlint cannot verify the selector and says so as a note.',
  check({ graph, report }) {
    for (const monitor of graph.all('ServiceMonitor')) {
      const selector = spec(monitor).selector;
      const reqs = requirements(selector);
      if (!reqs || graph.selectedServices(monitor).length > 0) continue;
      const scope = graph.scopeOf(monitor);
      const where = describeScope(scope);
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
