// The four federation rules: federate-path, federate-match-required,
// federate-honor-labels and federate-cluster-label. Each bad fixture triggers
// exactly one finding, of the rule under test; each good fixture none at all.

import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { compact, lintPaths, lintText, ruleFindings } from '../helpers.js';

const DIR = 'test/fixtures';

// ---------------------------------------------------------------- federate-path

test('federate-path: bad fixtures', async () => {
  const file = (name: string) => `${DIR}/federate-path/bad/${name}`;
  assert.equal(await ruleFindings('federate-path', 'bad'), [
    {
      ruleId: 'federate-path',
      level: 'error',
      file: file('path-absent.yaml'),
      // No `path` key: the endpoint's first line, `- port: web`.
      line: 38,
      column: 7,
      message:
        `ServiceMonitor "worker-eu" endpoint "web" has 'match[]' params but no path, so it scrapes /metrics and the selectors are ignored; set path: /federate`,
    },
    {
      ruleId: 'federate-path',
      level: 'error',
      file: file('path-metrics.yaml'),
      line: 38,
      column: 13,
      message: `ServiceMonitor "worker-us" endpoint "web" has 'match[]' params but scrapes "/metrics", which ignores them; set path: /federate`,
    },
    {
      ruleId: 'federate-path',
      level: 'warning',
      file: file('path-no-leading-slash.yaml'),
      line: 38,
      column: 13,
      message:
        'ServiceMonitor "worker-ap" endpoint "web" scrapes "federate" without a leading slash; it works only because Prometheus inserts the slash when it builds the scrape URL; set path: /federate',
    },
    {
      ruleId: 'federate-path',
      level: 'warning',
      file: file('path-trailing-slash.yaml'),
      line: 31,
      column: 13,
      message:
        'ServiceMonitor "prometheus-team-a" endpoint "web" scrapes "/federate/" with a trailing slash; Prometheus answers it at best with a redirect to "/federate", which fails the scrape when followRedirects is false; set path: /federate',
    },
  ]);
});

test('federate-path: good fixtures (/federate, /prometheus/federate) give no finding from any rule', async () => {
  assert.equal(await ruleFindings('federate-path', 'good'), []);
});

// ---------------------------------------------------------- federate-match-required

test('federate-match-required: bad fixtures', async () => {
  const file = (name: string) => `${DIR}/federate-match-required/bad/${name}`;
  assert.equal(await ruleFindings('federate-match-required', 'bad'), [
    {
      ruleId: 'federate-match-required',
      level: 'error',
      file: file('empty-match-list.yaml'),
      // The `'match[]'` key whose list is empty.
      line: 40,
      column: 9,
      message: `ServiceMonitor "worker-ap" endpoint "web" has an empty 'match[]' list, so it federates no series; add at least one series selector`,
    },
    {
      ruleId: 'federate-match-required',
      level: 'error',
      file: file('empty-selector.yaml'),
      // The `''` entry itself.
      line: 43,
      column: 13,
      message:
        `ServiceMonitor "worker-sa" endpoint "web" has an empty 'match[]' selector (entry 2); Prometheus rejects the whole federation request with HTTP 400, so remove it or write a selector`,
    },
    {
      ruleId: 'federate-match-required',
      level: 'error',
      file: file('match-without-brackets.yaml'),
      // The misspelt `match` key.
      line: 40,
      column: 9,
      message: `ServiceMonitor "worker-us" endpoint "web" passes param "match", but Prometheus's /federate reads only "match[]"; rename the key to 'match[]'`,
    },
    {
      ruleId: 'federate-match-required',
      level: 'error',
      file: file('no-params.yaml'),
      // No `params` key: the endpoint's first line.
      line: 37,
      column: 7,
      message: `ServiceMonitor "worker-eu" endpoint "web" scrapes /federate without a 'match[]' param, so it federates no series; add params: {'match[]': ['{job="…"}']}`,
    },
  ]);
});

