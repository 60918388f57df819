import { type MonitorEndpoint, describeEndpoint, isFederationEndpoint } from '../src/model/graph.js';
import { defineSpectralRule } from '../src/check/spectral.js';
import { type EndpointFinding, SCRAPE_ENDPOINTS, appliesToEndpoints, hasFederationEndpoint, onScrapeEndpoint } from '../src/check/spectral-endpoints.js';

function honorLabels(endpoint: MonitorEndpoint): EndpointFinding[] {
  if (!isFederationEndpoint(endpoint) || endpoint.spec.honorLabels === true) return [];
  const value = endpoint.spec.honorLabels;
  // `honorLabels:` with no value is null: false to the API server, and as good as absent to the person.
  const absent = value === undefined || value === null;
  const what = describeEndpoint(endpoint);
  const fix = { kind: 'set', pointer: `${endpoint.pointer}/honorLabels`, value: true, description: 'set honorLabels: true' } as const;
  return [
    absent
      ? {
          message: `${what} federates without honorLabels, so the federated job and instance labels become exported_job and exported_instance; add honorLabels: true`,
          fix,
        }
      : {
          message: `${what} sets honorLabels: ${JSON.stringify(value)}, so the federated job and instance labels become exported_job and exported_instance; set honorLabels: true`,
          at: ['honorLabels'],
          fix,
        },
  ];
}

export default defineSpectralRule({
  id: 'federate-honor-labels',
  level: 'error',
  summary: 'A federation endpoint sets honorLabels: true',
  help:
    'Federated series already carry the job and instance labels of the worker cluster. Without honorLabels: true ' +
    '(absent means false), Prometheus keeps its own target labels and renames the federated ones to exported_job and ' +
    'exported_instance, breaking every query and dashboard that expects the originals. Set honorLabels: true on the endpoint.',
  appliesTo: appliesToEndpoints(hasFederationEndpoint, honorLabels),
  checks: [{ given: SCRAPE_ENDPOINTS, function: onScrapeEndpoint(honorLabels) }],
});
