// The PromQL match[] rules: federate-match-syntax (each match[] value is a
// series selector Prometheus accepts, its regexes RE2) and federate-match-broad
// (no selector federates the whole worker). Each bad fixture gives exactly one
// finding, pointing inside the YAML string at the bad part; good fixtures none.

import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { breadth, matchesEveryNonEmptyString, parseSeriesSelector, regexError, unquote } from '../../src/lang/promql.js';
import { scalarOffsets } from '../../src/load/scalar-offsets.js';
import { compact, lintText, ruleFindings } from '../helpers.js';

const DIR = 'test/fixtures';

// ---------------------------------------------------------------- federate-match-syntax

const REFUSED = (who: string, entry: number) => `${who} has a 'match[]' selector (entry ${entry}) that Prometheus refuses: `;

test('federate-match-syntax: bad fixtures, each pointing inside the string', async () => {
  const file = (name: string) => `${DIR}/federate-match-syntax/bad/${name}`;
  assert.equal(await ruleFindings('federate-match-syntax', 'bad'), [
    {
      ruleId: 'federate-match-syntax',
      level: 'error',
      file: file('escape.yaml'),
      // The YAML string is double-quoted: `\\d` in the file (column 49) is the `\d` of the selector.
      line: 42,
      column: 49,
      message:
        REFUSED('ServiceMonitor "worker-eu-2" endpoint "web"', 1) +
        '\\d is not an escape PromQL knows in a "…" string (Prometheus: "unknown escape sequence"); for a regex escape write \\\\d, or put the regex in backticks: `…\\d…`',
    },
    {
      ruleId: 'federate-match-syntax',
      level: 'error',
      file: file('function-call.yaml'),
      // The whole expression, from `sum` on (the quote is column 13).
      line: 43,
      column: 14,
      message:
        REFUSED('ServiceMonitor "worker-eu" endpoint "web"', 2) +
        'it is an aggregation, not a series selector; /federate takes only a metric name and/or {label matchers}, such as up{job="node"} (federate a recording rule to ship computed series)',
    },
    {
      ruleId: 'federate-match-syntax',
      level: 'error',
      file: file('lookahead.yaml'),
      // The regex's string literal, `"node_(?!scrape_).*"`.
      line: 41,
      column: 37,
      message:
        REFUSED('ServiceMonitor "worker-me" endpoint "web"', 1) +
        "the __name__=~ regex 'node_(?!scrape_).*' does not compile as Go's RE2, which Prometheus uses: invalid or unsupported Perl syntax: `(?!`; " +
        'RE2 has no look-ahead or look-behind: exclude with a separate label!~"…" matcher instead',
    },
    {
      ruleId: 'federate-match-syntax',
      level: 'error',
      file: file('missing-braces.yaml'),
      line: 41,
      column: 14,
      message: REFUSED('ServiceMonitor "worker-sa" endpoint "web"', 1) + 'label matchers go inside braces: {job="kubelet"}',
    },
    {
      ruleId: 'federate-match-syntax',
      level: 'warning',
      file: file('no-non-empty-matcher.yaml'),
      // The whole selector: no single matcher is wrong.
      line: 42,
      column: 14,
      message:
        'ServiceMonitor "worker-us-2" endpoint "web" has a \'match[]\' selector (entry 1) that is not a proper series selector: ' +
        'none of its matchers requires a non-empty value (each also matches series without the label): PromQL refuses such a selector ' +
        '("vector selector must contain at least one non-empty matcher"), and /federate, which does not check it, sends every series it does not exclude; ' +
        'name a metric or add a matcher such as job="…"',
    },
    {
      ruleId: 'federate-match-syntax',
      level: 'error',
      file: file('range.yaml'),
      // `[5m]`.
      line: 41,
      column: 31,
      message:
        REFUSED('ServiceMonitor "worker-us" endpoint "web"', 1) +
        "'[5m]' makes it a range selector, not a series selector; /federate takes the selector alone: up{job=\"kubelet\"}",
    },
    {
      ruleId: 'federate-match-syntax',
      level: 'error',
      file: file('unclosed-string.yaml'),
      // The opening quote of the string that never closes.
      line: 41,
      column: 19,
      message: REFUSED('ServiceMonitor "worker-af" endpoint "web"', 1) + `the string '"node}' has no closing "; close it`,
    },
    {
      ruleId: 'federate-match-syntax',
      level: 'error',
      file: file('unquoted-value.yaml'),
      // `node`.
      line: 41,
      column: 19,
      message: REFUSED('ServiceMonitor "worker-ap" endpoint "web"', 1) + 'the value in job=node must be a quoted string: job="node"',
    },
  ]);
});

