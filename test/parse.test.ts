// Positions are the product: exact line/column under CRLF, a BOM, comments,
// anchors/aliases, flow style, `kind: List` and multi-document files.

import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { makeSourceFile, parseFile, parseText, regionOf, resourcesOf } from '../src/load/parse.js';
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

test('a self-referencing alias is a yaml-syntax finding at the alias; the other documents are still linted', async () => {
  const text = [
    'apiVersion: v1',
    'kind: Service',
    'metadata: {name: loop, namespace: mon}',
    'spec:',
    '  x: &a [ {y: *a} ]',
    '---',
    'apiVersion: v1',
    'kind: Endpoints',
    'metadata: {name: orphan, namespace: mon}',
    '',
  ].join('\n');
  const result = await lintText(text, 'loop.yaml');
  assert.equal(result.failures, []);
  assert.equal(
    compact(result).map((f) => [f.ruleId, f.line, f.column]),
    [
      ['yaml-syntax', 5, 15],
      ['endpoints-name-match', 9, 18],
    ],
  );
  const [loop] = result.findings;
  assert.equal(loop!.location.region, { startLine: 5, startColumn: 15, endLine: 5, endColumn: 17 });
  assert.match(loop!.message, /^YAML alias \*a is inside the node anchored &a that it repeats, so that node would contain itself without end .*; write the nested copy out, or anchor a node that does not hold the alias; /);
});

test('nested self-references and aliases to anchors that hold aliases to themselves are refused at the first such alias', async () => {
  // A guard, not a measurement: before cycles were refused, the rules' depth-bounded walks over such a value (an
  // exponential number of paths) took minutes; refusing it takes milliseconds.
  const started = performance.now();
  const variants: [string[], number, number, string][] = [
    [['apiVersion: monitoring.coreos.com/v1', 'kind: ServiceMonitor', 'metadata: {name: s}', 'a: &a [ *a, *a, *a ]', 'b: &b [ *a, *b, *a, *b ]', 'spec: {endpoints: [*b, *a]}'], 4, 9, 'a'],
    [['kind: Service', 'metadata: {name: s}', 'spec:', '  outer: &o', '    inner: &i [ {deeper: [*i]}, *o ]', '  again: *o'], 5, 27, 'i'],
    [['kind: Service', 'metadata: {name: s}', 'spec: &s', '  ? [*s]', '  : key alias'], 4, 6, 's'],
  ];
  for (const [lines, line, column, anchor] of variants) {
    const result = await lintText(`${lines.join('\n')}\n`, 'loops.yaml');
    assert.equal(result.failures, [], lines.join(' | '));
    assert.equal(compact(result).map((f) => [f.ruleId, f.line, f.column]), [['yaml-syntax', line, column]], lines.join(' | '));
    assert.ok(result.findings[0]!.message.startsWith(`YAML alias *${anchor} is inside the node anchored &${anchor}`));
  }
  assert.ok(performance.now() - started < 5000, `${Math.round(performance.now() - started)} ms`);
});

test('shared anchors, an anchor named again inside its own node, and merges of earlier mappings are not cycles', async () => {
  const text = [
    'apiVersion: v1',
    'kind: Service',
    'metadata: {name: shared, namespace: mon, labels: &labels {app: web}}',
    'spec:',
    '  selector: *labels',
    '  list: &a [ &a inner, *a ]',
    '  base: &base {x: 1}',
    '  merged: {<<: [*base, {w: 2}], z: *a}',
    '',
  ].join('\n');
  const result = await lintText(text, 'shared.yaml', { rules: { schema: 'off' } });
  assert.equal(compact(result), []);
  const [service] = parseFile(makeSourceFile('x.yaml', 'x.yaml', text), 'default').resources;
  assert.equal(service!.body.spec.list, ['inner', 'inner']);
  assert.equal(service!.body.spec.merged, { x: 1, w: 2, z: 'inner' });
});

test('an alias without an anchor and a merge key given a scalar are worded as what they are, at their place', async () => {
  const text = ['kind: Service', 'metadata: {name: a}', 'spec: {selector: *missing}', '---', 'kind: Service', 'metadata: {name: b}', 'spec:', '  <<: 5', ''].join('\n');
  const findings = compact(await lintText(text, 'odd-aliases.yaml'));
  assert.equal(
    findings.map((f) => [f.ruleId, f.line, f.column]),
    [
      ['yaml-syntax', 3, 18],
      ['yaml-syntax', 8, 3],
    ],
  );
  assert.match(findings[0]!.message, /^YAML alias \*missing has no anchor &missing before it in this document, so it stands for nothing; /);
  assert.match(findings[1]!.message, /^YAML merge key << is given the value 5, but it merges only a mapping, an alias of one, or a list of those; /);
  for (const finding of findings) assert.not.match(finding.message, /too many aliases/);
});

