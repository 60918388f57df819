// Context mode: pre-commit (and a person typing `fedlint changed.yaml`) passes only the changed files, but the graph
// rules need the other side of every edge (the untouched Service of a changed Endpoints). When fedlint is given
// explicit files only, it also loads the rest of the repository as context and reports only findings located in the
// given files. This module decides which files are the rest of the repository, and which of them can matter at all.

import { execFile } from 'node:child_process';
import { join, resolve, sep } from 'node:path';
import { promisify } from 'node:util';
import { isWithin } from '../safe-write.js';
import { inGitFolder, realPathOf, repositoryRoot } from './boundary.js';
import { type Discovered, discover, isIgnored, normalizePattern, outside, relativePath } from './discover.js';
import { READ_KINDS } from './read-kinds.js';
import type { SourceFile } from '../types.js';

const run = promisify(execFile);

/** A repository's file list can be long: git's output is allowed this many bytes before it counts as a failure. */
const GIT_MAX_BUFFER = 256 * 1024 * 1024;

export interface ContextRequest {
  cwd: string;
  /** The same ignore patterns as the given files (relative to cwd). */
  ignore: string[];
  /** What the repository is (a config file's `include`): files, directories and globs. Default: git's YAML files. */
  include?: string[];
  /** The given files (absolute): never context, whatever path reaches them. */
  given: string[];
}

/**
 * The repository's YAML files besides the given ones: `include` when set, else the git working tree's YAML (tracked
 * and untracked, without what .gitignore excludes), else — outside a git repository — the working directory's.
 * Absolute paths, one per real file, none of them a given file under another name. Files that cannot be resolved
 * (deleted since git listed them, dangling links) are left out: there is nothing to read.
 */
export async function contextFiles(request: ContextRequest): Promise<{ files: string[]; skipped: Discovered['skipped'] }> {
  const { cwd, ignore } = request;
  const root = repositoryRoot(cwd);
  const listed = request.include ? undefined : await gitYamlFiles(cwd);
  if (!listed) {
    const found = await discover(request.include ?? ['.'], cwd, ignore, { confined: true });
    return { files: onePerRealFile(found.files, request.given, root).files, skipped: found.skipped };
  }
  const patterns = ignore.map((pattern) => normalizePattern(cwd, pattern));
  return onePerRealFile(
    listed.filter((path) => !isIgnored(relativePath(cwd, path), patterns)),
    request.given,
    root,
  );
}

/**
 * Drops given files and second names of one file (a symlink and its target both tracked), preferring a file's own
 * name, as discover() does, and tracked links that lead outside the repository (boundary.ts). realpath.native is one
 * system call; the JavaScript realpath costs twice as much here.
 */
function onePerRealFile(candidates: string[], given: string[], root: string): { files: string[]; skipped: Discovered['skipped'] } {
  const taken = new Set(given.map((path) => realPathOf(path) ?? resolve(path)));
  const skipped: Discovered['skipped'] = [];
  const resolved = candidates.flatMap((path) => {
    const real = path === '-' ? undefined : realPathOf(path);
    // A given file is linted as given, not as context: nothing to skip or say about it here.
    if (real === undefined || taken.has(real)) return [];
    if (isWithin(root, real) && !inGitFolder(real)) return [{ path, real }];
    skipped.push({ path, reason: outside(path, root) });
    return [];
  });
  const kept: string[] = [];
  for (const ownNameFirst of [true, false])
    for (const { path, real } of resolved) {
      if ((path === real) !== ownNameFirst || taken.has(real)) continue;
      taken.add(real);
      kept.push(path);
    }
  return { files: kept.sort(), skipped };
}

/** YAML files of the git working tree that holds cwd, absolute and spelt from cwd; undefined outside git. */
async function gitYamlFiles(cwd: string): Promise<string[] | undefined> {
  let root: string;
  try {
    // --show-cdup rather than --show-toplevel: the root as a path relative to cwd keeps cwd's spelling (a symlinked
    // checkout stays under the name the user gave), so context files display like the given ones.
    const { stdout } = await run('git', ['rev-parse', '--show-cdup'], { cwd });
    root = resolve(cwd, stdout.trim());
  } catch {
    // Not a repository, or no git installed: the caller falls back to the working directory.
    return undefined;
  }
  try {
    const { stdout } = await run('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard', '--', '*.yaml', '*.yml'], {
      cwd: root,
      maxBuffer: GIT_MAX_BUFFER,
    });
    // An unmerged path is listed once per stage: keep it once. node_modules is skipped as discover() skips it.
    const relative = new Set(stdout.split('\0').filter((entry) => entry !== ''));
    return [...relative].map((entry) => join(root, entry)).filter((path) => !path.split(sep).includes('node_modules'));
  } catch {
    return undefined;
  }
}

