// Paths, directories and globs → the list of files to lint. Reads no file
// contents (that is the next stage's job); only a path that does not exist at
// all, or a glob that matches nothing, is a usage error.

import { lstatSync, realpathSync, statSync } from 'node:fs';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import { glob, hasMagic } from 'glob';
import { minimatch } from 'minimatch';
import { UsageError } from '../errors.js';

/** Never worth descending into, whatever the user's ignores say. */
const ALWAYS_SKIPPED = ['**/node_modules/**', '**/.git/**'];
const STDIN = '-';

export interface Discovered {
  /** Absolute paths, sorted, without duplicates; `-` stands for standard input. */
  files: string[];
  /** Entries that exist but cannot be examined (dangling links, symlink loops, no permission). */
  unreadable: { path: string; reason: string }[];
  /** Every path given named a file: no directory, glob or standard input (what turns on context mode, see context.ts). */
  explicitFilesOnly: boolean;
}

export async function discover(paths: string[], cwd: string, ignore: string[]): Promise<Discovered> {
  const found: string[] = [];
  const unreadable: Discovered['unreadable'] = [];
  let stdin = false;
  let explicitFilesOnly = true;
  for (const given of paths.length > 0 ? paths : ['.']) {
    if (given === STDIN) {
      stdin = true;
      explicitFilesOnly = false;
      continue;
    }
    const absolute = resolve(cwd, given);
    // A path that exists is taken literally, even if it looks like a glob (`values[prod].yaml`).
    if (!exists(absolute) && hasMagic(given, { magicalBraces: true })) {
      const matches = await glob(given, { cwd, absolute: true, nodir: true, dot: true, ignore: ALWAYS_SKIPPED });
      if (matches.length === 0) throw new UsageError(`no files match the pattern "${given}"`);
      found.push(...matches);
      explicitFilesOnly = false;
      continue;
    }
    let isDirectory: boolean;
    try {
      isDirectory = statSync(absolute).isDirectory();
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' && !isLink(absolute)) throw new UsageError(`no such file or directory: ${given}`);
      unreadable.push({ path: absolute, reason: describeError(error) });
      continue;
    }
    if (!isDirectory) {
      found.push(absolute);
      continue;
    }
    explicitFilesOnly = false;
    // glob does not walk a cwd that is itself a symlink: walk the real folder, report under the name given.
    const real = realpathSync(absolute);
    const inside = await glob('**/*.{yaml,yml}', { cwd: real, nodir: true, dot: true, ignore: ALWAYS_SKIPPED });
    for (const file of inside) found.push(join(absolute, file));
  }
  const patterns = ignore.map((pattern) => normalizePattern(cwd, pattern));
  const kept = unique(found.filter((file) => !isIgnored(relativePath(cwd, file), patterns)).sort());
  return { files: stdin ? [STDIN, ...kept] : kept, unreadable, explicitFilesOnly };
}

function exists(path: string): boolean {
  try {
    lstatSync(path);
    return true;
  } catch {
    return false;
  }
}

/**
 * One path per real file: a file reached through a symlink as well as
 * directly is linted once, under its own name rather than the link's.
 */
function unique(sortedFiles: string[]): string[] {
  const chosen = new Map<string, string>();
  for (const file of sortedFiles) {
    let key = file;
    try {
      key = realpathSync(file);
    } catch {
      // Dangling links and loops keep their own path; reading them reports the problem.
    }
    const previous = chosen.get(key);
    if (previous === undefined || (isLink(previous) && !isLink(file))) chosen.set(key, file);
  }
  return [...chosen.values()].sort();
}

/** `./vendor/`, `vendor/` and `/abs/repo/vendor` all mean the folder `vendor` relative to cwd. */
export function normalizePattern(cwd: string, pattern: string): string {
  let normalized = isAbsolute(pattern) ? relativePath(cwd, pattern) : pattern.split(sep).join('/');
  normalized = normalized.replace(/^(\.\/)+/, '');
  return normalized.length > 1 ? normalized.replace(/\/+$/, '') : normalized;
}

function isLink(path: string): boolean {
  try {
    return lstatSync(path).isSymbolicLink();
  } catch {
    return false;
  }
}

/** True when the path, or any folder above it, matches one of the patterns. */
export function isIgnored(path: string, patterns: string[]): boolean {
  if (patterns.length === 0) return false;
  const parts = path.split('/');
  for (let length = parts.length; length > 0; length--) {
    const prefix = parts.slice(0, length).join('/');
    if (patterns.some((pattern) => minimatch(prefix, pattern, { dot: true }))) return true;
  }
  return false;
}

/** Forward-slash path relative to `cwd` (what reports and ignores use). */
export function relativePath(cwd: string, path: string): string {
  const rel = isAbsolute(path) ? relative(cwd, path) : path;
  return rel.split(sep).join('/');
}

/** Why a path cannot be read, in words; `path` tells a dangling link from a file deleted while fedlint ran. */
export function describeError(error: unknown, path?: string): string {
  const code = (error as NodeJS.ErrnoException).code;
  switch (code) {
    case 'ELOOP':
      return 'symbolic link loop';
    case 'ENOENT':
      return path === undefined || isLink(path) ? 'dangling symbolic link' : 'it no longer exists (deleted while fedlint ran)';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'EISDIR':
      return 'is a directory';
    case 'ENOTREG':
      return 'not a regular file (a FIFO, socket or device); fedlint reads only regular files';
    default:
      return code ? `${code}: ${(error as Error).message}` : String(error);
  }
}