test('federate-match-syntax: good fixtures (names, matchers, RE2 regexes, PromQL escapes, backticks) give no finding from any rule', async () => {
  assert.equal(await ruleFindings('federate-match-syntax', 'good'), []);
});

// ---------------------------------------------------------------- federate-match-broad

const ADVICE = 'name the jobs you need ({job="…"}) or federate recording rules ({__name__=~"job:.*"})';

test('federate-match-broad: bad fixtures', async () => {
  const file = (name: string) => `${DIR}/federate-match-broad/bad/${name}`;
  assert.equal(await ruleFindings('federate-match-broad', 'bad'), [
    {
      ruleId: 'federate-match-broad',
      level: 'warning',
      file: file('job-any.yaml'),
      // `job=~".+"`, inside the braces.
      line: 41,
      column: 15,
      message: `ServiceMonitor "worker-us" endpoint "web" federates every series of the worker that has a job label: 'match[]' selector '{job=~".+"}' names no metric and no label value (job=~".+" accepts any job value); ${ADVICE}`,
    },
    {
      ruleId: 'federate-match-broad',
      level: 'warning',
      file: file('name-any.yaml'),
      // `__name__=~".+"`: the exclusion next to it does not narrow it.
      line: 42,
      column: 15,
      message:
        `ServiceMonitor "worker-eu" endpoint "web" federates every series of the worker bar a few it excludes: 'match[]' selector '{__name__=~".+", __name__!~"apiserver_.*_bucket|etcd_.*_bucket"}' ` +
        `names no metric and no label value (__name__=~".+" accepts any metric name); ${ADVICE}`,
    },
    {
      ruleId: 'federate-match-broad',
      level: 'warning',
      file: file('name-not-empty.yaml'),
      // The second entry; the first, {job="node"}, is fine.
      line: 42,
      column: 15,
      message: `ServiceMonitor "worker-ap" endpoint "web" federates every series of the worker: 'match[]' selector '{__name__!=""}' names no metric and no label value (__name__!="" only requires a metric name); ${ADVICE}`,
    },
  ]);
});

test('federate-match-broad: good fixtures (recording rules, named jobs, a name regex next to an equality) give no finding from any rule', async () => {
  assert.equal(await ruleFindings('federate-match-broad', 'good'), []);
});

// ------------------------------------------------------------- in memory: positions

const FEDERATION = (entries: string, kind = 'ServiceMonitor') => `apiVersion: monitoring.coreos.com/v1
kind: ${kind}
metadata: {name: worker, namespace: mon}
spec:
  selector: {matchLabels: {app: worker}}
  endpoints:
    - port: web
      path: /federate
      honorLabels: true
      params:
        'match[]':
${entries}
      relabelings: [{targetLabel: cluster, replacement: eu}]
`;

/** Findings of the two match[] rules, with the full region. */
async function matchFindings(text: string) {
  return (await lintSourcesRegions(text)).filter((finding) => finding.ruleId.startsWith('federate-match-'));
}

async function lintSourcesRegions(text: string) {
  return (await lintText(text, 'x.yaml')).findings.map((finding) => ({
    ruleId: finding.ruleId,
    level: finding.level,
    region: [finding.location.region.startLine, finding.location.region.startColumn, finding.location.region.endLine, finding.location.region.endColumn],
    message: finding.message,
  }));
}

const at = async (text: string) => (await matchFindings(text)).map((finding) => finding.region);

