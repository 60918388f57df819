// Prometheus selection: prometheus-selects-monitor (which monitors a
// Prometheus, PrometheusAgent or MonitoringStack picks up), service-selects-
// prometheus (a Service that exposes the operator's Prometheus pods), and the
// serviceDiscoveryRole check of endpoints-name-match (issue 3, item 14).
//
// Each prometheus-selects-monitor bad fixture is its own repository (a loaded
// Prometheus judges every monitor of the run, so they are linted one by one);
// the service-selects-prometheus fixtures use a namespace each and are linted
// as one folder. Expected lines and columns were read off the fixtures.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { lintSources } from '../../src/index.js';
import { makeSourceFile } from '../../src/load/parse.js';
import { type Compact, ROOT, compact, lintPaths, lintText, ruleFindings } from '../helpers.js';

const SELECTS = 'prometheus-selects-monitor';
const SERVICE = 'service-selects-prometheus';
const NAME = 'endpoints-name-match';

function finding(ruleId: string, file: string, line: number, column: number, message: string, level = 'error'): Compact {
  return { ruleId, level, file: `test/fixtures/${ruleId}/bad/${file}`, line, column, message };
}

/** The findings of some rules only, for text linted in memory. */
function of(ruleIds: string[], findings: Compact[]): Compact[] {
  return findings.filter((f) => ruleIds.includes(f.ruleId));
}

/** All findings for one bad fixture of prometheus-selects-monitor, linted as a repository of its own. */
async function selectsFixture(file: string): Promise<Compact[]> {
  return compact(await lintPaths([`test/fixtures/${SELECTS}/bad/${file}`]));
}

// ---------------------------------------------------------------- prometheus-selects-monitor

test('prometheus-selects-monitor: an absent serviceMonitorSelector selects none (shown at the monitor\'s labels)', async () => {
  assert.equal(await selectsFixture('selector-absent.yaml'), [
    finding(
      SELECTS,
      'selector-absent.yaml',
      45,
      3,
      'ServiceMonitor "worker-eu" is selected by no Prometheus: Prometheus "main" in namespace "monitoring" has no serviceMonitorSelector, which selects no ServiceMonitor; set serviceMonitorSelector: {} to select every ServiceMonitor, or give it matchLabels that this ServiceMonitor carries',
    ),
  ]);
});

test('prometheus-selects-monitor: a label value the selector does not want', async () => {
  assert.equal(await selectsFixture('label-mismatch.yaml'), [
    finding(
      SELECTS,
      'label-mismatch.yaml',
      34,
      3,
      'ServiceMonitor "billing-api" is selected by no Prometheus: Prometheus "main" in namespace "monitoring" selects ServiceMonitors with release=main (serviceMonitorSelector), but the ServiceMonitor has release=staging; change the ServiceMonitor\'s labels or serviceMonitorSelector',
    ),
  ]);
});

test('prometheus-selects-monitor: an absent namespace selector is the own namespace only; a ScrapeConfig without labels is shown at its name', async () => {
  assert.equal(await selectsFixture('other-namespace.yaml'), [
    finding(
      SELECTS,
      'other-namespace.yaml',
      46,
      3,
      'ServiceMonitor "worker-us" is selected by no Prometheus: Prometheus "main" in namespace "monitoring" looks for ServiceMonitors only in its own namespace (serviceMonitorNamespaceSelector is not set), not in "federation"; set serviceMonitorNamespaceSelector: {} (every namespace) or a selector that matches namespace "federation", or move the ServiceMonitor to "monitoring"',
    ),
    finding(
      SELECTS,
      'other-namespace.yaml',
      67,
      3,
      'ScrapeConfig "worker-ap" is selected by no Prometheus: Prometheus "main" in namespace "monitoring" looks for ScrapeConfigs only in its own namespace (scrapeConfigNamespaceSelector is not set), not in "federation"; set scrapeConfigNamespaceSelector: {} (every namespace) or a selector that matches namespace "federation", or move the ScrapeConfig to "monitoring"',
    ),
  ]);
});