/** `kind: Name`, `"kind": "Name",`, `{kind: Name}`: a kind written as one literal word, alone on its line or in a flow. */
const LITERAL_KIND = /^kind["']?[ \t]*:[ \t]*(["']?)([A-Za-z][A-Za-z0-9]*)\1(?=[ \t\r]*(?:$|#|,|\}))/;
const KIND_WORD = /\bkind\b/g;
/** The escapes of a double-quoted YAML scalar that can yield a letter: `\x6b`, `\u006B`, `\U0000006b`, a folded line. */
const LETTER_ESCAPE = /\\(?:[xuU]|\r?\n)/;
/**
 * `template:` or `jobTemplate:` as a key (block, flow or JSON; workloads.ts reads pod templates of any kind), and the
 * kustomize keys `patches:`, `patchesStrategicMerge:` and `patchesJson6902:` (kustomize.ts).
 */
const KEY_THAT_MATTERS = /(?:^|[\s{[,])["']?(?:template|jobTemplate|patches\w*)["']?[ \t]*:/m;
/**
 * The two ways to write such a key that KEY_THAT_MATTERS cannot see: an explicit key (`? template`, or `?` alone with
 * the key below), and an alias used as a key (`*t :`), which needs an anchor on the word (`&t template`).
 */
const HIDDEN_KEY =
  /(?:^|[\s{[,-])\?(?:\s+(?:[&!]\S*\s+)*["']?(?:template|jobTemplate|patches)|[ \t]*\r?$)|&[^\s,[\]{}]+\s+(?:!\S*\s+)?["']?(?:template|jobTemplate|patches)|![^\s,[\]{}]*\s+&[^\s,[\]{}]+\s+["']?(?:template|jobTemplate|patches)/m;
const DOCUMENT_MARKER = /^(?:---|\.\.\.)(?:[ \t]+(?:#.*)?)?\r?$/;
/** A plain key of a root mapping at column 0. */
const ROOT_KEY = /^([A-Za-z_][\w.\/-]*)[ \t]*:(?:[ \t]|\r?$)/;

/**
 * Whether a context file can hold an object that matters to another file's findings, decided on the text before the
 * much dearer YAML composition, and always on the safe side. A file is left out only when the kinds of its objects are
 * literal words naming none of READ_KINDS (read-kinds.ts; ConfigMap, Secret, ClusterRole, PrometheusRule, CustomResourceDefinition,
 * a kustomization without patches, a Helm values file with no kind at all), it has no pod `template` or kustomize
 * `patches` key, and no escape that could spell a letter of them. Whatever YAML makes of anchors, aliases, merge keys or
 * tags, a kind or key it yields was written in the text, so the text cannot hide one.
 */
export function mayMatterAsContext(source: SourceFile): boolean {
  const { text } = source;
  if (LETTER_ESCAPE.test(text) || KEY_THAT_MATTERS.test(text) || HIDDEN_KEY.test(text)) return true;
  const kindLines = rootKindLines(text) ?? [...text.matchAll(KIND_WORD)].map((match) => lineFrom(text, match.index));
  return kindLines.some((line) => {
    const literal = LITERAL_KIND.exec(line);
    // A List's items are objects of their own, whatever their `kind` lines look like.
    return !literal || READ_KINDS.has(literal[2]!) || literal[2] === 'List';
  });
}

/**
 * The `kind:` lines of the documents' root mappings, when the file has the plain shape of nearly every manifest: each
 * document starts at column 0, and every line at column 0 is a plain `key:` of the root mapping, a `- ` item of a root
 * key's list, a comment, a document marker or a directive. Then an object's kind can only be on one of these lines, and
 * a `kind` deeper down (a CustomResourceDefinition's `names.kind`, a manifest kept in a ConfigMap) makes no object.
 * Undefined for any other shape (flow or JSON documents, an indented root, merge keys, quoted or complex root keys,
 * content after `---`), where every `kind` in the text counts.
 */
function rootKindLines(text: string): string[] | undefined {
  // Lines are split at \n; a lone \r, a line break to YAML 1.2, would hide lines from this scan.
  if (/\r(?!\n)/.test(text)) return undefined;
  const kinds: string[] = [];
  let atDocumentStart = true;
  for (let start = 0; start < text.length; ) {
    const newline = text.indexOf('\n', start);
    const end = newline === -1 ? text.length : newline;
    const first = text[start];
    if (first === ' ') {
      // A document whose first line is indented has an indented root mapping: its keys are not at column 0.
      if (atDocumentStart && !/^ *(?:#.*)?\r?$/.test(text.slice(start, end))) return undefined;
    } else if (start !== end && first !== '\r' && first !== '#') {
      const line = text.slice(start, end);
      if (DOCUMENT_MARKER.test(line)) atDocumentStart = true;
      else if (first === '%') {
        // A directive (%YAML 1.1) belongs to the next document.
      } else if (first === '-' && /^-(?:[ \t]|\r?$)/.test(line)) atDocumentStart = false;
      else {
        const key = ROOT_KEY.exec(line);
        if (!key) return undefined;
        if (key[1] === 'kind') kinds.push(line);
        atDocumentStart = false;
      }
    }
    start = end + 1;
  }
  return kinds;
}

function lineFrom(text: string, index: number): string {
  const end = text.indexOf('\n', index);
  return text.slice(index, end === -1 ? undefined : end);
}