test('the region maps through YAML quoting: plain, single-quoted (with \'\' escapes), double-quoted (with escapes), anchored, tagged', async () => {
  // `b` of `a=b`, after two '' escapes: the file has 4 more characters than the value before it.
  assert.equal(await at(FEDERATION("          - '{job=~''node'', a=b}'")), [[12, 32, 12, 33]]);
  // A plain scalar is its own value.
  assert.equal(await at(FEDERATION('          - up{job=node}')), [[12, 20, 12, 24]]);
  // \" and a \u00e9 escape before the token.
  assert.equal(await at(FEDERATION('          - "{job=\\"\\u00e9\\", a=b}"')), [[12, 33, 12, 34]]);
  // An anchor or a tag in front does not shift the column.
  assert.equal(await at(FEDERATION("          - &sel '{job=node}'")), [[12, 24, 12, 28]]);
  assert.equal(await at(FEDERATION("          - !!str '{job=node}'")), [[12, 25, 12, 29]]);
  // Several findings in one list each point at their own entry; in `"(a)\1"`, PromQL's lexer already fails on `\1`
  // (an octal escape wants three digits), before the regex is compiled.
  assert.equal(await at(FEDERATION("          - '{job=\"node\"}'\n          - 'rate(x[5m])'\n          - '{job=~\"(a)\\1\"}'")), [
    [13, 14, 13, 25],
    [14, 24, 14, 26],
  ]);
});

test('the region falls back to the whole value where the source does not map character by character', async () => {
  // A block scalar, and a quoted string folded over two lines: the value as a whole.
  assert.equal(await at(FEDERATION('          - >-\n            {job=node}')), [[12, 13, 13, 23]]);
  assert.equal(await at(FEDERATION('          - "{job=\n            node}"')), [[12, 13, 13, 19]]);
});

test('scalarOffsets: each value character to its source range, or null when the raw text is not that value', async () => {
  assert.equal(scalarOffsets("'a''b'", "a'b"), { starts: [1, 2, 4], ends: [2, 4, 5] });
  assert.equal(scalarOffsets('"a\\"\\u00e9"', 'a"é'), { starts: [1, 2, 4], ends: [2, 4, 10] });
  // An astral code point is two UTF-16 units, both from the same escape.
  assert.equal(scalarOffsets('"\\U0001F600"', '😀'), { starts: [1, 1], ends: [11, 11] });
  assert.equal(scalarOffsets('up', 'up'), { starts: [0, 1], ends: [1, 2] });
  assert.is(scalarOffsets('*alias', 'up'), null);
  assert.is(scalarOffsets('"a\\qb"', 'aqb'), null); // an escape YAML does not have
  assert.is(scalarOffsets("'a\n  b'", 'a b'), null);
});

// ------------------------------------------------------------- in memory: messages

const syntaxMessage = async (selector: string) => {
  const findings = await matchFindings(FEDERATION(`          - '${selector.replace(/'/g, "''")}'`));
  return findings.map((finding) => `${finding.ruleId} ${finding.level}: ${finding.message.replace(/^ServiceMonitor "worker" endpoint "web" has a 'match\[\]' selector \(entry 1\) that /, '')}`);
};

