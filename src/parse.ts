// text → Resource[] + yaml-syntax findings. This is the only stage that sees
// YAML nodes: every later stage works on plain data and asks a resource to
// `locate` a JSON pointer, which walks the kept node tree on demand (cheaper
// than building a pointer → range table for every node when most are never
// reported on).

import { Document, LineCounter, Node, isAlias, isMap, isPair, isScalar, isSeq, parseAllDocuments } from 'yaml';
import type { Finding, Region, Resource, SourceFile } from './types.js';

/** An alias bomb is refused once expansion would visit more aliases than this. */
const MAX_ALIAS_COUNT = 1000;

const KUSTOMIZATION_FILE = /(?:^|\/)kustomization\.ya?ml$/;

export interface ParseResult {
  resources: Resource[];
  findings: Finding[];
}

export function makeSourceFile(path: string, displayPath: string, rawText: string): SourceFile {
  // Editors do not count a byte-order mark as a column; drop it so that line 1 columns agree.
  const text = rawText.charCodeAt(0) === 0xfeff ? rawText.slice(1) : rawText;
  const lineStarts = [0];
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) lineStarts.push(i + 1);
  return { path, displayPath, text, lineStarts };
}

/** 1-based line and column of a UTF-16 offset (SARIF's default column unit). */
export function position(file: SourceFile, offset: number): { line: number; column: number } {
  const starts = file.lineStarts;
  let low = 0;
  let high = starts.length - 1;
  while (low < high) {
    const mid = (low + high + 1) >> 1;
    if (starts[mid]! <= offset) low = mid;
    else high = mid - 1;
  }
  return { line: low + 1, column: offset - starts[low]! + 1 };
}

export function regionOf(file: SourceFile, rawStart: number, rawEnd: number): Region {
  const { text } = file;
  const isBreak = (offset: number) => text[offset] === '\n' || text[offset] === '\r';
  // An error at the very end of a file that ends with a line break would sit on an empty last line:
  // move it back to the end of the last line that has text.
  let start = Math.min(rawStart, text.length);
  if (start === text.length) while (start > 0 && isBreak(start - 1)) start--;
  const from = position(file, start);
  // Never end past the text, and never on the next line because the range took a line break along.
  let stop = Math.min(Math.max(rawEnd, start + 1), text.length);
  while (stop > start && isBreak(stop - 1)) stop--;
  if (stop <= start) return { startLine: from.line, startColumn: from.column, endLine: from.line, endColumn: from.column + 1 };
  const to = position(file, stop);
  return { startLine: from.line, startColumn: from.column, endLine: to.line, endColumn: to.column };
}

export function fileFinding(file: SourceFile, ruleId: string, message: string, start = 0, end = 0): Finding {
  const region =
    file.text.length === 0 ? { startLine: 1, startColumn: 1, endLine: 1, endColumn: 1 } : regionOf(file, start, end);
  return {
    ruleId,
    level: 'error',
    message,
    location: { file, region },
    pointer: '',
    resourceKey: '',
    related: [],
  };
}

export function parseFile(file: SourceFile, defaultNamespace: string): ParseResult {
  const resources: Resource[] = [];
  const findings: Finding[] = [];
  const lineCounter = new LineCounter();
  // YAML 1.1 is what the Kubernetes API server's decoder (go-yaml) speaks: `yes` is true, `<<` merges.
  const documents = parseAllDocuments(file.text, { lineCounter, version: '1.1', prettyErrors: false });
  const list = Array.isArray(documents) ? documents : [];
  list.forEach((document, documentIndex) => {
    if (document.errors.length > 0) {
      for (const error of document.errors) {
        // The parser's recursion gives out on absurd nesting; say what that means rather than what the engine says.
        const reason = /call stack/i.test(error.message) ? 'nesting too deep to parse' : oneLine(error.message);
        findings.push(
          fileFinding(file, 'yaml-syntax', `YAML syntax error: ${reason}; this document is not linted until it parses`, error.pos[0], error.pos[1]),
        );
      }
      return;
    }
    let body: unknown;
    try {
      body = document.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
    } catch (error) {
      const [start, end] = document.range;
      findings.push(
        fileFinding(
          file,
          'yaml-syntax',
          `YAML document expands too many aliases (${oneLine(String((error as Error).message))}); expand the anchors by hand or split the document`,
          start,
          Math.min(end, start + 1),
        ),
      );
      return;
    }
    if (!isObject(body)) return;
    // kustomize lets kustomization.yaml omit apiVersion and kind; it is a Kustomization all the same.
    if (body.kind === undefined && KUSTOMIZATION_FILE.test(file.displayPath)) body = { ...body, kind: 'Kustomization' };
    if (!isObject(body) || typeof body.kind !== 'string') return;
    if (body.kind === 'List' && Array.isArray(body.items)) {
      body.items.forEach((item: unknown, itemIndex: number) => {
        if (isObject(item) && typeof item.kind === 'string')
          resources.push(makeResource(file, document, documentIndex, `/items/${itemIndex}`, item, defaultNamespace));
      });
      return;
    }
    resources.push(makeResource(file, document, documentIndex, '', body, defaultNamespace));
  });
  return { resources, findings };
}

