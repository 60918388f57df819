// The GitHub Action, run as the runner runs it: `node action/index.cjs` (the committed bundle) with INPUT_* variables,
// GITHUB_OUTPUT, GITHUB_STEP_SUMMARY and GITHUB_WORKSPACE, in a copy of the bundled example. Also: the committed
// bundle is what scripts/build-action.ts builds from today's sources, and it runs from a checkout without node_modules.

import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, readlinkSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { Worker } from 'node:worker_threads';
import { build } from 'esbuild';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ACTION_BUNDLE, ACTION_WORKER, actionBuildOptions } from '../scripts/build-action.js';
import { lint } from '../src/index.js';
import { parseText } from '../src/load/parse.js';
import { READ_KINDS } from '../src/load/read-kinds.js';
import { ROOT } from './helpers.js';

const BUNDLE = join(ROOT, ACTION_BUNDLE);
const SEED = join(ROOT, 'examples', 'seed-federation');
const FIXED = join(ROOT, 'test', 'fixtures', 'seed-federation-fixed');

/** The inputs as the runner passes them when a workflow gives none: action.yml's defaults. */
const DEFAULT_INPUTS = { paths: '.', config: '', 'fail-on': 'error', 'sarif-file': 'fedlint.sarif', annotations: 'true' };

interface ActionRun {
  code: number | null;
  stdout: string;
  stderr: string;
  /** Parsed from $GITHUB_OUTPUT. */
  outputs: Record<string, string>;
  summary: string;
  /** The workflow commands that become annotations. */
  annotations: string[];
}

function tempDir(name: string): string {
  return mkdtempSync(join(tmpdir(), `fedlint-action-${name}-`));
}

/** A workspace holding a copy of a folder's YAML files. */
function workspaceFrom(folder: string): string {
  const workspace = tempDir('workspace');
  for (const name of readdirSync(folder)) cpSync(join(folder, name), join(workspace, name));
  return workspace;
}

/**
 * Runs the bundle with an environment built from scratch (the test's own GITHUB_* variables, when it runs in Actions,
 * must not leak in), inputs named the runner's way: INPUT_ + upper case, dashes kept.
 */
function runAction(workspace: string, inputs: Record<string, string> = {}, env: Record<string, string> = {}, bundle = BUNDLE): ActionRun {
  const files = tempDir('runner');
  const outputFile = join(files, 'output');
  const summaryFile = join(files, 'summary.md');
  writeFileSync(outputFile, '');
  writeFileSync(summaryFile, '');
  const inputEnv = Object.fromEntries(Object.entries({ ...DEFAULT_INPUTS, ...inputs }).map(([name, value]) => [`INPUT_${name.toUpperCase()}`, value]));
  const run = spawnSync(process.execPath, [bundle], {
    cwd: workspace,
    encoding: 'utf8',
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? tmpdir(),
      GITHUB_WORKSPACE: workspace,
      GITHUB_OUTPUT: outputFile,
      GITHUB_STEP_SUMMARY: summaryFile,
      GITHUB_EVENT_NAME: 'push',
      ...inputEnv,
      ...env,
    },
  });
  return {
    code: run.status,
    stdout: run.stdout,
    stderr: run.stderr,
    outputs: parseOutputs(readFileSync(outputFile, 'utf8')),
    summary: readFileSync(summaryFile, 'utf8'),
    annotations: run.stdout.split('\n').filter((line) => /^::(error|warning|notice) file=/.test(line)),
  };
}

/** `name<<DELIMITER\nvalue\nDELIMITER\n` blocks, as the runner reads $GITHUB_OUTPUT. */
function parseOutputs(text: string): Record<string, string> {
  const outputs: Record<string, string> = {};
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const match = /^([^<=]+)<<(.+)$/.exec(lines[i]!);
    if (!match) continue;
    const end = lines.indexOf(match[2]!, i + 1);
    assert.ok(end > i, `output ${match[1]} has no closing delimiter`);
    outputs[match[1]!] = lines.slice(i + 1, end).join('\n');
    i = end;
  }
  return outputs;
}