test('federate-match-syntax: what /federate refuses, said the way a person fixes it', async () => {
  assert.equal(await syntaxMessage('up == 1'), [
    'federate-match-syntax error: Prometheus refuses: it is a binary operation, not a series selector; /federate takes only a metric name and/or {label matchers}, such as up{job="node"} (federate a recording rule to ship computed series)',
  ]);
  assert.equal(await syntaxMessage('up offset 5m'), [
    "federate-match-syntax error: Prometheus refuses: 'offset 5m' makes it an offset modifier, not a series selector; /federate takes the selector alone: up",
  ]);
  assert.equal(await syntaxMessage('{job="a" job="b"}'), [
    `federate-match-syntax error: Prometheus refuses: unexpected 'job'; separate matchers with "," and close them with "}"`,
  ]);
  assert.equal(await syntaxMessage('{job="a"'), ['federate-match-syntax error: Prometheus refuses: the selector ends before its closing "}"; add it']);
  assert.equal(await syntaxMessage('{job=~}'), ['federate-match-syntax error: Prometheus refuses: job=~ needs a quoted value, as in job=~"…"']);
  assert.equal(await syntaxMessage('{app.kubernetes.io/name="x"}'), [
    'federate-match-syntax error: Prometheus refuses: a label name holds only letters, digits and _; quote any other name: "app.kubernetes.io/name"=…',
  ]);
  assert.equal(await syntaxMessage('{job=~"(?<=kube)let"}'), [
    "federate-match-syntax error: Prometheus refuses: the job=~ regex '(?<=kube)let' does not compile as Go's RE2, which Prometheus uses: invalid named capture: `(?<=kube)let`; " +
      'RE2 has no look-ahead or look-behind: exclude with a separate label!~"…" matcher instead',
  ]);
  assert.equal(await syntaxMessage('{job=~"(a)\\\\1"}'), [
    "federate-match-syntax error: Prometheus refuses: the job=~ regex '(a)\\1' does not compile as Go's RE2, which Prometheus uses: invalid escape sequence: `\\1`; RE2 has no back-references",
  ]);
  assert.equal(await syntaxMessage('{job=~"node++"}'), [
    "federate-match-syntax error: Prometheus refuses: the job=~ regex 'node++' does not compile as Go's RE2, which Prometheus uses: invalid nested repetition operator: `++`; RE2 has no atomic groups or possessive quantifiers",
  ]);
  // Regexes are compiled alone first, as Prometheus parses them before anchoring: `a)(b` is no regex.
  assert.equal(await syntaxMessage('{job=~"a)(b"}'), [
    "federate-match-syntax error: Prometheus refuses: the job=~ regex 'a)(b' does not compile as Go's RE2, which Prometheus uses: unexpected ): `a)(b`",
  ]);
});

test('federate-match-syntax: what only PromQL refuses is a warning that says what /federate does instead', async () => {
  assert.equal(await syntaxMessage('up{__name__="node_load1"}'), [
    'federate-match-syntax warning: is not a proper series selector: it sets the metric name twice, up before the braces and __name__="node_load1" inside them: ' +
      'PromQL refuses that ("metric name must not be set twice"), and /federate, which does not check it, applies both; keep one',
  ]);
  assert.equal(await syntaxMessage('{}'), [
    'federate-match-syntax warning: is not a proper series selector: it has no matcher at all: PromQL refuses it ("vector selector must contain at least one non-empty matcher"); name a metric or add a matcher such as job="…"',
  ]);
  // {job=~".*"} and {job=""} accept series without a job: not broad (that rule stays silent), but not a selector either.
  for (const selector of ['{job=~".*"}', '{job=""}', '{__name__!~"go_.*"}', '{job!="node"}'])
    assert.equal((await syntaxMessage(selector)).map((line) => line.split(':')[0]), ['federate-match-syntax warning'], selector);
  // A regex that does not match "" in a !~ matcher... still matches series without the label: `{a!~".+"}` is empty too.
  assert.equal((await syntaxMessage('{a!~".+"}')).length, 1);
  // ...while `!=""`, `!~""` and a name need a value.
  for (const selector of ['{job!=""}', '{job!~""}', 'up', '{"up"}']) assert.equal((await syntaxMessage(selector)).filter((line) => line.startsWith('federate-match-syntax')), [], selector);
});

test('federate-match-syntax: ScrapeConfig params and PodMonitor endpoints are checked the same way', async () => {
  const scrapeConfig = `apiVersion: monitoring.coreos.com/v1alpha1
kind: ScrapeConfig
metadata: {name: worker-ap, namespace: mon}
spec:
  metricsPath: /federate
  honorLabels: true
  params:
    match[]: ['{job=node}']
  staticConfigs: [{targets: ['prometheus.worker-ap.example:9090'], labels: {cluster: worker-ap}}]
`;
  assert.equal(
    (await lintSourcesRegions(scrapeConfig)).filter((finding) => finding.ruleId === 'federate-match-syntax'),
    [{ ruleId: 'federate-match-syntax', level: 'error', region: [8, 21, 8, 25], message: `${REFUSED('ScrapeConfig "worker-ap"', 1)}the value in job=node must be a quoted string: job="node"` }],
  );
  const podMonitor = FEDERATION("          - 'sum(up)'").replace('endpoints:', 'podMetricsEndpoints:');
  assert.equal((await matchFindings(podMonitor.replace('ServiceMonitor', 'PodMonitor'))).map((finding) => [finding.ruleId, finding.region]), [['federate-match-syntax', [12, 14, 12, 21]]]);
});

