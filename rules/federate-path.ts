import { describeEndpoint, hasMatchParam } from '../src/graph.js';
import { defineRule } from '../src/rule.js';

/** `/federate`, or `/federate` under a route prefix (`--web.route-prefix=/prometheus`). */
const FEDERATE_PATH = /^\/(?:[^/]+\/)*federate$/;

export default defineRule({
  id: 'federate-path',
  level: 'error',
  summary: "An endpoint with 'match[]' params scrapes path /federate",
  help:
    "'match[]' only means something to Prometheus's /federate handler. Without `path`, Prometheus Operator scrapes " +
    '/metrics, which ignores the parameter and returns the source Prometheus\'s own metrics instead of the federated ' +
    'series; `federate` without the leading slash and `/federate/` with a trailing one are not the handler either. Set ' +
    '`path: /federate` (keep a route prefix if the source Prometheus runs with --web.route-prefix).',
  check({ graph, report }) {
    for (const endpoint of graph.monitorEndpoints()) {
      if (!hasMatchParam(endpoint.spec)) continue;
      const path = endpoint.spec.path;
      if (typeof path === 'string' && FEDERATE_PATH.test(path)) continue;
      const what = describeEndpoint(endpoint);
      let message: string;
      if (path === undefined || path === null || path === '')
        message = `${what} has 'match[]' params but no path, so it scrapes /metrics and the selectors are ignored; set path: /federate`;
      else if (typeof path !== 'string') continue; // a wrong type is the schema check's finding
      else if (/^\/(?:[^/]+\/)*federate\/+$/.test(path))
        message = `${what} scrapes "${path}" with a trailing slash, which is not Prometheus's federation handler; set path: ${path.replace(/\/+$/, '')}`;
      else if (/^(?:[^/]+\/)*federate$/.test(path))
        message = `${what} scrapes "${path}" without a leading slash, which breaks the scrape URL; set path: /${path}`;
      else message = `${what} has 'match[]' params but scrapes "${path}", which ignores them; set path: /federate`;
      report({ resource: endpoint.monitor, pointer: `${endpoint.pointer}/path`, message });
    }
  },
});
