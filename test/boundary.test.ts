// What fedlint reads of a repository it does not trust: files it finds by itself (folder walks, globs, the config's
// include, context) stay inside the repository, links and `../` included; a path named on the command line is read
// wherever it is; only regular files are read (a FIFO named x.yaml would block for ever). What is skipped is said.

import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ACTION_BUNDLE } from '../scripts/build-action.js';
import { UsageError, lint } from '../src/index.js';
import { readSources } from '../src/load/read.js';
import { ROOT, compact } from './helpers.js';

const CLI = join(ROOT, 'dist', 'src', 'cli', 'main.js');

/** A Service whose value a finding quotes: if fedlint reads the file, its report shows the "secret". */
const SECRET = 'apiVersion: v1\nkind: Service\nmetadata: {name: leaked, namespace: mon}\nspec:\n  type: ExternalName\n  externalName: <SECRET_FROM_OUTSIDE>\n';
const OK = 'apiVersion: v1\nkind: Service\nmetadata: {name: ok, namespace: mon}\nspec: {selector: {app: ok}, ports: [{name: web, port: 80}]}\n';

/** A repository (git init) with deploy/ok.yaml, and beside it a folder outside it holding secret.yaml. */
function repository(): { repo: string; outside: string } {
  const base = mkdtempSync(join(tmpdir(), 'fedlint-boundary-'));
  const repo = join(base, 'repo');
  const outside = join(base, 'outside');
  mkdirSync(join(repo, 'deploy'), { recursive: true });
  mkdirSync(outside);
  execFileSync('git', ['init', '-q', repo]);
  writeFileSync(join(repo, 'deploy', 'ok.yaml'), OK);
  writeFileSync(join(outside, 'secret.yaml'), SECRET);
  return { repo, outside };
}

function fedlint(args: string[], cwd: string) {
  const run = spawnSync(process.execPath, [CLI, ...args], { cwd, encoding: 'utf8', timeout: 20_000, env: { ...process.env, NO_COLOR: '1' } });
  return { code: run.status, stdout: run.stdout, stderr: run.stderr };
}

test('a committed symlink to a file outside the repository is not read when fedlint walks a folder; it says so', () => {
  const { repo, outside } = repository();
  symlinkSync(join(outside, 'secret.yaml'), join(repo, 'deploy', 'link.yaml'));
  const run = fedlint([], repo);
  assert.is(run.code, 0);
  assert.not.match(run.stdout, /SECRET_FROM_OUTSIDE/);
  assert.is(run.stdout, 'no problems (1 file, 1 resource)\n');
  assert.is(
    run.stderr,
    `fedlint: not read: deploy/link.yaml: it is a symbolic link to ${join(outside, 'secret.yaml')}, outside the repository (${repo}); name it on the command line to lint it\n`,
  );
  // The same through a glob, and in the SARIF report's notifications.
  const glob = fedlint(['--format', 'sarif', 'deploy/*.yaml'], repo);
  assert.not.match(glob.stdout, /SECRET_FROM_OUTSIDE/);
  assert.equal(JSON.parse(glob.stdout).runs[0].invocations[0].toolExecutionNotifications.map((n: { level: string }) => n.level), ['warning']);
});

test('a symlink inside the repository to another file of it is read as before', () => {
  const { repo } = repository();
  mkdirSync(join(repo, 'other'));
  writeFileSync(join(repo, 'other', 'real.yaml'), SECRET);
  symlinkSync(join(repo, 'other', 'real.yaml'), join(repo, 'deploy', 'link.yaml'));
  const run = fedlint(['deploy'], repo);
  assert.match(run.stdout, /SECRET_FROM_OUTSIDE/);
  assert.is(run.stderr, '');
});

test('a path named on the command line is read wherever it leads: the user chose it', () => {
  const { repo, outside } = repository();
  symlinkSync(join(outside, 'secret.yaml'), join(repo, 'deploy', 'link.yaml'));
  for (const named of ['deploy/link.yaml', join(outside, 'secret.yaml'), outside]) {
    const run = fedlint(['--no-context', named], repo);
    assert.match(run.stdout, /SECRET_FROM_OUTSIDE/, named);
    assert.is(run.code, 1, named);
  }
});

test("the config's include may not lead outside the repository (../, an absolute path): skipped, and said", async () => {
  const { repo, outside } = repository();
  writeFileSync(join(repo, '.fedlint.yaml'), `include:\n  - deploy/\n  - ../outside/\n  - ${join(outside, 'secret.yaml')}\n`);
  const result = await lint({ cwd: repo });
  assert.equal(compact(result).map((f) => f.file), []);
  assert.equal(result.files.map((file) => file.displayPath), ['deploy/ok.yaml']);
  assert.equal(result.notices, [
    `not read: ../outside: it is outside the repository (${repo}); name it on the command line to lint it`,
    `not read: ../outside/secret.yaml: it is outside the repository (${repo}); name it on the command line to lint it`,
  ]);
});

