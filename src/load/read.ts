// File list → SourceFile[]: the only place that reads file contents. A file
// that cannot be read becomes a `file-unreadable` finding, never an exception.

import { isUtf8 } from 'node:buffer';
import { closeSync, constants, fstatSync, openSync, readFileSync } from 'node:fs';
import { isAbsolute } from 'node:path';
import { describeError, relativePath } from './discover.js';
import { fileFinding, makeSourceFile } from './parse.js';
import type { Finding, SourceFile } from '../types.js';

export interface ReadResult {
  sources: SourceFile[];
  findings: Finding[];
}

/** Files larger than this are not read (`--max-file-size`): a manifest is kilobytes, a 10 MB file is a mistake. */
export const DEFAULT_MAX_FILE_SIZE = 10 * 1024 * 1024;

/** How far to look for a NUL byte, the mark of a binary file (as git does). */
const BINARY_PROBE = 8000;

export function readSources(
  files: string[],
  unreadable: { path: string; reason: string }[],
  cwd: string,
  stdin: { text: string; filename: string } | undefined,
  maxFileSize = DEFAULT_MAX_FILE_SIZE,
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
    const shown = relativePath(cwd, path);
    let bytes: Buffer;
    try {
      const read = readRegularFile(path, maxFileSize);
      if (typeof read === 'number') {
        unreadableFinding(path, `${megabytes(read)} is over the ${megabytes(maxFileSize)} limit, so it was not read (raise it with --max-file-size)`);
        continue;
      }
      bytes = read;
    } catch (error) {
      unreadableFinding(path, describeError(error, path));
      continue;
    }
    if (bytes.subarray(0, BINARY_PROBE).includes(0)) {
      unreadableFinding(path, 'it is a binary file (it holds NUL bytes), not YAML');
      continue;
    }
    const source = makeSourceFile(path, shown, bytes.toString('utf8'));
    sources.push(source);
    // Invalid UTF-8 is decoded with U+FFFD in its place, so the rest of the file is still linted; the first bad
    // byte is where the replacement character is.
    if (!isUtf8(bytes)) {
      const offset = Math.max(0, source.text.indexOf('\uFFFD'));
      findings.push(
        fileFinding(source, 'yaml-syntax', `${shown} is not valid UTF-8 (the first invalid byte is here); save it as UTF-8, as Kubernetes requires`, offset, offset + 1),
      );
    }
  }
  return { sources, findings };
}

/** A file that is not a regular file (a FIFO, a device, a socket), which reading could block on or never finish. */
export class NotRegularFileError extends Error {
  constructor(
    path: string,
    readonly code: 'ENOTREG' | 'EISDIR',
  ) {
    super(code === 'EISDIR' ? `${path} is a directory` : `${path} is not a regular file`);
  }
}

/**
 * The bytes of a regular file, or its size when that is over `maxBytes`. The file is opened without blocking and
 * checked on the open descriptor, so that a FIFO named `x.yaml` (whose reader waits for a writer forever) or a device
 * is refused, and nothing can be swapped in between the check and the read.
 */
export function readRegularFile(path: string): Buffer;
export function readRegularFile(path: string, maxBytes: number): Buffer | number;
export function readRegularFile(path: string, maxBytes = Number.POSITIVE_INFINITY): Buffer | number {
  const descriptor = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  try {
    const stats = fstatSync(descriptor);
    if (!stats.isFile()) throw new NotRegularFileError(path, stats.isDirectory() ? 'EISDIR' : 'ENOTREG');
    if (stats.size > maxBytes) return stats.size;
    return readFileSync(descriptor);
  } finally {
    closeSync(descriptor);
  }
}

function megabytes(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(bytes < 1024 * 1024 ? 2 : 1)} MB`;
}