function sarifResults(path: string): { ruleId: string; file: string; line: number }[] {
  const log = JSON.parse(readFileSync(path, 'utf8'));
  return log.runs[0].results.map((result: any) => ({
    ruleId: result.ruleId,
    file: result.locations[0].physicalLocation.artifactLocation.uri,
    line: result.locations[0].physicalLocation.region.startLine,
  }));
}

/** What the library finds in a workspace: the Action must report exactly this. */
async function expected(workspace: string) {
  const result = await lint({ paths: ['.'], cwd: workspace });
  const count = (level: string) => result.findings.filter((finding) => finding.level === level).length;
  return { findings: result.findings.length, errors: count('error'), warnings: count('warning') };
}

function git(cwd: string, args: string[]): string {
  return execFileSync('git', ['-c', 'user.name=fedlint test', '-c', 'user.email=test@example.invalid', '-c', 'commit.gpgsign=false', ...args], {
    cwd,
    encoding: 'utf8',
  }).trim();
}

/** A git repository whose second commit changes only worker-cluster.yaml (a misspelt internal-LB value), and its PR event. */
function pullRequest(): { workspace: string; eventPath: string } {
  const workspace = workspaceFrom(SEED);
  git(workspace, ['init', '--quiet']);
  git(workspace, ['add', '.']);
  git(workspace, ['commit', '--quiet', '-m', 'base']);
  const base = git(workspace, ['rev-parse', 'HEAD']);
  const worker = join(workspace, 'worker-cluster.yaml');
  writeFileSync(worker, readFileSync(worker, 'utf8').replace('"Internal"', '"Internl"'));
  git(workspace, ['commit', '--quiet', '-am', 'change the worker Service only']);
  const head = git(workspace, ['rev-parse', 'HEAD']);
  const eventPath = join(tempDir('event'), 'event.json');
  writeFileSync(eventPath, JSON.stringify({ action: 'opened', number: 1, pull_request: { base: { sha: base }, head: { sha: head } } }));
  return { workspace, eventPath };
}

test('the committed bundle is what scripts/build-action.ts builds from the current sources (else: npm run build:action)', async () => {
  const built = await build({ ...actionBuildOptions, write: false });
  assert.equal(built.outputFiles.map((file) => relative(ROOT, file.path)).sort(), [ACTION_BUNDLE, ACTION_WORKER]);
  for (const file of built.outputFiles) {
    const committed = readFileSync(file.path, 'utf8');
    assert.ok(file.text === committed, `${relative(ROOT, file.path)} is stale: run npm run build:action and commit it`);
  }
});

test('the bundled parse worker answers a batch exactly as parseText does on the main thread', async () => {
  const files = ['examples/seed-federation/main-cluster.yaml', 'test/corpus/kube-prometheus/manifests'].flatMap((path) =>
    path.endsWith('.yaml') ? [path] : readdirSync(join(ROOT, path)).filter((name) => name.endsWith('.yaml')).map((name) => join(path, name)),
  );
  const batch = files.map((path) => ({ text: readFileSync(join(ROOT, path), 'utf8'), displayPath: path }));
  assert.ok(batch.length > 50);
  const worker = new Worker(join(ROOT, ACTION_WORKER), { workerData: { readKinds: [...READ_KINDS] } });
  const answer = await new Promise<any>((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
    worker.postMessage({ batch: 7, files: batch });
  });
  await worker.terminate();
  assert.is(answer.batch, 7);
  assert.equal(answer.parsed, batch.map((file) => parseText(file.text, file.displayPath, { readKinds: READ_KINDS })));
});

