// End to end through the built CLI (dist/), as a user or CI runs it.

import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, readlinkSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ROOT } from './helpers.js';

const CLI = join(ROOT, 'dist', 'src', 'cli', 'main.js');

function fedlint(args: string[], options: { input?: string; cwd?: string } = {}) {
  const run = spawnSync(process.execPath, [CLI, ...args], {
    cwd: options.cwd ?? ROOT,
    input: options.input,
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1' },
  });
  return { code: run.status, stdout: run.stdout, stderr: run.stderr };
}

const SEED = 'examples/seed-federation/main-cluster.yaml';
// SEED alone (--no-context): as a named file in this repository it would otherwise get the rest of the repository as
// context, and test/fixtures/seed-federation-fixed holds the Service its ServiceMonitor looks for (see context.test.ts).

test('the bundled example: the guide\'s mistakes on their lines, exit 1', async () => {
  const run = fedlint(['examples/seed-federation']);
  assert.is(run.code, 1);
  assert.is(run.stderr, '');
  const lines = run.stdout.trimEnd().split('\n');
  assert.equal(lines, [
    `${SEED}:11:17  error    Service "worker-cluster-metrics" spec.externalName is the placeholder "<WORKER_CLUSTER_IP>", left from a template or guide; replace it with a DNS name  placeholder-value`,
    `${SEED}:24:13  error    Endpoints "worker-cluster-metrics" subsets[0].addresses[0].ip is the placeholder "<WORKER_CLUSTER_IP>", left from a template or guide; replace it with an IP address  placeholder-value`,
    `${SEED}:37:7  warning  ServiceMonitor "worker-cluster-metrics" endpoint "http-metrics" federates series without a "cluster" label: no relabelings or metricRelabelings entry sets targetLabel "cluster", and spec.targetLabels does not name "cluster"; add a relabelings entry {targetLabel: cluster, replacement: <source cluster name>}  federate-cluster-label`,
    `${SEED}:37:7  error    ServiceMonitor "worker-cluster-metrics" endpoint "http-metrics" federates without honorLabels, so the federated job and instance labels become exported_job and exported_instance; add honorLabels: true  federate-honor-labels`,
    `${SEED}:41:15  warning  ServiceMonitor "worker-cluster-metrics" endpoint "http-metrics" federates every series of the worker bar a few it excludes: 'match[]' selector '{__name__=~".+", __name__!~"apiserver_.*_bucket|etcd_.*_bucket"}' names no metric and no label value (__name__=~".+" accepts any metric name); name the jobs you need ({job="…"}) or federate recording rules ({__name__=~"job:.*"})  federate-match-broad`,
    `${SEED}:44:12  error    ServiceMonitor "worker-cluster-metrics" selects no Service in namespace "app-worker-cluster": the closest, Service "worker-cluster-metrics", has no labels at all (the selector wants app=worker-cluster); add the label to the Service or change the selector  selector-matches-service`,
    `    ↳ ${SEED}:7:9  closest candidate: Service "worker-cluster-metrics"`,
    '',
    '6 problems (4 errors, 2 warnings, 0 notes) in 2 files, 4 resources',
  ]);
});

test('the bundled example with its mistakes corrected: no finding, exit 0', async () => {
  const run = fedlint(['test/fixtures/seed-federation-fixed']);
  assert.is(run.stdout, 'no problems (2 files, 4 resources)\n');
  assert.is(run.code, 0);
});

test('--format json carries rule id, level, line and column', async () => {
  const run = fedlint(['--no-context', '--format', 'json', SEED]);
  assert.is(run.code, 1);
  const output = JSON.parse(run.stdout);
  assert.equal(
    output.findings.map((f: any) => [f.ruleId, f.level, f.file, f.startLine, f.startColumn]),
    [
      ['placeholder-value', 'error', SEED, 11, 17],
      ['placeholder-value', 'error', SEED, 24, 13],
      ['federate-cluster-label', 'warning', SEED, 37, 7],
      ['federate-honor-labels', 'error', SEED, 37, 7],
      ['federate-match-broad', 'warning', SEED, 41, 15],
      ['selector-matches-service', 'error', SEED, 44, 12],
    ],
  );
  assert.equal(output.summary, { error: 4, warning: 2, note: 0, files: 1, resources: 3 });
});