test('federate-match-required: good fixtures give no finding from any rule', async () => {
  assert.equal(await ruleFindings('federate-match-required', 'good'), []);
});

// ------------------------------------------------------------ federate-honor-labels

test('federate-honor-labels: bad fixtures', async () => {
  const file = (name: string) => `${DIR}/federate-honor-labels/bad/${name}`;
  assert.equal(await ruleFindings('federate-honor-labels', 'bad'), [
    {
      ruleId: 'federate-honor-labels',
      level: 'error',
      file: file('absent.yaml'),
      // No `honorLabels` key: the endpoint's first line.
      line: 38,
      column: 7,
      message:
        'ServiceMonitor "worker-eu" endpoint "web" federates without honorLabels, so the federated job and instance labels become exported_job and exported_instance; add honorLabels: true',
    },
    {
      ruleId: 'federate-honor-labels',
      level: 'error',
      file: file('false.yaml'),
      // The `false` value.
      line: 38,
      column: 20,
      message:
        'ServiceMonitor "worker-us" endpoint "web" sets honorLabels: false, so the federated job and instance labels become exported_job and exported_instance; set honorLabels: true',
    },
  ]);
});

test('federate-honor-labels: good fixtures give no finding from any rule', async () => {
  assert.equal(await ruleFindings('federate-honor-labels', 'good'), []);
});

// ----------------------------------------------------------- federate-cluster-label

const NO_CLUSTER_LABEL =
  'federates series without a "cluster" label: no relabelings or metricRelabelings entry sets targetLabel "cluster", and spec.targetLabels does not name "cluster"; add a relabelings entry {targetLabel: cluster, replacement: <source cluster name>}';

test('federate-cluster-label: bad fixtures', async () => {
  const file = (name: string) => `${DIR}/federate-cluster-label/bad/${name}`;
  assert.equal(await ruleFindings('federate-cluster-label', 'bad'), [
    {
      ruleId: 'federate-cluster-label',
      level: 'warning',
      file: file('labeldrop.yaml'),
      // The `labeldrop` value: the entry names the label but cannot write it.
      line: 46,
      column: 19,
      message:
        'ServiceMonitor "worker-ap" endpoint "web" has a relabelings entry with targetLabel "cluster" but action "labeldrop", which does not write targetLabel (Prometheus Operator even rejects a labeldrop entry that sets targetLabel), so federated series get no "cluster" label; use action: replace with replacement: <source cluster name>',
    },
    {
      ruleId: 'federate-cluster-label',
      level: 'warning',
      file: file('no-relabelings.yaml'),
      // Nothing to point at but the endpoint's first line.
      line: 37,
      column: 7,
      message: `ServiceMonitor "worker-eu" endpoint "web" ${NO_CLUSTER_LABEL}`,
    },
    {
      ruleId: 'federate-cluster-label',
      level: 'warning',
      file: file('other-label.yaml'),
      // The `relabelings` key whose list lacks a cluster entry.
      line: 42,
      column: 7,
      message: `ServiceMonitor "worker-us" endpoint "web" ${NO_CLUSTER_LABEL} (if "region" is your cluster label, run with --cluster-label region)`,
    },
    {
      ruleId: 'federate-cluster-label',
      level: 'warning',
      file: file('target-labels-service-lacks.yaml'),
      // The `- cluster` entry of spec.targetLabels.
      line: 37,
      column: 7,
      message:
        'ServiceMonitor "worker-sa" endpoint "web" relies on spec.targetLabels to copy "cluster" from the Service, but Service "worker-sa" has no "cluster" label (and no relabelings or metricRelabelings entry sets targetLabel "cluster"); add the label to the Service',
    },
  ]);
});