test('a push: SARIF file, outputs, an annotation per finding, the job summary, exit 1 for errors', async () => {
  const workspace = workspaceFrom(SEED);
  const want = await expected(workspace);
  const run = runAction(workspace);
  assert.is(run.code, 1, run.stdout + run.stderr);
  assert.is(run.stderr, '');
  const sarifFile = join(workspace, 'fedlint.sarif');
  assert.equal(run.outputs, { 'sarif-file': sarifFile, errors: String(want.errors), warnings: String(want.warnings) });
  assert.equal(want, { findings: 6, errors: 4, warnings: 2 });

  const results = sarifResults(sarifFile);
  assert.is(results.length, want.findings);
  assert.equal(results[0], { ruleId: 'placeholder-value', file: 'main-cluster.yaml', line: 11 });

  assert.is(run.annotations.length, want.findings);
  assert.is(
    run.annotations[0],
    '::error file=main-cluster.yaml,line=11,col=17,endLine=11,endColumn=36,title=fedlint placeholder-value::Service "worker-cluster-metrics" spec.externalName is the placeholder "<WORKER_CLUSTER_IP>", left from a template or guide; replace it with a DNS name',
  );
  assert.ok(run.annotations.some((line) => line.startsWith('::warning file=main-cluster.yaml,line=37,col=7,')));
  assert.match(run.stdout, /^fedlint: annotating every file \(not a pull request\)$/m);

  const summary = run.summary.split('\n');
  assert.is(summary[0], '### fedlint: 6 problems (4 errors, 2 warnings, 0 notes) in 2 files, 4 resources');
  assert.ok(summary.includes('The check fails: 4 findings at or above fail-on: error.'), run.summary);
  assert.ok(summary.includes('| rule | level | findings |'));
  assert.ok(summary.includes('| [`placeholder-value`](https://github.com/fedlint/fedlint/blob/main/docs/rules.md#placeholder-value) | error | 2 |'), run.summary);
  assert.ok(summary.includes('| [`federate-match-broad`](https://github.com/fedlint/fedlint/blob/main/docs/rules.md#federate-match-broad) | warning | 1 |'));
  assert.ok(summary.includes('#### Broken links between resources'));
  assert.ok(
    summary.includes(
      '- **ServiceMonitor** `app-worker-cluster/worker-cluster-metrics` ↔ **Service** `app-worker-cluster/worker-cluster-metrics`: ServiceMonitor "worker-cluster-metrics" selects no Service in namespace "app-worker-cluster": the closest, Service "worker-cluster-metrics", has no labels at all (the selector wants app=worker-cluster); add the label to the Service or change the selector (`main-cluster.yaml:44`)',
    ),
    run.summary,
  );
  // A placeholder such as <WORKER_CLUSTER_IP> is shown as text, not swallowed as an HTML tag.
  assert.not.match(run.summary, /[^\\]<WORKER_CLUSTER_IP>/);
});

test('Endpoints ↔ Service: the broken link names both sides', async () => {
  const workspace = workspaceFrom(FIXED);
  const main = join(workspace, 'main-cluster.yaml');
  writeFileSync(main, readFileSync(main, 'utf8').replace('  name: worker-cluster-metrics # must be the same name as the Service', '  name: worker-cluster-metric'));
  const run = runAction(workspace);
  assert.is(run.code, 1, run.stdout);
  assert.match(run.summary, /^- \*\*Endpoints\*\* `app-worker-cluster\/worker-cluster-metric` ↔ \*\*Service\*\* `app-worker-cluster\/worker-cluster-metrics`: Endpoints /m);
});