test('--format github writes escaped workflow commands', async () => {
  const run = fedlint(['--no-context', '--format', 'github', SEED]);
  const lines = run.stdout.trimEnd().split('\n');
  assert.is(lines.length, 6);
  assert.ok(lines[3]!.startsWith(`::error file=${SEED},line=37,col=7,endLine=37,endColumn=25,title=fedlint federate-honor-labels::ServiceMonitor "worker-cluster-metrics"`), lines[3]);
  assert.ok(lines[2]!.startsWith('::warning '));
});

test('--rule changes and turns off levels; exit code follows the levels', async () => {
  const off = fedlint(['--rule', 'federate-honor-labels=off', '--rule', 'selector-matches-service=warning', '--rule', 'placeholder-value=note', '--no-context', SEED]);
  assert.is(off.code, 0);
  assert.not.match(off.stdout, /federate-honor-labels/);
  assert.match(off.stdout, /44:12  warning  ServiceMonitor/);
});

test('stdin with --stdin-filename: positions and the name in reports', async () => {
  const text = readFileSync(join(ROOT, SEED), 'utf8');
  const run = fedlint(['--format', 'json', '--stdin-filename', 'from-helm.yaml', '-'], { input: text });
  assert.is(run.code, 1);
  const output = JSON.parse(run.stdout);
  assert.equal(output.findings.map((f: any) => `${f.file}:${f.startLine}:${f.startColumn}`), ['from-helm.yaml:11:17', 'from-helm.yaml:24:13', 'from-helm.yaml:37:7', 'from-helm.yaml:37:7', 'from-helm.yaml:41:15', 'from-helm.yaml:44:12']);
});

test('--output writes the report to a file and nothing to stdout', async () => {
  const out = join(mkdtempSync(join(tmpdir(), 'fedlint-')), 'report.sarif');
  const run = fedlint(['--format', 'sarif', '--output', out, SEED]);
  assert.is(run.code, 1);
  assert.is(run.stdout, '');
  assert.is(JSON.parse(readFileSync(out, 'utf8')).version, '2.1.0');
});

test('--output refuses a symlink at that name: one line, exit 2, the file it names unchanged, no temporary file', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'fedlint-'));
  const target = join(mkdtempSync(join(tmpdir(), 'fedlint-')), 'target');
  writeFileSync(target, 'kept\n');
  symlinkSync(target, join(dir, 'report.sarif'));
  const run = fedlint(['--format', 'sarif', '--output', join(dir, 'report.sarif'), '--no-context', SEED]);
  assert.is(readFileSync(target, 'utf8'), 'kept\n');
  assert.is(run.code, 2);
  assert.is(run.stdout, '');
  assert.is(
    run.stderr,
    `fedlint: cannot write ${join(dir, 'report.sarif')}: it is a symlink (to ${target}), and fedlint does not write through symlinks; delete the link or choose another file\n`,
  );
  assert.is(readlinkSync(join(dir, 'report.sarif')), target);
  assert.equal(readdirSync(dir), ['report.sarif']);
});

test('usage errors exit 2 with one line on stderr', async () => {
  for (const [args, message] of [
    [['--bogus'], "fedlint: Unknown option '--bogus'"],
    [['--format', 'xml', SEED], 'fedlint: unknown format "xml"; use one of stylish, sarif, json, github'],
    [['--rule', 'no-such-rule=off', SEED], 'fedlint: unknown rule "no-such-rule"; run "fedlint rules" to list the rule ids'],
    [['--rule', 'federate-path=fatal', SEED], 'fedlint: invalid level "fatal" for rule "federate-path"; use off, note, warning or error'],
    [['--rule', 'federate-path', SEED], 'fedlint: --rule expects ID=LEVEL (for example federate-cluster-label=off), got "federate-path"'],
    [['does/not/exist.yaml'], 'fedlint: no such file or directory: does/not/exist.yaml'],
    [['nothing/**/*.yaml'], 'fedlint: no files match the pattern "nothing/**/*.yaml"'],
    [['--concurrency', 'many', SEED], 'fedlint: --concurrency takes a number of threads (1-999), auto or off, not "many"'],
  ] as const) {
    const run = fedlint([...args]);
    assert.is(run.code, 2, args.join(' '));
    assert.is(run.stdout, '');
    assert.ok(run.stderr.startsWith(message), run.stderr);
    assert.is(run.stderr.trimEnd().split('\n').length, 1);
  }
});