test('context mode does not read a tracked symlink that leads outside the repository', async () => {
  const { repo, outside } = repository();
  symlinkSync(join(outside, 'secret.yaml'), join(repo, 'deploy', 'link.yaml'));
  execFileSync('git', ['add', '-A'], { cwd: repo });
  const result = await lint({ cwd: repo, paths: ['deploy/ok.yaml'], context: true });
  assert.equal(result.notices, [
    `not read: deploy/link.yaml: it is a symbolic link to ${join(outside, 'secret.yaml')}, outside the repository (${repo}); name it on the command line to lint it`,
  ]);
});

test("a repository's config may not name rulesets outside it, nor be a link to a file outside it", async () => {
  const { repo, outside } = repository();
  writeFileSync(join(outside, 'rules.yaml'), 'rules: {}\n');
  writeFileSync(join(repo, '.fedlint.yaml'), 'rulesets: [../outside/rules.yaml]\n');
  const error = async () => {
    try {
      await lint({ cwd: repo });
    } catch (thrown) {
      assert.instance(thrown, UsageError);
      return (thrown as Error).message;
    }
    return 'no error';
  };
  assert.is(
    await error(),
    `.fedlint.yaml:1:12: rulesets[0]: "../outside/rules.yaml" is outside the repository (${repo}); a repository's config may name only its own rulesets (name others with --ruleset)`,
  );
  rmSync(join(repo, '.fedlint.yaml'));
  writeFileSync(join(outside, 'config.yaml'), 'clusterLabel: region\n');
  symlinkSync(join(outside, 'config.yaml'), join(repo, '.fedlint.yaml'));
  assert.is(
    await error(),
    `.fedlint.yaml: it is a symbolic link to ${join(outside, 'config.yaml')}, outside the repository (${repo}); fedlint does not read it (name a config file with --config)`,
  );
  // Named on the command line, the same files are the user's own.
  const named = await lint({ cwd: repo, config: join(outside, 'config.yaml'), rulesets: [join(outside, 'rules.yaml')] });
  assert.equal([named.config, named.files.map((file) => file.displayPath)], [join(outside, 'config.yaml'), ['deploy/ok.yaml']]);
});

test('the Action reads nothing outside the workspace, even a path its inputs name (a pull request decides what the path is)', () => {
  const { repo, outside } = repository();
  symlinkSync(join(outside, 'secret.yaml'), join(repo, 'deploy', 'link.yaml'));
  const run = spawnSync(process.execPath, [join(ROOT, ACTION_BUNDLE)], {
    cwd: repo,
    encoding: 'utf8',
    env: { PATH: process.env.PATH ?? '', GITHUB_WORKSPACE: repo, INPUT_PATHS: 'deploy/link.yaml deploy/ok.yaml', 'INPUT_FAIL-ON': 'error', 'INPUT_SARIF-FILE': 'out.sarif', INPUT_ANNOTATIONS: 'true' },
  });
  assert.is(run.status, 0, run.stdout);
  assert.not.match(run.stdout, /SECRET_FROM_OUTSIDE/);
  assert.match(run.stdout, new RegExp(`^::warning::fedlint: not read: deploy/link\\.yaml: it is a symbolic link to ${join(outside, 'secret.yaml')}, outside the repository \\(${repo}\\)$`, 'm'));
});

