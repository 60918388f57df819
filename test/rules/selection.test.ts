// selector-matches-service and monitor-port-exists: which Services a
// ServiceMonitor selects (labels, matchExpressions, namespaceSelector, the
// default namespace), and whether the endpoint's port name exists on them and
// on a selectorless Service's hand-written Endpoints.
//
// Each fixture folder is linted as one repository, so the files use namespaces
// of their own. Expected lines and columns were read off the fixtures: the
// wrong value, or the key of the mapping that lacks something.

import fc from 'fast-check';
import { distance } from 'fastest-levenshtein';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { type Labels, closestCandidate, failedRequirements, lowestBy, requirements } from '../../src/model/selector.js';
import { type Compact, compact, lintPaths, lintText, ruleFindings } from '../helpers.js';

const SELECTOR = 'selector-matches-service';
const PORT = 'monitor-port-exists';

/** Findings of one rule only: a bad fixture may also (rightly) trip a neighbouring rule. */
async function only(ruleId: string, variant: 'bad' | 'good'): Promise<Compact[]> {
  return (await ruleFindings(ruleId, variant)).filter((finding) => finding.ruleId === ruleId);
}

function finding(ruleId: string, file: string, line: number, column: number, message: string, level = 'error'): Compact {
  return { ruleId, level, file: `test/fixtures/${ruleId}/bad/${file}`, line, column, message };
}

const selector = (file: string, line: number, column: number, message: string, level = 'error') =>
  finding(SELECTOR, file, line, column, message, level);
const port = (file: string, line: number, column: number, message: string) => finding(PORT, file, line, column, message);

// ---------------------------------------------------------------- selector-matches-service