test('--concurrency 2, auto and off give the same report', async () => {
  const reports = ['2', 'auto', 'off'].map((value) => fedlint(['--concurrency', value, '--format', 'json', 'test/fixtures']));
  for (const run of reports) assert.is(run.code, 1);
  assert.ok(JSON.parse(reports[0]!.stdout).findings.length > 100);
  assert.is(reports[1]!.stdout, reports[0]!.stdout);
  assert.is(reports[2]!.stdout, reports[0]!.stdout);
});

test('bad YAML is a finding at its position, never exit 2, and other files are still linted', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'fedlint-'));
  const run = fedlint(['--format', 'json', join(ROOT, 'test/fixtures/seed-federation-fixed'), '-'], { input: 'kind: Service\nmetadata: {name: x\n', cwd: dir });
  assert.is(run.code, 1);
  const output = JSON.parse(run.stdout);
  assert.equal(output.findings.map((f: any) => [f.ruleId, f.file, f.startLine]), [['yaml-syntax', '<stdin>', 2]]);
  assert.is(output.summary.resources, 4);
});

test('stylish colours on a real terminal (util-linux script gives a pty), and not with NO_COLOR', async () => {
  const command = `${JSON.stringify(process.execPath)} ${JSON.stringify(CLI)} ${SEED}`;
  const onTerminal = (env: NodeJS.ProcessEnv) =>
    spawnSync('script', ['-qec', command, '/dev/null'], { cwd: ROOT, encoding: 'utf8', env }).stdout;
  const { NO_COLOR, ...withoutNoColor } = process.env;
  assert.match(onTerminal(withoutNoColor), /\u001b\[31merror/);
  assert.not.match(onTerminal({ ...withoutNoColor, NO_COLOR: '1' }), /\u001b\[/);
});

test('empty option values are usage errors', async () => {
  const run = fedlint(['--cluster-label', '', SEED]);
  assert.is(run.code, 2);
  assert.is(run.stderr, 'fedlint: --cluster-label needs a non-empty value\n');
});

test('a reader that closes the pipe early gets no stack trace', async () => {
  // Far more output than a pipe buffer holds, so that writing really fails with EPIPE.
  const file = join(mkdtempSync(join(tmpdir(), 'fedlint-')), 'orphans.yaml');
  writeFileSync(file, Array.from({ length: 3000 }, (_, i) => `apiVersion: v1\nkind: Endpoints\nmetadata: {name: orphan-${i}}\n`).join('---\n'));
  const run = spawnSync('sh', ['-c', `${JSON.stringify(process.execPath)} ${JSON.stringify(CLI)} ${file} | head -1`], { cwd: ROOT, encoding: 'utf8' });
  assert.is(run.stdout.split('\n').length, 2);
  assert.is(run.stderr, '');
});

test('--version and --help', async () => {
  const version = fedlint(['--version']);
  assert.is(version.stdout.trim(), JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version);
  assert.is(version.code, 0);
  const help = fedlint(['--help']);
  assert.match(help.stdout, /^Usage: fedlint \[options\]/);
  assert.is(help.code, 0);
});

test('fedlint rules lists every rule with its level and summary', async () => {
  const run = fedlint(['rules']);
  assert.is(run.code, 0);
  const ids = run.stdout.trimEnd().split('\n').map((line) => line.split(/\s+/).slice(0, 2).join(' '));
  assert.equal(ids, [
    'yaml-syntax error',
    'file-unreadable error',
    'unused-suppression warning',
    'schema error',
    'endpoints-name-match error',
    'endpoints-port-match error',
    'endpoints-address error',
    'externalname-ip error',
    'selector-matches-service error',
    'selector-matches-pods error',
    'monitor-port-exists error',
    'prometheus-selects-monitor error',
    'service-selects-prometheus error',
    'exposed-prometheus error',
    'placeholder-value error',
    'federate-path error',
    'federate-match-required error',
    'federate-match-syntax error',
    'federate-match-broad warning',
    'federate-honor-labels error',
    'federate-honor-timestamps warning',
    'federate-cluster-label warning',
    'scrape-timeout error',
    'insecure-federation warning',
  ]);
});

test('--output /dev/null and /dev/stdout are written as streams, not refused as devices or replaced by a file', () => {
  const quiet = fedlint(['--no-context', '--format', 'json', '--output', '/dev/null', SEED]);
  assert.equal([quiet.code, quiet.stdout, quiet.stderr], [1, '', '']);
  const shown = fedlint(['--no-context', '--format', 'json', '--output', '/dev/stdout', SEED]);
  assert.is(shown.code, 1);
  assert.is(JSON.parse(shown.stdout).findings.length, 6);
});

test.run();