test('prometheus-selects-monitor: namespace labels from a loaded Namespace (error) or an unloaded one (note)', async () => {
  assert.equal(await selectsFixture('namespace-labels.yaml'), [
    finding(
      SELECTS,
      'namespace-labels.yaml',
      43,
      3,
      'ServiceMonitor "checkout" is selected by no Prometheus: Prometheus "main" in namespace "monitoring" looks for ServiceMonitors only in namespaces with monitoring=enabled (serviceMonitorNamespaceSelector), but Namespace "team-a" has monitoring=disabled; label Namespace "team-a" to match, or change serviceMonitorNamespaceSelector',
    ),
    finding(
      SELECTS,
      'namespace-labels.yaml',
      71,
      3,
      'ServiceMonitor "search" is selected by no Prometheus that fedlint can verify: Prometheus "main" picks namespaces by label (serviceMonitorNamespaceSelector: monitoring=enabled) and the Namespace "team-b" is not loaded; lint the Namespace object with the ServiceMonitor to check',
      'note',
    ),
  ]);
});

test('prometheus-selects-monitor: the closest of several servers is named (a DaemonSet agent selects PodMonitors only)', async () => {
  assert.equal(await selectsFixture('closest-of-two.yaml'), [
    finding(
      SELECTS,
      'closest-of-two.yaml',
      45,
      3,
      'ServiceMonitor "payments" is selected by no Prometheus: the closest, Prometheus "main" in namespace "monitoring", selects ServiceMonitors with release=main (serviceMonitorSelector), but the ServiceMonitor has release=mian; change the ServiceMonitor\'s labels or serviceMonitorSelector',
    ),
  ]);
});

test('prometheus-selects-monitor: the related location is the selector in the way', async () => {
  const result = await lintPaths([`test/fixtures/${SELECTS}/bad/label-mismatch.yaml`]);
  const related = result.findings[0]!.related.map((r) => [r.location.region.startLine, r.location.region.startColumn, r.message]);
  // `release: main` under serviceMonitorSelector.matchLabels
  assert.equal(related, [[13, 16, 'serviceMonitorSelector of Prometheus "main"']]);
});

test('prometheus-selects-monitor: good fixtures ({} selectors, labelled Namespace, rhobs MonitoringStack by namespace name) give no finding from any rule', async () => {
  assert.equal(await ruleFindings(SELECTS, 'good'), []);
});

const MONITOR = (group: string, namespace: string, labels = '{team: a}') => `apiVersion: ${group}/v1
kind: ServiceMonitor
metadata:
  name: app
  namespace: ${namespace}
  labels: ${labels}
spec:
  selector: {matchLabels: {app: app}}
  endpoints: [{port: metrics}]
`;

test('prometheus-selects-monitor: nothing to say without a Prometheus of the same API group', async () => {
  assert.equal(of([SELECTS], compact(await lintText(MONITOR('monitoring.coreos.com', 'apps')))), []);
  // A coreos Prometheus does not read monitoring.rhobs monitors (another operator does).
  const coreos = `apiVersion: monitoring.coreos.com/v1
kind: Prometheus
metadata: {name: k8s, namespace: monitoring}
spec: {serviceMonitorSelector: {matchLabels: {release: k8s}}}
---
${MONITOR('monitoring.rhobs', 'apps')}`;
  assert.equal(of([SELECTS], compact(await lintText(coreos))), []);
});