test('selector-matches-service: bad fixtures give exactly these findings', async () => {
  assert.equal(await only(SELECTOR, 'bad'), [
    // billing-worker has no metadata.namespace ("default"): shown at the `metadata` key that lacks it
    selector(
      'default-namespace.yaml',
      33,
      1,
      'ServiceMonitor "billing-worker" selects no Service: Service "billing-worker" has the selected labels but is in namespace "billing", while the monitor looks only in namespace "default"; add "billing" to spec.namespaceSelector.matchNames or move the monitor to that namespace',
    ),
    // billing-api: the Service has no namespace, so it is in "default"; shown at `namespace: billing`
    selector(
      'default-namespace.yaml',
      47,
      14,
      'ServiceMonitor "billing-api" selects no Service: Service "billing-api" has the selected labels but is in namespace "default", while the monitor looks only in namespace "billing"; add "default" to spec.namespaceSelector.matchNames or move the monitor to that namespace',
    ),
    // the wrong value `check-out`; Service "checkout" beats "cart" on the name
    selector(
      'label-value-mismatch.yaml',
      42,
      31,
      'ServiceMonitor "checkout" selects no Service in namespace "shop": the closest, Service "checkout", has app.kubernetes.io/name=checkout, not app.kubernetes.io/name=check-out; change the Service\'s labels or the selector',
    ),
    // labels straight under `selector:`: Kubernetes drops the key and the empty selector left selects everything;
    // shown at the key that does not belong there
    selector(
      'malformed-selector.yaml',
      26,
      5,
      'ServiceMonitor "ledger" has label "app" directly under spec.selector instead of under matchLabels, so Kubernetes drops it and the empty selector left selects every Service in namespace "accounting"; write selector: {matchLabels: {app: ledger}}',
    ),
    // `operator: in`: the operator value, with the case-sensitive spelling
    selector(
      'malformed-selector.yaml',
      39,
      19,
      'ServiceMonitor "ledger-expressions" has a spec.selector.matchExpressions entry 1 (key "app") with operator "in", which is not a label selector operator (In, NotIn, Exists or DoesNotExist), so Prometheus Operator cannot use the selector and the monitor scrapes nothing; use "In" (operators are case-sensitive)',
    ),
    // matchLabels as a list: the `matchLabels` key, and the mapping it should be
    selector(
      'malformed-selector.yaml',
      51,
      5,
      'ServiceMonitor "ledger-list" has a spec.selector.matchLabels that is a list, not a mapping of label keys to values, so the API server rejects it; write matchLabels: {app: ledger}',
    ),
    // an expression without a key: the entry's first line
    selector(
      'malformed-selector.yaml',
      64,
      9,
      'ServiceMonitor "ledger-keyless" has a spec.selector.matchExpressions entry 1 without a key, so the API server rejects it; add key: <label key>',
    ),
    // In: the `- key: tier` entry
    selector(
      'match-expressions.yaml',
      30,
      9,
      'ServiceMonitor "search-frontend" selects no Service in namespace "search": the closest, Service "search-api", has tier=backend, not tier in (frontend, web); change the Service\'s labels or the selector',
    ),
    // NotIn: the second expression (the first one, app In [search], holds)
    selector(
      'match-expressions.yaml',
      47,
      9,
      'ServiceMonitor "search-stable" selects no Service in namespace "search": the closest, Service "search-api", carries label track=canary that the selector excludes (track notin (canary)); change the Service\'s labels or the selector',
    ),
    // Exists
    selector(
      'match-expressions.yaml',
      61,
      9,
      'ServiceMonitor "search-owned" selects no Service in namespace "search": the closest, Service "search-api", lacks label team; add the label to the Service or change the selector',
    ),
    // DoesNotExist: every Service of the other files lacks legacy-metrics, but that is no reason to call it a
    // namespace mistake
    selector(
      'match-expressions.yaml',
      74,
      9,
      'ServiceMonitor "search-modern" selects no Service in namespace "search": the closest, Service "search-api", carries label legacy-metrics=true that the selector excludes (!legacy-metrics); change the Service\'s labels or the selector',
    ),
    // no spec.selector at all: the CRD requires it; shown at the `spec` key that lacks it
    selector(
      'missing-selector.yaml',
      22,
      1,
      'ServiceMonitor "invoices" has no spec.selector, which the ServiceMonitor CRD requires, so the API server rejects it; add spec.selector with matchLabels that the Service to scrape carries (selector: {} selects every Service in namespace "invoicing")',
    ),
    // nothing loaded in ingress-nginx: a note at the `selector` key
    selector(
      'no-service-loaded.yaml',
      13,
      3,
      'ServiceMonitor "ingress-nginx-controller" selects no Service that fedlint can verify: no Service is loaded in namespace "ingress-nginx"; if the Service comes from the cluster or another repository, lint them together',
      'note',
    ),
    // monitoring.rhobs/v1, nothing loaded in observability, the labels exist in tracing: still a note, with the hint
    selector(
      'no-service-loaded.yaml',
      28,
      3,
      'ServiceMonitor "jaeger-collector" selects no Service that fedlint can verify: no Service is loaded in namespace "observability" (Service "jaeger-collector" in namespace "tracing" has the selected labels; if that is the one, add "tracing" to spec.namespaceSelector.matchNames or move the monitor to that namespace); if the Service comes from the cluster or another repository, lint them together',
      'note',
    ),
    // the selector value the unlabelled Service cannot satisfy
    selector(
      'unlabelled-service.yaml',
      23,
      12,
      'ServiceMonitor "payments-api" selects no Service in namespace "payments": the closest, Service "payments-api", has no labels at all (the selector wants app=payments-api); add the label to the Service or change the selector',
    ),
    // no namespaceSelector: the monitor's own namespace, shown at `namespace: monitoring`
    selector(
      'wrong-namespace.yaml',
      49,
      14,
      'ServiceMonitor "orders" selects no Service: Service "orders" has the selected labels but is in namespace "orders", while the monitor looks only in namespace "monitoring"; add "orders" to spec.namespaceSelector.matchNames or move the monitor to that namespace',
    ),
    // matchNames lacks "inventory": shown at the `matchNames` key; moving the monitor would not help
    selector(
      'wrong-namespace.yaml',
      64,
      5,
      'ServiceMonitor "inventory" selects no Service: Service "inventory" has the selected labels but is in namespace "inventory", while the monitor looks only in namespace "orders"; add "inventory" to spec.namespaceSelector.matchNames',
    ),
  ]);
});