test('federate-cluster-label: the targetLabels finding points at the Service that lacks the label', async () => {
  const result = await lintPaths([`${DIR}/federate-cluster-label/bad/target-labels-service-lacks.yaml`]);
  assert.equal(
    result.findings.map((finding) =>
      finding.related.map((related) => ({
        file: related.location.file.displayPath,
        line: related.location.region.startLine,
        column: related.location.region.startColumn,
        message: related.message,
      })),
    ),
    [[{ file: `${DIR}/federate-cluster-label/bad/target-labels-service-lacks.yaml`, line: 6, column: 9, message: 'Service "worker-sa" lacks label "cluster"' }]],
  );
});

test('federate-cluster-label: good fixtures (relabelings, metricRelabelings, targetLabels) give no finding from any rule', async () => {
  // cluster-label-option.yaml uses another label name; it has its own test below.
  assert.equal(await ruleFindings('federate-cluster-label', 'good', { ignore: ['**/cluster-label-option.yaml'] }), []);
});

test('federate-cluster-label: --cluster-label names the label to look for', async () => {
  const path = `${DIR}/federate-cluster-label/good/cluster-label-option.yaml`;
  assert.equal(compact(await lintPaths([path], { clusterLabel: 'source_cluster' })), []);
  // Under the default label name the same file is a finding: the option is what makes it good.
  assert.equal(compact(await lintPaths([path])), [
    {
      ruleId: 'federate-cluster-label',
      level: 'warning',
      file: path,
      line: 43,
      column: 7,
      message: `ServiceMonitor "worker-ap" endpoint "web" ${NO_CLUSTER_LABEL} (if "source_cluster" is your cluster label, run with --cluster-label source_cluster)`,
    },
  ]);
});

// ------------------------------------------------------------------- empty values

test('empty `honorLabels:` and `\'match[]\':` (null) count as absent and as an empty list', async () => {
  const text = [
    'apiVersion: monitoring.coreos.com/v1',
    'kind: ServiceMonitor',
    'metadata:',
    '  name: worker-eu',
    '  namespace: monitoring',
    'spec:',
    '  endpoints:',
    '    - port: web',
    '      path: /federate',
    '      honorLabels:',
    '      params:',
    "        'match[]':",
    '      relabelings:',
    '        - targetLabel: cluster',
    '          replacement: worker-eu',
    '',
  ].join('\n');
  // The monitor has no selector, so selector-matches-service reports that; only the federation rules matter here.
  const findings = compact(await lintText(text)).filter((finding) => finding.ruleId.startsWith('federate-'));
  assert.equal(
    findings.map(({ ruleId, level, line, column, message }) => ({ ruleId, level, line, column, message })),
    [
      {
        ruleId: 'federate-honor-labels',
        level: 'error',
        // An empty honorLabels counts as absent: the endpoint's first line, `- port: web`.
        line: 8,
        column: 7,
        message:
          'ServiceMonitor "worker-eu" endpoint "web" federates without honorLabels, so the federated job and instance labels become exported_job and exported_instance; add honorLabels: true',
      },
      {
        ruleId: 'federate-match-required',
        level: 'error',
        // The empty value is located at its key, `'match[]':`.
        line: 12,
        column: 9,
        message: `ServiceMonitor "worker-eu" endpoint "web" has an empty 'match[]' list, so it federates no series; add at least one series selector`,
      },
    ],
  );
});

// -------------------------------------------------------------------- rule levels

test('rule settings turn a federation rule off or change its level', async () => {
  assert.equal(await ruleFindings('federate-honor-labels', 'bad', { rules: { 'federate-honor-labels': 'off' } }), []);

  const levels = (findings: { ruleId: string; level: string }[]) => findings.map(({ ruleId, level }) => `${ruleId}:${level}`);
  const raised = await ruleFindings('federate-cluster-label', 'bad', { rules: { 'federate-cluster-label': 'error' } });
  assert.equal(levels(raised), Array(4).fill('federate-cluster-label:error'));

  // A configured level replaces the rule's own; the near-miss paths, which the rule itself reports as
  // warnings, do not rise above them when the rule is set to error.
  const paths = await ruleFindings('federate-path', 'bad', { rules: { 'federate-path': 'note' } });
  assert.equal(levels(paths), Array(4).fill('federate-path:note'));
  const strict = await ruleFindings('federate-path', 'bad', { rules: { 'federate-path': 'error' } });
  assert.equal(levels(strict), ['federate-path:error', 'federate-path:error', 'federate-path:warning', 'federate-path:warning']);
});


