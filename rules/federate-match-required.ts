import { type MonitorEndpoint, describeEndpoint, isFederationEndpoint } from '../src/model/graph.js';
import { isObject, pointerSegment } from '../src/load/parse.js';
import { defineSpectralRule } from '../src/check/spectral.js';
import { type EndpointFinding, SCRAPE_ENDPOINTS, appliesToEndpoints, hasFederationEndpoint, onScrapeEndpoint } from '../src/check/spectral-endpoints.js';

function matchRequired(endpoint: MonitorEndpoint): EndpointFinding[] {
  if (!isFederationEndpoint(endpoint)) return [];
  const what = describeEndpoint(endpoint);
  const params = endpoint.spec.params;
  if (!isObject(params) || !('match[]' in params)) {
    const misspelt = isObject(params) ? Object.keys(params).find((key) => key.trim().replace(/\[\s*\]?$/, '').toLowerCase() === 'match') : undefined;
    if (misspelt !== undefined)
      return [
        {
          message: `${what} passes param "${misspelt}", but Prometheus's /federate reads only "match[]"; rename the key to 'match[]'`,
          at: ['params', misspelt],
          fix: { kind: 'rename-key', pointer: `${endpoint.pointer}/params/${pointerSegment(misspelt)}`, to: 'match[]', description: `rename param "${misspelt}" to 'match[]'` },
        },
      ];
    return [
      {
        message: `${what} scrapes /federate without a 'match[]' param, so it federates no series; add params: {'match[]': ['{job="…"}']}`,
        at: isObject(params) ? ['params'] : [],
      },
    ];
  }
  const selectors = params['match[]'];
  // `'match[]':` with no value is null, which the API server reads as an empty list.
  if (selectors !== null && !Array.isArray(selectors)) return []; // a string here is the schema check's finding
  if (selectors === null || selectors.length === 0)
    return [{ message: `${what} has an empty 'match[]' list, so it federates no series; add at least one series selector`, at: ['params', 'match[]'] }];
  return selectors.flatMap((selector: unknown, index: number) =>
    (typeof selector === 'string' && selector.trim() !== '') || (typeof selector !== 'string' && selector !== null) // wrong type: the schema check's
      ? []
      : [
          {
            message: `${what} has an empty 'match[]' selector (entry ${index + 1}); Prometheus rejects the whole federation request with HTTP 400, so remove it or write a selector`,
            at: ['params', 'match[]', index],
          },
        ],
  );
}

export default defineSpectralRule({
  id: 'federate-match-required',
  level: 'error',
  summary: "A federation endpoint passes at least one non-empty 'match[]' selector",
  help:
    "Prometheus's /federate returns nothing unless the request carries one or more `match[]` series selectors, and it " +
    'rejects the whole request (HTTP 400) when one of them is empty. The parameter name must be exactly `match[]` ' +
    "(quote it in YAML: 'match[]'); `match` is ignored. Add params: {'match[]': ['{job=\"prometheus\"}']}, with " +
    'selectors as narrow as the main cluster needs.',
  appliesTo: appliesToEndpoints(hasFederationEndpoint, matchRequired),
  checks: [{ given: SCRAPE_ENDPOINTS, function: onScrapeEndpoint(matchRequired) }],
});
