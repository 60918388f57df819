// Positions are the product: exact line/column under CRLF, a BOM, comments,
// anchors/aliases, flow style, `kind: List` and multi-document files.

import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { makeSourceFile, parseFile } from '../src/load/parse.js';
import { compact, lintText } from './helpers.js';

const MONITOR = [
  'apiVersion: monitoring.coreos.com/v1',
  'kind: ServiceMonitor',
  'metadata:',
  '  name: fed',
  '  namespace: mon',
  'spec:',
  '  selector:',
  '    matchLabels:',
  '      app: worker',
  '  endpoints:',
  '    - port: web',
  '      path: /federate',
  '      honorLabels: false',
  "      params: {'match[]': ['{job=\"x\"}']}",
  '      relabelings: [{targetLabel: cluster, replacement: w}]',
  '',
].join('\n');

async function honorLabelsFinding(text: string) {
  return compact(await lintText(text)).filter((finding) => finding.ruleId === 'federate-honor-labels');
}

test('LF: the finding points at the false value', async () => {
  const [finding] = await honorLabelsFinding(MONITOR);
  assert.equal([finding!.line, finding!.column], [13, 20]);
});

test('CRLF line ends and a BOM keep the same line and column', async () => {
  const text = `\uFEFF${MONITOR.replace(/\n/g, '\r\n')}`;
  const [finding] = await honorLabelsFinding(text);
  assert.equal([finding!.line, finding!.column], [13, 20]);
  const result = await lintText(text);
  const region = result.findings.find((f) => f.ruleId === 'federate-honor-labels')!.location.region;
  assert.equal(region, { startLine: 13, startColumn: 20, endLine: 13, endColumn: 25 });
});

test('a BOM alone does not shift line 1 columns', async () => {
  const file = makeSourceFile('x.yaml', 'x.yaml', '\uFEFFkind: Service\nmetadata: {name: a}\n');
  const { resources } = parseFile(file, 'default');
  assert.equal(resources[0]!.locate('/kind'), { startLine: 1, startColumn: 7, endLine: 1, endColumn: 14 });
});

test('comments, flow style and quoted keys: positions inside flow mappings', async () => {
  const file = makeSourceFile('x.yaml', 'x.yaml', MONITOR);
  const [monitor] = parseFile(file, 'default').resources;
  assert.equal(monitor!.locate("/spec/endpoints/0/params/match[]/0"), { startLine: 14, startColumn: 28, endLine: 14, endColumn: 39 });
  assert.equal(monitor!.locate('/spec/endpoints/0/relabelings/0/targetLabel'), { startLine: 15, startColumn: 35, endLine: 15, endColumn: 42 });
});

test('a missing field points at the nearest existing node: the key of a mapping, the first entry of a list item', async () => {
  const file = makeSourceFile('x.yaml', 'x.yaml', MONITOR);
  const [monitor] = parseFile(file, 'default').resources;
  // spec.selector exists, matchExpressions does not: the `selector` key
  assert.equal(monitor!.locate('/spec/selector/matchExpressions'), { startLine: 7, startColumn: 3, endLine: 7, endColumn: 11 });
  // the endpoint has no scheme: the `- port: web` entry
  assert.equal(monitor!.locate('/spec/endpoints/0/scheme'), { startLine: 11, startColumn: 7, endLine: 11, endColumn: 16 });
});

test('a key with no value is located at the key, not at the empty spot after the colon', async () => {
  const file = makeSourceFile('x.yaml', 'x.yaml', 'kind: Service\nmetadata:\n  name: a\nspec:\n  honorLabels:\n');
  const [service] = parseFile(file, 'default').resources;
  assert.equal(service!.locate('/spec/honorLabels'), { startLine: 5, startColumn: 3, endLine: 5, endColumn: 14 });
});

test("at: 'key' shows the key of an entry (a field that should not be there); a missing entry falls back as usual", async () => {
  const file = makeSourceFile('x.yaml', 'x.yaml', MONITOR);
  const [monitor] = parseFile(file, 'default').resources;
  assert.equal(monitor!.locate('/spec/endpoints/0/honorLabels', 'key'), { startLine: 13, startColumn: 7, endLine: 13, endColumn: 18 });
  assert.equal(monitor!.locate('/spec/endpoints/0/nope', 'key'), monitor!.locate('/spec/endpoints/0'));
});