test('prometheus-selects-monitor: null and malformed selectors, a name-only namespace selector without Namespace objects', async () => {
  const text = (prometheusSpec: string, namespace = 'monitoring') => `apiVersion: monitoring.coreos.com/v1
kind: Prometheus
metadata: {name: k8s, namespace: monitoring}
spec: ${prometheusSpec}
---
${MONITOR('monitoring.coreos.com', namespace)}`;
  const messages = async (prometheusSpec: string, namespace?: string) => of([SELECTS], compact(await lintText(text(prometheusSpec, namespace)))).map((f) => `${f.level} ${f.line}:${f.column} ${f.message}`);
  assert.equal(await messages('{serviceMonitorSelector: null}'), [
    'error 11:3 ServiceMonitor "app" is selected by no Prometheus: Prometheus "k8s" in namespace "monitoring" has no serviceMonitorSelector, which selects no ServiceMonitor; set serviceMonitorSelector: {} to select every ServiceMonitor, or give it matchLabels that this ServiceMonitor carries',
  ]);
  assert.equal(await messages('{serviceMonitorSelector: {matchLabels: [team]}}'), [
    'error 11:3 ServiceMonitor "app" is selected by no Prometheus: Prometheus "k8s" in namespace "monitoring" has a serviceMonitorSelector that is not a valid label selector, so it selects no ServiceMonitor; write serviceMonitorSelector with matchLabels and matchExpressions only',
  ]);
  // `{}` selects all; the notin excludes the monitor's team.
  assert.equal(await messages('{serviceMonitorSelector: {matchExpressions: [{key: team, operator: NotIn, values: [a]}]}}'), [
    'error 11:3 ServiceMonitor "app" is selected by no Prometheus: Prometheus "k8s" in namespace "monitoring" selects ServiceMonitors with team notin (a) (serviceMonitorSelector), but the ServiceMonitor has team=a; change the ServiceMonitor\'s labels or serviceMonitorSelector',
  ]);
  // kubernetes.io/metadata.name is on every Namespace: checked without the Namespace object, both ways.
  const byName = '{serviceMonitorSelector: {}, serviceMonitorNamespaceSelector: {matchLabels: {kubernetes.io/metadata.name: apps}}}';
  assert.equal(await messages(byName, 'apps'), []);
  assert.equal(await messages(byName, 'billing'), [
    'error 11:3 ServiceMonitor "app" is selected by no Prometheus: Prometheus "k8s" in namespace "monitoring" looks for ServiceMonitors only in namespaces with kubernetes.io/metadata.name=apps (serviceMonitorNamespaceSelector), not in "billing"; add "billing" to serviceMonitorNamespaceSelector or move the ServiceMonitor',
  ]);
  // Both a label and the namespace in the way.
  assert.equal(await messages('{serviceMonitorSelector: {matchLabels: {team: b}}}', 'apps'), [
    'error 11:3 ServiceMonitor "app" is selected by no Prometheus: Prometheus "k8s" in namespace "monitoring" selects ServiceMonitors with team=b (serviceMonitorSelector), but the ServiceMonitor has team=a, and looks for ServiceMonitors only in its own namespace (serviceMonitorNamespaceSelector is not set), not in "apps"; change the ServiceMonitor\'s labels or serviceMonitorSelector, and set serviceMonitorNamespaceSelector: {} (every namespace) or a selector that matches namespace "apps", or move the ServiceMonitor to "monitoring"',
  ]);
});

test('prometheus-selects-monitor: PodMonitors, Probes, PrometheusAgent and MonitoringStack', async () => {
  const text = `apiVersion: monitoring.coreos.com/v1alpha1
kind: PrometheusAgent
metadata: {name: edge, namespace: monitoring}
spec: {mode: DaemonSet, podMonitorSelector: {}}
---
apiVersion: monitoring.coreos.com/v1
kind: PodMonitor
metadata: {name: pods, namespace: monitoring}
spec: {selector: {matchLabels: {app: x}}, podMetricsEndpoints: [{port: metrics}]}
---
apiVersion: monitoring.coreos.com/v1
kind: Probe
metadata: {name: blackbox, namespace: monitoring}
spec: {prober: {url: blackbox:9115}}
---
apiVersion: monitoring.rhobs/v1alpha1
kind: MonitoringStack
metadata: {name: stack, namespace: obo}
spec: {logLevel: info}
---
apiVersion: monitoring.rhobs/v1
kind: PodMonitor
metadata: {name: rhobs-pods, namespace: obo}
spec: {selector: {matchLabels: {app: x}}, podMetricsEndpoints: [{port: metrics}]}
`;
  assert.equal(
    of([SELECTS], compact(await lintText(text))).map((f) => `${f.line}:${f.column} ${f.message}`),
    [
      '13:12 Probe "blackbox" is selected by no Prometheus: PrometheusAgent "edge" in namespace "monitoring" runs in DaemonSet mode, which selects PodMonitors only; use a PodMonitor, or a PrometheusAgent or Prometheus in StatefulSet mode',
      '23:12 PodMonitor "rhobs-pods" is selected by no Prometheus: MonitoringStack "stack" in namespace "obo" has no resourceSelector, which selects no PodMonitor (service discovery is off); set resourceSelector: {} to select every PodMonitor, or give it matchLabels that this PodMonitor carries',
    ],
  );
});