function makeResource(
  file: SourceFile,
  document: Document.Parsed,
  documentIndex: number,
  basePointer: string,
  body: Record<string, any>,
  defaultNamespace: string,
): Resource {
  const apiVersion = typeof body.apiVersion === 'string' ? body.apiVersion : '';
  const slash = apiVersion.indexOf('/');
  const metadata = isObject(body.metadata) ? body.metadata : {};
  const namespace = typeof metadata.namespace === 'string' && metadata.namespace !== '' ? metadata.namespace : defaultNamespace;
  return {
    file,
    documentIndex,
    basePointer,
    apiVersion,
    group: slash === -1 ? '' : apiVersion.slice(0, slash),
    kind: body.kind,
    name: typeof metadata.name === 'string' ? metadata.name : '',
    namespace,
    body,
    locate: (pointer: string, at?: 'key') => locateInDocument(file, document, basePointer + pointer, at),
  };
}

/**
 * Region of the node at `pointer`, or of its deepest existing ancestor. A
 * scalar is shown as itself; a mapping or list reached through a key is shown
 * as that key (the "field that lacks something"); a list item that is a
 * mapping is shown as its first entry (the `- port: web` line).
 */
export function locateInDocument(file: SourceFile, document: Document.Parsed, pointer: string, at?: 'key'): Region {
  let node: unknown = document.contents;
  let viaKey: Node | null = null;
  let complete = true;
  for (const segment of parsePointer(pointer)) {
    const next = child(document, node, segment);
    if (!next) {
      complete = false;
      break;
    }
    node = next.node;
    viaKey = next.key;
  }
  if (at === 'key' && complete && viaKey?.range) return rangeRegion(file, viaKey.range);
  // `key:` with no value is a zero-width null just after the colon; the key is what a person looks at.
  const emptyValue = isScalar(node) && node.value === null && node.range && node.range[0] === node.range[1];
  if ((isAlias(node) || isScalar(node)) && !(emptyValue && viaKey?.range)) return rangeRegion(file, node.range);
  if (viaKey && viaKey.range) return rangeRegion(file, viaKey.range);
  if (isMap(node) && node.items.length > 0) {
    const first = node.items[0]!;
    const key = first.key as Node | null;
    const value = first.value as Node | null;
    if (key?.range) {
      const end = isScalar(value) && value.range ? value.range[1] : key.range[1];
      return regionOf(file, key.range[0], end);
    }
  }
  const range = (node as Node | null)?.range;
  return range ? regionOf(file, range[0], Math.min(range[1], range[0] + 1)) : regionOf(file, 0, 1);
}

function child(document: Document.Parsed, parent: unknown, segment: string): { node: unknown; key: Node | null } | null {
  const container = isAlias(parent) ? parent.resolve(document) : parent;
  if (isMap(container)) {
    for (const pair of container.items) {
      if (!isPair(pair)) continue;
      const key = pair.key;
      const keyValue = isScalar(key) ? key.value : key;
      if (String(keyValue) === segment) return { node: pair.value, key: key as Node };
    }
    return null;
  }
  if (isSeq(container)) {
    const index = Number(segment);
    if (!Number.isInteger(index) || index < 0 || index >= container.items.length) return null;
    return { node: container.items[index], key: null };
  }
  return null;
}

function rangeRegion(file: SourceFile, range: [number, number, number] | null | undefined): Region {
  return range ? regionOf(file, range[0], range[1]) : regionOf(file, 0, 1);
}

export function parsePointer(pointer: string): string[] {
  if (pointer === '') return [];
  return pointer
    .slice(1)
    .split('/')
    .map((segment) => segment.replace(/~1/g, '/').replace(/~0/g, '~'));
}

/** Escapes one key for use in a JSON pointer (`match[]` stays as is; `/` and `~` are escaped). */
export function pointerSegment(key: string | number): string {
  return String(key).replace(/~/g, '~0').replace(/\//g, '~1');
}

function oneLine(text: string): string {
  return text.split('\n')[0]!.trim().replace(/[.:]$/, '');
}

export function isObject(value: unknown): value is Record<string, any> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
