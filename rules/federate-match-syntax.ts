import { describeEndpoint } from '../src/model/graph.js';
import { matchSelectors } from '../src/lang/promql.js';
import { defineRule } from '../src/check/rule.js';

export default defineRule({
  id: 'federate-match-syntax',
  level: 'error',
  perResource: true,
  summary: "Every 'match[]' value is a PromQL series selector that Prometheus accepts",
  help:
    "Prometheus's /federate parses each `match[]` value as a PromQL series selector: a metric name and/or label " +
    'matchers in braces, such as `up{job="node"}` or `{__name__=~"job:.*"}`. Anything else (a function call such as ' +
    '`rate(x[5m])`, a comparison such as `up == 1`, a range `[5m]` or `offset`, an unquoted label value, an unknown ' +
    'escape such as `"\\d"` in a PromQL string, a regex that Go\'s RE2 cannot compile) makes Prometheus answer the ' +
    'whole federation request with HTTP 400, so the main cluster gets no data at all. Regexes are fully anchored and ' +
    'use RE2 syntax: there is no look-ahead, look-behind or back-reference; exclude series with a separate ' +
    '`label!~"…"` matcher instead, and write a regex backslash as `\\\\` in a "…" string or quote the regex in ' +
    'backticks.\n\n' +
    'A selector whose matchers all accept the empty string (`{__name__!~"go_.*"}`, `{job=~".*"}`) matches ' +
    'series by what they lack: PromQL refuses it ("vector selector must contain at least one non-empty matcher"), ' +
    "and /federate, which skips that check, sends every series it does not exclude. A selector that names the metric " +
    'twice (`up{__name__="x"}`) is refused by PromQL too ("metric name must not be set twice"), while /federate ' +
    'applies both conditions. These two are warnings. Fix the selector at the reported position; the Prometheus UI ' +
    'shows what a selector matches.',
  check({ graph, report }) {
    for (const endpoint of graph.federationEndpoints()) {
      for (const { index, selector } of matchSelectors(endpoint)) {
        const { problem } = selector;
        if (!problem) continue;
        report({
          resource: endpoint.monitor,
          pointer: `${endpoint.pointer}/params/match[]/${index}`,
          span: problem.span,
          level: problem.refused ? undefined : 'warning',
          message: `${describeEndpoint(endpoint)} has a 'match[]' selector (entry ${index + 1}) that ${problem.refused ? 'Prometheus refuses' : 'is not a proper series selector'}: ${problem.message}`,
        });
      }
    }
  },
});
