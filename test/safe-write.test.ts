// src/safe-write.ts on its own: a write replaces the file whole or leaves it as it was (every step made to fail
// through an injected file system, which needs no full disk), keeps the mode, refuses a symlink or a special file at
// the target, refuses bytes that changed since they were read, and leaves no temporary file behind.

import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, readlinkSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { type WriteFs, WriteRefusal, describeWriteError, isWithin, landingPath, writeFileAtomic } from '../src/safe-write.js';

function folder(): string {
  return mkdtempSync(join(tmpdir(), 'fedlint-safe-write-'));
}

const mode = (path: string) => statSync(path).mode & 0o7777;

/** The thrown error, which must be one. */
function thrown(run: () => void): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  throw new Error('expected an error');
}

function errno(code: string, syscall: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`${code}: simulated, ${syscall}`), { code, syscall });
}

test('replaces a file whole, keeping its mode; a new file gets the umask mode; a name at the length limit works; no temporary file is left', () => {
  const dir = folder();
  const path = join(dir, 'monitor.yaml');
  writeFileSync(path, 'old\n');
  chmodSync(path, 0o640);
  writeFileAtomic(path, 'new text\n');
  assert.is(readFileSync(path, 'utf8'), 'new text\n');
  assert.is(mode(path), 0o640);
  chmodSync(path, 0o755);
  writeFileAtomic(path, Buffer.from('bytes\n'));
  assert.is(readFileSync(path, 'utf8'), 'bytes\n');
  assert.is(mode(path), 0o755);

  const fresh = join(dir, 'report.sarif');
  writeFileAtomic(fresh, '{}');
  const umask = process.umask(0o022);
  process.umask(umask);
  assert.is(mode(fresh), 0o666 & ~umask);
  // A name at the 255-byte limit still has room for its temporary file's.
  const longest = `${'x'.repeat(250)}.yaml`;
  writeFileAtomic(join(dir, longest), 'long\n');
  assert.is(readFileSync(join(dir, longest), 'utf8'), 'long\n');
  assert.equal(readdirSync(dir).sort(), ['monitor.yaml', 'report.sarif', longest]);
});

test('a symlink at the target is refused, dangling or not: the link and the file it names are unchanged', () => {
  const dir = folder();
  const outside = join(folder(), 'outside.yaml');
  writeFileSync(outside, 'theirs\n');
  symlinkSync(outside, join(dir, 'link.yaml'));
  symlinkSync(join(dir, 'nowhere.yaml'), join(dir, 'dangling.yaml'));
  for (const name of ['link.yaml', 'dangling.yaml']) {
    const error = thrown(() => writeFileAtomic(join(dir, name), 'mine\n'));
    assert.instance(error, WriteRefusal);
    assert.is((error as WriteRefusal).reason, 'symlink');
    const target = readlinkSync(join(dir, name));
    assert.is(describeWriteError(error), `it is a symlink (to ${target}), and fedlint does not write through symlinks; delete the link or choose another file`);
  }
  assert.is(readFileSync(outside, 'utf8'), 'theirs\n');
  assert.is(readlinkSync(join(dir, 'link.yaml')), outside);
  assert.equal(readdirSync(dir).sort(), ['dangling.yaml', 'link.yaml']);
});

test('a pipe or a folder at the target is refused, not replaced', () => {
  const dir = folder();
  assert.is(spawnSync('mkfifo', [join(dir, 'pipe')]).status, 0);
  mkdirSync(join(dir, 'folder'));
  for (const name of ['pipe', 'folder']) {
    const error = thrown(() => writeFileAtomic(join(dir, name), 'x'));
    assert.is((error as WriteRefusal).reason, 'not-a-file', name);
  }
  assert.ok(statSync(join(dir, 'pipe')).isFIFO());
  assert.equal(readdirSync(dir).sort(), ['folder', 'pipe']);
});

/** The real file system, with one call made to fail: `after` calls of it succeed first. */
function failing(call: keyof WriteFs, error: NodeJS.ErrnoException, after = 0): WriteFs {
  let calls = 0;
  const real = fs[call] as (...args: unknown[]) => unknown;
  return {
    ...fs,
    [call]: (...args: unknown[]) => {
      if (calls++ >= after) throw error;
      return real(...args);
    },
  } as WriteFs;
}

/** A writeSync that writes half of what it is given, then fails as a full disk does. */
function fullDiskHalfway(): WriteFs {
  let wrote = false;
  return {
    ...fs,
    writeSync: ((fd: number, buffer: Uint8Array, offset: number, length: number) => {
      if (wrote) throw errno('ENOSPC', 'write');
      wrote = true;
      return fs.writeSync(fd, buffer, offset, Math.ceil(length / 2));
    }) as WriteFs['writeSync'],
  };
}

