import { describeEndpoint } from '../src/model/graph.js';
import { breadth, matchSelectors, preview } from '../src/lang/promql.js';
import { defineRule } from '../src/check/rule.js';

export default defineRule({
  id: 'federate-match-broad',
  level: 'warning',
  perResource: true,
  summary: "A 'match[]' selector does not federate every series of the worker",
  help:
    'Federation is meant to ship a chosen, small set of series (typically aggregated recording rules) to the main ' +
    'cluster. A selector that names no metric and no label value, such as `{__name__=~".+"}` or `{job=~".+"}`, ' +
    'makes every scrape of /federate serialise the whole worker: scrapes grow slow and time out, and the main ' +
    'Prometheus stores every series twice. Negative matchers (`__name__!~"apiserver_.*_bucket"`) only leave a few ' +
    'out. Name the jobs you need (`{job="node"}`, `{job=~"node|kubelet"}`), or federate recording rules ' +
    '(`{__name__=~"job:.*"}`) and keep the raw series on the worker. If the main cluster really needs everything, ' +
    'remote write or a shared long-term store (Thanos, Mimir) does it without the scrape.',
  check({ graph, report }) {
    for (const endpoint of graph.federationEndpoints()) {
      for (const { index, selector } of matchSelectors(endpoint)) {
        const broad = breadth(selector);
        if (!broad) continue;
        const { matcher, required, excludes } = broad;
        const others = required.filter((label) => label !== '__name__');
        const having = others.length === 0 ? '' : ` that has ${others.map((label) => `a ${label}`).join(' and ')} label`;
        const written = selector.text.slice(matcher.span.start, matcher.span.end);
        const what = matcher.label === '__name__' ? 'metric name' : `${matcher.label} value`;
        const accepts = matcher.op === '=~' ? `${written} accepts any ${what}` : `${written} only requires a ${what}`;
        report({
          resource: endpoint.monitor,
          pointer: `${endpoint.pointer}/params/match[]/${index}`,
          span: matcher.span,
          message:
            `${describeEndpoint(endpoint)} federates every series of the worker${having}${excludes ? ' bar a few it excludes' : ''}: ` +
            `'match[]' selector ${preview(selector.text.trim(), 80)} names no metric and no label value (${accepts}); ` +
            'name the jobs you need ({job="…"}) or federate recording rules ({__name__=~"job:.*"})',
        });
      }
    }
  },
});