test('nothing in .git is read by what fedlint finds itself: a link to .git/config (the checkout token), include, the config, rulesets', async () => {
  const { repo } = repository();
  writeFileSync(join(repo, '.git', 'config'), '[http "https://github.com/"]\n\textraheader = AUTHORIZATION: basic SECRET_TOKEN\n');
  symlinkSync(join(repo, '.git', 'config'), join(repo, 'deploy', 'leak.yaml'));
  const walk = fedlint(['--format', 'sarif'], repo);
  assert.not.match(walk.stdout + walk.stderr, /SECRET_TOKEN/);
  assert.match(walk.stderr, new RegExp(`^fedlint: not read: deploy/leak\\.yaml: it is a symbolic link to ${join(repo, '.git', 'config')}, inside a \\.git folder, which holds git's own files \\(credentials among them\\), not manifests; name it on the command line to lint it$`, 'm'));
  writeFileSync(join(repo, '.fedlint.yaml'), 'include: [.git/config, deploy/ok.yaml]\n');
  const included = await lint({ cwd: repo });
  assert.equal(result(included), { files: ['deploy/ok.yaml'], notices: [`not read: .git/config: it is inside a .git folder, which holds git's own files (credentials among them), not manifests; name it on the command line to lint it`] });
  writeFileSync(join(repo, '.fedlint.yaml'), 'rulesets: [.git/config]\n');
  const ruleset = fedlint(['deploy'], repo);
  assert.equal([ruleset.code, ruleset.stderr], [2, `fedlint: .fedlint.yaml:1:12: rulesets[0]: ".git/config" is inside a .git folder, which holds git's own files (credentials among them), not manifests; a repository's config may name only its own rulesets (name others with --ruleset)\n`]);
  rmSync(join(repo, '.fedlint.yaml'));
  symlinkSync(join(repo, '.git', 'config'), join(repo, '.fedlint.yaml'));
  const config = fedlint(['deploy'], repo);
  assert.is(config.code, 2);
  assert.not.match(config.stderr, /SECRET_TOKEN/);
  assert.match(config.stderr, /^fedlint: \.fedlint\.yaml: it is a symbolic link to .*\.git\/config, inside a \.git folder/);
});

/** What a lint read and said. */
const result = (run: Awaited<ReturnType<typeof lint>>) => ({ files: run.files.map((file) => file.displayPath), notices: run.notices ?? [] });

test("the Action's config input may not lead outside the workspace or into .git, nor may that config's rulesets", () => {
  const { repo, outside } = repository();
  writeFileSync(join(outside, 'environ'), 'ACTIONS_RUNTIME_TOKEN=SECRET_TOKEN\n');
  symlinkSync(join(outside, 'environ'), join(repo, 'fedlint.yaml'));
  const action = (config: string) =>
    spawnSync(process.execPath, [join(ROOT, ACTION_BUNDLE)], {
      cwd: repo,
      encoding: 'utf8',
      env: { PATH: process.env.PATH ?? '', GITHUB_WORKSPACE: repo, INPUT_PATHS: 'deploy', INPUT_CONFIG: config, 'INPUT_FAIL-ON': 'error', 'INPUT_SARIF-FILE': 'out.sarif', INPUT_ANNOTATIONS: 'true' },
    });
  const linked = action('fedlint.yaml');
  assert.is(linked.status, 2);
  assert.not.match(linked.stdout, /SECRET_TOKEN/);
  assert.is(linked.stdout, `::error::fedlint: config file fedlint.yaml: it is a symbolic link to ${join(outside, 'environ')}, outside the repository (${repo}); fedlint does not read it\n`);
  writeFileSync(join(repo, 'own.yaml'), `rulesets: [${join(outside, 'environ')}]\n`);
  const rulesets = action('own.yaml');
  assert.is(rulesets.status, 2);
  assert.not.match(rulesets.stdout, /SECRET_TOKEN/);
  assert.match(rulesets.stdout, /^::error::fedlint: own\.yaml:1:12: rulesets\[0\]: ".*environ" is outside the repository/);
});

test('a path outside the repository by name, in the config, is neither read nor looked at: no "no such file" tells what the disk holds', async () => {
  const { repo } = repository();
  writeFileSync(join(repo, '.fedlint.yaml'), 'include: [deploy/, /no/such/folder, ../nor/this.yaml]\n');
  assert.equal(result(await lint({ cwd: repo })), {
    files: ['deploy/ok.yaml'],
    notices: [
      `not read: ${relative(repo, '/no/such/folder')}: it is outside the repository (${repo}); name it on the command line to lint it`,
      `not read: ../nor/this.yaml: it is outside the repository (${repo}); name it on the command line to lint it`,
    ],
  });
});

test('a file named on the command line that links outside is read, and nothing says it was not', () => {
  const { repo, outside } = repository();
  symlinkSync(join(outside, 'secret.yaml'), join(repo, 'deploy', 'link.yaml'));
  execFileSync('git', ['add', '-A'], { cwd: repo });
  const run = fedlint(['deploy/link.yaml'], repo);
  assert.match(run.stdout, /SECRET_FROM_OUTSIDE/);
  assert.is(run.stderr, '');
});