test('prometheus-selects-monitor: thousands of monitors are answered from the label index', async () => {
  const servers = [0, 1, 2, 3, 4]
    .map((i) => `apiVersion: monitoring.coreos.com/v1
kind: Prometheus
metadata: {name: p${i}, namespace: monitoring}
spec: {serviceMonitorSelector: {matchLabels: {shard: "${i}"}}, serviceMonitorNamespaceSelector: {}}
`)
    .join('---\n');
  const monitors = Array.from(
    { length: 4000 },
    (_, i) => `apiVersion: monitoring.coreos.com/v1
kind: ServiceMonitor
metadata: {name: m${i}, namespace: ns${i % 50}, labels: {shard: "${i % 6}"}}
spec: {selector: {matchLabels: {app: m${i}}}, endpoints: [{port: metrics}]}
`,
  ).join('---\n');
  const started = performance.now();
  const findings = of([SELECTS], compact(await lintText(`${servers}---\n${monitors}`)));
  const elapsed = performance.now() - started;
  // shard "5" matches no Prometheus: one monitor in six.
  assert.is(findings.length, Math.ceil((4000 - 5) / 6));
  assert.ok(findings.every((f) => f.message.includes('has shard=5')));
  assert.ok(elapsed < 20_000, `took ${elapsed} ms`);
});

// ---------------------------------------------------------------- service-selects-prometheus

test('service-selects-prometheus: bad fixtures give exactly these findings', async () => {
  assert.equal(await ruleFindings(SERVICE, 'bad'), [
    // copied Helm labels: the reserved managed-by label is the operator's
    finding(
      SERVICE,
      'helm-labels.yaml',
      24,
      35,
      'Service "prometheus-federation" selects no pod of Prometheus "federation" in namespace "monitoring-eu": the operator labels its pods app.kubernetes.io/managed-by=prometheus-operator, not Helm; change the Service\'s selector',
    ),
    finding(
      SERVICE,
      'missing-label.yaml',
      28,
      34,
      'Service "prometheus-k8s" selects no pod of Prometheus "k8s" in namespace "monitoring": its pods have no label app.kubernetes.io/component; add the label to spec.podMetadata.labels of Prometheus "k8s" or remove it from the Service\'s selector',
    ),
    finding(
      SERVICE,
      'target-port.yaml',
      21,
      19,
      'Service "prometheus-worker" port "web" routes to targetPort 9091, which no container in the pods of Prometheus "worker" listens on; the Prometheus server listens on 9090, named "web": set targetPort: web',
    ),
    finding(
      SERVICE,
      'target-port.yaml',
      24,
      19,
      'Service "prometheus-worker" port "http-web" routes to targetPort "http-web", which no container in the pods of Prometheus "worker" listens on; the Prometheus server listens on 9090, named "web": set targetPort: web',
    ),
    finding(
      SERVICE,
      'wrong-name.yaml',
      25,
      34,
      'Service "kube-prometheus-exported" selects the pods of Prometheus "kube-prometheus-main" (operator.prometheus.io/name=kube-prometheus-main), but no Prometheus of that name is loaded in namespace "app-prometheus"; did you mean "kube-prometheus"?',
    ),
  ]);
});

test('service-selects-prometheus: good fixtures (the worker example, podMetadata labels, shards, Thanos, portName) give no finding from any rule', async () => {
  assert.equal(await ruleFindings(SERVICE, 'good'), []);
});