test('selector-matches-service: a configured level applies to errors, while cannot-verify notes stay notes', async () => {
  const base = `test/fixtures/${SELECTOR}/bad`;
  const result = await lintPaths([`${base}/no-service-loaded.yaml`, `${base}/wrong-namespace.yaml`], { rules: { [SELECTOR]: 'warning' } });
  assert.equal(
    compact(result).map((f) => [f.file.slice(base.length + 1), f.line, f.level]),
    [
      ['no-service-loaded.yaml', 13, 'note'],
      ['no-service-loaded.yaml', 28, 'note'],
      ['wrong-namespace.yaml', 49, 'warning'],
      ['wrong-namespace.yaml', 64, 'warning'],
    ],
  );
});

test('selector-matches-service: a namespace-less resource is in the --namespace given', async () => {
  // With "billing" as the default, the namespace-less Service and monitor both land in "billing".
  const file = `test/fixtures/${SELECTOR}/bad/default-namespace.yaml`;
  assert.equal(compact(await lintPaths([file], { namespace: 'billing' })), []);
  assert.equal(
    compact(await lintPaths([file])).map((f) => [f.ruleId, f.line]),
    [
      [SELECTOR, 33],
      [SELECTOR, 47],
    ],
  );
});

test('selector-matches-service: the related location is the Service that has the labels', async () => {
  const result = await lintPaths([`test/fixtures/${SELECTOR}/bad/wrong-namespace.yaml`]);
  const related = result.findings.map((f) =>
    f.related.map((r) => [r.location.file.displayPath, r.location.region.startLine, r.location.region.startColumn, r.message]),
  );
  const file = `test/fixtures/${SELECTOR}/bad/wrong-namespace.yaml`;
  assert.equal(related, [
    [[file, 21, 14, 'Service "orders" in namespace "orders"']],
    [[file, 35, 14, 'Service "inventory" in namespace "inventory"']],
  ]);
});

test('selector-matches-service: good fixtures give no finding from any rule', async () => {
  assert.equal(await ruleFindings(SELECTOR, 'good'), []);
});

// ------------------------------------------------- selector-matches-service: the selector's shape, in memory

const SHOP_SERVICE = `apiVersion: v1
kind: Service
metadata: {name: api, namespace: shop, labels: {app: api}}
spec: {selector: {app: api}, ports: [{name: http, port: 8080}]}
---
`;

const shopMonitor = (name: string, body: string) => `---
apiVersion: monitoring.coreos.com/v1
kind: ServiceMonitor
metadata: {name: ${name}, namespace: shop}
${body}`;

const at = (line: number, column: number, message: string, ruleId = SELECTOR, level = 'error'): Compact => ({
  ruleId,
  level,
  file: 'shop.yaml',
  line,
  column,
  message,
});

