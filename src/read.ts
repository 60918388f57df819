// File list → SourceFile[]: the only place that reads file contents. A file
// that cannot be read becomes a `file-unreadable` finding, never an exception.

import { readFileSync } from 'node:fs';
import { isAbsolute } from 'node:path';
import { describeError, relativePath } from './discover.js';
import { fileFinding, makeSourceFile } from './parse.js';
import type { Finding, SourceFile } from './types.js';

export interface ReadResult {
  sources: SourceFile[];
  findings: Finding[];
}

export function readSources(
  files: string[],
  unreadable: { path: string; reason: string }[],
  cwd: string,
  stdin: { text: string; filename: string } | undefined,
): ReadResult {
  const sources: SourceFile[] = [];
  const findings: Finding[] = [];
  const unreadableFinding = (path: string, reason: string) =>
    findings.push(
      fileFinding(makeSourceFile(path, relativePath(cwd, path), ''), 'file-unreadable', `cannot read ${relativePath(cwd, path)}: ${reason}; fix it or exclude it with --ignore`),
    );
  for (const { path, reason } of unreadable) unreadableFinding(path, reason);
  for (const path of files) {
    if (path === '-') {
      // An absolute --stdin-filename (editors pass one) is shown relative, like every other file.
      if (stdin) sources.push(makeSourceFile('-', isAbsolute(stdin.filename) ? relativePath(cwd, stdin.filename) : stdin.filename, stdin.text));
      continue;
    }
    try {
      sources.push(makeSourceFile(path, relativePath(cwd, path), readFileSync(path, 'utf8')));
    } catch (error) {
      unreadableFinding(path, describeError(error));
    }
  }
  return { sources, findings };
}