const WORKER_EXAMPLE = 'examples/seed-federation/worker-cluster.yaml';

test('service-selects-prometheus: the bundled worker Service is clean alone and next to Prometheus "kube-prometheus"', async () => {
  assert.equal(of([SERVICE], compact(await lintPaths([WORKER_EXAMPLE]))), []);
  const prometheus = `apiVersion: monitoring.coreos.com/v1
kind: Prometheus
metadata:
  name: kube-prometheus
  namespace: app-prometheus
spec:
  replicas: 2
`;
  const sources = [
    makeSourceFile(WORKER_EXAMPLE, WORKER_EXAMPLE, readFileSync(join(ROOT, WORKER_EXAMPLE), 'utf8')),
    makeSourceFile('prometheus.yaml', 'prometheus.yaml', prometheus),
  ];
  assert.equal(of([SERVICE, SELECTS], compact(await lintSources(sources))), []);
  // …and it is checked: under another name, the selector finds no pod.
  sources[1] = makeSourceFile('prometheus.yaml', 'prometheus.yaml', prometheus.replace('name: kube-prometheus', 'name: kube-prom'));
  assert.equal(
    of([SERVICE], compact(await lintSources(sources))).map((f) => `${f.file}:${f.line}:${f.column} ${f.message}`),
    [
      `${WORKER_EXAMPLE}:18:34 Service "kube-prometheus-exported" selects the pods of Prometheus "kube-prometheus" (operator.prometheus.io/name=kube-prometheus), but no Prometheus of that name is loaded in namespace "app-prometheus"; did you mean "kube-prom"?`,
    ],
  );
});

test('service-selects-prometheus: shards, listenLocal, another namespace, and pods of a workload', async () => {
  const messages = async (prometheusSpec: string, selector: string, extra = '', namespace = 'monitoring') =>
    of(
      [SERVICE],
      compact(
        await lintText(`apiVersion: monitoring.coreos.com/v1
kind: Prometheus
metadata: {name: main, namespace: ${namespace}}
spec: ${prometheusSpec}
---
apiVersion: v1
kind: Service
metadata: {name: prometheus-main, namespace: monitoring}
spec:
  ports: [{name: web, port: 9090, targetPort: web}]
  selector: ${selector}
${extra}`),
      ),
    ).map((f) => `${f.line}:${f.column} ${f.message}`);
  assert.equal(await messages('{shards: 2}', '{prometheus: main, operator.prometheus.io/shard: "1"}'), []);
  assert.equal(await messages('{shards: 2}', '{prometheus: main, operator.prometheus.io/shard: "2"}'), [
    '11:62 Service "prometheus-main" selects no pod of Prometheus "main" in namespace "monitoring": the operator labels its pods operator.prometheus.io/shard=0 to 1 (spec.shards: 2), not 2; change the Service\'s selector',
  ]);
  assert.equal(await messages('{listenLocal: true}', '{prometheus: main}'), [
    '10:47 Service "prometheus-main" port "web" routes to targetPort "web", but Prometheus "main" sets listenLocal: true, so the server listens on localhost only and no container port "web" exists; expose it through a proxy sidecar in spec.containers and route to that port, or drop listenLocal',
  ]);
  // A proxy sidecar that takes the name "web" (OpenShift's kube-rbac-proxy-web) is a port of the pods.
  assert.equal(await messages('{listenLocal: true, containers: [{name: kube-rbac-proxy-web, ports: [{name: web, containerPort: 9091}]}]}', '{prometheus: main}'), []);
  // Only a Prometheus in the Service's own namespace is a candidate; with none there, nothing is said.
  assert.equal(await messages('{}', '{prometheus: other}', '', 'elsewhere'), []);
  const twoNamespaces = `---
apiVersion: monitoring.coreos.com/v1
kind: Prometheus
metadata: {name: k8s, namespace: monitoring}
spec: {}
`;
  assert.equal(await messages('{}', '{prometheus: main}', twoNamespaces, 'elsewhere'), [
    '11:26 Service "prometheus-main" selects the pods of Prometheus "main" (prometheus=main), but no Prometheus of that name is loaded in namespace "monitoring"; Prometheus "main" is in namespace "elsewhere", and a Service selects pods only in its own namespace: move one of them',
  ]);
  // A Prometheus that no operator runs (a Deployment with the same labels) is selected for real.
  const deployment = `---
apiVersion: apps/v1
kind: Deployment
metadata: {name: prometheus-server, namespace: monitoring}
spec:
  selector: {matchLabels: {app.kubernetes.io/name: prometheus, app.kubernetes.io/component: server}}
  template:
    metadata: {labels: {app.kubernetes.io/name: prometheus, app.kubernetes.io/component: server}}
    spec: {containers: [{name: prometheus, image: prom/prometheus}]}
`;
  const serverSelector = '{app.kubernetes.io/name: prometheus, app.kubernetes.io/component: server}';
  assert.equal((await messages('{}', serverSelector)).length, 1);
  assert.equal(await messages('{}', serverSelector, deployment), []);
});

