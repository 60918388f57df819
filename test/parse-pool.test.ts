// Parsing on worker threads and skimming the kinds no rule reads are speed-ups only: the findings, their order and
// their locations must be exactly those of a lint that parses everything whole on the main thread.

import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { lint, type LintResult } from '../src/index.js';
import { makeSourceFile, parseText } from '../src/load/parse.js';
import { parseOnWorkers } from '../src/load/parse-pool.js';
import { READ_KINDS } from '../src/load/read-kinds.js';
import { ROOT, compact, lintText } from './helpers.js';

const EVERYTHING = ['test/fixtures', 'test/corpus', 'examples'];

const summary = (result: LintResult) => ({ resources: result.resourceCount, findings: compact(result) });

test('four worker threads find exactly what the main thread finds, over every fixture and the corpus', async () => {
  const here = await lint({ paths: EVERYTHING, cwd: ROOT, workers: 0, config: false });
  const threads = await lint({ paths: EVERYTHING, cwd: ROOT, workers: 4, config: false });
  assert.ok(here.findings.length > 100);
  assert.equal(summary(threads), summary(here));
});

test('skimming: a lint that keeps every body whole (as a user ruleset needs) finds the same', async () => {
  // An active user rule makes fedlint keep whole bodies; its own findings are left out of the comparison.
  const dir = mkdtempSync(join(tmpdir(), 'fedlint-skim-'));
  writeFileSync(join(dir, 'ruleset.yaml'), 'rules:\n  never-fires:\n    description: x\n    given: "$[*].nothing"\n    then: {function: falsy}\n');
  const skimmed = await lint({ paths: EVERYTHING, cwd: ROOT, config: false });
  const whole = await lint({ paths: EVERYTHING, cwd: ROOT, config: false, rulesets: [join(dir, 'ruleset.yaml')] });
  assert.equal(summary(whole), summary(skimmed));
});

test('hostile files give the same findings on a worker as on the main thread', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'fedlint-pool-'));
  const files: Record<string, string> = {
    'deep.yaml': `apiVersion: v1\nkind: Service\nmetadata: {name: deep}\nspec: ${'['.repeat(20000)}${']'.repeat(20000)}\n`,
    'bomb.yaml': `kind: ConfigMap\nmetadata: {name: bomb}\ndata:\n  a: &a [x, x, x, x, x, x, x, x, x, x]\n${Array.from({ length: 6 }, (_, i) => `  ${'bcdefg'[i]}: &${'bcdefg'[i]} [${Array(10).fill(`*${'abcdef'[i]}`).join(', ')}]`).join('\n')}\n`,
    'broken.yaml': 'apiVersion: v1\nkind: Service\nmetadata:\n  name: [unclosed\n',
    'self-alias.yaml': 'apiVersion: v1\nkind: Service\nmetadata: {name: loop}\nspec:\n  x: &a [ {y: *a} ]\n---\nkind: ConfigMap\nmetadata: {name: c}\ndata: {a: &b [*b]}\n',
    'cr-only.yaml': 'apiVersion: v1\rkind: Endpoints\rmetadata: {name: mac, namespace: mon}\r',
    'alias-loops.yaml': 'apiVersion: monitoring.coreos.com/v1\nkind: ServiceMonitor\nmetadata: {name: s}\na: &a [ *a, *a, *a ]\nb: &b [ *a, *b, *a, *b ]\nspec: {endpoints: [*b, *a]}\n',
    'good.yaml': 'apiVersion: v1\nkind: Endpoints\nmetadata: {name: worker-metric, namespace: mon}\n',
  };
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  const here = await lint({ paths: ['.'], cwd: dir, workers: 0, config: false });
  const threads = await lint({ paths: ['.'], cwd: dir, workers: 2, config: false });
  assert.equal(summary(threads), summary(here));
  assert.equal(
    compact(threads).map((finding) => [finding.file, finding.ruleId]),
    [
      ['alias-loops.yaml', 'yaml-syntax'],
      ['bomb.yaml', 'yaml-syntax'],
      ['broken.yaml', 'yaml-syntax'],
      ['cr-only.yaml', 'endpoints-name-match'],
      ['deep.yaml', 'yaml-syntax'],
      ['good.yaml', 'endpoints-name-match'],
      ['self-alias.yaml', 'yaml-syntax'],
      ['self-alias.yaml', 'yaml-syntax'],
    ],
  );
});

