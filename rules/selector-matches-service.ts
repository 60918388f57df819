import { selectedClusterService } from '../src/model/cluster-services.js';
import { spec } from '../src/model/graph.js';
import { defineRule } from '../src/check/rule.js';
import {
  type CandidateWords,
  type LabelWording,
  type SelectorOwner,
  type SelectorProblem,
  describeFailures,
  describeScope,
  labelFix,
  scopeFinding,
  selectorProblems as ownerSelectorProblems,
} from '../src/lang/selector-text.js';
import { type NamespaceScope, closestCandidate, failedRequirements, requirements, requiresLabel } from '../src/model/selector.js';
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

      // Nothing loaded where the monitor looks, or Services with the selected labels outside the scope. A selector
      // that requires no label to be present matches nearly every Service, which says nothing about where the
      // wanted one is, so it gets no such hint.
      const inScope = graph.servicesInScope(scope);
      const elsewhere = requiresLabel(reqs) ? graph.servicesMatching(selector, { any: true }) : [];
      const scopeProblem = scopeFinding(monitor, scope, subject, inScope.length > 0, elsewhere, SERVICES);
      if (scopeProblem) {
        report(scopeProblem);
        continue;
      }

      const closest = closestCandidate(inScope, reqs, (service) => graph.labels(service), (service) => service.name, monitor.name);
      const labels = graph.labels(closest);
      const failed = failedRequirements(reqs, labels);
      const reasons = describeFailures(failed, labels, SERVICE_LABELS);
      const fix = labelFix(failed, labels, { addTo: 'the Service', change: "the Service's labels" });
      report({
        resource: monitor,
        pointer: `/spec/selector${failed[0]?.pointer ?? ''}`,
        message: `${subject} ${where}: the closest, Service "${closest.name}", ${reasons}; ${fix}`,
        related: [{ resource: closest, pointer: '/metadata/name', message: `closest candidate: Service "${closest.name}"` }],
      });
    }
  },
});

/** A ServiceMonitor's selector picks Services. */
const SERVICE_MONITOR: SelectorOwner = {
  kind: 'ServiceMonitor',
  selects: 'Service',
  carriers: 'the Service to scrape carries',
  endpointsField: 'endpoints',
};

/** Services, for the findings about where they are. */
const SERVICES: CandidateWords<Resource> = {
  describe: (service) => `Service "${service.name}"`,
  resource: (service) => service,
  namespace: (service) => service.namespace,
  matches: 'has the selected labels',
  none: 'no Service',
  origin: 'the Service comes',
};

/** `has app=api, not app=web`, `lacks label app=web`, `carries label tier=canary that the selector excludes (…)` */
const SERVICE_LABELS: LabelWording = {
  has: 'has',
  excluded: (label, requirement) => `carries label ${label} that the selector excludes (${requirement})`,
  noLabels: 'has no labels',
  lacksLabel: (label) => `lacks label ${label}`,
  lacksKey: (key) => `lacks label ${key}`,
};

/** What is wrong with the shape of a ServiceMonitor's spec.selector (see `selectorProblems` in selector-text.ts). */
export function selectorProblems(monitor: Resource, scope: NamespaceScope): SelectorProblem[] {
  return ownerSelectorProblems(monitor, scope, SERVICE_MONITOR);
}