test('federate-match-syntax: empty entries and non-strings are left to federate-match-required and the schema check', async () => {
  const findings = compact(await lintText(FEDERATION("          - ''\n          - 42\n          - '{job=\"node\"}'"))).filter((finding) => finding.ruleId.startsWith('federate-match-'));
  assert.equal(findings.map((finding) => finding.ruleId), ['federate-match-required']);
});

// ---------------------------------------------------------------- the analysis itself

test('matchesEveryNonEmptyString: proven on the compiled RE2 program, not guessed from samples', async () => {
  for (const re of ['.+', '.*', '(.+)', '.{1,}', '.+?', '..*', '.*.', '^.+$', '[\\s\\S]+', '(?:.|\\n)+', '.+|job:.*', '(?i)K.*|[^k].*', '[^a].*|a.*'])
    assert.ok(matchesEveryNonEmptyString(re), re);
  // `.{2,}` misses one-character names; `[^a]*|a.*` misses "ba"; (?-s:.+) misses a newline; the Kelvin sign K folds to k.
  for (const re of ['a.*', '.{2,}', '.', '[^a]*|a.*', '(?-s:.+)', '(?i)[^k].*|k', '[a-z_:][a-z0-9_:]*', '.+x|.', 'job:.+'])
    assert.not.ok(matchesEveryNonEmptyString(re), re);
  // Word boundaries and line anchors are not modelled: not proven, so not broad.
  assert.not.ok(matchesEveryNonEmptyString('\\b.+|.+'));
  assert.not.ok(matchesEveryNonEmptyString('(?m)^.+'));
});

test('breadth: broad only when no matcher provably narrows the selector', async () => {
  const broad = (selector: string) => breadth(parseSeriesSelector(selector)) !== null;
  for (const selector of ['{__name__=~".+"}', '{__name__=~".*", job=~".+"}', '{job=~".+"}', '{__name__!=""}', '{__name__=~"(.+)", job!~"kube.*"}', '{__name__=~".{1,}"}'])
    assert.ok(broad(selector), selector);
  for (const selector of ['{__name__=~"job:.+"}', '{__name__=~".+", job="node"}', 'up', '{job=~"node|kubelet"}', '{__name__=~".*"}', '{job=~"(?i)node.*"}', '{job=node}'])
    assert.not.ok(broad(selector), selector);
});

test('unquote and regexError follow Prometheus: Go escapes in "…" and \'…\', none in `…`, RE2 with DotNL', async () => {
  assert.equal(unquote('"a\\\\d\\n\\x41\\101\\u00e9"'), { value: 'a\\d\nAAé' });
  assert.equal(unquote("'it\\'s'"), { value: "it's" });
  assert.equal(unquote('`a\\d`'), { value: 'a\\d' });
  assert.equal(unquote('"\\\'"'), { at: 1, length: 2, message: '\\\' is not an escape PromQL knows in a "…" string (Prometheus: "unknown escape sequence"); for a regex escape write \\\\\', or put the regex in backticks: `…\\\'…`' });
  assert.equal(unquote('"\\uD800"'), { at: 1, length: 6, message: '\\uD800 is not a valid escape in a PromQL string (\\u takes 4 hex digits of a valid code point)' });
  // `\1` meant as a back-reference is an unfinished octal escape to PromQL.
  assert.equal(unquote('"(a)\\1"'), { at: 4, length: 2, message: '\\1 is not a valid escape in a PromQL string (an octal escape takes three digits, up to \\377, and RE2 has no back-references)' });
  assert.is(regexError('node_.+'), null);
  assert.is(regexError('(?P<name>x)|(?<other>y)'), null);
  assert.match(regexError('x{1001}')!, /invalid repeat count/);
  // Prometheus matches with (?s): `.` also matches a newline, so `.+` is a full wildcard.
  assert.ok(parseSeriesSelector('{a=~".+"}').problem === null);
});

test.run();
