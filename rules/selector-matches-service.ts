import { distance } from 'fastest-levenshtein';
import { spec } from '../src/graph.js';
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

      // Labels right, namespace wrong: the most common slip, and the most confusing one to debug.
      const elsewhere = graph.servicesMatching(selector, { any: true });
      if (elsewhere.length > 0) {
        const service = elsewhere[0]!;
        const namespaces = [...new Set(elsewhere.map((s) => s.namespace))];
        const pointer =
          spec(monitor).namespaceSelector !== undefined
            ? '/spec/namespaceSelector'
            : monitor.body.metadata?.namespace !== undefined
              ? '/metadata/namespace'
              : '/metadata/name';
        report({
          resource: monitor,
          pointer,
          message: `${subject}: Service "${service.name}" has the selected labels but is in namespace "${service.namespace}", while the monitor looks only ${where}; add ${quoteList(namespaces)} to spec.namespaceSelector.matchNames or move the monitor to that namespace`,
          related: [{ resource: service, pointer: '/metadata/namespace', message: `Service "${service.name}" in namespace "${service.namespace}"` }],
        });
        continue;
      }

      const inScope = graph.servicesInScope(scope);
      if (inScope.length === 0) {
        report({
          resource: monitor,
          pointer: '/spec/selector',
          level: 'note',
          message: `${subject} that fedlint can verify: no Service is loaded ${where}; if the Service comes from the cluster or another repository, lint them together`,
        });
        continue;
      }

      const closest = closestService(monitor, reqs, inScope, (service) => graph.labels(service));
      const failed = failedRequirements(reqs, graph.labels(closest));
      const reasons = failed.map((requirement) => describeFailure(requirement, graph.labels(closest))).join(' and ');
      report({
        resource: monitor,
        pointer: `/spec/selector${failed[0]?.pointer ?? ''}`,
        message: `${subject} ${where}: the closest, Service "${closest.name}", ${reasons}; add the label to the Service or change the selector`,
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
  const present = labels[requirement.key];
  if (requirement.text.startsWith('!')) return `carries label ${requirement.key}=${present} that the selector excludes`;
  if (present === undefined)
    return Object.keys(labels).length === 0
      ? `has no labels at all (the selector wants ${requirement.text})`
      : `lacks label ${requirement.text}`;
  return `has ${requirement.key}=${present}, not ${requirement.text}`;
}
