import { describeEndpoint } from '../src/graph.js';
import { isObject } from '../src/parse.js';
import { defineRule } from '../src/rule.js';

export default defineRule({
  id: 'federate-match-required',
  level: 'error',
  summary: "A federation endpoint passes at least one non-empty 'match[]' selector",
  help:
    "Prometheus's /federate returns nothing unless the request carries one or more `match[]` series selectors, and it " +
    'rejects the whole request (HTTP 400) when one of them is empty. The parameter name must be exactly `match[]` ' +
    "(quote it in YAML: 'match[]'); `match` is ignored. Add params: {'match[]': ['{job=\"prometheus\"}']}, with " +
    'selectors as narrow as the main cluster needs.',
  check({ graph, report }) {
    for (const endpoint of graph.federationEndpoints()) {
      const what = describeEndpoint(endpoint);
      const params = endpoint.spec.params;
      const base = `${endpoint.pointer}/params`;
      if (!isObject(params) || !('match[]' in params)) {
        const misspelt = isObject(params) ? Object.keys(params).find((key) => key.trim().replace(/\[\s*\]?$/, '').toLowerCase() === 'match') : undefined;
        report({
          resource: endpoint.monitor,
          pointer: misspelt !== undefined ? `${base}/${misspelt}` : isObject(params) ? base : endpoint.pointer,
          message:
            misspelt !== undefined
              ? `${what} passes param "${misspelt}", but Prometheus's /federate reads only "match[]"; rename the key to 'match[]'`
              : `${what} scrapes /federate without a 'match[]' param, so it federates no series; add params: {'match[]': ['{job="…"}']}`,
        });
        continue;
      }
      const selectors = params['match[]'];
      // `'match[]':` with no value is null, which the API server reads as an empty list.
      if (selectors !== null && !Array.isArray(selectors)) continue; // a string here is the schema check's finding
      if (selectors === null || selectors.length === 0) {
        report({
          resource: endpoint.monitor,
          pointer: `${base}/match[]`,
          message: `${what} has an empty 'match[]' list, so it federates no series; add at least one series selector`,
        });
        continue;
      }
      selectors.forEach((selector: unknown, index: number) => {
        if (typeof selector === 'string' && selector.trim() !== '') return;
        if (typeof selector !== 'string' && selector !== null) return; // wrong type: the schema check's finding
        report({
          resource: endpoint.monitor,
          pointer: `${base}/match[]/${index}`,
          message: `${what} has an empty 'match[]' selector (entry ${index + 1}); Prometheus rejects the whole federation request with HTTP 400, so remove it or write a selector`,
        });
      });
    }
  },
});