test('selector-matches-service: keys beside matchLabels, a misspelt field, an empty selector and operators that are no operator', async () => {
  const text =
    SHOP_SERVICE +
    shopMonitor('api', 'spec:\n  selector:\n    matchLabels: {app: api}\n    tier: web\n    matchlabels: {team: a}\n  endpoints:\n    - port: http\n') +
    shopMonitor('api-null', 'spec:\n  selector:\n  endpoints:\n    - port: http\n') +
    shopMonitor('api-ops', 'spec:\n  selector:\n    matchExpressions:\n      - {key: app, operator: Exist}\n      - {key: app, operator: "="}\n  endpoints:\n    - port: http\n');
  assert.equal(compact(await lintText(text, 'shop.yaml')), [
    // matchLabels still selects "api", so the dropped label only fails to narrow the selection
    at(
      13,
      5,
      'ServiceMonitor "api" has label "tier" directly under spec.selector instead of under matchLabels, so Kubernetes drops it and the selector does not require it; move it into matchLabels: {app: api, tier: web}',
    ),
    at(
      14,
      5,
      'ServiceMonitor "api" has field "matchlabels" in spec.selector, which a label selector does not have (did you mean "matchLabels"?), so Kubernetes drops it and the selector does not require it; merge it into matchLabels',
    ),
    // `selector:` with no value: shown at the key
    at(
      22,
      3,
      'ServiceMonitor "api-null" has an empty spec.selector, which the API server treats as absent and rejects, since the ServiceMonitor CRD requires it; give it matchLabels that the Service to scrape carries (selector: {} selects every Service in namespace "shop")',
    ),
    at(
      32,
      30,
      'ServiceMonitor "api-ops" has a spec.selector.matchExpressions entry 1 (key "app") with operator "Exist", which is not a label selector operator (In, NotIn, Exists or DoesNotExist), so Prometheus Operator cannot use the selector and the monitor scrapes nothing; did you mean "Exists"?',
    ),
    at(
      33,
      30,
      'ServiceMonitor "api-ops" has a spec.selector.matchExpressions entry 2 (key "app") with operator "=", which is not a label selector operator (In, NotIn, Exists or DoesNotExist), so Prometheus Operator cannot use the selector and the monitor scrapes nothing; use "In" with values: [<label value>]',
    ),
  ]);
});

test('selector-matches-service: a selector that selects everything by mistake is one finding, not port findings on every Service', async () => {
  // Without the matchLabels level the selector picks Service "api", which has no port "metrics": the selector is
  // the mistake, so monitor-port-exists stays quiet.
  const text = SHOP_SERVICE + shopMonitor('api-all', 'spec:\n  selector: {app: nothing}\n  endpoints:\n    - port: metrics\n');
  assert.equal(compact(await lintText(text, 'shop.yaml')), [
    at(
      11,
      14,
      'ServiceMonitor "api-all" has label "app" directly under spec.selector instead of under matchLabels, so Kubernetes drops it and the empty selector left selects every Service in namespace "shop"; write selector: {matchLabels: {app: nothing}}',
    ),
  ]);
});

test('selector-matches-service: a ServiceMonitor that is plainly a partial patch may lack its selector', async () => {
  const patches = [
    // metadata only
    shopMonitor('api', ''),
    // a spec with neither selector nor endpoints
    shopMonitor('api', 'spec:\n  jobLabel: app.kubernetes.io/name\n'),
    // a strategic-merge-patch directive
    shopMonitor('api', 'spec:\n  endpoints:\n    - port: http\n      $patch: replace\n'),
  ];
  for (const patch of patches) assert.equal(compact(await lintText(SHOP_SERVICE + patch, 'shop.yaml')), [], patch);
  // The same endpoints without the directive are a whole monitor that lacks its selector.
  assert.equal(compact(await lintText(SHOP_SERVICE + shopMonitor('api', 'spec:\n  endpoints:\n    - port: http\n'), 'shop.yaml')), [
    at(
      10,
      1,
      'ServiceMonitor "api" has no spec.selector, which the ServiceMonitor CRD requires, so the API server rejects it; add spec.selector with matchLabels that the Service to scrape carries (selector: {} selects every Service in namespace "shop")',
    ),
  ]);
});

// ---------------------------------------------------------------- monitor-port-exists

