// The federate-* rules read every kind that defines a scrape: ServiceMonitor
// endpoints, PodMonitor podMetricsEndpoints and ScrapeConfig specs (whose path
// field is metricsPath and whose static targets can carry the cluster label).

import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { compact, lintText } from '../helpers.js';

test('PodMonitor: a podMetricsEndpoints entry with match[] must scrape /federate', async () => {
  const text = [
    'apiVersion: monitoring.coreos.com/v1',
    'kind: PodMonitor',
    'metadata: {name: edge, namespace: mon}',
    'spec:',
    '  selector: {matchLabels: {app: edge-prometheus}}',
    '  podMetricsEndpoints:',
    '    - port: web',
    '      path: /metrics',
    '      honorLabels: true',
    "      params: {'match[]': ['{job=\"node\"}']}",
    '      relabelings: [{targetLabel: cluster, replacement: edge}]',
    '',
  ].join('\n');
  assert.equal(compact(await lintText(text, 'pm.yaml')).filter((f) => f.ruleId.startsWith('federate-')), [
    {
      ruleId: 'federate-path',
      level: 'error',
      file: 'pm.yaml',
      line: 8,
      column: 13,
      message: `PodMonitor "edge" endpoint "web" has 'match[]' params but scrapes "/metrics", which ignores them; set path: /federate`,
    },
  ]);
});

const scrapeConfig = (extra: string) =>
  [
    'apiVersion: monitoring.coreos.com/v1alpha1',
    'kind: ScrapeConfig',
    'metadata: {name: worker, namespace: mon}',
    'spec:',
    '  metricsPath: /federate',
    '  honorLabels: true',
    '  staticConfigs:',
    '    - targets: [prometheus.worker.example:9090]',
    extra,
    '',
  ].join('\n');

test('ScrapeConfig: metricsPath /federate without match[] is reported at spec; honorLabels is read from spec', async () => {
  assert.equal(compact(await lintText(scrapeConfig('      labels: {cluster: worker}'), 'sc.yaml')), [
    {
      ruleId: 'federate-match-required',
      level: 'error',
      file: 'sc.yaml',
      line: 4,
      column: 1,
      message: `ScrapeConfig "worker" scrapes /federate without a 'match[]' param, so it federates no series; add params: {'match[]': ['{job="…"}']}`,
    },
  ]);
});

test('ScrapeConfig: a cluster label on every static target group counts; missing on one does not', async () => {
  const good = scrapeConfig("      labels: {cluster: worker}\n  params: {'match[]': ['{job=\"node\"}']}");
  assert.equal(compact(await lintText(good)), []);
  const bad = scrapeConfig("    - targets: [prometheus.other.example:9090]\n  params: {'match[]': ['{job=\"node\"}']}");
  const [finding] = compact(await lintText(bad, 'sc.yaml'));
  assert.is(finding!.ruleId, 'federate-cluster-label');
  assert.is(finding!.line, 4);
  assert.match(finding!.message, /and not every staticConfigs entry has a "cluster" label; add a relabelings entry/);
});

test.run();
