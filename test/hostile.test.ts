// Hostile input: every file below is made at run time in a temporary folder
// (some cannot live in test/, whose tree the runner walks) and linted in one
// CLI run beside a good file with a real mistake. For each: exit 0/1 (never 2,
// never a signal), no stack trace, the file's own finding at its own location
// (or, for harmless oddities, no finding), and the real finding still reported.

import { spawnSync } from 'node:child_process';
import { mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ROOT } from './helpers.js';

const CLI = join(ROOT, 'dist', 'src', 'cli', 'main.js');

function aliasBomb(): string {
  const lines = ['a: &a [x, x, x, x, x, x, x, x, x, x]'];
  for (let level = 1; level <= 9; level++)
    lines.push(`${String.fromCharCode(97 + level)}: &${String.fromCharCode(97 + level)} [${Array(10).fill(`*${String.fromCharCode(96 + level)}`).join(', ')}]`);
  return `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: bomb}\ndata:\n${lines.map((line) => `  ${line}`).join('\n')}\n`;
}

const FILES: Record<string, string | Buffer> = {
  'alias-bomb.yaml': aliasBomb(),
  'deep-nesting.yaml': `apiVersion: v1\nkind: Service\nmetadata: {name: deep}\nspec: ${'['.repeat(20000)}${']'.repeat(20000)}\n`,
  'big-string.yaml': `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: big}\ndata:\n  blob: "${'a'.repeat(5_000_000)}"\n`,
  'binary.yaml': Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0x02, 0x01, 0x00, 0x00, 0xff, 0xfe]),
  'invalid-utf8.yaml': Buffer.concat([Buffer.from('apiVersion: v1\nkind: Service\nmetadata:\n  name: caf'), Buffer.from([0xe9]), Buffer.from('\n')]),
  'bom-crlf.yaml': '\uFEFFapiVersion: v1\r\nkind: Endpoints\r\nmetadata:\r\n  name: bom-orphan\r\n  namespace: mon\r\n',
  'tabs.yaml': 'apiVersion: v1\nkind: Service\nmetadata:\n\tname: tabbed\n',
  'duplicate-keys.yaml': 'apiVersion: v1\nkind: Service\nkind: Endpoints\nmetadata: {name: dup}\n',
  'empty.yaml': '',
  'comment-only.yaml': '# nothing here\n# at all\n',
  'scalar-and-list.yaml': '--- 42\n--- [a, b, c]\n--- "just a string"\n',
  'many-documents.yaml': Array.from({ length: 20000 }, (_, i) => `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c${i}, namespace: bulk}\n`).join('---\n'),
  'wrong-types.yaml': [
    'apiVersion: v1\nkind: Service\nmetadata: 7\n',
    'apiVersion: monitoring.coreos.com/v1\nkind: ServiceMonitor\nmetadata: {name: sm, namespace: mon}\nspec:\n  endpoints: 5\n  selector: [1, 2]\n',
    'apiVersion: v1\nkind: Endpoints\nmetadata: {name: [1], namespace: {a: 1}, labels: [x]}\nsubsets: "x"\n',
    'apiVersion: 5\nkind: Service\nmetadata: {name: typed, namespace: mon}\nspec: {ports: [null, 1, {name: 5, port: "x"}], selector: "y", type: 7}\n',
    'apiVersion: monitoring.coreos.com/v1\nkind: ServiceMonitor\nmetadata: {name: sm2, namespace: mon}\nspec:\n  selector: {matchLabels: {app: [x]}}\n  endpoints: [{port: {a: 1}, params: {match[]: 7}, relabelings: 3, honorLabels: "yes"}, 5, null]\n',
  ].join('---\n'),
  'over-limit.yaml': `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: large}\ndata:\n  blob: "${'b'.repeat(6_500_000)}"\n`,
  'self-alias.yaml': 'apiVersion: v1\nkind: Service\nmetadata: {name: loop}\nspec:\n  x: &a [ {y: *a} ]\n',
  // Six lines that took minutes (the rules' bounded walks over a cyclic value) before cyclic aliases were refused.
  'alias-loops.yaml': 'apiVersion: monitoring.coreos.com/v1\nkind: ServiceMonitor\nmetadata: {name: s}\na: &a [ *a, *a, *a ]\nb: &b [ *a, *b, *a, *b ]\nspec: {endpoints: [*b, *a]}\n',
  // One key that shadows hasOwnProperty used to stop every Spectral rule of the run (exit 2).
  'prototype-keys.yaml':
    "apiVersion: monitoring.coreos.com/v1\nkind: ServiceMonitor\nmetadata: {name: proto, namespace: mon, labels: {hasOwnProperty: a, __proto__: b, constructor: c}}\nspec:\n  selector: {matchLabels: {app: proto}}\n  endpoints: [{port: web, path: /federate, params: {'match[]': ['{job=\"x\"}'], toString: [a], valueOf: [b]}, relabelings: [{targetLabel: cluster, replacement: w}]}]\n",
  // yaml printed a Node warning for a mapping key that is a list ("Keys with collection values will be stringified").
  'collection-key.yaml': 'apiVersion: v1\nkind: Service\nmetadata: {name: keyed}\nspec:\n  ? [a, b]\n  : c\n  ports: [{name: web, port: 1}]\n',
  'cr-only.yaml': '# classic Mac OS line ends\rapiVersion: v1\rkind: Endpoints\rmetadata: {name: mac-orphan, namespace: mon}\r',
  'good.yaml': 'apiVersion: v1\nkind: Endpoints\nmetadata: {name: worker-metric, namespace: mon}\n---\napiVersion: v1\nkind: Service\nmetadata: {name: worker-metrics, namespace: mon}\nspec: {ports: [{name: web, port: 9090}]}\n',
};