test('anchors and aliases: values resolve, positions stay in the document', async () => {
  const text = [
    'kind: Service',
    'apiVersion: v1',
    'metadata:',
    '  name: a',
    '  labels: &labels',
    '    app: worker',
    'spec:',
    '  selector: *labels',
    '  ports: [{name: web, port: 9090}]',
    '',
  ].join('\n');
  const [service] = parseFile(makeSourceFile('x.yaml', 'x.yaml', text), 'default').resources;
  assert.equal(service!.body.spec.selector, { app: 'worker' });
  assert.equal(service!.locate('/spec/selector'), { startLine: 8, startColumn: 13, endLine: 8, endColumn: 20 });
  assert.equal(service!.locate('/spec/selector/app'), { startLine: 6, startColumn: 10, endLine: 6, endColumn: 16 });
});

test('kind: List expands to its items, each located inside the list', async () => {
  const text = [
    'apiVersion: v1',
    'kind: List',
    'items:',
    '  - apiVersion: v1',
    '    kind: Endpoints',
    '    metadata:',
    '      name: worker-metrics',
    '      namespace: mon',
    '  - apiVersion: v1',
    '    kind: Service',
    '    metadata:',
    '      name: worker-cluster-metrics',
    '      namespace: mon',
    '',
  ].join('\n');
  const result = await lintText(text, 'list.yaml');
  assert.is(result.resourceCount, 2);
  assert.equal(compact(result), [
    {
      ruleId: 'endpoints-name-match',
      level: 'error',
      file: 'list.yaml',
      line: 7,
      column: 13,
      message: 'Endpoints "worker-metrics" has no Service of the same name in namespace "mon"; did you mean "worker-cluster-metrics"?',
    },
  ]);
});

test('a broken document is a yaml-syntax finding; the other documents are still used', async () => {
  const text = [
    'apiVersion: v1',
    'kind: Endpoints',
    'metadata: {name: orphan, namespace: mon}',
    '---',
    'kind: Service',
    'metadata:',
    '  name: [unclosed',
    '---',
    'apiVersion: v1',
    'kind: Endpoints',
    'metadata: {name: orphan2, namespace: mon}',
    '',
  ].join('\n');
  const findings = compact(await lintText(text, 'multi.yaml'));
  assert.equal(
    findings.map((f) => [f.ruleId, f.line, f.column]),
    [
      ['endpoints-name-match', 3, 18],
      ['yaml-syntax', 8, 1],
      ['endpoints-name-match', 11, 18],
    ],
  );
  assert.match(findings[1]!.message, /^YAML syntax error: .+; this document is not linted until it parses$/);
});

test('duplicate keys are a yaml-syntax finding at the second key', async () => {
  const findings = compact(await lintText('kind: Service\nkind: Endpoints\n', 'dup.yaml'));
  assert.equal(findings.map((f) => [f.ruleId, f.line, f.column]), [['yaml-syntax', 2, 1]]);
  assert.match(findings[0]!.message, /Map keys must be unique/);
});

test('scalars, lists, empty and comment-only documents, and mappings without kind are skipped quietly', async () => {
  const result = await lintText('--- 42\n--- [a, b]\n---\n# only a comment\n---\nfoo: bar\n---\nkind: 7\n', 'odd.yaml');
  assert.equal(compact(result), []);
  assert.is(result.resourceCount, 0);
});

test('an alias bomb is a finding, not a hang', async () => {
  const lines = ['a: &a [x, x, x, x, x, x, x, x, x, x]'];
  for (let level = 1; level <= 8; level++) {
    const previous = String.fromCharCode(96 + level);
    const name = String.fromCharCode(97 + level);
    lines.push(`${name}: &${name} [${Array(10).fill(`*${previous}`).join(', ')}]`);
  }
  lines.push('kind: Service');
  const findings = compact(await lintText(`${lines.join('\n')}\n`, 'bomb.yaml'));
  assert.equal(findings.map((f) => [f.ruleId, f.line, f.column]), [['yaml-syntax', 1, 1]]);
  assert.match(findings[0]!.message, /expands too many aliases/);
});

test('resources without a namespace get the configured default', async () => {
  const text = 'apiVersion: v1\nkind: Endpoints\nmetadata: {name: e}\n';
  assert.match(compact(await lintText(text))[0]!.message, /in namespace "default"/);
  assert.match(compact(await lintText(text, 'x.yaml', { namespace: 'mon' }))[0]!.message, /in namespace "mon"/);
});

test.run();
