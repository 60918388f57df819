// fedlint's own input files written in YAML (or JSON) — .fedlint.yaml and users' rulesets — read with positions, so
// that every mistake in them is one line `file:line:col: key.path: what is wrong`, a configuration error (exit 2).
// Unlike the manifests being linted, a file here that fedlint cannot read stops the run: it decides what the run is.

import { type Document, LineCounter, isMap, isNode, isPair, isScalar, parseDocument } from 'yaml';
import { UsageError } from '../errors.js';
import { MAX_ALIAS_COUNT, aliasFaultText, aliasesOf } from '../load/parse.js';
import { describeError } from '../load/discover.js';
import { readRegularFile } from '../load/read.js';

export type KeyPath = readonly (string | number)[];

/** A config file or a ruleset is a few kilobytes; one of a megabyte is a mistake, or meant to slow the run down. */
const MAX_SIZE = 1024 * 1024;

export interface YamlFile {
  /** The document as plain data; an empty file (or only comments) is null. */
  data: unknown;
  document: Document.Parsed;
  /** `file:line:col: key.path` of a key (or, with 'value', its value), the start of every message about it. */
  where(path: KeyPath, at?: 'key' | 'value'): string;
  /** Offset of the key at `path` (its value with 'value'), else of the deepest ancestor that exists. */
  offsetOf(path: KeyPath, at?: 'key' | 'value'): number;
}

/**
 * Reads one YAML file of one document; `display` is how messages name it and `what` what it is ("config file",
 * "ruleset"). Anything wrong with the file itself — unreadable, not a regular file, not YAML, several documents, an
 * alias bomb, an alias inside its own anchor — is a UsageError of one line.
 */
export function readYamlFile(file: string, display: string, what: string): YamlFile {
  let text: string;
  try {
    const read = readRegularFile(file, MAX_SIZE);
    if (typeof read === 'number') throw new UsageError(`cannot read ${what} ${display}: it is ${(read / 1024 / 1024).toFixed(1)} MB, over the 1 MB a ${what} may have`);
    text = read.toString('utf8');
  } catch (error) {
    if (error instanceof UsageError) throw error;
    throw new UsageError(`cannot read ${what} ${display}: ${readFailure(error)}`);
  }
  const lineCounter = new LineCounter();
  // logLevel error: yaml would otherwise print warnings (a collection used as a key) on fedlint's stderr.
  const document = parseDocument(text.replace(/^\uFEFF/, ''), { lineCounter, prettyErrors: false, logLevel: 'error' });
  const at = (offset: number): string => {
    const { line, col } = lineCounter.linePos(offset);
    return `${display}:${line}:${col}`;
  };
  const syntaxError = document.errors[0];
  if (syntaxError) {
    const reason =
      syntaxError.code === 'MULTIPLE_DOCS'
        ? `a ${what} is one YAML document; remove the "---" and merge the documents`
        : `YAML syntax error: ${syntaxError.message.split('\n')[0]!.replace(/[.:]$/, '')}`;
    throw new UsageError(`${at(syntaxError.pos[0])}: ${reason}`);
  }
  const offsetOf = (path: KeyPath, place: 'key' | 'value' = 'key') => offsetIn(document, path, place);
  const { fault } = aliasesOf(document);
  if (fault) throw new UsageError(`${at(fault.start)}: ${aliasFaultText(fault.kind, fault.name)}`);
  let data: unknown;
  try {
    data = document.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (error) {
    // yaml refuses an alias bomb while expanding: the API server would refuse such a document too.
    throw new UsageError(`${at(0)}: the ${what} expands too many aliases (${String((error as Error).message).split('\n')[0]}); expand them by hand`);
  }
  return { data, document, offsetOf, where: (path, place = 'key') => `${at(offsetOf(path, place))}: ${keyPath(path)}` };
}

/** What went wrong reading a file that was named (so a missing one is just that), in discovery's words otherwise. */
export function readFailure(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return 'no such file';
  if (code === 'ENOTREG' || code === 'ENXIO') return 'not a regular file (a FIFO, socket or device)';
  return describeError(error);
}

function offsetIn(document: Document, path: KeyPath, at: 'key' | 'value'): number {
  let node: unknown = document.contents;
  let offset = isNode(node) ? (node.range?.[0] ?? 0) : 0;
  for (const [index, segment] of path.entries()) {
    if (isMap(node)) {
      const pair = node.items.find((item) => isPair(item) && isScalar(item.key) && String(item.key.value) === String(segment));
      if (!pair || !isNode(pair.key)) break;
      const valueStart = isNode(pair.value) && isScalar(pair.value) && pair.value.value === null ? undefined : isNode(pair.value) ? pair.value.range?.[0] : undefined;
      offset = (at === 'value' && index === path.length - 1 ? valueStart : undefined) ?? pair.key.range?.[0] ?? offset;
      node = pair.value;
    } else if (isNode(node) && 'items' in node && Array.isArray(node.items) && typeof segment === 'number') {
      const item: unknown = node.items[segment];
      if (!isNode(item)) break;
      offset = item.range?.[0] ?? offset;
      node = item;
    } else break;
  }
  return offset;
}

/** `rules.federate-path`, `include[0]`, `(top level)`. */
function keyPath(path: KeyPath): string {
  if (path.length === 0) return '(top level)';
  return path.map((segment, index) => (typeof segment === 'number' ? `[${segment}]` : index === 0 ? segment : `.${segment}`)).join('');
}