function hostileFolder(): string {
  const dir = mkdtempSync(join(tmpdir(), 'fedlint-hostile-'));
  for (const [name, content] of Object.entries(FILES)) writeFileSync(join(dir, name), content);
  symlinkSync('loop.yaml', join(dir, 'loop.yaml'));
  symlinkSync('nowhere.yaml', join(dir, 'dangling.yaml'));
  return dir;
}

const dir = hostileFolder();
// A hang guard, not a timing assertion: the whole folder must finish.
const run = spawnSync(process.execPath, [CLI, '--format', 'json', '--max-file-size', '6MB', '.'], { cwd: dir, encoding: 'utf8', timeout: 120_000, maxBuffer: 1 << 28 });
const output = run.stdout ? JSON.parse(run.stdout) : { findings: [] };
const findingsOf = (file: string) => output.findings.filter((f: any) => f.file === file).map((f: any) => [f.ruleId, f.startLine, f.startColumn]);
const messageOf = (file: string) => output.findings.find((f: any) => f.file === file)?.message ?? '';

test('the whole folder: exit 1 (real findings), no signal, nothing on stderr', () => {
  assert.is(run.signal, null);
  assert.is(run.status, 1);
  assert.is(run.stderr, '');
});

test('the real mistake in the good file is still reported, at its place', () => {
  assert.equal(findingsOf('good.yaml'), [['endpoints-name-match', 3, 18]]);
});

test('alias bomb and 20,000-level nesting: a yaml-syntax finding each, no hang, no stack overflow', () => {
  assert.equal(findingsOf('alias-bomb.yaml'), [['yaml-syntax', 1, 1]]);
  assert.match(messageOf('alias-bomb.yaml'), /expands too many aliases/);
  assert.equal(findingsOf('deep-nesting.yaml').map(([rule]: any) => rule), ['yaml-syntax']);
  assert.match(messageOf('deep-nesting.yaml'), /nesting too deep to parse/);
});

test('a self-referencing alias and aliases looping through each other: a yaml-syntax finding at the alias, no stack overflow', () => {
  assert.equal(findingsOf('self-alias.yaml'), [['yaml-syntax', 5, 15]]);
  assert.match(messageOf('self-alias.yaml'), /^YAML alias \*a is inside the node anchored &a that it repeats/);
  assert.equal(findingsOf('alias-loops.yaml'), [['yaml-syntax', 4, 9]]);
});

test('keys named after Object.prototype members are ordinary keys: every rule still reports', () => {
  assert.equal(findingsOf('prototype-keys.yaml'), [
    ['selector-matches-service', 5, 33],
    ['federate-honor-labels', 6, 16],
  ]);
});

test('CR-only line breaks (classic Mac OS) are line breaks, as go-yaml reads them: linted at the lines an editor shows', () => {
  assert.equal(findingsOf('cr-only.yaml'), [['endpoints-name-match', 4, 18]]);
});

test('a 5 MB string under the limit is read; a file over --max-file-size is reported, not read', () => {
  assert.equal(findingsOf('big-string.yaml'), []);
  assert.equal(findingsOf('over-limit.yaml'), [['file-unreadable', 1, 1]]);
  assert.match(messageOf('over-limit.yaml'), /6\.2 MB is over the 6\.0 MB limit, so it was not read \(raise it with --max-file-size\)/);
});

test('binary bytes and invalid UTF-8: reported with a reason and a place', () => {
  assert.equal(findingsOf('binary.yaml'), [['file-unreadable', 1, 1]]);
  assert.match(messageOf('binary.yaml'), /binary file/);
  assert.equal(findingsOf('invalid-utf8.yaml'), [['yaml-syntax', 4, 12]]);
  assert.match(messageOf('invalid-utf8.yaml'), /is not valid UTF-8/);
});

