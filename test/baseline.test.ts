// Baselines: --write-baseline records every finding as SARIF; --baseline then
// reports only findings whose fingerprint is not in it, through the built CLI in
// a scratch repository, as a team adopting fedlint would run it.

import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, readlinkSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import AjvDraft04 from 'ajv-draft-04';
import ajvFormats from 'ajv-formats';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { lint } from '../src/index.js';
import { ROOT } from './helpers.js';

const CLI = join(ROOT, 'dist', 'src', 'cli', 'main.js');
const SEED = join(ROOT, 'examples', 'seed-federation', 'main-cluster.yaml');

const schema = JSON.parse(readFileSync(join(ROOT, 'test/sarif/sarif-schema-2.1.0.json'), 'utf8'));
const ajv = new AjvDraft04.default({ allErrors: true, strict: false, unicodeRegExp: false });
ajvFormats.default(ajv);
const validate = ajv.compile(schema);
/** Whether a log is valid SARIF 2.1.0 (a plain boolean: ajv's type guard would narrow the log to `unknown`). */
const isValidSarif = (log: unknown): boolean => validate(log) === true;

function fedlint(args: string[], cwd: string) {
  const run = spawnSync(process.execPath, [CLI, ...args], { cwd, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  return { code: run.status, stdout: run.stdout, stderr: run.stderr };
}

/** A scratch repository holding the bundled example's main cluster file (6 findings, 4 of them errors). */
function scratch(): string {
  const dir = mkdtempSync(join(tmpdir(), 'fedlint-baseline-'));
  copyFileSync(SEED, join(dir, 'main-cluster.yaml'));
  return dir;
}

function edit(dir: string, change: (text: string) => string): void {
  const path = join(dir, 'main-cluster.yaml');
  const before = readFileSync(path, 'utf8');
  const after = change(before);
  assert.is.not(after, before, 'the edit changed nothing');
  writeFileSync(path, after);
}

test('round trip: write a baseline, change unrelated lines (no new findings), then add a real mistake (only it is reported)', () => {
  const dir = scratch();
  const written = fedlint(['--write-baseline', 'fedlint-baseline.sarif'], dir);
  assert.is(written.code, 0, written.stderr);
  assert.is(written.stdout, 'wrote 6 findings to the baseline fedlint-baseline.sarif; lint with --baseline fedlint-baseline.sarif to report only new ones\n');
  const baseline: any = JSON.parse(readFileSync(join(dir, 'fedlint-baseline.sarif'), 'utf8'));
  assert.ok(isValidSarif(baseline), JSON.stringify(validate.errors?.slice(0, 3)));
  assert.is(baseline.runs[0].results.length, 6);

  // Unrelated edits move every finding down a few lines and change a value no rule looks at.
  edit(dir, (text) => `# Owned by the platform team.\n# Reviewed in 2024.\n${text.replace('protocol: TCP', 'protocol: UDP')}`);
  const unchanged = fedlint(['--baseline', 'fedlint-baseline.sarif'], dir);
  assert.is(unchanged.code, 0, unchanged.stdout);
  assert.is(unchanged.stdout, 'no problems (1 file, 3 resources); 6 unchanged from the baseline\n');

  // A real mistake: the Endpoints port name no longer matches the Service's.
  edit(dir, (text) => text.replace('      - name: http-metrics\n        port: 9090', '      - name: metrics\n        port: 9090'));
  const mistake = fedlint(['--baseline', 'fedlint-baseline.sarif'], dir);
  assert.is(mistake.code, 1);
  const lines = mistake.stdout.trimEnd().split('\n');
  assert.ok(lines[0]!.startsWith('main-cluster.yaml:28:15  error    '), lines[0]);
  assert.match(lines[0]!, /endpoints-port-match$/);
  assert.is(lines.filter((line) => line.startsWith('main-cluster.yaml:')).length, 1, mistake.stdout);
  assert.is(lines[lines.length - 1], '1 problem (1 error, 0 warnings, 0 notes) in 1 file, 3 resources; 6 unchanged from the baseline');

  // SARIF keeps every result, each with its baselineState, and stays valid.
  const sarif = fedlint(['--baseline', 'fedlint-baseline.sarif', '--format', 'sarif'], dir);
  const log: any = JSON.parse(sarif.stdout);
  assert.ok(isValidSarif(log), JSON.stringify(validate.errors?.slice(0, 3)));
  const states = log.runs[0].results.map((result: any) => `${result.ruleId} ${result.baselineState}`);
  assert.is(states.length, 7);
  assert.equal(states.filter((state: string) => state.endsWith(' new')), ['endpoints-port-match new']);
  // json marks them too, and counts only the new one.
  const json = JSON.parse(fedlint(['--baseline', 'fedlint-baseline.sarif', '--format', 'json'], dir).stdout);
  assert.equal(json.summary, { error: 1, warning: 0, note: 0, files: 1, resources: 3 });
  assert.is(json.findings.filter((finding: any) => finding.baselineState === 'unchanged').length, 6);
  // github annotations are only for the new finding.
  const github = fedlint(['--baseline', 'fedlint-baseline.sarif', '--format', 'github'], dir);
  assert.is(github.stdout.trimEnd().split('\n').length, 1);
  assert.match(github.stdout, /^::error file=main-cluster\.yaml,line=28,col=15,/);
});

test('a fixed finding simply disappears from the counts', () => {
  const dir = scratch();
  assert.is(fedlint(['--write-baseline', 'base.sarif'], dir).code, 0);
  edit(dir, (text) => text.replace('      path: /federate\n', '      path: /federate\n      honorLabels: true\n'));
  const run = fedlint(['--baseline', 'base.sarif'], dir);
  assert.is(run.code, 0);
  assert.is(run.stdout, 'no problems (1 file, 3 resources); 5 unchanged from the baseline\n');
});

test('the baseline holds suppressed findings too, and a finding suppressed later stays suppressed', () => {
  const dir = scratch();
  edit(dir, (text) => text.replace('  externalName:', '  # fedlint-disable-next-line placeholder-value -- set at deploy time\n  externalName:'));
  assert.is(fedlint(['--write-baseline', 'base.sarif'], dir).code, 0);
  const results = JSON.parse(readFileSync(join(dir, 'base.sarif'), 'utf8')).runs[0].results;
  assert.is(results.length, 6);
  assert.equal(results.filter((result: any) => result.suppressions).map((result: any) => result.suppressions[0].justification), ['set at deploy time']);
  const run = fedlint(['--baseline', 'base.sarif'], dir);
  assert.is(run.code, 0);
  assert.is(run.stdout, 'no problems (1 file, 3 resources); 1 suppressed, 5 unchanged from the baseline\n');
});

test('the library marks baselineState when given a baseline path, relative to cwd', async () => {
  const dir = scratch();
  assert.is(fedlint(['--write-baseline', 'base.sarif'], dir).code, 0);
  edit(dir, (text) => text.replace('app: worker-cluster', 'app: worker'));
  const result = await lint({ cwd: dir, paths: ['.'], baseline: 'base.sarif' });
  const states = result.findings.map((finding) => `${finding.ruleId} ${finding.baselineState}`);
  // The selector changed value, not place: same rule, resource and pointer, so the finding is still the baseline's.
  assert.equal(states.filter((state) => state.endsWith(' new')), []);
  assert.is(states.length, 6);
});

test('a missing, non-JSON or foreign baseline file is a usage error: exit 2, one line', () => {
  const dir = scratch();
  const cases: [string, string | undefined, RegExp][] = [
    ['missing.sarif', undefined, /^fedlint: cannot read baseline missing\.sarif: no such file; write one with --write-baseline missing\.sarif\n$/],
    ['broken.sarif', '{"runs": [', /^fedlint: baseline broken\.sarif is not JSON \(.+\); write it again with --write-baseline broken\.sarif\n$/],
    ['other.sarif', JSON.stringify({ version: '2.1.0', runs: [{ tool: { driver: { name: 'eslint' } }, results: [] }] }), /no run of fedlint in it/],
    ['plain.sarif', '[1, 2]', /it has no "runs" list/],
    [
      'unprinted.sarif',
      JSON.stringify({ version: '2.1.0', runs: [{ tool: { driver: { name: 'fedlint' } }, results: [{ ruleId: 'schema', message: { text: 'x' } }] }] }),
      /result 0 has no partialFingerprints\["fedlint\/v1"\]/,
    ],
  ];
  for (const [name, content, message] of cases) {
    if (content !== undefined) writeFileSync(join(dir, name), content);
    const run = fedlint(['--baseline', name], dir);
    assert.is(run.code, 2, name);
    assert.is(run.stdout, '', name);
    assert.match(run.stderr, message);
    assert.is(run.stderr.split('\n').length, 2, run.stderr);
  }
});

test('--write-baseline replaces the report: with --baseline, --format or --output it is a usage error', () => {
  const dir = scratch();
  const run = fedlint(['--write-baseline', 'base.sarif', '--baseline', 'old.sarif', '--format', 'json'], dir);
  assert.is(run.code, 2);
  assert.is(run.stderr, 'fedlint: --write-baseline writes a SARIF baseline instead of a report; drop --baseline and --format\n');
  assert.not.ok(existsSync(join(dir, 'base.sarif')));
  const unwritable = fedlint(['--write-baseline', join(dir, 'no-such-dir', 'base.sarif')], dir);
  assert.is(unwritable.code, 2);
  assert.match(unwritable.stderr, /^fedlint: cannot write baseline .*no-such-dir\/base\.sarif: ENOENT/);
});

test('--write-baseline refuses a symlink at the file\'s name (one line, exit 2, the file it names unchanged); a folder the user names may be a link', () => {
  const dir = scratch();
  mkdirSync(join(dir, 'elsewhere'));
  writeFileSync(join(dir, 'elsewhere', 'kept.sarif'), 'kept\n');
  symlinkSync('elsewhere/kept.sarif', join(dir, 'base.sarif'));
  const run = fedlint(['--write-baseline', 'base.sarif'], dir);
  assert.is(readFileSync(join(dir, 'elsewhere', 'kept.sarif'), 'utf8'), 'kept\n');
  assert.is(run.code, 2);
  assert.is(run.stdout, '');
  assert.is(
    run.stderr,
    'fedlint: cannot write baseline base.sarif: it is a symlink (to elsewhere/kept.sarif), and fedlint does not write through symlinks; delete the link or choose another file\n',
  );
  assert.is(readlinkSync(join(dir, 'base.sarif')), 'elsewhere/kept.sarif');
  assert.equal(readdirSync(dir).sort(), ['base.sarif', 'elsewhere', 'main-cluster.yaml']);

  // A path typed on the command line is the user's to choose: a symlinked folder in it is followed.
  symlinkSync('elsewhere', join(dir, 'linked'));
  const through = fedlint(['--write-baseline', 'linked/new.sarif'], dir);
  assert.is(through.code, 0, through.stderr);
  assert.is(JSON.parse(readFileSync(join(dir, 'elsewhere', 'new.sarif'), 'utf8')).runs[0].results.length, 6);
  assert.equal(readdirSync(join(dir, 'elsewhere')).sort(), ['kept.sarif', 'new.sarif']);
});

test.run();
