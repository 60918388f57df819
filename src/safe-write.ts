// Writing files fedlint produces (--fix, --output, --write-baseline, the Action's SARIF) in a folder that may hold
// untrusted content: a pull request from a fork can commit a symlink where fedlint writes, and a disk can fill up.
// A file is written whole into a new temporary file beside it and renamed over the target, so that:
// - an error (ENOSPC, EFBIG, EIO) leaves the target as it was, never cut off: the temporary file is removed;
// - rename replaces the name itself and never follows a symlink there; a symlink at the target is refused all the
//   same, with a reason, rather than silently turned into a file: whoever put it there meant the file it names;
// - the temporary file is created exclusively (`wx`: O_CREAT | O_EXCL), so nothing planted at its name is followed;
// - with `expected`, the target is compared with those bytes just before the rename: an edit saved meanwhile is kept.
// A bottom-layer utility: it knows nothing of lint results, only of paths and bytes.

import { randomBytes } from 'node:crypto';
import * as nodeFs from 'node:fs';
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';

/** The file system calls a write makes; tests pass one whose calls fail, to check that any error leaves the target intact. */
export type WriteFs = Pick<
  typeof nodeFs,
  'lstatSync' | 'readlinkSync' | 'openSync' | 'writeSync' | 'fchmodSync' | 'fchownSync' | 'fsyncSync' | 'closeSync' | 'readFileSync' | 'renameSync' | 'unlinkSync'
>;

export interface WriteOptions {
  /** The bytes the target must still hold just before it is replaced, else a `WriteRefusal` ('changed') and no write. */
  expected?: Uint8Array;
  fs?: WriteFs;
}

/** A write fedlint will not make, with the reason as a clause ("it is a symlink …") for `cannot write FILE: …`. */
export class WriteRefusal extends Error {
  override name = 'WriteRefusal';
  constructor(
    readonly path: string,
    readonly reason: 'symlink' | 'not-a-file' | 'changed',
    message: string,
  ) {
    super(message);
  }
}

// Not defined on Windows, where a symlink is not opened by mistake here: lstat has refused it before.
const O_NOFOLLOW = nodeFs.constants.O_NOFOLLOW ?? 0;

/**
 * Writes `data` to `path` atomically: a temporary file in the same folder (a rename is atomic only within one file
 * system), fsync'ed so the rename never exposes an empty file after a crash, then renamed over the target. A target
 * that exists keeps its mode (and, where the process may set it, its owner); a new one gets 0666 less the umask, as
 * writeFileSync gives. Throws `WriteRefusal`, or the file system's error after removing the temporary file.
 */
export function writeFileAtomic(path: string, data: string | Uint8Array, options: WriteOptions = {}): void {
  const fs = options.fs ?? nodeFs;
  const existing = targetStats(fs, path);
  // Named after the target (shortened, to stay under the 255-byte name limit), so that one a crash leaves is recognised.
  const temporary = join(dirname(path), `.${basename(path).slice(0, 64)}.${randomBytes(6).toString('hex')}.fedlint.tmp`);
  let fd: number | undefined;
  let created = false;
  try {
    fd = fs.openSync(temporary, 'wx', existing ? 0o600 : 0o666);
    created = true;
    const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
    for (let written = 0; written < bytes.length; ) written += fs.writeSync(fd, bytes, written, bytes.length - written);
    if (existing) {
      // Owner before mode: chown clears setuid bits. Only root may give a file away, so this fails quietly for others.
      try {
        fs.fchownSync(fd, existing.uid, existing.gid);
      } catch {}
      fs.fchmodSync(fd, existing.mode & 0o7777);
    }
    fs.fsyncSync(fd);
    fs.closeSync(fd);
    fd = undefined;
    // Checked again just before the rename: the target may have become a symlink, or been edited, since.
    targetStats(fs, path);
    if (options.expected && !sameBytes(fs, path, options.expected))
      throw new WriteRefusal(path, 'changed', 'it changed since fedlint read it');
    fs.renameSync(temporary, path);
    created = false;
  } catch (error) {
    if (fd !== undefined) closeQuietly(fs, fd);
    if (created) {
      try {
        fs.unlinkSync(temporary);
      } catch {}
    }
    throw error;
  }
  syncFolder(fs, dirname(path));
}

/** The target's stats, undefined when it does not exist; a symlink or anything but a regular file is refused. */
function targetStats(fs: WriteFs, path: string): nodeFs.Stats | undefined {
  let stats: nodeFs.Stats;
  try {
    stats = fs.lstatSync(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  if (stats.isSymbolicLink())
    throw new WriteRefusal(
      path,
      'symlink',
      `it is a symlink (to ${fs.readlinkSync(path)}), and fedlint does not write through symlinks; delete the link or choose another file`,
    );
  // A rename over a device or a pipe would replace it with a plain file (as root, /dev/null too).
  if (!stats.isFile()) throw new WriteRefusal(path, 'not-a-file', 'it is not a regular file; choose a file path');
  return stats;
}

function sameBytes(fs: WriteFs, path: string, expected: Uint8Array): boolean {
  let fd: number;
  try {
    fd = fs.openSync(path, nodeFs.constants.O_RDONLY | O_NOFOLLOW);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw error;
  }
  try {
    return Buffer.from(expected).equals(fs.readFileSync(fd));
  } finally {
    closeQuietly(fs, fd);
  }
}

/** The rename is durable once the folder's entry is on disk; a file system that cannot fsync a folder still has the file. */
function syncFolder(fs: WriteFs, folder: string): void {
  let fd: number;
  try {
    fd = fs.openSync(folder, 'r');
  } catch {
    return;
  }
  try {
    fs.fsyncSync(fd);
  } catch {
  } finally {
    closeQuietly(fs, fd);
  }
}

function closeQuietly(fs: WriteFs, fd: number): void {
  try {
    fs.closeSync(fd);
  } catch {}
}

/**
 * The real path of `path`: symlinks resolved in the part that exists, the rest (a file or folders not made yet)
 * appended as written. A dangling symlink is followed to where it points, which is where a write would land.
 */
export function landingPath(path: string): string {
  const missing: string[] = [];
  let existing = resolve(path);
  for (;;) {
    try {
      return join(nodeFs.realpathSync(existing), ...missing);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
    const link = danglingLink(existing);
    if (link !== undefined) return landingPath(join(resolve(dirname(existing), link), ...missing));
    const parent = dirname(existing);
    if (parent === existing) return join(existing, ...missing);
    missing.unshift(basename(existing));
    existing = parent;
  }
}

function danglingLink(path: string): string | undefined {
  try {
    return nodeFs.lstatSync(path).isSymbolicLink() ? nodeFs.readlinkSync(path) : undefined;
  } catch {
    return undefined;
  }
}

/** Whether `path` is `root` or below it, as both are spelt (compare real paths to know where a file is). */
export function isWithin(root: string, path: string): boolean {
  const rest = relative(root, path);
  return rest === '' || (rest !== '..' && !rest.startsWith(`..${sep}`) && !isAbsolute(rest));
}

/** A write error for a message: the refusal's reason, or "ENOSPC: no space left on device" without Node's syscall and temporary path. */
export function describeWriteError(error: unknown): string {
  if (error instanceof WriteRefusal) return error.message;
  const message = (error as Error)?.message ?? String(error);
  const code = (error as NodeJS.ErrnoException)?.code;
  return code && message.startsWith(`${code}: `) ? message.replace(/, \w+(?: '.*)?$/s, '') : message.split('\n')[0]!;
}