test('monitor-port-exists: bad fixtures give exactly these findings', async () => {
  assert.equal(await only(PORT, 'bad'), [
    // a typo: did-you-mean
    port(
      'port-name-typo.yaml',
      30,
      13,
      'ServiceMonitor "frontend" scrapes port "metric", which is not a port name of Service "frontend" ("http" and "metrics"); use "metrics"',
    ),
    // a number where the name belongs: the port with that targetPort
    port(
      'port-name-typo.yaml',
      32,
      13,
      'ServiceMonitor "frontend" scrapes port "8080", which is not a port name of Service "frontend" ("http" and "metrics"); endpoints[].port takes the port\'s name, not its number: use "http"',
    ),
    // `port: 9113` unquoted: a number like "8080" above, with the same answer
    port(
      'port-number.yaml',
      27,
      13,
      'ServiceMonitor "nginx-exporter" scrapes port "9113", which is not a port name of Service "nginx-exporter" ("metrics"); endpoints[].port takes the port\'s name, not its number: use "metrics"',
    ),
    // monitoring.rhobs/v1: one of the two selected Services lacks the port; otel-collector has it
    port(
      'rhobs-two-services.yaml',
      43,
      13,
      'ServiceMonitor "telemetry" scrapes port "metrics", which is not a port name of Service "tempo" ("http-metrics" and "otlp-grpc"); use "http-metrics"',
    ),
    // selectorless Service: its Endpoints name the port "http"
    port(
      'selectorless-endpoints.yaml',
      62,
      13,
      'ServiceMonitor "federate-worker-a" scrapes port "web" of Service "worker-a-prometheus", but Endpoints "worker-a-prometheus" has no port named "web" (it has "http"); name its port "web"',
    ),
    // selectorless Service: its Endpoints leave the port unnamed
    port(
      'selectorless-endpoints.yaml',
      82,
      13,
      'ServiceMonitor "federate-worker-b" scrapes port "web" of Service "worker-b-prometheus", but Endpoints "worker-b-prometheus" has no port named "web" (it has an unnamed port); name its port "web"',
    ),
    // several endpoints for several Services: "store" is meant for the grpc endpoint, so only "query" is told
    // about the typo, and the grpc endpoint is not told to use "web"
    port(
      'several-endpoints.yaml',
      42,
      13,
      'ServiceMonitor "thanos" scrapes port "wbe", which is not a port name of Service "query" ("web"); use "web"',
    ),
    // ... but a port that no selected Service has is reported although each Service is meant for another endpoint
    port(
      'several-endpoints.yaml',
      44,
      13,
      'ServiceMonitor "thanos" scrapes port "metrics", which 2 of the 2 Services it selects lack ("query" and "store"); name their ports "metrics" or narrow spec.selector to the Services that have it',
    ),
    // slices split by port: "web" is in one of them (no finding), "metrics" in none
    port(
      'split-slices.yaml',
      58,
      13,
      'ServiceMonitor "remote" scrapes port "metrics" of Service "remote", but none of EndpointSlices "remote-web" and "remote-8080" has a port named "metrics" (they have "web" and "http"); add a port named "metrics" with the target\'s port number to one of them',
    ),
    // the Service's only port is unnamed
    port(
      'unnamed-service-port.yaml',
      26,
      13,
      'ServiceMonitor "redis-exporter" scrapes port "metrics" but Service "redis-exporter" has no named ports; name the Service port "metrics"',
    ),
  ]);
});

test('monitor-port-exists: the related location is the Service ports, or the Endpoints and slices that lack the name', async () => {
  const base = `test/fixtures/${PORT}/bad`;
  const result = await lintPaths([`${base}/rhobs-two-services.yaml`, `${base}/selectorless-endpoints.yaml`, `${base}/split-slices.yaml`]);
  const related = result.findings
    .filter((f) => f.ruleId === PORT)
    .map((f) => f.related.map((r) => [r.location.file.displayPath, r.location.region.startLine, r.location.region.startColumn, r.message]));
  assert.equal(related, [
    [[`${base}/rhobs-two-services.yaml`, 27, 3, 'ports of Service "tempo"']],
    [[`${base}/selectorless-endpoints.yaml`, 20, 9, 'Endpoints "worker-a-prometheus"']],
    [[`${base}/selectorless-endpoints.yaml`, 44, 9, 'Endpoints "worker-b-prometheus"']],
    [
      [`${base}/split-slices.yaml`, 20, 9, 'EndpointSlice "remote-web"'],
      [`${base}/split-slices.yaml`, 35, 9, 'EndpointSlice "remote-8080"'],
    ],
  ]);
});