test('the summary lists at most 100 broken links and says how many more the SARIF report has', async () => {
  const workspace = tempDir('many-links');
  const objects: string[] = [];
  for (let i = 0; i < 102; i++) {
    const name = `svc${String(i).padStart(3, '0')}`;
    objects.push(`apiVersion: v1\nkind: Service\nmetadata:\n  name: ${name}\n  namespace: ns\nspec:\n  ports:\n    - name: web\n      port: 80\n`);
    objects.push(`apiVersion: v1\nkind: Endpoints\nmetadata:\n  name: ${name}x\n  namespace: ns\nsubsets:\n  - addresses:\n      - ip: 10.0.0.1\n    ports:\n      - name: web\n        port: 80\n`);
  }
  writeFileSync(join(workspace, 'all.yaml'), objects.join('---\n'));
  // Over 4 MB in all, so that the files are parsed on worker threads, from the bundled worker beside the bundle.
  const filler = Array.from({ length: 17000 }, (_, i) => `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: filler-${i}, namespace: ns}\ndata: {key: "${'v'.repeat(180)}"}\n`);
  writeFileSync(join(workspace, 'filler.yaml'), filler.join('---\n'));
  const run = runAction(workspace);
  const links = run.summary.split('\n').filter((line) => line.startsWith('- '));
  assert.is(links.length, 101);
  assert.match(links[0]!, /^- \*\*Endpoints\*\* `ns\/svc000x` ↔ \*\*Service\*\* `ns\/svc000`: Endpoints "svc000x" has no Service/);
  assert.is(links[100], '- … and 2 more, all in the SARIF report');
  assert.is(sarifResults(join(workspace, 'fedlint.sarif')).length, 102);
});

test('a pull request: annotations only for the file it changes, every finding still in SARIF and the outputs', async () => {
  const { workspace, eventPath } = pullRequest();
  const run = runAction(workspace, {}, { GITHUB_EVENT_NAME: 'pull_request', GITHUB_EVENT_PATH: eventPath });
  assert.is(run.code, 1, run.stdout);
  assert.equal(run.annotations, [
    '::error file=worker-cluster.yaml,line=9,col=43,endLine=9,endColumn=52,title=fedlint exposed-prometheus::Service "kube-prometheus-exported" sets networking.gke.io/load-balancer-type: "Internl", which GKE does not read as internal, so the load balancer is external and exposes Prometheus (its selector picks Prometheus pods: operator.prometheus.io/name=kube-prometheus) to any address; set it to "Internal"',
  ]);
  assert.match(run.stdout, /^fedlint: annotating the 1 file the pull request changes$/m);
  assert.ok(run.summary.includes('Annotations: 1 of 7 findings, in the 1 file the pull request changes.'), run.summary);
  const files = new Set(sarifResults(join(workspace, 'fedlint.sarif')).map((result) => result.file));
  assert.equal([...files].sort(), ['main-cluster.yaml', 'worker-cluster.yaml']);
  assert.equal({ errors: run.outputs.errors, warnings: run.outputs.warnings }, { errors: '5', warnings: '2' });
});

test('pull_request_target reads the same payload', async () => {
  const { workspace, eventPath } = pullRequest();
  const run = runAction(workspace, {}, { GITHUB_EVENT_NAME: 'pull_request_target', GITHUB_EVENT_PATH: eventPath });
  assert.is(run.annotations.length, 1);
  assert.ok(run.annotations[0]!.startsWith('::error file=worker-cluster.yaml,'));
});

test('a pull request git cannot diff (shallow checkout: base commit missing) falls back to annotating every file, and says so', async () => {
  const { workspace } = pullRequest();
  const eventPath = join(tempDir('event'), 'event.json');
  writeFileSync(eventPath, JSON.stringify({ pull_request: { base: { sha: 'a'.repeat(40) }, head: { sha: git(workspace, ['rev-parse', 'HEAD']) } } }));
  const run = runAction(workspace, {}, { GITHUB_EVENT_NAME: 'pull_request', GITHUB_EVENT_PATH: eventPath });
  assert.is(run.code, 1);
  assert.is(run.annotations.length, 7);
  assert.match(run.stdout, /^fedlint: annotating every file: git cannot list the files the pull request changes \(.+\); check out with fetch-depth: 0 to annotate only those$/m);
});