// ---------------------------------------------------------------- endpoints-name-match: serviceDiscoveryRole

const ROLE_FIXTURE = `test/fixtures/${NAME}/bad/endpointslice-discovery-role.yaml`;

test('endpoints-name-match: a selectorless Service known only through EndpointSlices needs serviceDiscoveryRole: EndpointSlice', async () => {
  const result = await lintPaths([ROLE_FIXTURE]);
  assert.equal(compact(result), [
    {
      ruleId: NAME,
      level: 'error',
      file: ROLE_FIXTURE,
      line: 19,
      column: 9,
      message:
        'Service "eu-north-prometheus" has no selector and its addresses are only in EndpointSlice "eu-north-prometheus-1", but Prometheus "federation" discovers the targets of ServiceMonitor "eu-north-federation" through Endpoints objects (serviceDiscoveryRole is not set, so Endpoints), so it finds none; set serviceDiscoveryRole: EndpointSlice on the Prometheus or the ServiceMonitor, or add an Endpoints object named "eu-north-prometheus"',
    },
  ]);
  // Related: the Prometheus spec that lacks the role, and the ServiceMonitor's selector.
  assert.equal(
    result.findings[0]!.related.map((r) => [r.location.region.startLine, r.location.region.startColumn]),
    [
      [10, 1],
      [48, 3],
    ],
  );
});

test('endpoints-name-match: EndpointSlice discovery on the Prometheus or the ServiceMonitor, an Endpoints object, or no Prometheus: no finding', async () => {
  const fixture = readFileSync(join(ROOT, ROLE_FIXTURE), 'utf8');
  const names = async (text: string) => of([NAME], compact(await lintText(text)));
  assert.equal((await names(fixture)).length, 1);
  assert.equal(await names(fixture.replace('  serviceMonitorSelector: {}\n', '  serviceMonitorSelector: {}\n  serviceDiscoveryRole: EndpointSlice\n')), []);
  assert.equal(await names(fixture.replace('  endpoints:\n    - port: web', '  serviceDiscoveryRole: EndpointSlice\n  endpoints:\n    - port: web')), []);
  const endpoints = `---
apiVersion: v1
kind: Endpoints
metadata: {name: eu-north-prometheus, namespace: federation-rhobs}
subsets: [{addresses: [{ip: 10.70.0.9}], ports: [{name: web, port: 9090}]}]
`;
  assert.equal(await names(fixture + endpoints), []);
  // Without a Prometheus nothing says which role discovers the targets.
  assert.equal(await names(fixture.replace(/^apiVersion: monitoring\.rhobs\/v1\nkind: Prometheus\n[\s\S]*?---\n/m, '')), []);
  // An explicit `serviceDiscoveryRole: Endpoints` is named as such.
  assert.match(
    (await names(fixture.replace('  serviceMonitorSelector: {}\n', '  serviceMonitorSelector: {}\n  serviceDiscoveryRole: Endpoints\n')))[0]!.message,
    /through Endpoints objects \(serviceDiscoveryRole: Endpoints\)/,
  );
});

test.run();