test('monitor-port-exists: good fixtures give no finding from any rule', async () => {
  assert.equal(await ruleFindings(PORT, 'good'), []);
});

test('monitor-port-exists: a selector that catches many Services without the port is one finding, not one per Service', async () => {
  const services = ['alpha', 'beta', 'gamma', 'delta', 'epsilon']
    .map((name) => `apiVersion: v1\nkind: Service\nmetadata: {name: ${name}, namespace: apps, labels: {team: a}}\nspec: {selector: {app: ${name}}, ports: [{name: grpc, port: 9000}]}\n---\n`)
    .join('');
  const monitor = 'apiVersion: monitoring.coreos.com/v1\nkind: ServiceMonitor\nmetadata: {name: team-a, namespace: apps}\nspec:\n  selector: {matchLabels: {team: a}}\n  endpoints:\n    - port: http\n';
  const result = await lintText(services + monitor, 'many.yaml');
  assert.equal(compact(result), [
    {
      ruleId: 'monitor-port-exists',
      level: 'error',
      file: 'many.yaml',
      line: 32,
      column: 13,
      message:
        'ServiceMonitor "team-a" scrapes port "http", which 5 of the 5 Services it selects lack ("alpha", "beta", "gamma" and 2 more); name their ports "http" or narrow spec.selector to the Services that have it',
    },
  ]);
  assert.is(result.findings[0]!.related.length, 5);
});

test('selector-matches-service: an unlabelled Service is said to have no labels once, with everything the selector wants', async () => {
  const text = [
    'apiVersion: v1',
    'kind: Service',
    'metadata: {name: web, namespace: shop}',
    'spec: {selector: {app: web}, ports: [{name: http, port: 80}]}',
    '---',
    'apiVersion: monitoring.coreos.com/v1',
    'kind: ServiceMonitor',
    'metadata: {name: web, namespace: shop}',
    'spec:',
    '  selector: {matchLabels: {app: web, tier: front}}',
    '  endpoints: [{port: http}]',
    '',
  ].join('\n');
  const [finding] = compact(await lintText(text)).filter((f) => f.ruleId === 'selector-matches-service');
  assert.is(
    finding!.message,
    'ServiceMonitor "web" selects no Service in namespace "shop": the closest, Service "web", has no labels at all (the selector wants app=web and tier=front); add the label to the Service or change the selector',
  );
});

test('the closest candidate is the one failing fewest requirements, then of the nearest name, the first of equals', () => {
  // closestCandidate prunes (by failed count, then by name length) what lowestBy over the same key compares in full.
  const value = fc.constantFrom('web', 'api', 'worker', 'worker-1');
  const labels = fc.dictionary(fc.constantFrom('app', 'tier', 'team'), value, { maxKeys: 3 });
  const candidate = fc.record({ name: fc.constantFrom('', 'w', 'web', 'web-1', 'worker', 'worker-9', 'prometheus', 'prom', 'api'), labels });
  const expression = fc.record({
    key: fc.constantFrom('app', 'tier', 'team'),
    operator: fc.constantFrom('In', 'NotIn', 'Exists', 'DoesNotExist'),
    values: fc.array(value, { maxLength: 2 }),
  });
  const selector = fc.record({ matchLabels: labels, matchExpressions: fc.array(expression, { maxLength: 2 }) });
  const near = fc.constantFrom('', 'web', 'worker-1', 'prometheus-k8s');
  fc.assert(
    fc.property(fc.array(candidate, { minLength: 1, maxLength: 12 }), selector, near, (candidates, written, wanted) => {
      const reqs = requirements(written)!;
      const byLabels = (item: { labels: Labels }) => item.labels;
      const byName = (item: { name: string }) => item.name;
      const expected = lowestBy(candidates, (item) => [failedRequirements(reqs, item.labels).length, distance(wanted, item.name)]);
      assert.ok(closestCandidate(candidates, reqs, byLabels, byName, wanted) === expected);
    }),
    { numRuns: 3000 },
  );
});

test.run();
