import { type MonitorEndpoint, describeEndpoint, hasMatchParam, isConfiguredFederationPath, scrapeEndpointsOf } from '../src/model/graph.js';
import { defineSpectralRule } from '../src/check/spectral.js';
import type { Fix, Resource } from '../src/types.js';
import { type EndpointFinding, SCRAPE_ENDPOINTS, appliesToEndpoints, onScrapeEndpoint } from '../src/check/spectral-endpoints.js';

/** `/federate`, or `/federate` under a route prefix (`--web.route-prefix=/prometheus`). */
const FEDERATE_PATH = /^\/(?:[^/]+\/)*federate$/;
/** `federate`, `/federate/`, `prefix/federate/`: reach the handler only by accident. */
const NEAR_MISS = /^\/?(?:[^/]+\/)*federate\/*$/;

/** Endpoints with 'match[]' params whose path is not the federation handler at all: absent, /metrics, … */
function wrongPath(endpoint: MonitorEndpoint): EndpointFinding[] {
  if (!hasMatchParam(endpoint.spec)) return [];
  const field = endpoint.pathField;
  const path = endpoint.spec[field];
  const what = describeEndpoint(endpoint);
  const fix = setPath(endpoint.pointer, field, '/federate');
  if (path === undefined || path === null || path === '')
    return [{ message: `${what} has 'match[]' params but no ${field}, so it scrapes /metrics and the selectors are ignored; set ${field}: /federate`, at: [field], fix }];
  // A wrong type is the schema check's finding; the near-misses are the other check's; a path the config names
  // as a federation path (a proxy route to a worker's /federate) is right by definition.
  if (typeof path !== 'string' || FEDERATE_PATH.test(path) || NEAR_MISS.test(path) || isConfiguredFederationPath(endpoint)) return [];
  return [{ message: `${what} has 'match[]' params but scrapes "${path}", which ignores them; set ${field}: /federate`, at: [field], fix }];
}

/**
 * The near-misses still reach the handler in Prometheus itself (Go adds the missing leading slash when it builds the
 * scrape URL; the router answers a trailing slash with a redirect to /federate): fragile, not broken.
 */
function nearMiss(endpoint: MonitorEndpoint): EndpointFinding[] {
  if (!hasMatchParam(endpoint.spec)) return [];
  const field = endpoint.pathField;
  const path = endpoint.spec[field];
  if (typeof path !== 'string' || FEDERATE_PATH.test(path) || !NEAR_MISS.test(path)) return [];
  const fixed = `/${path.replace(/^\/+|\/+$/g, '')}`;
  const slips = [path.startsWith('/') ? '' : 'without a leading slash', path.endsWith('/') ? 'with a trailing slash' : '']
    .filter((slip) => slip !== '')
    .join(' and ');
  const why = path.endsWith('/')
    ? `Prometheus answers it at best with a redirect to "${fixed}", which fails the scrape when followRedirects is false`
    : 'it works only because Prometheus inserts the slash when it builds the scrape URL';
  return [
    { message: `${describeEndpoint(endpoint)} scrapes "${path}" ${slips}; ${why}; set ${field}: ${fixed}`, at: [field], fix: setPath(endpoint.pointer, field, fixed) },
  ];
}

/** match[] params on any scrape endpoint make a resource this rule's business, whatever the path. */
function hasMatchParams(resource: Resource): boolean {
  return scrapeEndpointsOf(resource).some((endpoint) => hasMatchParam(endpoint.spec));
}

function setPath(endpointPointer: string, field: string, path: string): Fix {
  return { kind: 'set', pointer: `${endpointPointer}/${field}`, value: path, description: `set ${field}: ${path}` };
}

export default defineSpectralRule({
  id: 'federate-path',
  level: 'error',
  summary: "An endpoint with 'match[]' params scrapes path /federate",
  help:
    "'match[]' only means something to Prometheus's /federate handler. Without `path`, Prometheus Operator scrapes " +
    "/metrics, which ignores the parameter and returns the source Prometheus's own metrics instead of the federated " +
    'series. `federate` without the leading slash and `/federate/` with a trailing one reach the handler only by accident ' +
    '(Prometheus inserts the missing slash; it answers the trailing one with a redirect), so they are warnings. Set ' +
    '`path: /federate` (`metricsPath` on a ScrapeConfig; keep a route prefix if the source Prometheus runs with ' +
    '--web.route-prefix).',
  appliesTo: appliesToEndpoints(hasMatchParams, wrongPath, nearMiss),
  checks: [
    { given: SCRAPE_ENDPOINTS, function: onScrapeEndpoint(wrongPath) },
    { given: SCRAPE_ENDPOINTS, function: onScrapeEndpoint(nearMiss), level: 'warning' },
  ],
});
