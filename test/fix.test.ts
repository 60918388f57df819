// --fix, --fix-dry-run and SARIF `fixes`: each fixable rule's bad fixture, fixed in a temporary copy through the
// built CLI, changes exactly the intended bytes and nothing else (comments, quotes, CRLF, a BOM), a re-run reports
// none of the fixed findings, the dry run prints the diff and leaves the files alone, and SARIF carries the same edit.

import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import { chmodSync, closeSync, copyFileSync, mkdirSync, mkdtempSync, openSync, readFileSync, readdirSync, readlinkSync, realpathSync, statSync, symlinkSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import AjvDraft04 from 'ajv-draft-04';
import ajvFormats from 'ajv-formats';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { fixFindings, planFixes, writeFixedFiles } from '../src/check/fix.js';
import { lint } from '../src/index.js';
import type { WriteFs } from '../src/safe-write.js';
import { toSarif } from '../src/report/sarif.js';
import type { Finding } from '../src/types.js';
import { FIXTURES, ROOT, lintPaths, lintText } from './helpers.js';

const CLI = join(ROOT, 'dist', 'src', 'cli', 'main.js');

function fedlint(args: string[], options: { cwd: string; input?: string; nodeOptions?: string[]; env?: Record<string, string> }) {
  const run = spawnSync(process.execPath, [...(options.nodeOptions ?? []), CLI, ...args], {
    cwd: options.cwd,
    input: options.input,
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1', ...options.env },
  });
  return { code: run.status, stdout: run.stdout, stderr: run.stderr };
}

/** A temporary folder holding a copy of one fixture (or of the given texts). */
function workspace(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'fedlint-fix-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

function copyOf(fixture: string): { dir: string; name: string; original: string } {
  const dir = mkdtempSync(join(tmpdir(), 'fedlint-fix-'));
  const name = basename(fixture);
  copyFileSync(join(FIXTURES, fixture), join(dir, name));
  return { dir, name, original: readFileSync(join(dir, name), 'utf8') };
}

/** `text` with each `[from, to]` applied; every `from` must occur exactly once, so the expectation is exact. */
function replaced(text: string, replacements: [string, string][]): string {
  let result = text;
  for (const [from, to] of replacements) {
    assert.is(result.split(from).length, 2, `"${from}" occurs once`);
    result = result.replace(from, () => to);
  }
  return result;
}

const identity = (finding: Finding) => `${finding.ruleId} ${finding.message}`;

/** Each fixable rule's bad fixture and the exact edits --fix makes to it. */
const CASES: { rule: string; fixture: string; edits: [string, string][] }[] = [
  { rule: 'federate-honor-labels', fixture: 'federate-honor-labels/bad/absent.yaml', edits: [['    - port: web\n', '    - port: web\n      honorLabels: true\n']] },
  {
    rule: 'federate-honor-labels',
    fixture: 'federate-honor-labels/bad/false.yaml',
    edits: [['honorLabels: false # wrong', 'honorLabels: true # wrong']],
  },
  { rule: 'federate-path', fixture: 'federate-path/bad/path-absent.yaml', edits: [['    - port: web\n', '    - port: web\n      path: /federate\n']] },
  { rule: 'federate-path', fixture: 'federate-path/bad/path-metrics.yaml', edits: [['path: /metrics # wrong', 'path: /federate # wrong']] },
  { rule: 'federate-path', fixture: 'federate-path/bad/path-no-leading-slash.yaml', edits: [['path: federate # wrong', 'path: /federate # wrong']] },
  { rule: 'federate-path', fixture: 'federate-path/bad/path-trailing-slash.yaml', edits: [['path: /federate/ # wrong', 'path: /federate # wrong']] },
  {
    rule: 'federate-match-required',
    fixture: 'federate-match-required/bad/match-without-brackets.yaml',
    edits: [["        match: # wrong", "        'match[]': # wrong"]],
  },
  {
    rule: 'endpoints-name-match',
    fixture: 'endpoints-name-match/bad/endpoints-typo.yaml',
    edits: [['name: worker-metric # wrong', 'name: worker-metrics # wrong']],
  },
  {
    rule: 'endpoints-name-match',
    fixture: 'endpoints-name-match/bad/endpointslice.yaml',
    edits: [['service-name: ap-south-prometeus # wrong', 'service-name: ap-south-prometheus # wrong']],
  },
  {
    rule: 'endpoints-port-match',
    fixture: 'endpoints-port-match/bad/port-name.yaml',
    edits: [
      ['- name: wbe # wrong', '- name: web # wrong'],
      ['- name: metrics # wrong', '- name: http-web # wrong'],
    ],
  },
  { rule: 'endpoints-port-match', fixture: 'endpoints-port-match/bad/endpointslice.yaml', edits: [['- name: htp-web # wrong', '- name: http-web # wrong']] },
  {
    rule: 'endpoints-port-match',
    fixture: 'endpoints-port-match/bad/unnamed-port.yaml',
    edits: [['      - port: 9090 # wrong: the Service port is named "web"\n', '      - port: 9090 # wrong: the Service port is named "web"\n        name: web\n']],
  },
];

for (const { rule, fixture, edits } of CASES) {
  test(`--fix ${fixture}: exactly the intended bytes change, and a re-run has none of the fixed findings`, async () => {
    const { dir, name, original } = copyOf(fixture);
    const before = await lint({ paths: ['.'], cwd: dir });
    const fixable = before.findings.filter((finding) => finding.fix);
    assert.ok(fixable.length === edits.length && fixable.every((finding) => finding.ruleId === rule), fixable.map(identity).join('\n'));

    const run = fedlint(['--fix', '.'], { cwd: dir });
    assert.is(readFileSync(join(dir, name), 'utf8'), replaced(original, edits));
    assert.is(run.stderr, `fedlint: fixed ${edits.length} problem${edits.length === 1 ? '' : 's'} in 1 file\n`);

    const after = await lint({ paths: ['.'], cwd: dir });
    const left = new Set(after.findings.map(identity));
    for (const finding of fixable) assert.not.ok(left.has(identity(finding)), `still reported: ${identity(finding)}`);
    // The report printed after --fix is that re-run.
    assert.is(run.code, after.findings.some((finding) => finding.level === 'error') ? 1 : 0);
    for (const finding of after.findings) assert.ok(run.stdout.includes(finding.message), finding.message);
  });
}

test('a suppressed finding is not fixed', async () => {
  const { dir, name, original } = copyOf('federate-honor-labels/bad/absent.yaml');
  const suppressed = replaced(original, [['    # Wrong: no honorLabels.\n', '    # fedlint-disable-next-line federate-honor-labels -- the proxy in front keeps the labels\n']]);
  writeFileSync(join(dir, name), suppressed);
  const run = fedlint(['--fix', '.'], { cwd: dir });
  assert.is(readFileSync(join(dir, name), 'utf8'), suppressed);
  assert.is(run.stderr, '');
  assert.is(run.code, 0, run.stdout);
});

test('CRLF line breaks, a byte-order mark, comments and quotes survive; an inserted line gets CRLF', async () => {
  const crlf = (text: string) => text.replace(/\n/g, '\r\n');
  const honor = readFileSync(join(FIXTURES, 'federate-honor-labels/bad/absent.yaml'), 'utf8');
  const match = readFileSync(join(FIXTURES, 'federate-match-required/bad/match-without-brackets.yaml'), 'utf8');
  const dir = workspace({ 'honor.yaml': `\ufeff${crlf(honor)}`, 'match.yaml': crlf(match) });
  const run = fedlint(['--fix', '.'], { cwd: dir });
  assert.is(run.stderr, 'fedlint: fixed 2 problems in 2 files\n');
  assert.is(readFileSync(join(dir, 'honor.yaml'), 'utf8'), `\ufeff${crlf(replaced(honor, [['    - port: web\n', '    - port: web\n      honorLabels: true\n']]))}`);
  assert.is(readFileSync(join(dir, 'match.yaml'), 'utf8'), crlf(replaced(match, [['        match: # wrong', "        'match[]': # wrong"]])));
  assert.is(run.code, 0, run.stdout);
});

// A List item in the second document of a file, written in flow style with double quotes: `match` → `'match[]'` makes
// the path checkable, so a second pass fixes it; the entry for honorLabels goes inside the braces.
const LIST = [
  '# monitors, as `kubectl get -o yaml` writes them',
  'apiVersion: v1',
  'kind: Service',
  'metadata: {name: worker, namespace: m, labels: {app: worker}}',
  'spec: {ports: [{name: web, port: 9090}]}',
  '---',
  'apiVersion: v1',
  'kind: List',
  'items:',
  '  - apiVersion: v1',
  '    kind: Endpoints',
  '    metadata: {name: worker, namespace: m}',
  '    subsets: [{addresses: [{ip: 10.0.0.1}], ports: [{name: web, port: 9090}]}]',
  '  - apiVersion: monitoring.coreos.com/v1',
  '    kind: ServiceMonitor',
  '    metadata: {name: worker, namespace: m}',
  '    spec:',
  '      selector: {matchLabels: {app: worker}}',
  '      endpoints:',
  '        - {port: web, path: "federate", params: {match: ["{job=\\"x\\"}"]}, relabelings: [{targetLabel: cluster, replacement: w}]}',
  '',
].join('\n');

test('kind: List items in a multi-document file, flow style: every fix lands in its item, passes until nothing is left', async () => {
  const dir = workspace({ 'list.yaml': LIST });
  const run = fedlint(['--fix', '.'], { cwd: dir });
  assert.is(run.stderr, 'fedlint: fixed 3 problems in 1 file\n');
  assert.is(
    readFileSync(join(dir, 'list.yaml'), 'utf8'),
    replaced(LIST, [
      [
        '- {port: web, path: "federate", params: {match: ["{job=\\"x\\"}"]}, relabelings: [{targetLabel: cluster, replacement: w}]}',
        '- {port: web, path: "/federate", params: {\'match[]\': ["{job=\\"x\\"}"]}, relabelings: [{targetLabel: cluster, replacement: w}], honorLabels: true}',
      ],
    ]),
  );
  assert.is(run.stdout, 'no problems (1 file, 3 resources)\n');
  assert.is(run.code, 0);
});

test('two entries added to one endpoint land one after the other, in the order of the findings', async () => {
  const text = [
    'apiVersion: monitoring.coreos.com/v1',
    'kind: ServiceMonitor',
    'metadata: {name: w, namespace: n}',
    'spec:',
    '  endpoints:',
    '    - port: web # the worker',
    "      params: {'match[]': ['{job=\"x\"}']}",
    '',
  ].join('\n');
  const dir = workspace({ 'w.yaml': text });
  const run = fedlint(['--fix', '--rule', 'federate-cluster-label=off', '.'], { cwd: dir });
  assert.is(run.stderr, 'fedlint: fixed 2 problems in 1 file\n');
  assert.is(
    readFileSync(join(dir, 'w.yaml'), 'utf8'),
    replaced(text, [['    - port: web # the worker\n', '    - port: web # the worker\n      honorLabels: true\n      path: /federate\n']]),
  );
});

test('--fix-dry-run prints a unified diff, hunk by hunk, and changes no file', async () => {
  const { dir, name, original } = copyOf('endpoints-port-match/bad/port-name.yaml');
  const run = fedlint(['--fix-dry-run', '.'], { cwd: dir });
  assert.is(
    run.stdout,
    [
      `--- a/${name}`,
      `+++ b/${name}`,
      '@@ -21,7 +21,7 @@',
      '   - addresses:',
      '       - ip: 10.20.0.15',
      '     ports:',
      '-      - name: wbe # wrong: typo of "web"',
      '+      - name: web # wrong: typo of "web"',
      '         port: 9090',
      '       - name: grpc',
      '         port: 10901',
      '@@ -47,5 +47,5 @@',
      '   - addresses:',
      '       - ip: 10.30.0.7',
      '     ports:',
      '-      - name: metrics # wrong: the Service\'s only port is "http-web"',
      '+      - name: http-web # wrong: the Service\'s only port is "http-web"',
      '         port: 9090',
      '',
    ].join('\n'),
  );
  assert.is(readFileSync(join(dir, name), 'utf8'), original);
  // The files are as they were, so the exit status is the lint's: error findings.
  assert.is(run.code, 1);
  assert.is(run.stderr, '');
});

test('git apply takes the dry run\'s diff and gives what --fix writes (CRLF and a BOM included)', async () => {
  const crlf = (fixture: string) => readFileSync(join(FIXTURES, fixture), 'utf8').replace(/\n/g, '\r\n');
  const files = { 'ports.yaml': crlf('endpoints-port-match/bad/port-name.yaml'), 'honor.yaml': `\ufeff${crlf('federate-honor-labels/bad/absent.yaml')}` };
  const applied = workspace(files);
  const fixed = workspace(files);
  const diff = fedlint(['--fix-dry-run', '.'], { cwd: applied }).stdout;
  assert.is(spawnSync('git', ['init', '-q'], { cwd: applied }).status, 0);
  const apply = spawnSync('git', ['apply', '-'], { cwd: applied, input: diff, encoding: 'utf8' });
  assert.is(apply.status, 0, apply.stderr);
  fedlint(['--fix', '.'], { cwd: fixed });
  for (const name of Object.keys(files)) {
    assert.is(readFileSync(join(applied, name), 'utf8'), readFileSync(join(fixed, name), 'utf8'), name);
    assert.is.not(readFileSync(join(fixed, name), 'utf8'), files[name as keyof typeof files], name);
  }
});

test('--fix-dry-run: an insertion is one added line', async () => {
  const { dir, name } = copyOf('federate-path/bad/path-absent.yaml');
  const run = fedlint(['--fix-dry-run', name], { cwd: dir });
  assert.is(
    run.stdout,
    [
      `--- a/${name}`,
      `+++ b/${name}`,
      '@@ -36,6 +36,7 @@',
      '   endpoints:',
      '     # Wrong: no `path`, so this scrapes /metrics.',
      '     - port: web',
      '+      path: /federate',
      '       honorLabels: true',
      '       params:',
      "         'match[]':",
      '',
    ].join('\n'),
  );
});

test('--fix-dry-run shows a missing final line break', async () => {
  const text = 'apiVersion: monitoring.coreos.com/v1\nkind: ServiceMonitor\nmetadata: {name: w, namespace: m}\nspec:\n  endpoints:\n    - port: web\n      path: /metrics';
  const withParams = text.replace('    - port: web\n', "    - port: web\n      honorLabels: true\n      params: {'match[]': ['{job=\"x\"}']}\n");
  const dir = workspace({ 'w.yaml': withParams });
  const run = fedlint(['--fix-dry-run', '--rule', 'federate-cluster-label=off', 'w.yaml'], { cwd: dir });
  assert.is(
    run.stdout,
    ['--- a/w.yaml', '+++ b/w.yaml', '@@ -6,4 +6,4 @@', '     - port: web', '       honorLabels: true', "       params: {'match[]': ['{job=\"x\"}']}", '-      path: /metrics', '\\ No newline at end of file', '+      path: /federate', '\\ No newline at end of file', ''].join('\n'),
  );
});

test('standard input: --fix is a usage error; --fix-dry-run prints the diff under the stdin filename', async () => {
  const text = readFileSync(join(FIXTURES, 'federate-path/bad/path-metrics.yaml'), 'utf8');
  const dir = workspace({});
  const refused = fedlint(['--fix', '-'], { cwd: dir, input: text });
  assert.is(refused.code, 2);
  assert.is(refused.stderr, 'fedlint: --fix edits files in place and standard input is not a file; use --fix-dry-run to print the fixes as a diff\n');
  assert.is(refused.stdout, '');

  const dry = fedlint(['--fix-dry-run', '-', '--stdin-filename', 'chart.yaml'], { cwd: dir, input: text });
  assert.ok(dry.stdout.startsWith('--- a/chart.yaml\n+++ b/chart.yaml\n@@ -35,7 +35,7 @@\n'), dry.stdout);
  assert.ok(dry.stdout.includes('\n-      path: /metrics # wrong: should be /federate\n+      path: /federate # wrong: should be /federate\n'), dry.stdout);
  assert.is(dry.code, 1);

  const both = fedlint(['--fix', '--fix-dry-run', '.'], { cwd: dir });
  assert.is(both.code, 2);
  assert.is(both.stderr, 'fedlint: --fix and --fix-dry-run exclude each other; --fix-dry-run prints what --fix would change\n');
});

test('no fix where the edit is not the one edit: ties, a Service with Endpoints or a selector, clashing port names, aliases', async () => {
  const result = await lintText(
    [
      'apiVersion: v1',
      'kind: Service',
      'metadata: {name: worker-a, namespace: n}',
      'spec: {ports: [{name: web, port: 9090}, {name: grpc, port: 10901}]}',
      '---',
      'apiVersion: v1',
      'kind: Service',
      'metadata: {name: worker-c, namespace: n}',
      'spec: {ports: [{name: web, port: 9090}]}',
      '---',
      '# as close to worker-a as to worker-c',
      'apiVersion: v1',
      'kind: Endpoints',
      'metadata: {name: worker-b, namespace: n}',
      'subsets: [{addresses: [{ip: 10.0.0.1}], ports: [{name: web, port: 9090}]}]',
      '---',
      'apiVersion: v1',
      'kind: Service',
      'metadata: {name: edge, namespace: n}',
      'spec: {ports: [{name: web, port: 9090}]}',
      '---',
      'apiVersion: v1',
      'kind: Endpoints',
      'metadata: {name: edge, namespace: n}',
      'subsets: [{addresses: [{ip: 10.0.0.3}], ports: [{name: web, port: 9090}]}]',
      '---',
      '# Service "edge" has its Endpoints already',
      'apiVersion: v1',
      'kind: Endpoints',
      'metadata: {name: edg, namespace: n}',
      'subsets: [{addresses: [{ip: 10.0.0.4}], ports: [{name: web, port: 9090}]}]',
      '---',
      'apiVersion: v1',
      'kind: Service',
      'metadata: {name: selected, namespace: n}',
      'spec: {selector: {app: s}, ports: [{name: web, port: 9090}]}',
      '---',
      '# the endpoints controller owns the Endpoints of a Service with a selector',
      'apiVersion: v1',
      'kind: Endpoints',
      'metadata: {name: selectd, namespace: n}',
      'subsets: [{addresses: [{ip: 10.0.0.5}], ports: [{name: web, port: 9090}]}]',
      '---',
      '# both would become "web"',
      'apiVersion: v1',
      'kind: Endpoints',
      'metadata: {name: worker-a, namespace: n}',
      'subsets: [{addresses: [{ip: 10.0.0.2}], ports: [{name: wbe, port: 9090}, {name: weeb, port: 9091}, {name: grpc, port: 10901}]}]',
      '---',
      'apiVersion: monitoring.coreos.com/v1',
      'kind: ServiceMonitor',
      'metadata: {name: w, namespace: n}',
      'spec:',
      '  selector: {matchLabels: {app: none}}',
      '  endpoints:',
      '    - port: web',
      '      path: /federate',
      '      honorLabels: &no false',
      "      params: {'match[]': ['{job=\"x\"}']}",
      '    - port: grpc',
      '      path: /federate',
      '      honorLabels: *no',
      "      params: {'match[]': ['{job=\"y\"}']}",
      '    - port: web',
      '      path: /federate',
      '      honorLabels: no # YAML 1.1 for false',
      "      params: {'match[]': ['{job=\"z\"}']}",
      '',
    ].join('\n'),
    'n.yaml',
  );
  const byRule = (rule: string) => result.findings.filter((finding) => finding.ruleId === rule);
  const orphan = byRule('endpoints-name-match').find((finding) => finding.message.startsWith('Endpoints "worker-b"'));
  assert.ok(orphan && orphan.message.endsWith('did you mean "worker-a"?'), orphan?.message);
  assert.is(orphan!.fix, undefined);
  for (const [name, service] of [['edg', 'edge'], ['selectd', 'selected']]) {
    const finding = byRule('endpoints-name-match').find((entry) => entry.message.startsWith(`Endpoints "${name}"`));
    assert.ok(finding && finding.message.endsWith(`did you mean "${service}"?`), finding?.message);
    assert.is(finding!.fix, undefined, name);
  }
  const ports = byRule('endpoints-port-match').filter((finding) => /port "(wbe|weeb)"/.test(finding.message));
  assert.is(ports.length, 2);
  assert.ok(ports.every((finding) => finding.fix === undefined));
  const honor = byRule('federate-honor-labels');
  assert.is(honor.length, 3);
  // The rule offers the edit each time; the anchored value is shared with the alias, so editing it would change both
  // endpoints, and the alias cannot be edited without changing the anchor: only the third takes it.
  const planned = planFixes(honor);
  assert.equal(
    honor.map((finding) => planned.get(finding)?.text),
    [undefined, undefined, 'true'],
  );
});

test('fixes in later documents of a file: each edit is made on its own document, at its offsets in the file', async () => {
  const monitor = (name: string, honor: string) =>
    `apiVersion: monitoring.coreos.com/v1\nkind: ServiceMonitor\nmetadata: {name: ${name}, namespace: n}\nspec:\n  endpoints:\n    - port: web\n      path: /federate\n${honor}      params: {'match[]': ['{job="x"}']}\n      relabelings: [{targetLabel: cluster, replacement: w}]\n`;
  const text = [
    '# leading comment\n',
    monitor('a', '      honorLabels: false\n'),
    '...\n%YAML 1.1\n---\n# between\n',
    monitor('b', ''),
    '---\n',
    monitor('c', '      honorLabels: "no"\n'),
  ].join('');
  const result = await lintText(text, 'multi.yaml');
  const honor = result.findings.filter((finding) => finding.ruleId === 'federate-honor-labels');
  assert.is(honor.length, 3);
  const planned = planFixes(honor);
  assert.equal(honor.map((finding) => planned.get(finding)?.text), ['true', '      honorLabels: true\n', 'true']);
  const [fixed] = fixFindings(honor);
  assert.is(fixed!.fixed.length, 3);
  assert.is(fixed!.text, text.replace('honorLabels: false', 'honorLabels: true').replace('honorLabels: "no"', 'honorLabels: true').replace(
    "# between\napiVersion: monitoring.coreos.com/v1\nkind: ServiceMonitor\nmetadata: {name: b, namespace: n}\nspec:\n  endpoints:\n    - port: web\n",
    "# between\napiVersion: monitoring.coreos.com/v1\nkind: ServiceMonitor\nmetadata: {name: b, namespace: n}\nspec:\n  endpoints:\n    - port: web\n      honorLabels: true\n",
  ));
  assert.equal((await lintText(fixed!.text, 'multi.yaml')).findings.filter((finding) => finding.ruleId === 'federate-honor-labels'), []);
});

test('rename-key refuses to create a duplicate key; overlapping fixes: the first wins', async () => {
  const text = 'apiVersion: monitoring.coreos.com/v1\nkind: ServiceMonitor\nmetadata: {name: w, namespace: n}\nspec: {endpoints: [{port: web, path: /federate, params: {match: [a]}}]}\n';
  const result = await lintText(text, 'w.yaml');
  const finding = result.findings.find((entry) => entry.ruleId === 'federate-match-required')!;
  assert.equal(finding.fix, {
    kind: 'rename-key',
    pointer: '/spec/endpoints/0/params/match',
    to: 'match[]',
    description: "rename param \"match\" to 'match[]'",
    documentIndex: 0,
    documentSource: [0, text.length],
  });
  const clash: Finding = { ...finding, fix: { ...finding.fix!, kind: 'rename-key', to: 'port', pointer: '/spec/endpoints/0/path' } };
  assert.is(planFixes([clash]).size, 0);
  const second: Finding = { ...finding, fix: { ...finding.fix!, kind: 'rename-key', to: 'Match[]' } };
  const [fixed] = fixFindings([finding, second]);
  assert.is(fixed!.fixed.length, 1);
  assert.ok(fixed!.text.includes("{'match[]': [a]}"), fixed!.text);
});

// ---- writing: symlinks, full disks, edits saved meanwhile (safe-write.ts) ----

const ABSENT = readFileSync(join(FIXTURES, 'federate-honor-labels/bad/absent.yaml'), 'utf8');
const ABSENT_FIXED = replaced(ABSENT, [['    - port: web\n', '    - port: web\n      honorLabels: true\n']]);
const mode = (path: string) => statSync(path).mode & 0o7777;

test('--fix and symlinks: one leading out of the working directory is skipped with a line on stderr and the run goes on; one inside is fixed, the link kept', async () => {
  const top = realpathSync(mkdtempSync(join(tmpdir(), 'fedlint-fix-links-')));
  const repo = join(top, 'repo');
  const outside = join(top, 'outside');
  mkdirSync(join(repo, 'vendor'), { recursive: true });
  mkdirSync(join(outside, 'folder'), { recursive: true });
  writeFileSync(join(outside, 'monitor.yaml'), ABSENT);
  writeFileSync(join(outside, 'folder', 'monitor.yaml'), ABSENT);
  writeFileSync(join(repo, 'vendor', 'monitor.yaml'), ABSENT);
  writeFileSync(join(repo, 'own.yaml'), ABSENT.replace(/worker-eu/g, 'worker-us'));
  symlinkSync('../outside/monitor.yaml', join(repo, 'link.yaml'));
  symlinkSync('../outside/folder', join(repo, 'linked'));
  symlinkSync('vendor/monitor.yaml', join(repo, 'inside.yaml'));

  // vendor/ is ignored, so its file is linted (and fixed) only as inside.yaml, through the link. The links to outside
  // are linted only when named (a folder walk does not read them, test/boundary.test.ts), as a pre-commit hook names
  // the files of a commit; named, they are read, and still not written.
  const run = fedlint(['--fix', '--ignore', 'vendor', '.', 'linked', 'link.yaml'], { cwd: repo });
  assert.is(readFileSync(join(outside, 'monitor.yaml'), 'utf8'), ABSENT);
  assert.is(readFileSync(join(outside, 'folder', 'monitor.yaml'), 'utf8'), ABSENT);
  assert.is(
    run.stderr,
    [
      `fedlint: --fix skipped link.yaml: a symlink leads to ${join(outside, 'monitor.yaml')}, outside the working directory, and --fix writes no file outside it; fix that file where it is`,
      `fedlint: --fix skipped linked/monitor.yaml: a symlink leads to ${join(outside, 'folder', 'monitor.yaml')}, outside the working directory, and --fix writes no file outside it; fix that file where it is`,
      'fedlint: fixed 2 problems in 2 files',
      '',
    ].join('\n'),
  );
  assert.is(readFileSync(join(repo, 'vendor', 'monitor.yaml'), 'utf8'), ABSENT_FIXED);
  assert.is(readFileSync(join(repo, 'own.yaml'), 'utf8'), ABSENT_FIXED.replace(/worker-eu/g, 'worker-us'));
  assert.is(readlinkSync(join(repo, 'inside.yaml')), 'vendor/monitor.yaml');
  assert.is(readlinkSync(join(repo, 'link.yaml')), '../outside/monitor.yaml');
  assert.equal(readdirSync(repo).sort(), ['inside.yaml', 'link.yaml', 'linked', 'own.yaml', 'vendor']);
  assert.equal(readdirSync(join(repo, 'vendor')), ['monitor.yaml']);
  // The report is the lint after the fixes: the skipped files' findings are still there.
  assert.is(run.code, 1);
  assert.match(run.stdout, /^link\.yaml:38:7 {2}error {4}ServiceMonitor "worker-eu" endpoint "web" federates without honorLabels/m);
  assert.match(run.stdout, /^linked\/monitor\.yaml:38:7 {2}error {4}ServiceMonitor "worker-eu" endpoint "web" federates without honorLabels/m);
  assert.not.match(run.stdout, /^(inside|own)\.yaml:\d+:\d+ .*federate-honor-labels$/m);
});

test('--fix: a file that is not UTF-8 is skipped with its reason, the others are fixed', async () => {
  const dir = workspace({ 'good.yaml': ABSENT });
  const latin1 = Buffer.from(ABSENT.replace('# Wrong: no honorLabels.', '# Wrong: no honorLabels (\u00e9t\u00e9).'), 'latin1');
  writeFileSync(join(dir, 'latin1.yaml'), latin1);
  const run = fedlint(['--fix', '.'], { cwd: dir });
  assert.ok(readFileSync(join(dir, 'latin1.yaml')).equals(latin1));
  assert.is(
    run.stderr,
    'fedlint: --fix skipped latin1.yaml: it is not valid UTF-8, and rewriting it would change bytes no fix is about\nfedlint: fixed 1 problem in 1 file\n',
  );
  assert.is(readFileSync(join(dir, 'good.yaml'), 'utf8'), ABSENT_FIXED);
  assert.is(run.code, 1);
});

/** A 12 KB monitor that fills three 4 KiB pages to within 8 bytes: its fix (24 bytes more) needs a fourth. */
function twelveKilobytes(): string {
  const pages = 3 * 4096 - 8;
  let text = ABSENT;
  while (text.length + 80 <= pages) text += `# ${'padding '.repeat(9)}\n`;
  return text + `#${'-'.repeat(pages - text.length - 2)}\n`;
}

test('--fix on a full disk (a 64 KiB tmpfs): ENOSPC leaves the 12 KB file whole, no temporary file, one line naming it', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'fedlint-fix-full-'));
  const mount = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', dir], { encoding: 'utf8' });
  if (mount.status !== 0) {
    const why = (mount.error?.message ?? mount.stderr).trim() || `exit status ${mount.status}`;
    process.stdout.write(`\nfix.test.ts: could not mount a 64 KiB tmpfs on ${dir} (${why}): the ENOSPC test checked nothing here; the simulated write errors still ran\n`);
    return;
  }
  try {
    const big = twelveKilobytes();
    assert.is(big.length, 12280);
    writeFileSync(join(dir, 'big.yaml'), big);
    chmodSync(join(dir, 'big.yaml'), 0o640);
    // Fill the rest of the disk.
    const filler = openSync(join(dir, 'filler.bin'), 'w');
    const chunk = Buffer.alloc(4096, 1);
    try {
      for (;;) writeSync(filler, chunk);
    } catch (error) {
      assert.is((error as NodeJS.ErrnoException).code, 'ENOSPC');
    } finally {
      closeSync(filler);
    }
    const run = fedlint(['--fix', '.'], { cwd: dir });
    assert.is(readFileSync(join(dir, 'big.yaml'), 'utf8'), big);
    assert.is(mode(join(dir, 'big.yaml')), 0o640);
    assert.is(run.stderr, 'fedlint: --fix skipped big.yaml: cannot write it (ENOSPC: no space left on device); it is unchanged\n');
    assert.equal(readdirSync(dir).sort(), ['big.yaml', 'filler.bin']);
    assert.is(run.code, 1);
    assert.match(run.stdout, /^big\.yaml:38:7 {2}error {4}ServiceMonitor "worker-eu" endpoint "web" federates without honorLabels/m);
  } finally {
    spawnSync('umount', [dir]);
  }
});