// ------------------------------------------------ federate-cluster-label, in memory

const FEDERATION = (relabelings: string) => `apiVersion: v1
kind: Service
metadata: {name: worker, namespace: mon, labels: {app: worker}}
spec: {type: ExternalName, externalName: prom.worker.example, ports: [{name: web, port: 9090}]}
---
apiVersion: v1
kind: Endpoints
metadata: {name: worker, namespace: mon}
subsets: [{addresses: [{ip: 10.1.2.3}], ports: [{name: web, port: 9090}]}]
---
apiVersion: monitoring.coreos.com/v1
kind: ServiceMonitor
metadata: {name: worker, namespace: mon}
spec:
  selector: {matchLabels: {app: worker}}
  endpoints:
    - port: web
      path: /federate
      honorLabels: true
      params: {'match[]': ['{job="node"}']}
      relabelings:
${relabelings}
`;

const EMPTY_VALUE =
  'ServiceMonitor "worker" endpoint "web" sets targetLabel "cluster" without a replacement or sourceLabels, which writes an empty value and so removes the label; add replacement: <source cluster name>';

test('federate-cluster-label: a targetLabel with no replacement and no sourceLabels writes an empty value', async () => {
  // Shown at the entry itself (its first line), not at the `relabelings:` key: the list may be long.
  const entries = ['        - {sourceLabels: [__meta_kubernetes_pod_node_name], targetLabel: node}', '        - action: replace', '          targetLabel: cluster'];
  assert.equal(compact(await lintText(FEDERATION(entries.join('\n')), 'empty.yaml')), [
    { ruleId: 'federate-cluster-label', level: 'warning', file: 'empty.yaml', line: 23, column: 11, message: EMPTY_VALUE },
  ]);
  assert.equal(compact(await lintText(FEDERATION('        - targetLabel: cluster'), 'empty.yaml')), [
    { ruleId: 'federate-cluster-label', level: 'warning', file: 'empty.yaml', line: 22, column: 11, message: EMPTY_VALUE },
  ]);
  // In metricRelabelings: that entry, not the relabelings list.
  const metric = FEDERATION('        - {targetLabel: node, replacement: x}') + '      metricRelabelings:\n        - {action: keep, sourceLabels: [__name__], regex: up}\n        - targetLabel: cluster\n          action: Replace\n';
  assert.equal(compact(await lintText(metric, 'empty.yaml')), [
    { ruleId: 'federate-cluster-label', level: 'warning', file: 'empty.yaml', line: 25, column: 11, message: EMPTY_VALUE },
  ]);
  // sourceLabels give it a value: fine.
  assert.equal(compact(await lintText(FEDERATION('        - {sourceLabels: [__meta_kubernetes_namespace], targetLabel: cluster}'))), []);
});

test('federate-cluster-label: a differently named label the endpoint does write is offered as --cluster-label', async () => {
  const [finding] = compact(await lintText(FEDERATION('        - {targetLabel: source, replacement: eu-1}\n        - {targetLabel: __address__, replacement: "x:9090"}')));
  assert.is(
    finding!.message,
    'ServiceMonitor "worker" endpoint "web" federates series without a "cluster" label: no relabelings or metricRelabelings entry sets targetLabel "cluster", and spec.targetLabels does not name "cluster"; add a relabelings entry {targetLabel: cluster, replacement: <source cluster name>} (if "source" is your cluster label, run with --cluster-label source)',
  );
  assert.equal(compact(await lintText(FEDERATION('        - {targetLabel: source, replacement: eu-1}'), 'x.yaml', { clusterLabel: 'source' })), []);
});

test.run();
