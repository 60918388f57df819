import { describeEndpoint, hasMatchParam } from '../src/graph.js';
import { defineRule } from '../src/rule.js';
import type { Level } from '../src/types.js';

/** `/federate`, or `/federate` under a route prefix (`--web.route-prefix=/prometheus`). */
const FEDERATE_PATH = /^\/(?:[^/]+\/)*federate$/;

export default defineRule({
  id: 'federate-path',
  level: 'error',
  summary: "An endpoint with 'match[]' params scrapes path /federate",
  help:
    "'match[]' only means something to Prometheus's /federate handler. Without `path`, Prometheus Operator scrapes " +
    '/metrics, which ignores the parameter and returns the source Prometheus\'s own metrics instead of the federated ' +
    'series. `federate` without the leading slash and `/federate/` with a trailing one reach the handler only by accident ' +
    '(Prometheus inserts the missing slash; it answers the trailing one with a redirect), so they are warnings. Set ' +
    '`path: /federate` (keep a route prefix if the source Prometheus runs with --web.route-prefix).',
  check({ graph, report }) {
    for (const endpoint of graph.scrapeEndpoints()) {
      if (!hasMatchParam(endpoint.spec)) continue;
      const field = endpoint.pathField;
      const path = endpoint.spec[field];
      if (typeof path === 'string' && FEDERATE_PATH.test(path)) continue;
      const what = describeEndpoint(endpoint);
      let message: string;
      // The near-misses below still reach the handler in Prometheus itself (Go adds the missing leading slash when
      // it builds the scrape URL; the router answers a trailing slash with a redirect to /federate), so they are
      // warnings: fragile, not broken.
      let level: Level | undefined;
      if (path === undefined || path === null || path === '')
        message = `${what} has 'match[]' params but no ${field}, so it scrapes /metrics and the selectors are ignored; set ${field}: /federate`;
      else if (typeof path !== 'string') continue; // a wrong type is the schema check's finding
      else if (/^\/?(?:[^/]+\/)*federate\/*$/.test(path)) {
        const fixed = `/${path.replace(/^\/+|\/+$/g, '')}`;
        const slips = [path.startsWith('/') ? '' : 'without a leading slash', path.endsWith('/') ? 'with a trailing slash' : '']
          .filter((slip) => slip !== '')
          .join(' and ');
        const why = path.endsWith('/')
          ? `Prometheus answers it at best with a redirect to "${fixed}", which fails the scrape when followRedirects is false`
          : 'it works only because Prometheus inserts the slash when it builds the scrape URL';
        level = 'warning';
        message = `${what} scrapes "${path}" ${slips}; ${why}; set ${field}: ${fixed}`;
      } else message = `${what} has 'match[]' params but scrapes "${path}", which ignores them; set ${field}: /federate`;
      report({ resource: endpoint.monitor, pointer: `${endpoint.pointer}/${field}`, message, level });
    }
  },
});
