import { describeEndpoint } from '../src/graph.js';
import { defineRule } from '../src/rule.js';

export default defineRule({
  id: 'federate-honor-labels',
  level: 'error',
  summary: 'A federation endpoint sets honorLabels: true',
  help:
    'Federated series already carry the job and instance labels of the worker cluster. Without honorLabels: true ' +
    '(absent means false), Prometheus keeps its own target labels and renames the federated ones to exported_job and ' +
    'exported_instance, breaking every query and dashboard that expects the originals. Set honorLabels: true on the endpoint.',
  check({ graph, report }) {
    for (const endpoint of graph.federationEndpoints()) {
      const honorLabels = endpoint.spec.honorLabels;
      if (honorLabels === true) continue;
      // `honorLabels:` with no value is null: false to the API server, and as good as absent to the person.
      const absent = honorLabels === undefined || honorLabels === null;
      const what = describeEndpoint(endpoint);
      report({
        resource: endpoint.monitor,
        pointer: absent ? endpoint.pointer : `${endpoint.pointer}/honorLabels`,
        message:
          absent
            ? `${what} federates without honorLabels, so the federated job and instance labels become exported_job and exported_instance; add honorLabels: true`
            : `${what} sets honorLabels: ${JSON.stringify(honorLabels)}, so the federated job and instance labels become exported_job and exported_instance; set honorLabels: true`,
      });
    }
  },
});