test('a pull request payload without shas, or with something else where a sha belongs, annotates every file and runs nothing', async () => {
  const { workspace } = pullRequest();
  const marker = join(tempDir('marker'), 'pwned');
  for (const pullRequestField of [{}, { base: { sha: `$(touch ${marker})` }, head: { sha: '--output=/tmp/x' } }]) {
    const eventPath = join(tempDir('event'), 'event.json');
    writeFileSync(eventPath, JSON.stringify({ pull_request: pullRequestField }));
    const run = runAction(workspace, {}, { GITHUB_EVENT_NAME: 'pull_request', GITHUB_EVENT_PATH: eventPath });
    assert.is(run.annotations.length, 7);
    assert.match(run.stdout, /^fedlint: annotating every file: the event payload has no pull_request.base.sha and head.sha$/m);
  }
  assert.not.ok(existsSync(marker));
});

test('fail-on: error, warning and never set the exit code; never always passes', async () => {
  const both = workspaceFrom(SEED);
  const warningsOnly = workspaceFrom(FIXED);
  const main = join(warningsOnly, 'main-cluster.yaml');
  writeFileSync(main, readFileSync(main, 'utf8').replace(/      relabelings:\n.*\n.*\n/, ''));
  assert.equal(await expected(warningsOnly), { findings: 1, errors: 0, warnings: 1 });
  const clean = workspaceFrom(FIXED);

  const codes = (workspace: string) => ['error', 'warning', 'never'].map((failOn) => runAction(workspace, { 'fail-on': failOn }).code);
  assert.equal(codes(both), [1, 1, 0]);
  assert.equal(codes(warningsOnly), [0, 1, 0]);
  assert.equal(codes(clean), [0, 0, 0]);

  const passing = runAction(warningsOnly, { 'fail-on': 'error' });
  assert.equal({ errors: passing.outputs.errors, warnings: passing.outputs.warnings }, { errors: '0', warnings: '1' });
  assert.ok(passing.summary.includes('The check passes: no errors (fail-on: error).'), passing.summary);
  const never = runAction(both, { 'fail-on': 'never' });
  assert.ok(never.summary.includes('The check passes whatever it finds (fail-on: never).'), never.summary);
  assert.ok(runAction(clean).summary.startsWith('### fedlint: no problems (2 files, 4 resources)\n'));
});

test('inputs: several paths separated by spaces and newlines, annotations off, sarif-file in a new folder', async () => {
  const workspace = workspaceFrom(SEED);
  const run = runAction(workspace, { paths: ' worker-cluster.yaml\n main-cluster.yaml ', annotations: 'false', 'sarif-file': 'reports/fedlint.sarif' });
  assert.is(run.code, 1);
  assert.equal(run.annotations, []);
  assert.not.match(run.stdout, /annotating/);
  assert.is(run.outputs['sarif-file'], join(workspace, 'reports', 'fedlint.sarif'));
  assert.is(sarifResults(join(workspace, 'reports', 'fedlint.sarif')).length, 6);
  // The report is in the log, folded, between stop-commands markers.
  assert.match(run.stdout, /^::group::fedlint report\n::stop-commands::([0-9a-f-]+)\n[^]*main-cluster.yaml:11:17  error {4}Service[^]*\n::\1::\n::endgroup::$/m);
});

test('config: the workspace\'s .fedlint.yaml applies by itself; the input names another; paths "" lints its include', async () => {
  const found = workspaceFrom(SEED);
  writeFileSync(join(found, '.fedlint.yaml'), 'rules:\n  federate-match-broad: off\n');
  const byItself = runAction(found);
  assert.equal({ errors: byItself.outputs.errors, warnings: byItself.outputs.warnings }, { errors: '4', warnings: '1' });
  assert.ok(byItself.summary.includes('Configuration: .fedlint.yaml.'), byItself.summary);

  const named = workspaceFrom(SEED);
  mkdirSync(join(named, 'ci'));
  writeFileSync(join(named, 'ci', 'fedlint.yaml'), 'include: [../worker-cluster.yaml]\nrules:\n  placeholder-value: warning\n');
  const withInput = runAction(named, { config: 'ci/fedlint.yaml' });
  assert.equal({ errors: withInput.outputs.errors, warnings: withInput.outputs.warnings }, { errors: '2', warnings: '4' });
  // paths '' leaves the choice to the config file: its include names the worker file only, which has no finding.
  const included = runAction(named, { config: 'ci/fedlint.yaml', paths: '' });
  assert.is(included.code, 0, included.stdout);
  assert.ok(included.summary.startsWith('### fedlint: no problems (1 file, 1 resource)'), included.summary);
});

