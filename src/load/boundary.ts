// Where fedlint may read files it finds by itself. A repository can hold symbolic links to anything on the machine
// (`deploy/x.yaml -> /home/runner/.ssh/config`), and a config file can name `../` or absolute paths; the GitHub Action
// runs on pull requests from forks, and fedlint's messages quote what they read. So files that fedlint discovers —
// by walking a folder, expanding a glob, following a config's `include`, or gathering context — are read only when
// their real path is inside the repository: the git working tree that holds the working directory, or the working
// directory itself outside git — and not inside a `.git` folder, which holds git's own files, among them the token
// actions/checkout leaves in .git/config. A path named on the command line is the user's own choice and is read
// wherever it is.

import { existsSync, realpathSync } from 'node:fs';
import { dirname, join, resolve, sep } from 'node:path';
import { isWithin } from '../safe-write.js';

/** The folder holding `.git` (a folder, or a file in worktrees and submodules) at or above `start`. */
export function gitRoot(start: string): string | undefined {
  for (let dir = resolve(start); ; dir = dirname(dir)) {
    if (existsSync(join(dir, '.git'))) return dir;
    if (dirname(dir) === dir) return undefined;
  }
}

/** The real path of the repository around `cwd`: its git root, else `cwd` itself. */
export function repositoryRoot(cwd: string): string {
  const root = gitRoot(cwd) ?? resolve(cwd);
  return realPathOf(root) ?? root;
}

/**
 * Whether `path`'s real path (links resolved) is `root` (a real path) or below it, and not in a `.git` folder; a path
 * that cannot be resolved is not.
 */
export function isInside(root: string, path: string): boolean {
  const real = realPathOf(path);
  return real !== undefined && isWithin(root, real) && !inGitFolder(real);
}

/** Whether a real path is in a `.git` folder (git's own files: config with credentials, objects, hooks). */
export function inGitFolder(real: string): boolean {
  return real.split(sep).includes('.git');
}

/** The real path of a file that exists; undefined for a dangling link, a loop or a missing file. */
export function realPathOf(path: string): string | undefined {
  try {
    return realpathSync.native(path);
  } catch {
    return undefined;
  }
}