test('a fedlint bug while a document becomes data is an internal error naming the document, not a YAML finding', () => {
  // A collaborator that fails as a bug would: the error is fedlint's, whatever the YAML.
  const broken = { has: () => { throw new TypeError("Cannot read properties of undefined (reading 'kind')"); } } as unknown as ReadonlySet<string>;
  const file = makeSourceFile('x.yaml', 'x.yaml', 'apiVersion: v1\nkind: Service\nmetadata: {name: a}\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: b}\n');
  const result = resourcesOf(file, parseText(file.text, file.displayPath, { readKinds: broken }), 'default');
  assert.equal(result.findings, []);
  assert.equal(result.failures, [
    { ruleId: 'yaml-syntax', message: "x.yaml:1:1: fedlint failed to read this document (TypeError: Cannot read properties of undefined (reading 'kind')); that document was not linted" },
    { ruleId: 'yaml-syntax', message: "x.yaml:4:1: fedlint failed to read this document (TypeError: Cannot read properties of undefined (reading 'kind')); that document was not linted" },
  ]);
});

test('CR-only line breaks (classic Mac OS) are line breaks, as go-yaml reads them: findings, comments and regions at their lines', async () => {
  const lines = [
    '# a comment first: read as one line, it would make the whole file a comment',
    'apiVersion: v1',
    'kind: Endpoints',
    'metadata:',
    '  name: orphan',
    '  namespace: mon',
    '---',
    'apiVersion: v1',
    'kind: Endpoints',
    'metadata:',
    '  # fedlint-disable-next-line endpoints-name-match -- made by hand',
    '  name: suppressed',
    '  namespace: mon',
    '',
  ];
  const result = await lintText(lines.join('\r'), 'mac.yaml');
  assert.equal(
    result.findings.map((f) => [f.ruleId, f.location.region.startLine, f.location.region.startColumn, f.suppressed ? 'suppressed' : 'reported']),
    [
      ['endpoints-name-match', 5, 9, 'reported'],
      ['endpoints-name-match', 12, 9, 'suppressed'],
    ],
  );
  assert.equal(result.findings[0]!.location.region, { startLine: 5, startColumn: 9, endLine: 5, endColumn: 15 });
  // Each line break of its own kind: CRLF, a lone CR, LF.
  const mixed = await lintText('apiVersion: v1\r\nkind: Endpoints\rmetadata:\n  name: orphan\r  namespace: mon\r\n', 'mixed.yaml');
  assert.equal(compact(mixed).map((f) => [f.ruleId, f.line, f.column]), [['endpoints-name-match', 4, 9]]);
  assert.equal(mixed.findings[0]!.location.file.lineStarts, [0, 16, 32, 42, 57, 75]);
});

test('regions end within their line: not past its end, not on the next line (zero-width, line-break, end-of-file and CRLF ranges)', () => {
  const region = (text: string, start: number, end: number) => regionOf(makeSourceFile('x.yaml', 'x.yaml', text), start, end);
  // At a line end (zero-width, or only the line break): an empty region after the line's last character.
  assert.equal(region('a: 1\nb: 2\n', 4, 4), { startLine: 1, startColumn: 5, endLine: 1, endColumn: 5 });
  assert.equal(region('a: 1\nb: 2\n', 4, 5), { startLine: 1, startColumn: 5, endLine: 1, endColumn: 5 });
  // At the end of a file without a final line break, and after the last line of one with it.
  assert.equal(region('a: 1', 4, 5), { startLine: 1, startColumn: 5, endLine: 1, endColumn: 5 });
  assert.equal(region('a: 1\n\n', 6, 7), { startLine: 1, startColumn: 5, endLine: 1, endColumn: 5 });
  // The LF of a CRLF is no column of the line: the break is at its CR.
  assert.equal(region('a: 1\r\nb: 2\r\n', 5, 6), { startLine: 1, startColumn: 5, endLine: 1, endColumn: 5 });
  // A range that took the line break and the next line's indentation along ends where its text ends.
  assert.equal(region('a:\n  b: 1\n', 0, 5), { startLine: 1, startColumn: 1, endLine: 1, endColumn: 3 });
  // An empty range inside a line still shows its character.
  assert.equal(region('a: 1\n', 3, 3), { startLine: 1, startColumn: 4, endLine: 1, endColumn: 5 });
});

test('a YAML error at the end of a line or of a file without a final line break ends within its line', async () => {
  for (const [text, expected] of [
    ['kind: Service\nmetadata: {name: a', { startLine: 2, startColumn: 19, endLine: 2, endColumn: 19 }],
    ["kind: Service\nmetadata: {name: 'a\n", { startLine: 2, startColumn: 20, endLine: 2, endColumn: 20 }],
  ] as const) {
    const [finding] = (await lintText(text, 'end.yaml')).findings;
    assert.is(finding!.ruleId, 'yaml-syntax');
    assert.equal(finding!.location.region, expected, JSON.stringify(text));
  }
});

test('resources without a namespace get the configured default', async () => {
  const text = 'apiVersion: v1\nkind: Endpoints\nmetadata: {name: e}\n';
  assert.match(compact(await lintText(text))[0]!.message, /in namespace "default"/);
  assert.match(compact(await lintText(text, 'x.yaml', { namespace: 'mon' }))[0]!.message, /in namespace "mon"/);
});

test.run();