test('a suppressed finding stays in SARIF only: no annotation, not counted in outputs, summary or exit code', async () => {
  const workspace = workspaceFrom(SEED);
  const main = join(workspace, 'main-cluster.yaml');
  const comment = '    # fedlint-disable-next-line federate-honor-labels -- the worker sets job and instance itself\n';
  writeFileSync(main, readFileSync(main, 'utf8').replace('    - port: http-metrics\n', `${comment}    - port: http-metrics\n`));
  const run = runAction(workspace);
  assert.equal({ errors: run.outputs.errors, warnings: run.outputs.warnings }, { errors: '3', warnings: '2' });
  assert.is(run.annotations.length, 5);
  assert.not.ok(run.annotations.some((line) => line.includes('federate-honor-labels')));
  assert.ok(run.summary.startsWith('### fedlint: 5 problems (3 errors, 2 warnings, 0 notes) in 2 files, 4 resources; 1 suppressed\n'), run.summary);
  assert.not.match(run.summary, /federate-honor-labels/);
  const log = JSON.parse(readFileSync(join(workspace, 'fedlint.sarif'), 'utf8'));
  const suppressed = log.runs[0].results.filter((result: any) => result.suppressions);
  assert.equal(suppressed.map((result: any) => result.ruleId), ['federate-honor-labels']);
});

test('a bad input value is one ::error:: line and exit 2, before anything is written', async () => {
  const workspace = workspaceFrom(SEED);
  const cases: [Record<string, string>, string][] = [
    [{ 'fail-on': 'fatal' }, '::error::fedlint: input fail-on is "fatal"; use error, warning or never'],
    [{ annotations: 'yes please' }, '::error::fedlint: input annotations is "yes please"; use true or false'],
    [{ paths: '-' }, '::error::fedlint: input paths: "-" (standard input) means nothing in the Action; name files, folders or globs'],
    [{ paths: 'clusters/' }, '::error::fedlint: no such file or directory: clusters/'],
    [{ config: 'ci/missing.yaml' }, '::error::fedlint: cannot read config file ci/missing.yaml: no such file'],
  ];
  for (const [inputs, message] of cases) {
    const run = runAction(workspace, inputs);
    assert.is(run.code, 2, JSON.stringify(inputs));
    assert.is(run.stdout, `${message}\n`);
    assert.is(run.stderr, '');
    assert.equal(run.outputs, {});
    assert.is(run.summary, '');
    assert.not.ok(existsSync(join(workspace, 'fedlint.sarif')));
  }
});

