// The `fedlint` command as installed: bin/fedlint.cjs, which runs the bundle dist/fedlint.cjs (scripts/build-cli.ts)
// with V8's code cache. It must be indistinguishable from `node dist/src/cli/main.js` (output, exit code, standard input)
// whatever happens to the cache, and keep the cache private, whole and used.

import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, statSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ROOT } from './helpers.js';

const LAUNCHER = join(ROOT, 'bin', 'fedlint.cjs');
const CLI = join(ROOT, 'dist', 'src', 'cli', 'main.js');
const SEED_FILE = 'examples/seed-federation/main-cluster.yaml';

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function temporaryFolder(name: string): string {
  return mkdtempSync(join(tmpdir(), `fedlint-launcher-${name}-`));
}

/** The environment of a run: this process's, less anything that would choose a cache for it. */
function environment(extra: Record<string, string | undefined>): Record<string, string> {
  const env: Record<string, string | undefined> = { ...process.env, NO_COLOR: '1', FEDLINT_NO_COMPILE_CACHE: undefined, XDG_CACHE_HOME: undefined, ...extra };
  return Object.fromEntries(Object.entries(env).filter((entry): entry is [string, string] => entry[1] !== undefined));
}

function run(entry: string, args: string[], options: { env?: Record<string, string | undefined>; input?: string; cwd?: string; nodeArgs?: string[] } = {}): Run {
  const result = spawnSync(process.execPath, [...(options.nodeArgs ?? []), entry, ...args], {
    cwd: options.cwd ?? ROOT,
    input: options.input,
    encoding: 'utf8',
    env: environment(options.env ?? {}),
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** The reference: the tsc-built command line, as before the launcher. */
function reference(args: string[], input?: string): Run {
  return run(CLI, args, { input });
}

function cacheFiles(cacheHome: string): string[] {
  const folder = join(cacheHome, 'fedlint');
  return existsSync(folder) ? readdirSync(folder).filter((name) => name.endsWith('.cache')).map((name) => join(folder, name)) : [];
}

/** What changes when a cache file is written again: written files are renamed into place, so a new inode. */
function identity(file: string): string {
  const { ino, mtimeMs, size } = statSync(file);
  return `${ino}:${mtimeMs}:${size}`;
}

test('same report and exit code as dist/src/cli/main.js; the first run leaves a private cache file that later runs read and keep', () => {
  const cacheHome = temporaryFolder('cache');
  const first = run(LAUNCHER, ['examples/seed-federation'], { env: { XDG_CACHE_HOME: cacheHome } });
  assert.equal(first, reference(['examples/seed-federation']));
  assert.is(first.code, 1);

  const [cacheFile, ...others] = cacheFiles(cacheHome);
  assert.ok(cacheFile, 'the first run writes a cache file');
  assert.equal(others, []);
  // Named for this Node and CPU and for the bundle file (size, modification time, change time, inode).
  const bundle = statSync(join(ROOT, 'dist', 'fedlint.cjs'));
  const bundleKey = [bundle.size, Math.trunc(bundle.mtimeMs), Math.trunc(bundle.ctimeMs), bundle.ino].join('-');
  assert.is(basename(cacheFile!), `v8-${process.version}-${process.arch}-${bundleKey}.cache`);
  assert.is(statSync(join(cacheHome, 'fedlint')).mode & 0o777, 0o700);
  assert.is(statSync(cacheFile!).mode & 0o777, 0o600);
  assert.ok(statSync(cacheFile!).size > 100_000, 'the cache holds the code the run compiled');
  const written = identity(cacheFile!);

  // Every exit code and output channel: findings (1), none (0), a usage error on stderr (2), --version and --help.
  const argumentLists = [
    ['examples/seed-federation'],
    ['--format', 'json', 'examples/seed-federation'],
    ['test/fixtures/seed-federation-fixed'],
    ['--format', 'nope', 'examples/seed-federation'],
    ['--version'],
    ['--help'],
  ];
  for (const args of argumentLists) assert.equal(run(LAUNCHER, args, { env: { XDG_CACHE_HOME: cacheHome } }), reference(args), args.join(' '));
  // V8 accepted the data each time: a rejected cache would have been written again.
  assert.is(identity(cacheFile!), written);
  assert.equal(cacheFiles(cacheHome), [cacheFile]);
});

test('"-" reads standard input, cache cold and warm', () => {
  const cacheHome = temporaryFolder('stdin');
  const input = readFileSync(join(ROOT, SEED_FILE), 'utf8');
  const args = ['--stdin-filename', 'clusters/main.yaml', '-'];
  const expected = reference(args, input);
  assert.is(expected.code, 1);
  assert.match(expected.stdout, /^clusters\/main\.yaml:11:17 {2}error/);
  assert.equal(run(LAUNCHER, args, { input, env: { XDG_CACHE_HOME: cacheHome } }), expected);
  assert.is(cacheFiles(cacheHome).length, 1);
  assert.equal(run(LAUNCHER, args, { input, env: { XDG_CACHE_HOME: cacheHome } }), expected);
});

test('FEDLINT_NO_COMPILE_CACHE=1: same output, no cache folder', () => {
  const cacheHome = temporaryFolder('disabled');
  const args = ['--no-context', SEED_FILE];
  assert.equal(run(LAUNCHER, args, { env: { XDG_CACHE_HOME: cacheHome, FEDLINT_NO_COMPILE_CACHE: '1' } }), reference(args));
  assert.not.ok(existsSync(join(cacheHome, 'fedlint')));
});

test('a cache folder that cannot be made or written: same output, no stack trace, nothing written', () => {
  const args = ['--no-context', SEED_FILE];
  const expected = reference(args);
  // A read-only home (root writes anywhere, so for root a "home" that is a regular file: nothing can go below it).
  const home = temporaryFolder('home');
  const homeFile = join(home, 'not-a-folder');
  writeFileSync(homeFile, '');
  const runsAsRoot = process.getuid?.() === 0;
  if (!runsAsRoot) chmodSync(home, 0o555);
  assert.equal(run(LAUNCHER, args, { env: { HOME: runsAsRoot ? homeFile : home } }), expected);
  assert.equal(readdirSync(home), ['not-a-folder']);

  // XDG_CACHE_HOME read-only, cache folder not yet there.
  const readOnly = temporaryFolder('read-only');
  chmodSync(readOnly, 0o555);
  assert.equal(run(LAUNCHER, args, { env: { XDG_CACHE_HOME: readOnly } }), expected);
  if (!runsAsRoot) assert.equal(readdirSync(readOnly), []);

  // The cache folder there but read-only (the cache file cannot be written).
  const readOnlyCache = temporaryFolder('read-only-cache');
  mkdirSync(join(readOnlyCache, 'fedlint'), { mode: 0o500 });
  assert.equal(run(LAUNCHER, args, { env: { XDG_CACHE_HOME: readOnlyCache } }), expected);
  if (!runsAsRoot) assert.equal(readdirSync(join(readOnlyCache, 'fedlint')), []);
  chmodSync(join(readOnlyCache, 'fedlint'), 0o700);
});

test('a cache file V8 rejects is written again; a cache folder others can write to is not used', () => {
  const args = ['--no-context', SEED_FILE];
  const expected = reference(args);
  const cacheHome = temporaryFolder('rejected');
  assert.equal(run(LAUNCHER, args, { env: { XDG_CACHE_HOME: cacheHome } }), expected);
  const [cacheFile] = cacheFiles(cacheHome);
  const garbage = Buffer.alloc(statSync(cacheFile!).size, 0x5a);
  writeFileSync(cacheFile!, garbage);
  assert.equal(run(LAUNCHER, args, { env: { XDG_CACHE_HOME: cacheHome } }), expected);
  assert.not.ok(readFileSync(cacheFile!).equals(garbage), 'the rejected data was replaced');
  assert.equal(cacheFiles(cacheHome), [cacheFile], 'no temporary file left behind');

  const shared = temporaryFolder('shared');
  mkdirSync(join(shared, 'fedlint'));
  chmodSync(join(shared, 'fedlint'), 0o777);
  assert.equal(run(LAUNCHER, args, { env: { XDG_CACHE_HOME: shared } }), expected);
  assert.equal(readdirSync(join(shared, 'fedlint')), []);
});

test('writing a cache removes the cache files (and leftover temporary files) not written for a month', () => {
  const cacheHome = temporaryFolder('stale');
  const folder = join(cacheHome, 'fedlint');
  mkdirSync(folder, { mode: 0o700 });
  const monthAgo = new Date(Date.now() - 31 * 24 * 60 * 60 * 1000);
  const stale = ['v8-v18.0.0-x64-1-2-3-4.cache', 'v8-v20.0.0-x64-1-2-3-4.cache.123.tmp'];
  const recent = 'v8-v20.0.0-x64-5-6-7-8.cache';
  for (const name of [...stale, recent, 'notes.txt']) writeFileSync(join(folder, name), 'x');
  for (const name of [...stale, 'notes.txt']) utimesSync(join(folder, name), monthAgo, monthAgo);
  const args = ['--no-context', SEED_FILE];
  assert.equal(run(LAUNCHER, args, { env: { XDG_CACHE_HOME: cacheHome } }), reference(args));
  const left = readdirSync(folder);
  assert.ok(left.includes(recent) && left.includes('notes.txt'), left.join(', '));
  for (const name of stale) assert.not.ok(left.includes(name), name);
  assert.is(left.length, 3, 'and the new cache file');
});

test('a relative XDG_CACHE_HOME is ignored (XDG spec): the cache goes to ~/.cache/fedlint', () => {
  const home = temporaryFolder('relative');
  const args = ['--no-context', SEED_FILE];
  assert.equal(run(LAUNCHER, args, { env: { HOME: home, XDG_CACHE_HOME: 'relative/cache' } }), reference(args));
  assert.is(cacheFiles(join(home, '.cache')).length, 1);
  assert.not.ok(existsSync(join(ROOT, 'relative')));
});

test('a cache made by a run that used little of fedlint (--version) is made again by a run that lints, then kept', () => {
  const cacheHome = temporaryFolder('thin');
  const env = { XDG_CACHE_HOME: cacheHome };
  run(LAUNCHER, ['--version'], { env });
  const [cacheFile] = cacheFiles(cacheHome);
  const thin = statSync(cacheFile!).size;
  const args = ['--no-context', SEED_FILE];
  assert.equal(run(LAUNCHER, args, { env }), reference(args));
  assert.ok(statSync(cacheFile!).size > thin * 2, `the cache grew: ${thin} → ${statSync(cacheFile!).size} bytes`);
  const grown = identity(cacheFile!);
  assert.equal(run(LAUNCHER, args, { env }), reference(args));
  assert.is(identity(cacheFile!), grown);
});

test('Node ≥ 22.1: module.enableCompileCache() with the same private folder, then the bundle', () => {
  // Node 20 has no module.enableCompileCache: a preload stands in for it and records the folder it is given.
  const folder = temporaryFolder('node22');
  const record = join(folder, 'enabled-with');
  const preload = join(folder, 'enable-compile-cache.cjs');
  writeFileSync(
    preload,
    `require('node:module').enableCompileCache = (directory) => { require('node:fs').writeFileSync(${JSON.stringify(record)}, String(directory)); return { status: 0 }; };\n`,
  );
  const cacheHome = join(folder, 'cache');
  const args = ['--no-context', SEED_FILE];
  assert.equal(run(LAUNCHER, args, { env: { XDG_CACHE_HOME: cacheHome }, nodeArgs: ['-r', preload] }), reference(args));
  assert.is(readFileSync(record, 'utf8'), join(cacheHome, 'fedlint', 'node-compile-cache'));
  assert.is(statSync(join(cacheHome, 'fedlint')).mode & 0o777, 0o700);
  assert.equal(cacheFiles(cacheHome), [], 'Node keeps that cache itself');
});

test('the npm package holds what the command needs: installed from the tarball, `fedlint` runs as dist/src/cli/main.js does', () => {
  const manifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
  assert.equal(manifest.bin, { fedlint: 'bin/fedlint.cjs' });
  // dist/ is built (npm test builds first); --ignore-scripts packs it as it is instead of building again.
  const packed = temporaryFolder('pack');
  const npmEnvironment = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.toLowerCase().startsWith('npm_')));
  const output = execFileSync('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', packed], { cwd: ROOT, encoding: 'utf8', env: npmEnvironment });
  const [{ filename, files }] = JSON.parse(output) as { filename: string; files: { path: string }[] }[];
  const paths = files.map((file) => file.path);
  for (const needed of ['bin/fedlint.cjs', 'dist/fedlint.cjs', 'dist/src/cli/main.js', 'dist/src/index.js', 'schemas/index.json', 'package.json'])
    assert.ok(paths.includes(needed), `${needed} is in the package`);

  // Installed: the package unpacked, its dependencies beside it (here: this checkout's, linked).
  const installed = join(packed, 'package');
  execFileSync('tar', ['-xzf', join(packed, filename)], { cwd: packed });
  symlinkSync(join(ROOT, 'node_modules'), join(installed, 'node_modules'));
  const env = { XDG_CACHE_HOME: join(packed, 'cache') };
  const command = join(installed, 'bin', 'fedlint.cjs');
  for (const args of [['examples/seed-federation'], ['--format', 'sarif', 'examples/seed-federation'], ['--version']])
    assert.equal(run(command, args, { env }), reference(args), args.join(' '));

  // Another build of the same length and modification time (npm packs every file as of 1985-10-26): V8 would take
  // the first build's cache as its own, so the launcher must not hand it over.
  const clean = ['test/fixtures/seed-federation-fixed'];
  assert.is(run(command, clean, { env }).stdout, 'no problems (2 files, 4 resources)\n');
  const bundle = join(installed, 'dist', 'fedlint.cjs');
  const { atime, mtime } = statSync(bundle);
  const source = readFileSync(bundle, 'utf8');
  assert.ok(source.includes('`no problems ('));
  writeFileSync(bundle, source.replace('`no problems (', '`NO PROBLEMS ('));
  utimesSync(bundle, atime, mtime);
  assert.is(run(command, clean, { env }).stdout, 'NO PROBLEMS (2 files, 4 resources)\n');
});

test.run();
