import { describeEndpoint, spec } from '../src/graph.js';
import { isObject } from '../src/parse.js';
import { defineRule } from '../src/rule.js';

export default defineRule({
  id: 'federate-cluster-label',
  level: 'warning',
  summary: 'Federated series get a label that names their source cluster',
  help:
    'Series federated from several clusters are indistinguishable (and collide) unless each carries a label naming ' +
    'its cluster. Add a relabelings entry {targetLabel: cluster, replacement: <cluster name>} to the endpoint, or a ' +
    'metricRelabelings entry with that targetLabel, or list the label in spec.targetLabels and put it on every ' +
    'selected Service. The label name is `cluster` unless configured with --cluster-label.',
  check({ graph, settings, report }) {
    const label = settings.clusterLabel;
    for (const endpoint of graph.federationEndpoints()) {
      if (setsTargetLabel(endpoint.spec.relabelings, label) || setsTargetLabel(endpoint.spec.metricRelabelings, label)) continue;
      const targetLabels = spec(endpoint.monitor).targetLabels;
      const what = describeEndpoint(endpoint);
      const looked = `no relabelings or metricRelabelings entry sets targetLabel "${label}"`;
      if (Array.isArray(targetLabels) && targetLabels.includes(label)) {
        const lacking = graph.selectedServices(endpoint.monitor).filter((service) => graph.labels(service)[label] === undefined);
        if (lacking.length === 0) continue;
        const service = lacking[0]!;
        report({
          resource: endpoint.monitor,
          pointer: '/spec/targetLabels',
          message: `${what} relies on spec.targetLabels to copy "${label}" from the Service, but Service "${service.name}" has no "${label}" label (and ${looked}); add the label to the Service`,
          related: [{ resource: service, pointer: '/metadata/name', message: `Service "${service.name}" lacks label "${label}"` }],
        });
        continue;
      }
      report({
        resource: endpoint.monitor,
        pointer: endpoint.pointer,
        message: `${what} federates series without a "${label}" label: ${looked}, and spec.targetLabels does not name "${label}"; add a relabelings entry {targetLabel: ${label}, replacement: <source cluster name>}`,
      });
    }
  },
});

function setsTargetLabel(relabelings: unknown, label: string): boolean {
  if (!Array.isArray(relabelings)) return false;
  return relabelings.some(
    (entry) =>
      isObject(entry) &&
      entry.targetLabel === label &&
      // Only these actions write targetLabel; labeldrop/keep and friends ignore it.
      (entry.action === undefined || ['replace', 'hashmod', 'lowercase', 'uppercase'].includes(String(entry.action).toLowerCase())),
  );
}