test('workers that die right after answering (a late answer after their error): every file parsed once, in order', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'fedlint-dying-'));
  const script = join(dir, 'dying-worker.mjs');
  writeFileSync(
    script,
    [
      "import { parentPort } from 'node:worker_threads';",
      `import { parseText } from ${JSON.stringify(pathToFileURL(join(ROOT, 'src', 'load', 'parse.ts')).href)};`,
      "parentPort.on('message', ({ batch, files }) => {",
      '  parentPort.postMessage({ batch, parsed: files.map((file) => parseText(file.text, file.displayPath)) });',
      "  throw new Error('dies after answering');",
      '});',
    ].join('\n'),
  );
  // Batches of about 200 KB: 40 files of 60 KB make a dozen, more than the workers that die.
  const sources = Array.from({ length: 40 }, (_, i) =>
    makeSourceFile(`f${i}.yaml`, `f${i}.yaml`, `kind: Service\nmetadata: {name: s${i}}\ndata: "${'x'.repeat(60_000)}"\n---\n: bad [\n`),
  );
  for (let round = 0; round < 3; round++) {
    const parsed = await parseOnWorkers(sources, 2, pathToFileURL(script), {});
    assert.equal(parsed, sources.map((source) => parseText(source.text, source.displayPath)));
  }
});

test('!!binary is the decoded text, as the API server reads it, on every thread', async () => {
  const text = [
    'apiVersion: v1',
    'kind: Service',
    'metadata: {name: web, namespace: mon, labels: {app: !!binary d2Vi}}',
    'spec: {ports: [{name: metrics, port: 9090}]}',
    '---',
    'apiVersion: monitoring.coreos.com/v1',
    'kind: ServiceMonitor',
    'metadata: {name: web, namespace: mon}',
    'spec: {selector: {matchLabels: {app: !!binary d2Vi}}, endpoints: [{port: metrics}]}',
    '',
  ].join('\n');
  assert.equal(parseText(text, 'x.yaml').objects[0]!.body.metadata.labels, { app: 'web' });
  const dir = mkdtempSync(join(tmpdir(), 'fedlint-binary-'));
  writeFileSync(join(dir, 'web.yaml'), text.replace('d2Vi}}\nspec', 'd2Vh}}\nspec'));
  const here = await lint({ paths: ['.'], cwd: dir, workers: 0, config: false });
  const threads = await lint({ paths: ['.'], cwd: dir, workers: 2, config: false });
  assert.equal(summary(threads), summary(here));
  assert.match(compact(here)[0]!.message, /has app=wea, not app=web/);
});

test('a kind no rule reads keeps only its identity; one with a pod template, a merge key or a read kind stays whole', () => {
  const options = { readKinds: READ_KINDS };
  const body = (text: string) => parseText(text, 'x.yaml', options).objects[0]!.body;
  assert.equal(body('apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c, labels: {a: b}}\ndata: {big: blob}\n'), {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'c', labels: { a: 'b' } },
  });
  const rollout = 'apiVersion: argoproj.io/v1alpha1\nkind: Rollout\nmetadata: {name: r}\nspec:\n  template: {spec: {containers: []}}\n';
  assert.equal(body(rollout).spec, { template: { spec: { containers: [] } } });
  const cronJob = 'apiVersion: batch/v1\nkind: CronJob\nmetadata: {name: c}\nspec:\n  jobTemplate: {spec: {}}\n';
  assert.ok(body(cronJob).spec);
  const merged = 'base: &base {spec: {template: {}}}\n<<: *base\nkind: Widget\nmetadata: {name: w}\n';
  assert.ok(body(merged).spec);
  // Metadata (the name, a fedlint.dev/ignore annotation) may itself be an alias: a document with aliases is read whole.
  const aliased = 'apiVersion: v1\nkind: ConfigMap\ndata:\n  meta: &m {name: dash}\nmetadata: *m\n';
  assert.equal(body(aliased).metadata, { name: 'dash' });
  assert.ok(body('apiVersion: v1\nkind: Service\nmetadata: {name: s}\nspec: {type: ClusterIP}\n').spec);
  // Without readKinds (the default), every body is whole.
  assert.equal(parseText('kind: ConfigMap\ndata: {a: b}\n', 'x.yaml').objects[0]!.body.data, { a: 'b' });
});

test('each document is located from its own text: directives, `...` and comments between documents', async () => {
  const text = [
    '# leading comment',
    'apiVersion: v1',
    'kind: Endpoints',
    'metadata: {name: a-metrics, namespace: mon}',
    '...',
    '%YAML 1.1',
    '---',
    '# between',
    'apiVersion: v1',
    'kind: Endpoints',
    'metadata:',
    '  name: b-metrics',
    '  namespace: mon',
    '--- !!map',
    'apiVersion: v1',
    'kind: Service',
    'metadata: {name: c-metrics, namespace: mon}',
    '',
  ].join('\n');
  const findings = compact(await lintText(text)).filter((finding) => finding.ruleId === 'endpoints-name-match');
  assert.equal(
    findings.map((finding) => [finding.line, finding.column]),
    [
      [4, 18],
      [12, 9],
    ],
  );
});

test.run();
