// A mapping or a list where a rule expects a string is shown in its message as short JSON, never as
// String()'s "[object Object]": each case below printed that before.

import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { quoteValue, textOf } from '../src/quote.js';
import { lintText } from './helpers.js';

const SERVICE = 'apiVersion: v1\nkind: Service\nmetadata: {name: web, namespace: mon, labels: {app: web, tier: backend}}\nspec: {ports: [{name: http, port: 80}]}\n';

function monitor(selector: string): string {
  return `apiVersion: monitoring.coreos.com/v1\nkind: ServiceMonitor\nmetadata: {name: web, namespace: mon}\nspec:\n  selector: ${selector}\n  endpoints: [{port: http}]\n`;
}

async function messages(text: string, rule: string): Promise<string[]> {
  const result = await lintText(text, 'messages.yaml');
  assert.equal(result.failures, []);
  return result.findings.filter((finding) => finding.ruleId === rule).map((finding) => finding.message);
}

test('quoteValue: short JSON of a value, cut at the limit; textOf: a scalar as String() has it, anything else as quoteValue', () => {
  assert.is(quoteValue({ a: 1 }), '{"a":1}');
  assert.is(quoteValue(['x', 'y']), '["x","y"]');
  assert.is(quoteValue('x'.repeat(100), 10), `"xxxxxxxx…`);
  assert.is(quoteValue(undefined), 'nothing');
  assert.is(textOf(8080), '8080');
  assert.is(textOf(null), 'null');
  assert.is(textOf({ toString: 'x', valueOf: 'y' }), '{"toString":"x","valueOf":"y"}');
});

test('selector-matches-service: a matchLabels value or an In value that is a mapping', async () => {
  const [byLabel] = await messages(`${SERVICE}---\n${monitor('{matchLabels: {app: {a: 1}}}')}`, 'selector-matches-service');
  assert.match(byLabel!, /has app=web, not app=\{"a":1\}/);
  const [byValues] = await messages(`${SERVICE}---\n${monitor('{matchExpressions: [{key: tier, operator: In, values: [{a: 1}, web]}]}')}`, 'selector-matches-service');
  assert.match(byValues!, /not tier in \(\{"a":1\}, web\)/);
});

test('selector-matches-service: a matchExpressions key or operator that is a mapping', async () => {
  const [key] = await messages(`${SERVICE}---\n${monitor('{matchExpressions: [{key: {a: 1}, operator: Exists}]}')}`, 'selector-matches-service');
  assert.match(key!, /whose key \{"a":1\} is not a string, so the API server rejects it; write the label key as a string: key: <label key>$/);
  const [number] = await messages(`${SERVICE}---\n${monitor('{matchExpressions: [{key: 5, operator: Exists}]}')}`, 'selector-matches-service');
  assert.match(number!, /whose key 5 is not a string, so the API server rejects it; quote it: key: "5"$/);
  const [operator] = await messages(`${SERVICE}---\n${monitor('{matchExpressions: [{key: tier, operator: {a: 1}}]}')}`, 'selector-matches-service');
  assert.match(operator!, /with operator \{"a":1\}, which is not a label selector operator \(.*\), so the API server rejects it; use In, NotIn, Exists or DoesNotExist$/);
});

test('prometheus-selects-monitor: a serviceMonitorSelector value that is a mapping', async () => {
  const prometheus =
    'apiVersion: monitoring.coreos.com/v1\nkind: Prometheus\nmetadata: {name: main, namespace: mon}\nspec: {serviceMonitorSelector: {matchLabels: {release: {a: 1}}}}\n';
  const [message] = await messages(`${SERVICE}---\n${monitor('{matchLabels: {app: web}}')}---\n${prometheus}`, 'prometheus-selects-monitor');
  assert.match(message!, /selects ServiceMonitors with release=\{"a":1\}/);
});

test('federate-cluster-label: a relabelings action that is a mapping', async () => {
  const text = [
    'apiVersion: monitoring.coreos.com/v1',
    'kind: ServiceMonitor',
    'metadata: {name: fed, namespace: mon}',
    'spec:',
    '  selector: {matchLabels: {app: web}}',
    "  endpoints: [{port: http, path: /federate, honorLabels: true, params: {'match[]': ['{job=\"x\"}']}, relabelings: [{targetLabel: cluster, replacement: w, action: {a: 1}}]}]",
    '',
  ].join('\n');
  const [message] = await messages(`${SERVICE}---\n${text}`, 'federate-cluster-label');
  assert.match(message!, /has a relabelings entry with targetLabel "cluster" but action \{"a":1\}, which does not write targetLabel/);
});

test('exposed-prometheus: an internal load-balancer annotation whose value is a mapping', async () => {
  const text = [
    'apiVersion: v1',
    'kind: Service',
    'metadata:',
    '  name: prometheus',
    '  namespace: mon',
    '  annotations: {networking.gke.io/load-balancer-type: {a: 1}}',
    'spec: {type: LoadBalancer, ports: [{name: web, port: 9090}]}',
    '',
  ].join('\n');
  const [message] = await messages(text, 'exposed-prometheus');
  assert.match(message!, /sets networking\.gke\.io\/load-balancer-type: \{"a":1\}, which GKE does not read as internal/);
});

test.run();
