import { type MonitorEndpoint, describeEndpoint, isFederationEndpoint } from '../src/model/graph.js';
import { defineSpectralRule } from '../src/check/spectral.js';
import { type EndpointFinding, SCRAPE_ENDPOINTS, appliesToEndpoints, hasFederationEndpoint, onScrapeEndpoint } from '../src/check/spectral-endpoints.js';

function honorTimestamps(endpoint: MonitorEndpoint): EndpointFinding[] {
  if (!isFederationEndpoint(endpoint) || endpoint.spec.honorTimestamps !== false) return [];
  return [
    {
      message: `${describeEndpoint(endpoint)} sets honorTimestamps: false, so federated samples are stamped with the scrape time instead of the time the worker recorded them, which skews rates and shifts staleness; remove honorTimestamps or set it to true`,
      at: ['honorTimestamps'],
    },
  ];
}

export default defineSpectralRule({
  id: 'federate-honor-timestamps',
  level: 'warning',
  summary: 'A federation endpoint keeps the worker\'s sample timestamps (honorTimestamps is not false)',
  help:
    "/federate returns each series' latest sample with the timestamp the worker recorded. With honorTimestamps: false the " +
    'main Prometheus replaces it with its own scrape time: samples land up to a scrape interval late, rates and ' +
    'recording rules computed across clusters disagree, and series go stale at the wrong moment. Leave honorTimestamps ' +
    'unset (it defaults to true) or set it to true on federation endpoints.',
  appliesTo: appliesToEndpoints(hasFederationEndpoint, honorTimestamps),
  checks: [{ given: SCRAPE_ENDPOINTS, function: onScrapeEndpoint(honorTimestamps) }],
});