test('sarif-file through a symlink the pull request commits: one ::error:: line, exit 2, nothing written there; outside the workspace by name, written', async () => {
  const outside = tempDir('outside');
  writeFileSync(join(outside, 'target'), 'not the Action\'s\n');
  const errorLines = (run: ActionRun) => run.stdout.split('\n').filter((line) => line.startsWith('::error::'));
  const refused = (run: ActionRun, why: string) => {
    assert.is(run.code, 2, run.stdout);
    assert.equal(errorLines(run), [`::error::fedlint: input sarif-file: cannot write ${why}`]);
    assert.equal(run.outputs, {});
    assert.is(run.summary, '');
  };

  // At the file's own name.
  const atName = workspaceFrom(SEED);
  symlinkSync(join(outside, 'target'), join(atName, 'fedlint.sarif'));
  const throughLink = runAction(atName);
  assert.is(readFileSync(join(outside, 'target'), 'utf8'), 'not the Action\'s\n');
  refused(throughLink, `fedlint.sarif: it is a symlink (to ${join(outside, 'target')}), and fedlint does not write through symlinks; delete the link or choose another file`);
  assert.is(readlinkSync(join(atName, 'fedlint.sarif')), join(outside, 'target'));
  assert.equal(readdirSync(atName).sort(), ['fedlint.sarif', 'main-cluster.yaml', 'worker-cluster.yaml']);

  // A folder on the way, existing or to be made below it.
  const inFolder = workspaceFrom(SEED);
  symlinkSync(outside, join(inFolder, 'reports'));
  for (const [file, folder] of [['reports/fedlint.sarif', outside], ['reports/new/fedlint.sarif', join(outside, 'new')]]) {
    const throughFolder = runAction(inFolder, { 'sarif-file': file! });
    assert.equal(readdirSync(outside), ['target']);
    refused(throughFolder, `${file}: a symlink in the workspace leads its folder to ${folder}, outside the workspace; name another file`);
  }

  assert.is(readFileSync(join(outside, 'target'), 'utf8'), 'not the Action\'s\n');

  // Out of the workspace by name (`${{ runner.temp }}/fedlint.sarif`) is the workflow's own choice, not a pull request's.
  const runnerTemp = tempDir('runner-temp');
  const named = runAction(inFolder, { 'sarif-file': join(runnerTemp, 'fedlint.sarif') });
  assert.is(named.code, 1, named.stdout);
  assert.is(JSON.parse(readFileSync(join(runnerTemp, 'fedlint.sarif'), 'utf8')).version, '2.1.0');
});

test('a SARIF file that cannot be written whole (a file size limit, EFBIG) leaves the previous one intact: one ::error:: line, exit 2', async () => {
  const workspace = workspaceFrom(SEED);
  const previous = `${JSON.stringify({ version: '2.1.0', runs: [] })}\n`;
  writeFileSync(join(workspace, 'fedlint.sarif'), previous);
  const files = tempDir('runner');
  const inputs = Object.entries(DEFAULT_INPUTS).map(([name, value]) => `INPUT_${name.toUpperCase()}=${JSON.stringify(value)}`);
  // ulimit -f: 4 or 8 KB (dash counts 512-byte blocks, bash 1024), far less than the SARIF report of the example.
  const command = `ulimit -f 8 && exec env ${inputs.join(' ')} ${JSON.stringify(process.execPath)} ${JSON.stringify(BUNDLE)}`;
  const run = spawnSync('sh', ['-c', command], {
    cwd: workspace,
    encoding: 'utf8',
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? tmpdir(), GITHUB_WORKSPACE: workspace, GITHUB_EVENT_NAME: 'push', GITHUB_OUTPUT: join(files, 'output') },
  });
  assert.is(readFileSync(join(workspace, 'fedlint.sarif'), 'utf8'), previous);
  assert.is(run.status, 2, run.stdout);
  assert.equal(run.stdout.split('\n').filter((line) => line.startsWith('::error::')), ['::error::fedlint: input sarif-file: cannot write fedlint.sarif: EFBIG: file too large']);
  assert.equal(readdirSync(workspace).sort(), ['fedlint.sarif', 'main-cluster.yaml', 'worker-cluster.yaml']);
  assert.not.ok(existsSync(join(files, 'output')));
});

test('no input reaches a shell: command substitutions and quotes are only file names', async () => {
  const workspace = workspaceFrom(SEED);
  const marker = join(tempDir('marker'), 'pwned');
  for (const paths of [`$(touch ${marker})`, `\`touch ${marker}\``, `"; touch ${marker}; echo "`, `'; rm -rf ${workspace} #`]) {
    const run = runAction(workspace, { paths });
    assert.is(run.code, 2, paths);
    assert.match(run.stdout, /^::error::fedlint: no such file or directory: \S+\n$/);
  }
  const sarif = runAction(workspace, { 'sarif-file': `$(touch ${marker}).sarif` });
  assert.is(sarif.code, 1);
  assert.ok(existsSync(join(workspace, `$(touch ${marker}).sarif`)));
  assert.not.ok(existsSync(marker));
  assert.ok(existsSync(join(workspace, 'main-cluster.yaml')));
});

