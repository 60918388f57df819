import { type MonitorEndpoint, describeEndpoint } from '../src/model/graph.js';
import { isObject } from '../src/load/parse.js';
import { defineRule } from '../src/check/rule.js';

/** The fields that make Prometheus send a secret with each scrape, and what a message calls each. */
const CREDENTIALS: [field: string, what: string][] = [
  ['basicAuth', 'a basic-auth password (basicAuth)'],
  ['authorization', 'an Authorization header (authorization)'],
  ['bearerTokenSecret', 'a bearer token (bearerTokenSecret)'],
  ['bearerTokenFile', 'a bearer token (bearerTokenFile)'],
  ['oauth2', 'an OAuth2 access token (oauth2)'],
];

export default defineRule({
  id: 'insecure-federation',
  level: 'warning',
  summary: 'A federation endpoint verifies TLS (no `insecureSkipVerify`) and sends no credentials over plain http',
  help:
    'Federation crosses the network between clusters, often through a load balancer. With ' +
    '`tlsConfig.insecureSkipVerify: true` Prometheus accepts any certificate, so whoever sits on the path can pose as ' +
    'the worker\'s Prometheus, feed the main cluster made-up series and collect the credentials it sends. Credentials ' +
    '(`basicAuth`, `authorization`, `bearerTokenSecret`, `bearerTokenFile`, `oauth2`) sent over plain http (no ' +
    '`scheme`, or `scheme: http`; ScrapeConfig also spells it `HTTP`) can be read by anyone on the path. Use ' +
    '`scheme: https`, put the CA that signed the worker\'s certificate in `tlsConfig.ca` (and `tlsConfig.serverName` ' +
    'when the certificate names another host), and remove `insecureSkipVerify`. An endpoint whose relabelings set ' +
    '`__scheme__` is not checked for plain http.',
  check({ graph, report }) {
    for (const endpoint of graph.federationEndpoints()) {
      const what = describeEndpoint(endpoint);
      const credentials = CREDENTIALS.filter(([field]) => present(endpoint.spec[field]));
      const scheme = schemeOf(endpoint);
      const tlsConfig = endpoint.spec.tlsConfig;
      if (isObject(tlsConfig) && tlsConfig.insecureSkipVerify === true) {
        const sent = credentials.length > 0 ? ` and collect the credentials it sends (${credentials.map(([field]) => field).join(', ')})` : '';
        report({
          resource: endpoint.monitor,
          pointer: `${endpoint.pointer}/tlsConfig/insecureSkipVerify`,
          message:
            scheme === 'http'
              ? `${what} sets tlsConfig.insecureSkipVerify: true but scrapes over plain http, where tlsConfig does nothing: the federation scrape is neither encrypted nor verified; use scheme: https with the CA of the worker's certificate in tlsConfig.ca, and remove insecureSkipVerify`
              : `${what} sets tlsConfig.insecureSkipVerify: true, so Prometheus accepts any certificate and anyone on the network path between the clusters can pose as the worker's Prometheus${sent}; put the CA that signed the worker's certificate in tlsConfig.ca (and serverName if the certificate names another host) and remove insecureSkipVerify`,
        });
      }
      if (scheme !== 'http' || credentials.length === 0) continue;
      const schemeField = endpoint.spec.scheme;
      const explicit = typeof schemeField === 'string';
      const them = credentials.length > 1 ? 'them' : 'it';
      report({
        resource: endpoint.monitor,
        // `scheme: http` is the wrong value; without one, the credential field is where the secret is set.
        pointer: explicit ? `${endpoint.pointer}/scheme` : `${endpoint.pointer}/${credentials[0]![0]}`,
        ...(explicit ? {} : { at: 'key' as const }),
        message: `${what} sends ${list(credentials.map(([, name]) => name))} over plain http (${explicit ? `scheme: ${schemeField}` : 'it sets no scheme, and http is the default'}), so anyone on the network path between the clusters can read and reuse ${them}; set scheme: https and verify the worker's certificate with tlsConfig.ca`,
      });
    }
  },
});

/** `http`, `https`, or null when it cannot be told here (a value the schema rule reports, or a relabeled __scheme__). */
function schemeOf(endpoint: MonitorEndpoint): 'http' | 'https' | null {
  const relabelings = endpoint.spec.relabelings;
  if (Array.isArray(relabelings) && relabelings.some((entry) => isObject(entry) && entry.targetLabel === '__scheme__')) return null;
  const scheme = endpoint.spec.scheme;
  if (scheme === undefined || scheme === null) return 'http';
  if (typeof scheme !== 'string') return null;
  const lower = scheme.toLowerCase();
  return lower === 'http' || lower === 'https' ? lower : null;
}

/** A credential field that makes Prometheus send something: not absent, null, empty or `{}`. */
function present(value: unknown): boolean {
  if (typeof value === 'string') return value !== '';
  return isObject(value) && Object.keys(value).length > 0;
}

function list(items: string[]): string {
  return items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}