test('BOM + CRLF keep exact positions; tabs and duplicate keys are yaml-syntax findings at their line', () => {
  assert.equal(findingsOf('bom-crlf.yaml'), [['endpoints-name-match', 4, 9]]);
  assert.equal(findingsOf('tabs.yaml'), [['yaml-syntax', 4, 1]]);
  assert.equal(findingsOf('duplicate-keys.yaml'), [['yaml-syntax', 3, 1]]);
});

test('empty, comment-only, scalar and list documents, and 20,000 documents: no finding, no trouble', () => {
  for (const file of ['empty.yaml', 'comment-only.yaml', 'scalar-and-list.yaml', 'many-documents.yaml']) assert.equal(findingsOf(file), [], file);
});

test('wrong types everywhere are schema findings, never a crash', () => {
  const rules = new Set(findingsOf('wrong-types.yaml').map(([rule]: any) => rule));
  assert.ok(rules.has('schema'), [...rules].join(','));
  assert.ok(findingsOf('wrong-types.yaml').length >= 5);
});

test('symlink loops and dangling links: file-unreadable with the reason', () => {
  assert.equal(findingsOf('loop.yaml'), [['file-unreadable', 1, 1]]);
  assert.match(messageOf('loop.yaml'), /symbolic link loop/);
  assert.equal(findingsOf('dangling.yaml'), [['file-unreadable', 1, 1]]);
  assert.match(messageOf('dangling.yaml'), /dangling symbolic link/);
});

test('every reported position lies inside its file', () => {
  const lineCounts = new Map(Object.entries(FILES).map(([name, content]) => [name, String(content).split(/\r\n|\r|\n/).length]));
  for (const finding of output.findings) {
    const lines = lineCounts.get(finding.file);
    if (lines === undefined) continue; // links
    assert.ok(finding.startLine >= 1 && finding.startLine <= lines, `${finding.file}:${finding.startLine}`);
    assert.ok(finding.endLine >= finding.startLine && finding.startColumn >= 1, `${finding.file}:${finding.startLine}:${finding.startColumn}`);
  }
});


test('values crafted to make a rule work quadratically (unclosed substitutions, long names to compare) are linted at once', () => {
  const dir = mkdtempSync(join(tmpdir(), 'fedlint-hostile-cost-'));
  const long = 'n'.repeat(300_000);
  writeFileSync(
    join(dir, 'cost.yaml'),
    [
      `apiVersion: v1\nkind: Service\nmetadata: {name: subst, namespace: mon}\nspec: {type: ExternalName, externalName: "${'${a:-'.repeat(120_000)}", ports: [{name: web, port: 1}]}\n`,
      `apiVersion: v1\nkind: Service\nmetadata: {name: words, namespace: mon}\nspec: {type: ExternalName, externalName: "${'_a'.repeat(200_000)}_changeme", ports: [{name: web, port: 1}]}\n`,
      `apiVersion: v1\nkind: Endpoints\nmetadata: {name: "${long}x", namespace: mon}\n`,
      // A CRD pattern not anchored at its start, which JavaScript's regex engine runs in quadratic time (RE2: linear).
      `apiVersion: monitoring.coreos.com/v1\nkind: ServiceMonitor\nmetadata: {name: limit, namespace: mon}\nspec: {bodySizeLimit: "${'1'.repeat(150_000)}x", selector: {matchLabels: {app: none}}, endpoints: [{port: web}]}\n`,
      `apiVersion: v1\nkind: Service\nmetadata: {name: "${long}y", namespace: mon}\nspec: {ports: [{name: web, port: 1}]}\n`,
    ].join('---\n'),
  );
  // A hang guard, not a timing assertion: each of these took 13 to 40 seconds, and grew with the square of the length.
  const cost = spawnSync(process.execPath, [CLI, '--format', 'json', 'cost.yaml'], { cwd: dir, encoding: 'utf8', timeout: 30_000, maxBuffer: 1 << 28 });
  assert.is(cost.signal, null);
  assert.is(cost.status, 1);
  const found = JSON.parse(cost.stdout).findings.map((f: { ruleId: string; startLine: number }) => [f.ruleId, f.startLine]);
  // The keyword at the end of a 400 KB word, and the orphan Endpoints (no did-you-mean for a name past 253 characters).
  assert.equal(found.filter(([rule]: [string]) => rule !== 'selector-matches-service'), [
    ['placeholder-value', 9],
    ['endpoints-name-match', 13],
    ['schema', 18],
  ]);
});

test.run();