test('a file name that looks like a workflow command stays a file name', async () => {
  const workspace = workspaceFrom(SEED);
  cpSync(join(workspace, 'main-cluster.yaml'), join(workspace, '::notice::injected.yaml'));
  const run = runAction(workspace);
  const commands = run.stdout.split('\n').filter((line) => line.startsWith('::'));
  // Outside the stop-commands block every command is one of ours; the file name is escaped inside annotations.
  const token = /::stop-commands::(\S+)/.exec(run.stdout)![1]!;
  const outside = run.stdout.replace(new RegExp(`::stop-commands::${token}\\n[^]*?\\n::${token}::\\n`), '');
  assert.ok(commands.length > 0);
  for (const line of outside.split('\n').filter((line) => line.startsWith('::')))
    assert.match(line, /^::(group::fedlint report|endgroup::|(error|warning|notice) file=[^:]+,line=)/, line);
  assert.ok(run.annotations.some((line) => line.startsWith('::error file=%3A%3Anotice%3A%3Ainjected.yaml,line=11,')));
});

test('the bundle runs from a checkout without node_modules: rules, schemas (every kind) and package.json found next to it', async () => {
  const checkout = tempDir('checkout');
  mkdirSync(join(checkout, 'action'));
  cpSync(BUNDLE, join(checkout, ACTION_BUNDLE));
  cpSync(join(ROOT, ACTION_WORKER), join(checkout, ACTION_WORKER));
  cpSync(join(ROOT, 'package.json'), join(checkout, 'package.json'));
  cpSync(join(ROOT, 'schemas'), join(checkout, 'schemas'), { recursive: true });
  assert.not.ok(existsSync(join(checkout, 'node_modules')));

  // One object of every kind and apiVersion that has a schema, each with a field its schema does not know.
  const index = JSON.parse(readFileSync(join(ROOT, 'schemas', 'index.json'), 'utf8')) as { kinds: { kind: string; apiVersions: string[] }[] };
  const objects = index.kinds.flatMap(({ kind, apiVersions }) =>
    apiVersions.map((apiVersion) => `apiVersion: ${apiVersion}\nkind: ${kind}\nmetadata:\n  name: x\n  namespace: ns\nbogusField: 1\n`),
  );
  // The example (fedlint's Spectral rules) and a config file (its ajv schema) naming a user's ruleset (Spectral's functions).
  const workspace = workspaceFrom(SEED);
  writeFileSync(join(workspace, 'all.yaml'), objects.join('---\n'));
  writeFileSync(join(workspace, '.fedlint.yaml'), 'rulesets: [team-rules.yaml]\n');
  writeFileSync(
    join(workspace, 'team-rules.yaml'),
    "rules:\n  service-team-label:\n    message: Service has no team label\n    severity: warn\n    given: \"$.[?(@.kind == 'Service')].metadata\"\n    then:\n      field: labels.team\n      function: truthy\n",
  );

  const run = runAction(workspace, { 'fail-on': 'never' }, {}, join(checkout, ACTION_BUNDLE));
  assert.is(run.code, 0, run.stdout + run.stderr);
  assert.not.match(run.stdout, /internal error/);
  const log = JSON.parse(readFileSync(join(workspace, 'fedlint.sarif'), 'utf8'));
  const version = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version;
  assert.is(log.runs[0].tool.driver.version, version);
  const results: { ruleId: string; message: { text: string } }[] = log.runs[0].results;
  const schemaFindings = results.filter((result) => result.ruleId === 'schema' && /unknown field "bogusField"/.test(result.message.text));
  assert.is(schemaFindings.length, objects.length);
  assert.ok(results.some((result) => result.ruleId === 'federate-honor-labels'));
  assert.ok(results.some((result) => result.ruleId === 'service-team-label'));
});

test.run();
