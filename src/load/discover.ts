// Paths, directories and globs → the list of files to lint. Reads no file
// contents (that is the next stage's job); only a path that does not exist at
// all, or a glob that matches nothing, is a usage error.

import { lstatSync, realpathSync, statSync } from 'node:fs';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import { glob, hasMagic } from 'glob';
import { minimatch } from 'minimatch';
import { UsageError } from '../errors.js';
import { isWithin } from '../safe-write.js';
import { inGitFolder, isInside, realPathOf, repositoryRoot } from './boundary.js';

/** Never worth descending into, whatever the user's ignores say. */
const ALWAYS_SKIPPED = ['**/node_modules/**', '**/.git/**'];
const STDIN = '-';

export interface Discovered {
  /** Absolute paths, sorted, without duplicates; `-` stands for standard input. */
  files: string[];
  /** Entries that exist but cannot be examined (dangling links, symlink loops, no permission). */
  unreadable: { path: string; reason: string }[];
  /** Files and entries left unread because they lead outside the repository (boundary.ts), with why. */
  skipped: { path: string; reason: string }[];
  /** Every path given named a file: no directory, glob or standard input (what turns on context mode, see context.ts). */
  explicitFilesOnly: boolean;
}

export interface DiscoverOptions {
  /**
   * The paths come from a config file or a default, not from the command line: then they too must stay inside the
   * repository. Named on the command line, a file is read wherever it is, and so is what a named folder or glob holds.
   */
  confined?: boolean;
}

export async function discover(paths: string[], cwd: string, ignore: string[], options: DiscoverOptions = {}): Promise<Discovered> {
  const root = repositoryRoot(cwd);
  // Each found file with the folders its real path may be in: the repository, and a folder or glob base the user named.
  const found: { path: string; within: string[] }[] = [];
  const unreadable: Discovered['unreadable'] = [];
  const skipped: Discovered['skipped'] = [];
  let stdin = false;
  let explicitFilesOnly = true;
  for (const given of paths.length > 0 ? paths : ['.']) {
    if (given === STDIN) {
      stdin = true;
      explicitFilesOnly = false;
      continue;
    }
    const absolute = resolve(cwd, given);
    const magic = !exists(absolute) && hasMagic(given, { magicalBraces: true });
    const named = options.confined ? [] : [realPathOf(magic ? globBase(absolute) : absolute) ?? absolute];
    const entry = magic ? globBase(absolute) : absolute;
    // Outside by name, an entry is not even looked at: whether it exists is the runner's business.
    if (options.confined && (!isWithin(root, entry) || (exists(entry) && !isInside(root, entry)))) {
      skipped.push({ path: absolute, reason: outside(entry, root) });
      continue;
    }
    // A path that exists is taken literally, even if it looks like a glob (`values[prod].yaml`).
    if (magic) {
      const matches = await glob(given, { cwd, absolute: true, nodir: true, dot: true, ignore: ALWAYS_SKIPPED });
      if (matches.length === 0) throw new UsageError(`no files match the pattern "${given}"`);
      for (const match of matches) found.push({ path: match, within: [root, ...named] });
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
      found.push({ path: absolute, within: options.confined ? [root] : [] });
      continue;
    }
    explicitFilesOnly = false;
    // glob does not walk a cwd that is itself a symlink: walk the real folder, report under the name given.
    const real = realpathSync(absolute);
    const inside = await glob('**/*.{yaml,yml}', { cwd: real, nodir: true, dot: true, ignore: ALWAYS_SKIPPED });
    for (const file of inside) found.push({ path: join(absolute, file), within: [root, ...named] });
  }
  const patterns = ignore.map((pattern) => normalizePattern(cwd, pattern));
  const notIgnored = found.filter((file) => !isIgnored(relativePath(cwd, file.path), patterns));
  const kept: string[] = [];
  for (const file of unique(notIgnored)) {
    const allowed = file.within.length === 0 || file.real === undefined || (!inGitFolder(file.real) && file.within.some((folder) => isWithin(folder, file.real!)));
    if (allowed) kept.push(file.path);
    else skipped.push({ path: file.path, reason: outside(file.path, root) });
  }
  return { files: stdin ? [STDIN, ...kept] : kept, unreadable, skipped, explicitFilesOnly };
}

/** Why a path is not read: where it is, or where the link it is leads. */
export function outside(path: string, root: string): string {
  const real = realPathOf(path);
  const where =
    real !== undefined && inGitFolder(real) ? "inside a .git folder, which holds git's own files (credentials among them), not manifests" : `outside the repository (${root})`;
  return isLink(path) ? `it is a symbolic link to ${real ?? 'a missing file'}, ${where}` : `it is ${where}`;
}

/** The folder a glob starts in: its path up to the first segment with a wildcard. */
function globBase(pattern: string): string {
  const segments = pattern.split(sep);
  const literal = segments.findIndex((segment) => hasMagic(segment, { magicalBraces: true }));
  return segments.slice(0, literal === -1 ? segments.length : literal).join(sep) || sep;
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
 * One path per real file, sorted: a file reached through a symlink as well as directly is linted once, under its own
 * name rather than the link's. Each keeps its real path (undefined for dangling links and loops, whose reading
 * reports the problem); realpath.native is one system call per file.
 */
function unique<T extends { path: string; within: string[] }>(files: T[]): (T & { real?: string })[] {
  const chosen = new Map<string, T & { real?: string }>();
  for (const file of [...files].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))) {
    const real = realPathOf(file.path);
    const key = real ?? file.path;
    const previous = chosen.get(key);
    // A name of the file itself beats a link's; the file named on the command line beats the one a walk found.
    const better = previous === undefined || (isLink(previous.path) && !isLink(file.path)) || (previous.path === file.path && file.within.length === 0);
    if (better) chosen.set(key, { ...file, real });
  }
  return [...chosen.values()].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
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
      return 'it is a directory';
    case 'ENOTREG':
    case 'ENXIO': // opening a socket
      return 'not a regular file (a FIFO, socket or device); fedlint reads only regular files';
    default:
      return code ? `${code}: ${(error as Error).message}` : String(error);
  }
}
