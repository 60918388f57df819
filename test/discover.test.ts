// Discovery: directories, globs, ignores, stdin, and file-system oddities that
// must become findings rather than crashes.

import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { discover, isIgnored } from '../src/load/discover.js';
import { UsageError, lint } from '../src/index.js';
import { compact } from './helpers.js';

const ORPHAN = 'apiVersion: v1\nkind: Endpoints\nmetadata: {name: orphan, namespace: mon}\n';

function tree(): string {
  const root = mkdtempSync(join(tmpdir(), 'fedlint-discover-'));
  const files: Record<string, string> = {
    'deploy/a.yaml': ORPHAN,
    'deploy/nested/b.yml': ORPHAN,
    'deploy/readme.md': '# not yaml',
    'deploy/values.json': '{}',
    'node_modules/pkg/c.yaml': ORPHAN,
    '.git/d.yaml': ORPHAN,
    'vendor/e.yaml': ORPHAN,
    'clusters/eu/f.yaml': ORPHAN,
    'clusters/us/g.yaml': ORPHAN,
  };
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(root, path, '..'), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return root;
}

const relative = (root: string, files: string[]) => files.map((file) => (file === '-' ? file : file.slice(root.length + 1)));

test('a directory is searched recursively for .yaml and .yml; node_modules and .git are skipped', async () => {
  const root = tree();
  const { files } = await discover([], root, []);
  assert.equal(relative(root, files), ['clusters/eu/f.yaml', 'clusters/us/g.yaml', 'deploy/a.yaml', 'deploy/nested/b.yml', 'vendor/e.yaml']);
});

test('globs, explicit files of any extension, stdin, and duplicates once', async () => {
  const root = tree();
  const { files } = await discover(['clusters/**/*.yaml', 'deploy/a.yaml', 'deploy/readme.md', 'clusters/eu', '-'], root, []);
  assert.equal(relative(root, files), ['-', 'clusters/eu/f.yaml', 'clusters/us/g.yaml', 'deploy/a.yaml', 'deploy/readme.md']);
});

test('--ignore matches files and whole folders, relative to the working directory', async () => {
  const root = tree();
  const { files } = await discover(['.'], root, ['vendor', 'clusters/*/g.yaml', '**/*.yml']);
  assert.equal(relative(root, files), ['clusters/eu/f.yaml', 'deploy/a.yaml']);
  assert.ok(isIgnored('vendor/x/y.yaml', ['vendor']));
  assert.not.ok(isIgnored('vendors/y.yaml', ['vendor']));
});

test('a missing path and a glob matching nothing are usage errors', async () => {
  const root = tree();
  for (const path of ['nope.yaml', 'nope/**/*.yaml']) {
    try {
      await discover([path], root, []);
      assert.unreachable(`${path} should fail`);
    } catch (error) {
      assert.instance(error, UsageError);
    }
  }
});

test('symlink loops and dangling links are file-unreadable findings; the other files are still linted', async () => {
  const root = tree();
  symlinkSync('loop.yaml', join(root, 'deploy', 'loop.yaml'));
  symlinkSync('missing-target.yaml', join(root, 'deploy', 'dangling.yaml'));
  symlinkSync('self', join(root, 'self'));
  const result = await lint({ paths: ['deploy', 'self'], cwd: root });
  const findings = compact(result).map((f) => [f.ruleId, f.file, f.line, f.message]);
  assert.equal(findings, [
    ['endpoints-name-match', 'deploy/a.yaml', 3, 'Endpoints "orphan" has no Service of the same name in namespace "mon"; create the Service or rename the Endpoints to match it'],
    ['file-unreadable', 'deploy/dangling.yaml', 1, 'cannot read deploy/dangling.yaml: dangling symbolic link; fix it or exclude it with --ignore'],
    ['file-unreadable', 'deploy/loop.yaml', 1, 'cannot read deploy/loop.yaml: symbolic link loop; fix it or exclude it with --ignore'],
    ['endpoints-name-match', 'deploy/nested/b.yml', 3, 'Endpoints "orphan" has no Service of the same name in namespace "mon"; create the Service or rename the Endpoints to match it'],
    ['file-unreadable', 'self', 1, 'cannot read self: symbolic link loop; fix it or exclude it with --ignore'],
  ]);
});

test('a symlinked directory is walked through its real folder and reported under the name given', async () => {
  const root = tree();
  symlinkSync(join(root, 'deploy'), join(root, 'linked'));
  const { files } = await discover(['linked'], root, []);
  assert.equal(relative(root, files), ['linked/a.yaml', 'linked/nested/b.yml']);
});

test('a file reached twice (directly and through a symlink) is linted once', async () => {
  const root = tree();
  symlinkSync(join(root, 'deploy', 'a.yaml'), join(root, 'clusters', 'alias.yaml'));
  const { files } = await discover(['clusters', 'deploy'], root, []);
  assert.equal(relative(root, files), ['clusters/eu/f.yaml', 'clusters/us/g.yaml', 'deploy/a.yaml', 'deploy/nested/b.yml']);
});

test('dot folders are searched (manifests under .deploy/ count); .git is not', async () => {
  const root = tree();
  mkdirSync(join(root, '.deploy'));
  writeFileSync(join(root, '.deploy', 'h.yaml'), ORPHAN);
  const { files } = await discover(['.'], root, ['clusters', 'vendor', 'deploy']);
  assert.equal(relative(root, files), ['.deploy/h.yaml']);
});

test('--ignore accepts ./prefix, a trailing slash and absolute paths', async () => {
  const root = tree();
  for (const pattern of ['./vendor', 'vendor/', join(root, 'vendor'), './vendor/**']) {
    const { files } = await discover(['vendor', 'deploy/a.yaml'], root, [pattern]);
    assert.equal(relative(root, files), ['deploy/a.yaml'], pattern);
  }
});

test('brace globs expand; an existing file whose name looks like a glob is read literally', async () => {
  const root = tree();
  writeFileSync(join(root, 'values[prod].yaml'), ORPHAN);
  const braces = await discover(['clusters/{eu,us}/*.yaml'], root, []);
  assert.equal(relative(root, braces.files), ['clusters/eu/f.yaml', 'clusters/us/g.yaml']);
  const literal = await discover(['values[prod].yaml'], root, []);
  assert.equal(relative(root, literal.files), ['values[prod].yaml']);
});

test.run();