test('a FIFO named like a manifest is a file-unreadable finding, not a hang; the other files are linted', () => {
  const { repo } = repository();
  execFileSync('mkfifo', [join(repo, 'deploy', 'pipe.yaml')]);
  const run = fedlint(['deploy'], repo);
  assert.is(run.code, 1);
  assert.match(run.stdout, /^deploy\/pipe\.yaml:1:1 {2}error {4}cannot read deploy\/pipe\.yaml: not a regular file \(a FIFO, socket or device\); fedlint reads only regular files; fix it or exclude it with --ignore {2}file-unreadable$/m);
  assert.match(run.stdout, /^1 problem \(1 error, 0 warnings, 0 notes\) in 1 file, 1 resource$/m);
  // As the config file or a ruleset it is a configuration error, just as quick.
  const config = fedlint(['--config', 'deploy/pipe.yaml', 'deploy/ok.yaml'], repo);
  assert.equal([config.code, config.stderr], [2, 'fedlint: cannot read config file deploy/pipe.yaml: not a regular file (a FIFO, socket or device)\n']);
  const ruleset = fedlint(['--ruleset', 'deploy/pipe.yaml', 'deploy/ok.yaml'], repo);
  assert.equal([ruleset.code, ruleset.stderr], [2, 'fedlint: cannot read ruleset deploy/pipe.yaml: not a regular file (a FIFO, socket or device)\n']);
  const baseline = fedlint(['--baseline', 'deploy/pipe.yaml', 'deploy/ok.yaml'], repo);
  assert.equal([baseline.code, baseline.stderr], [2, 'fedlint: cannot read baseline deploy/pipe.yaml: not a regular file (a FIFO, socket or device); write one with --write-baseline deploy/pipe.yaml\n']);
  // A .fedlint.yaml that is a FIFO is not taken for "no config file".
  execFileSync('mkfifo', [join(repo, '.fedlint.yaml')]);
  const found = fedlint(['deploy/ok.yaml'], repo);
  assert.equal([found.code, found.stderr], [2, `fedlint: ${join(repo, '.fedlint.yaml')} is not a regular file (a folder, FIFO, socket or device); make it a file or remove it\n`]);
});

test('standard error quotes config keys and file names with their control characters escaped', () => {
  const { repo } = repository();
  writeFileSync(join(repo, '.fedlint.yaml'), 'rules: {"x\\e]0;PWNED\\a\\e[31m\\u202e": off}\n');
  const run = fedlint(['deploy'], repo);
  assert.is(run.code, 2);
  assert.not.match(run.stderr, /[\u0000-\u0009\u000b-\u001f\u202e]/);
  assert.match(run.stderr, /rules\.x\\u001b\]0;PWNED\\u0007\\u001b\[31m\\u202e: unknown rule id/);
});

test('a file gone between discovery and reading is said to be gone, not called a dangling link', () => {
  const { repo } = repository();
  const gone = join(repo, 'deploy', 'gone.yaml');
  const { findings } = readSources([gone], [], repo, undefined);
  assert.equal(findings.map((finding) => finding.message), ['cannot read deploy/gone.yaml: it no longer exists (deleted while fedlint ran); fix it or exclude it with --ignore']);
  symlinkSync(join(repo, 'nowhere.yaml'), gone);
  assert.equal(readSources([gone], [], repo, undefined).findings.map((finding) => finding.message), [
    'cannot read deploy/gone.yaml: dangling symbolic link; fix it or exclude it with --ignore',
  ]);
});

test('an alias bomb or a self-referencing alias in .fedlint.yaml is a configuration error, not an internal error', () => {
  const { repo } = repository();
  const bomb = ['a: &a [x, x, x, x, x, x, x, x, x, x]', ...'bcdefg'.split('').map((name, index) => `${name}: &${name} [${Array(10).fill(`*${'abcdefg'[index]}`).join(', ')}]`), 'include: [deploy/]', ''].join('\n');
  writeFileSync(join(repo, '.fedlint.yaml'), bomb);
  const run = fedlint([], repo);
  assert.is(run.code, 2);
  assert.match(run.stderr, /^fedlint: \.fedlint\.yaml:1:1: the config file expands too many aliases \(.*\); expand them by hand\n$/);
  writeFileSync(join(repo, '.fedlint.yaml'), 'x: &a [{y: *a}]\n');
  const cycle = fedlint([], repo);
  assert.equal([cycle.code, cycle.stderr], [2, 'fedlint: .fedlint.yaml:1:12: YAML alias *a is inside the node anchored &a that it repeats, so that node would contain itself without end (the API server refuses it too); write the nested copy out, or anchor a node that does not hold the alias\n']);
});

test('yaml\'s warnings (a list used as a mapping key) never reach stderr', () => {
  const { repo } = repository();
  writeFileSync(join(repo, '.fedlint.yaml'), '? [a, b]\n: c\n');
  const run = fedlint(['deploy'], repo);
  assert.is(run.code, 2);
  assert.not.match(run.stderr, /Warning|stringified/);
});

test.run();