test('--fix when a write fails (a file size limit, EFBIG): that file is left whole and named, the others are fixed keeping their mode', async () => {
  const big = twelveKilobytes();
  const dir = workspace({ 'big.yaml': big, 'small.yaml': ABSENT });
  chmodSync(join(dir, 'big.yaml'), 0o640);
  chmodSync(join(dir, 'small.yaml'), 0o604);
  // dash counts ulimit -f in 512-byte blocks, bash in 1024: a 4 or 8 KB limit, under 12 KB and over 1 KB either way.
  const command = `ulimit -f 8 && exec ${JSON.stringify(process.execPath)} ${JSON.stringify(CLI)} --fix .`;
  const run = spawnSync('sh', ['-c', command], { cwd: dir, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  assert.is(readFileSync(join(dir, 'big.yaml'), 'utf8'), big);
  assert.is(readFileSync(join(dir, 'small.yaml'), 'utf8'), ABSENT_FIXED);
  assert.is(
    run.stderr,
    'fedlint: --fix skipped big.yaml: cannot write it (EFBIG: file too large); it is unchanged\nfedlint: fixed 1 problem in 1 file\n',
  );
  assert.is(mode(join(dir, 'big.yaml')), 0o640);
  assert.is(mode(join(dir, 'small.yaml')), 0o604);
  assert.equal(readdirSync(dir).sort(), ['big.yaml', 'small.yaml']);
  assert.is(run.status, 1);
});

test('writeFixedFiles with a write error simulated (an injected file system): that file is left whole and skipped with the error, the others are written', async () => {
  const dir = realpathSync(workspace({ 'a.yaml': ABSENT.replace(/worker-eu/g, 'worker-a'), 'b.yaml': ABSENT.replace(/worker-eu/g, 'worker-b') }));
  const result = await lint({ paths: ['.'], cwd: dir });
  const renameFailsForB: WriteFs = {
    ...fs,
    renameSync: (from, to) => {
      if (String(to).endsWith('b.yaml')) throw Object.assign(new Error('EIO: i/o error, rename'), { code: 'EIO' });
      fs.renameSync(from, to);
    },
  };
  const outcome = writeFixedFiles(fixFindings(result.findings), { root: dir, fs: renameFailsForB });
  assert.is(readFileSync(join(dir, 'b.yaml'), 'utf8'), ABSENT.replace(/worker-eu/g, 'worker-b'));
  assert.is(readFileSync(join(dir, 'a.yaml'), 'utf8'), ABSENT_FIXED.replace(/worker-eu/g, 'worker-a'));
  assert.equal(outcome.written.map(({ file }) => file.displayPath), ['a.yaml']);
  assert.equal(outcome.skipped.map(({ file, reason }) => `${file.displayPath}: ${reason}`), ['b.yaml: cannot write it (EIO: i/o error); it is unchanged']);
  assert.equal(readdirSync(dir).sort(), ['a.yaml', 'b.yaml']);
});

/**
 * Loaded with --import into the CLI: the first time fedlint writes into the workspace (whichever call it writes
 * with), an editor saves c.yaml. No timing: the save happens at that call, every run.
 */
const EDITOR_SAVES_DURING_THE_FIRST_WRITE = `
import fs from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';
const { workspace, path, text } = JSON.parse(process.env.FEDLINT_TEST_EDITOR);
const { writeFileSync, renameSync } = fs;
let saved = false;
const save = (target) => {
  if (saved || !String(target).startsWith(workspace)) return;
  saved = true;
  writeFileSync(path, text);
};
fs.writeFileSync = function (target, ...rest) { save(target); return writeFileSync.call(this, target, ...rest); };
fs.renameSync = function (from, to) { save(to); return renameSync.call(this, from, to); };
syncBuiltinESMExports();
`;

test('--fix keeps an edit saved while it writes other files: that file is skipped and named, only what was written is counted', async () => {
  const monitor = (name: string) => ABSENT.replace(/worker-eu/g, name);
  const dir = realpathSync(workspace({ 'a.yaml': monitor('worker-a'), 'b.yaml': monitor('worker-b'), 'c.yaml': monitor('worker-c') }));
  const hook = join(mkdtempSync(join(tmpdir(), 'fedlint-fix-hook-')), 'editor.mjs');
  writeFileSync(hook, EDITOR_SAVES_DURING_THE_FIRST_WRITE);
  const edited = `# saved by an editor while a.yaml was written\n${monitor('worker-c')}`;
  const run = fedlint(['--fix', '.'], {
    cwd: dir,
    nodeOptions: ['--import', pathToFileURL(hook).href],
    env: { FEDLINT_TEST_EDITOR: JSON.stringify({ workspace: dir, path: join(dir, 'c.yaml'), text: edited }) },
  });
  assert.is(readFileSync(join(dir, 'c.yaml'), 'utf8'), edited);
  assert.is(run.stderr, 'fedlint: --fix skipped c.yaml: it changed since fedlint read it; run fedlint --fix again\nfedlint: fixed 2 problems in 2 files\n');
  assert.is(readFileSync(join(dir, 'a.yaml'), 'utf8'), ABSENT_FIXED.replace(/worker-eu/g, 'worker-a'));
  assert.is(readFileSync(join(dir, 'b.yaml'), 'utf8'), ABSENT_FIXED.replace(/worker-eu/g, 'worker-b'));
  assert.equal(readdirSync(dir).sort(), ['a.yaml', 'b.yaml', 'c.yaml']);
  // The report is the lint after the fixes, of c.yaml as the editor saved it.
  assert.match(run.stdout, /^c\.yaml:39:7 {2}error {4}ServiceMonitor "worker-c" endpoint "web" federates without honorLabels/m);
  assert.is(run.code, 1);
});

// ---- SARIF ----

const schema = JSON.parse(readFileSync(join(ROOT, 'test/sarif/sarif-schema-2.1.0.json'), 'utf8'));
const ajv = new AjvDraft04.default({ allErrors: true, strict: false, unicodeRegExp: false });
ajvFormats.default(ajv);
const validate = ajv.compile(schema);

/** Offset of a SARIF 1-based line/column in text. */
function offsetOf(text: string, line: number, column: number): number {
  let offset = 0;
  for (let current = 1; current < line; current++) offset = text.indexOf('\n', offset) + 1;
  return offset + column - 1;
}

test('SARIF results carry the fix --fix makes: valid against the 2.1.0 schema, regions that reproduce the fixed file', async () => {
  let checked = 0;
  for (const { fixture } of CASES) {
    const result = await lintPaths([`test/fixtures/${fixture}`]);
    const log: any = toSarif(result, { cwd: ROOT });
    const valid: boolean = validate(log);
    assert.ok(valid, `${fixture}: ${JSON.stringify(validate.errors?.slice(0, 3))}`);
    const withFixes = log.runs[0].results.filter((entry: any) => entry.fixes);
    assert.is(withFixes.length, result.findings.filter((finding) => finding.fix).length, fixture);
    const text = readFileSync(join(FIXTURES, fixture), 'utf8');
    for (const entry of withFixes) {
      const [fix] = entry.fixes;
      assert.ok(fix.description.text.length > 0);
      const [change] = fix.artifactChanges;
      assert.equal(change.artifactLocation, entry.locations[0].physicalLocation.artifactLocation);
      const [{ deletedRegion: region, insertedContent }] = change.replacements;
      const start = offsetOf(text, region.startLine, region.startColumn);
      const end = offsetOf(text, region.endLine, region.endColumn);
      const applied = text.slice(0, start) + insertedContent.text + text.slice(end);
      // The same single edit through the --fix path.
      const finding = result.findings.find((candidate) => candidate.fix && candidate.message === entry.message.text)!;
      assert.is(applied, fixFindings([finding])[0]!.text);
      checked++;
    }
  }
  assert.is(checked, CASES.reduce((sum, entry) => sum + entry.edits.length, 0));
});

test('SARIF fix regions: an insertion is an empty region at the start of the new line, a replacement covers the value', async () => {
  const log: any = toSarif(await lintPaths(['test/fixtures/federate-honor-labels/bad']), { cwd: ROOT });
  const fixes = log.runs[0].results.filter((entry: any) => entry.ruleId === 'federate-honor-labels').map((entry: any) => entry.fixes[0]);
  assert.equal(fixes, [
    {
      description: { text: 'set honorLabels: true' },
      artifactChanges: [
        {
          artifactLocation: { uri: 'test/fixtures/federate-honor-labels/bad/absent.yaml', uriBaseId: '%SRCROOT%' },
          replacements: [{ deletedRegion: { startLine: 39, startColumn: 1, endLine: 39, endColumn: 1 }, insertedContent: { text: '      honorLabels: true\n' } }],
        },
      ],
    },
    {
      description: { text: 'set honorLabels: true' },
      artifactChanges: [
        {
          artifactLocation: { uri: 'test/fixtures/federate-honor-labels/bad/false.yaml', uriBaseId: '%SRCROOT%' },
          replacements: [{ deletedRegion: { startLine: 38, startColumn: 20, endLine: 38, endColumn: 25 }, insertedContent: { text: 'true' } }],
        },
      ],
    },
  ]);
});

test.run();