test('any failing step leaves the original bytes and mode, removes the temporary file and throws the error as it came', () => {
  const original = `${'line of the original\n'.repeat(600)}the tail\n`;
  const cases: [string, WriteFs][] = [
    ['open', failing('openSync', errno('EACCES', 'open'))],
    ['write halfway (full disk)', fullDiskHalfway()],
    ['write', failing('writeSync', errno('EIO', 'write'))],
    ['chmod', failing('fchmodSync', errno('EPERM', 'fchmod'))],
    ['fsync', failing('fsyncSync', errno('EIO', 'fsync'))],
    ['close', failing('closeSync', errno('EIO', 'close'))],
    ['check before the rename', failing('lstatSync', errno('EIO', 'lstat'), 1)],
    ['rename', failing('renameSync', errno('EXDEV', 'rename'))],
  ];
  for (const [step, broken] of cases) {
    const dir = folder();
    const path = join(dir, 'big.yaml');
    writeFileSync(path, original);
    chmodSync(path, 0o604);
    const error = thrown(() => writeFileAtomic(path, original.replace('the tail', 'the new tail'), { fs: broken }));
    assert.ok((error as NodeJS.ErrnoException).code, `${step}: ${String(error)}`);
    assert.not.instance(error, WriteRefusal, step);
    assert.is(readFileSync(path, 'utf8'), original, step);
    assert.is(mode(path), 0o604, step);
    assert.equal(readdirSync(dir), ['big.yaml'], step);
  }
  // A new file that cannot be written is not created at all.
  const dir = folder();
  thrown(() => writeFileAtomic(join(dir, 'new.sarif'), '{}', { fs: fullDiskHalfway() }));
  assert.equal(readdirSync(dir), []);
});

test('expected bytes: a file edited before the write, or while the temporary file is written, keeps the edit', () => {
  const dir = folder();
  const path = join(dir, 'a.yaml');
  writeFileSync(path, 'saved by an editor\n');
  const error = thrown(() => writeFileAtomic(path, 'fixed\n', { expected: Buffer.from('as linted\n') }));
  assert.is((error as WriteRefusal).reason, 'changed');
  assert.is(describeWriteError(error), 'it changed since fedlint read it');
  assert.is(readFileSync(path, 'utf8'), 'saved by an editor\n');

  // The editor saves just after the temporary file is on disk: the comparison right before the rename sees it.
  writeFileSync(path, 'as linted\n');
  const savesDuringTheWrite: WriteFs = {
    ...fs,
    fsyncSync: (fd: number) => {
      fs.fsyncSync(fd);
      fs.writeFileSync(path, 'saved meanwhile\n');
    },
  };
  const during = thrown(() => writeFileAtomic(path, 'fixed\n', { expected: Buffer.from('as linted\n'), fs: savesDuringTheWrite }));
  assert.is((during as WriteRefusal).reason, 'changed');
  assert.is(readFileSync(path, 'utf8'), 'saved meanwhile\n');

  // Unchanged: written.
  writeFileAtomic(path, 'fixed\n', { expected: Buffer.from('saved meanwhile\n') });
  assert.is(readFileSync(path, 'utf8'), 'fixed\n');
  assert.equal(readdirSync(dir), ['a.yaml']);
});

test('describeWriteError: the code and its meaning, without the syscall and the temporary file\'s name', () => {
  const dir = folder();
  const error = thrown(() => writeFileAtomic(join(dir, 'missing', 'base.sarif'), '{}'));
  assert.is(describeWriteError(error), 'ENOENT: no such file or directory');
  assert.is(describeWriteError(errno('ENOSPC', 'write')), 'ENOSPC: simulated');
  assert.is(describeWriteError(new Error('plain\nsecond line')), 'plain');
});

test('landingPath follows symlinked folders and dangling links; isWithin compares whole path segments', () => {
  const root = fs.realpathSync(folder());
  const outside = fs.realpathSync(folder());
  mkdirSync(join(root, 'reports'));
  symlinkSync(outside, join(root, 'linked'));
  symlinkSync(join(outside, 'not-yet'), join(root, 'dangling'));
  assert.is(landingPath(join(root, 'reports', 'new', 'x.sarif')), join(root, 'reports', 'new', 'x.sarif'));
  assert.is(landingPath(join(root, 'linked', 'x.sarif')), join(outside, 'x.sarif'));
  assert.is(landingPath(join(root, 'dangling', 'sub', 'x.sarif')), join(outside, 'not-yet', 'sub', 'x.sarif'));
  assert.ok(isWithin(root, root));
  assert.ok(isWithin(root, join(root, 'reports', 'x')));
  assert.ok(isWithin(root, join(root, '..reports')));
  assert.not.ok(isWithin(root, outside));
  assert.not.ok(isWithin(join(root, 'rep'), join(root, 'reports')));
});

test.run();
