// text → Resource[] + yaml-syntax findings, in two steps so that the first can
// run on a worker thread (src/load/parse-pool.ts): `parseText` turns text into plain
// data (bodies, problems, offsets), `resourcesOf` makes Resources of it. No
// YAML node tree outlives `parseText`: a rule that reports asks its resource to
// `locate` a JSON pointer, and only then is that one document parsed again
// (cached per document), which costs little because few documents have
// findings, and keeps a large lint's memory to the plain bodies.

import { type Document, type Node, type ScalarTag, type Tags, type YAMLMap, isAlias, isCollection, isMap, isNode, isPair, isScalar, isSeq, parseAllDocuments } from 'yaml';
import { quoteValue } from '../quote.js';
import type { Finding, Region, Resource, RuleFailure, SourceFile } from '../types.js';

/** An alias bomb is refused once expansion would visit more aliases than this. */
export const MAX_ALIAS_COUNT = 1000;

/** V8's RangeError when the parser's recursion gives out on absurd nesting. */
const STACK_EXHAUSTED = /call stack/i;

const KUSTOMIZATION_FILE = /(?:^|\/)kustomization\.ya?ml$/;

// YAML 1.1 is what the Kubernetes API server's decoder (go-yaml) speaks: `yes` is true, `<<` merges. fix.ts parses
// with the same options, so that the values it checks are the values the rules saw. `yaml` prints its warnings (a
// mapping used as a key) to stderr; what the user should hear about is a finding.
export const YAML_OPTIONS = { version: '1.1', prettyErrors: false, customTags: binaryAsText, logLevel: 'error' } as const;

/**
 * The text as the parser is given it. A lone CR (classic Mac OS line ends) is a line break to YAML and to go-yaml, which
 * reads the manifests for the API server, but not to the `yaml` package, which would read a CR-only file as one line
 * (or as a comment). Replacing each lone CR by LF keeps every offset, so positions in the parsed nodes are positions in
 * the file; `makeSourceFile` counts lone CRs as line breaks too.
 */
export function yamlText(text: string): string {
  return LONE_CR.test(text) ? text.replace(LONE_CR_ALL, '\n') : text;
}

const LONE_CR = /\r(?!\n)/;
const LONE_CR_ALL = /\r(?!\n)/g;

/**
 * `!!binary` read as go-yaml reads it into an untyped value: the decoded bytes as a string (`!!binary c3Zj` is "svc"),
 * rather than `yaml`'s Buffer, which a worker thread would also send back as a plain Uint8Array that prints otherwise.
 * `yaml`'s own tag still decodes the base64.
 */
function binaryAsText(tags: Tags): Tags {
  return tags.map((tag) => {
    if (typeof tag !== 'object' || tag.tag !== 'tag:yaml.org,2002:binary' || !('resolve' in tag)) return tag;
    const decode = (tag as ScalarTag).resolve;
    return {
      ...tag,
      resolve: (...args: Parameters<ScalarTag['resolve']>) => {
        const bytes = decode(...args);
        return bytes instanceof Uint8Array ? Buffer.from(bytes).toString('utf8') : bytes;
      },
    } as ScalarTag;
  });
}

export interface ParseResult {
  resources: Resource[];
  findings: Finding[];
  /** Documents fedlint failed to read through a bug of its own (not the YAML's fault): reported as internal errors. */
  failures: RuleFailure[];
}

export interface ParseOptions {
  /**
   * The kinds rules read (read-kinds.ts). A document of another kind, without a pod template (`spec.template`,
   * `spec.jobTemplate`), keeps only its `apiVersion`, `kind` and `metadata`: no rule reads the rest, and such
   * documents (dashboards in ConfigMaps, CRDs, Secrets) are most of a repository's bytes. Unset: every body is whole.
   */
  readKinds?: ReadonlySet<string>;
}

/** One object a document holds, as plain data (it crosses the worker boundary by structured clone). */
export interface ParsedObject {
  documentIndex: number;
  /** '' or '/items/3' for `kind: List`. */
  basePointer: string;
  body: Record<string, any>;
  /** Offsets [start, end) of the text that parses back to this object's document on its own (see `locate`). */
  source: [number, number];
}

/** A YAML problem at offsets [start, end), reported as `yaml-syntax`; `internal`: a fedlint bug, reported as a failure. */
export interface ParseProblem {
  message: string;
  start: number;
  end: number;
  internal?: true;
}

export interface ParsedText {
  objects: ParsedObject[];
  problems: ParseProblem[];
  /** Some document nested deeper than the stack allowed: how deep that is depends on the thread (parse-pool.ts). */
  stackExhausted?: true;
}

export function makeSourceFile(path: string, displayPath: string, rawText: string): SourceFile {
  // Editors do not count a byte-order mark as a column; drop it so that line 1 columns agree.
  const text = rawText.charCodeAt(0) === 0xfeff ? rawText.slice(1) : rawText;
  const lineStarts = [0];
  if (!LONE_CR.test(text)) for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) lineStarts.push(i + 1);
  // A lone CR ends a line as LF and CRLF do, for YAML (see yamlText) and for SARIF's line numbers.
  else for (const lineBreak of text.matchAll(/\r\n|\r|\n/g)) lineStarts.push(lineBreak.index + lineBreak[0].length);
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

/**
 * The region of offsets [rawStart, rawEnd), kept on the lines it names: it never ends past the text or past the end
 * of a line (SARIF's end column is at most the line's length + 1), nor on the next line because the range took the
 * line break, or the next line's indentation, along. An empty range shows the character at its start; at the end of a
 * line or of the text, where there is none, it is an empty region there.
 */
export function regionOf(file: SourceFile, rawStart: number, rawEnd: number): Region {
  const { text } = file;
  const isBreak = (offset: number) => text[offset] === '\n' || text[offset] === '\r';
  let start = Math.min(Math.max(rawStart, 0), text.length);
  // An error at the very end of a file that ends with a line break would sit on an empty last line:
  // move it back to the end of the last line that has text.
  if (start === text.length) while (start > 0 && isBreak(start - 1)) start--;
  // A CRLF is one line break, at its CR; its LF would be a column past the end of the line.
  if (text[start] === '\n' && text[start - 1] === '\r') start--;
  let stop = Math.min(Math.max(rawEnd, start), text.length);
  while (stop > start && TRAILING_BLANK.test(text[stop - 1]!)) stop--;
  if (stop === start && start < text.length && !isBreak(start)) stop = start + 1;
  const from = position(file, start);
  const to = stop === start ? from : position(file, stop);
  return { startLine: from.line, startColumn: from.column, endLine: to.line, endColumn: to.column };
}

const TRAILING_BLANK = /[ \t\r\n]/;

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

export function parseFile(file: SourceFile, defaultNamespace: string, options: ParseOptions = {}): ParseResult {
  return resourcesOf(file, parseText(file.text, file.displayPath, options), defaultNamespace);
}

/** The objects and YAML problems of one file's text. Plain data in, plain data out: safe on a worker thread. */
export function parseText(text: string, displayPath: string, options: ParseOptions = {}): ParsedText {
  const objects: ParsedObject[] = [];
  const problems: ParseProblem[] = [];
  let stackExhausted = false;
  const parsed = parseAllDocuments(yamlText(text), YAML_OPTIONS);
  const documents = Array.isArray(parsed) ? parsed : [];
  // Each document's own text runs from the end of the previous one (so it keeps its directives) to its end.
  let previousEnd = 0;
  // An alias is written `*name`: a document without a `*` has none, and is not walked for them. One cursor over the
  // file finds the first `*` at or after each document's start.
  let star = text.indexOf('*');
  documents.forEach((document, documentIndex) => {
    const source: [number, number] = [previousEnd, document.range[2]];
    previousEnd = document.range[2];
    if (star !== -1 && star < document.range[0]) star = text.indexOf('*', document.range[0]);
    const mayHaveAliases = star !== -1 && star < document.range[2];
    if (document.errors.length > 0) {
      if (document.errors.some((error) => STACK_EXHAUSTED.test(error.message))) {
        // Where the stack gives out, and what else the parser says after that, depends on how much stack the caller
        // used: one finding at the document's start says it all, the same whichever thread or caller parses it.
        stackExhausted = true;
        problems.push({ message: 'YAML syntax error: nesting too deep to parse; this document is not linted until it parses', start: document.range[0], end: document.range[0] + 1 });
        return;
      }
      for (const error of document.errors) {
        problems.push({ message: `YAML syntax error: ${reasonOf(error.message)}; this document is not linted until it parses`, start: error.pos[0], end: error.pos[1] });
      }
      return;
    }
    const aliases = mayHaveAliases ? checkAliases(document) : { found: false };
    if (aliases.problem) {
      problems.push(aliases.problem);
      return;
    }
    let body: unknown;
    try {
      body = plainBody(document, options.readKinds, aliases.found);
    } catch (error) {
      const problem = bodyProblem(error, document);
      stackExhausted ||= problem.stackExhausted === true;
      problems.push(problem.problem);
      return;
    }
    if (!isObject(body)) return;
    // kustomize lets kustomization.yaml omit apiVersion and kind; it is a Kustomization all the same.
    if (body.kind === undefined && KUSTOMIZATION_FILE.test(displayPath)) body = { ...body, kind: 'Kustomization' };
    if (!isObject(body) || typeof body.kind !== 'string') return;
    if (body.kind === 'List' && Array.isArray(body.items)) {
      body.items.forEach((item: unknown, itemIndex: number) => {
        if (isObject(item) && typeof item.kind === 'string') objects.push({ documentIndex, basePointer: `/items/${itemIndex}`, body: item, source });
      });
      return;
    }
    objects.push({ documentIndex, basePointer: '', body, source });
  });
  return stackExhausted ? { objects, problems, stackExhausted } : { objects, problems };
}

const THIS_DOCUMENT_WAITS = 'this document is not linted until it parses';

/**
 * Whether the document has aliases, and the first that cannot be expanded, as a problem at the alias: one that stands
 * for a node it is itself inside (`x: &a [ {y: *a} ]`), whose value would contain itself without end, or one with no
 * anchor before it. `yaml` builds the first as a cyclic object, on which every walk of the rules recurses until the
 * stack gives out, or, when bounded, takes exponential time; go-yaml, which reads manifests for the API server,
 * refuses it ("anchor 'a' value contains itself"). An alias stands for the last node before it with its anchor (as
 * `yaml` resolves it), and every other node it can lead to lies before it, so an expansion comes back to an alias only
 * through a node the alias is inside: checking each alias against the anchored nodes it is inside finds every cycle,
 * an alias to an anchored node that holds an alias to itself included.
 */
function checkAliases(document: Document.Parsed): { found: boolean; problem?: ParseProblem } {
  const { found, fault } = aliasesOf(document);
  return fault ? { found, problem: aliasProblem(fault) } : { found };
}

/** An alias that cannot be expanded: inside the node it repeats, or with no anchor before it; `start` of the alias. */
export interface AliasFault {
  kind: 'inside-its-anchor' | 'no-anchor';
  name: string;
  start: number;
  end: number;
}

/** Whether the document has aliases, and the first that cannot be expanded (see checkAliases). */
export function aliasesOf(document: Document.Parsed): { found: boolean; fault?: AliasFault } {
  const lastAnchored = new Map<string, Node>();
  const openAnchored = new Set<Node>();
  // Depth first in document order, keys before values (as `yaml` looks anchors up); an explicit stack, so that a
  // deeply nested document that parsed is walked too. `leave` closes a collection once its items are walked.
  const steps: { node: unknown; leave?: true }[] = [{ node: document.contents }];
  let found = false;
  while (steps.length > 0) {
    const { node, leave } = steps.pop()!;
    if (leave) {
      openAnchored.delete(node as Node);
    } else if (isAlias(node)) {
      const anchored = lastAnchored.get(node.source);
      if (anchored === undefined || openAnchored.has(anchored)) {
        const [start, end] = node.range ?? [0, 1];
        return { found: true, fault: { kind: anchored === undefined ? 'no-anchor' : 'inside-its-anchor', name: node.source, start, end } };
      }
      found = true;
    } else if (isPair(node)) {
      steps.push({ node: node.value }, { node: node.key });
    } else if (isNode(node)) {
      if (node.anchor) lastAnchored.set(node.anchor, node);
      if (isCollection(node)) {
        if (node.anchor) {
          openAnchored.add(node);
          steps.push({ node, leave: true });
        }
        for (let index = node.items.length - 1; index >= 0; index--) steps.push({ node: node.items[index] });
      }
    }
  }
  return { found };
}

function aliasProblem({ kind, name, start, end }: AliasFault): ParseProblem {
  return {
    message: `${aliasFaultText(kind, name)}; ${THIS_DOCUMENT_WAITS}`,
    start,
    end,
  };
}

/** What is wrong with an alias that cannot be expanded, and what to do, in words (also for fedlint's own YAML files). */
export function aliasFaultText(kind: AliasFault['kind'], name: string): string {
  return kind === 'no-anchor'
    ? `YAML alias *${name} has no anchor &${name} before it in this document, so it stands for nothing; put the anchor on the node it should repeat, before the alias (anchors do not carry over from one document to the next), or write the value out`
    : `YAML alias *${name} is inside the node anchored &${name} that it repeats, so that node would contain itself without end (the API server refuses it too); write the nested copy out, or anchor a node that does not hold the alias`;
}

/** What an error thrown while a document became data means: its own YAML problem, or a fedlint bug (`internal`). */
function bodyProblem(error: unknown, document: Document.Parsed): { problem: ParseProblem; stackExhausted?: true } {
  const [start] = document.range;
  const atStart = { start, end: Math.min(document.range[2], start + 1) };
  const message = error instanceof Error ? error.message : String(error);
  if (STACK_EXHAUSTED.test(message)) return { problem: { message: `YAML syntax error: nesting too deep to parse; ${THIS_DOCUMENT_WAITS}`, ...atStart }, stackExhausted: true };
  // `yaml`'s own words for what it refuses while it expands aliases and merge keys.
  if (/Excessive alias count/.test(message))
    return {
      problem: {
        message: `YAML document expands too many aliases (more than ${MAX_ALIAS_COUNT} alias expansions, as an alias bomb makes); expand the anchors by hand or split the document`,
        ...atStart,
      },
    };
  if (/Merge sources must be maps/.test(message)) {
    const merge = badMerge(document);
    const [keyStart, keyEnd] = merge?.key.range ?? [atStart.start, atStart.end];
    return {
      problem: {
        message: `YAML merge key << is given ${merge?.given ?? 'something else'}, but it merges only a mapping, an alias of one, or a list of those; give it the mapping (or *alias) whose entries belong here; ${THIS_DOCUMENT_WAITS}`,
        start: keyStart,
        end: keyEnd,
      },
    };
  }
  const reason = error instanceof Error ? `${error.name}: ${oneLine(message)}` : oneLine(message);
  return { problem: { message: `fedlint failed to read this document (${reason})`, ...atStart, internal: true } };
}

/** The first `<<` whose value is not a mapping, an alias of one or a list of those (what `yaml` refuses to merge). */
function badMerge(document: Document.Parsed): { key: Node; given: string } | undefined {
  const resolved = (node: unknown) => (isAlias(node) ? node.resolve(document) : node);
  const steps: unknown[] = [document.contents];
  while (steps.length > 0) {
    const node = steps.pop();
    if (isPair(node)) {
      steps.push(node.value, node.key);
      if (!isScalar(node.key) || typeof node.key.value !== 'symbol') continue;
      const value = resolved(node.value);
      if (isMap(value)) continue;
      const item = isSeq(value) ? value.items.map(resolved).find((entry) => !isMap(entry)) : value;
      if (isSeq(value) && item === undefined) continue;
      return { key: node.key, given: `${isSeq(value) ? 'a list holding ' : ''}${describeNode(item)}` };
    } else if (isCollection(node)) {
      for (let index = node.items.length - 1; index >= 0; index--) steps.push(node.items[index]);
    }
  }
  return undefined;
}

function describeNode(node: unknown): string {
  if (isScalar(node)) return `the value ${quoteValue(node.value ?? null)}`;
  return isSeq(node) ? 'a list' : 'nothing it can read';
}

/** The document as plain data; only the identity of an object no rule reads (see ParseOptions). */
function plainBody(document: Document.Parsed, readKinds: ReadonlySet<string> | undefined, hasAliases: boolean): unknown {
  const whole = () => document.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  if (!readKinds || !isSkimmed(document, readKinds)) return whole();
  // A document with aliases is read whole: an alias bomb is refused while expanding (the API server refuses it too),
  // and an alias may stand for the metadata itself.
  if (hasAliases) return whole();
  const kind = document.get('kind');
  const metadata = document.get('metadata', true);
  return {
    apiVersion: document.get('apiVersion'),
    kind,
    metadata: isMap(metadata) ? metadata.toJS(document, { maxAliasCount: MAX_ALIAS_COUNT }) : undefined,
  };
}

/** Kustomizations and Lists are always read whole: the one says which files are patches, the other holds objects. */
function isSkimmed(document: Document.Parsed, readKinds: ReadonlySet<string>): boolean {
  if (!isMap(document.contents)) return false;
  const kind = document.get('kind');
  if (typeof kind !== 'string' || readKinds.has(kind) || kind === 'Kustomization' || kind === 'List') return false;
  // A merge key (`<<: *base`) or an aliased spec could bring in a pod template unseen: such documents are read whole.
  if (hasMergeKey(document.contents)) return false;
  const spec = document.get('spec', true);
  return spec === undefined || (isMap(spec) && !spec.has('template') && !spec.has('jobTemplate') && !hasMergeKey(spec));
}

/** A `<<` key, which YAML 1.1 turns into a symbol when it merges. */
function hasMergeKey(map: YAMLMap): boolean {
  return map.items.some(({ key }) => isScalar(key) && (typeof key.value === 'symbol' || key.value === '<<'));
}

/** Resources (with `locate`) and yaml-syntax findings of a parsed file. */
export function resourcesOf(file: SourceFile, parsed: ParsedText, defaultNamespace: string): ParseResult {
  const findings: Finding[] = [];
  const failures: RuleFailure[] = [];
  for (const problem of parsed.problems) {
    if (!problem.internal) findings.push(fileFinding(file, 'yaml-syntax', problem.message, problem.start, problem.end));
    else {
      const { line, column } = position(file, problem.start);
      failures.push({ ruleId: 'yaml-syntax', message: `${file.displayPath}:${line}:${column}: ${problem.message}; that document was not linted` });
    }
  }
  return { resources: parsed.objects.map((object) => makeResource(file, object, defaultNamespace)), findings, failures };
}

function makeResource(file: SourceFile, object: ParsedObject, defaultNamespace: string): Resource {
  const { body, basePointer, documentIndex, source } = object;
  const apiVersion = typeof body.apiVersion === 'string' ? body.apiVersion : '';
  const slash = apiVersion.indexOf('/');
  const metadata = isObject(body.metadata) ? body.metadata : {};
  const namespace = typeof metadata.namespace === 'string' && metadata.namespace !== '' ? metadata.namespace : defaultNamespace;
  return {
    file,
    documentIndex,
    documentSource: source,
    basePointer,
    apiVersion,
    group: slash === -1 ? '' : apiVersion.slice(0, slash),
    kind: body.kind,
    name: typeof metadata.name === 'string' ? metadata.name : '',
    namespace,
    body,
    locate: (pointer: string, at?: 'key') => {
      const document = documentAt(file, source);
      return document ? locateInDocument(file, document, basePointer + pointer, at, source[0]) : regionOf(file, source[0], source[0] + 1);
    },
  };
}

/** Each file's documents parsed again for locating, by the offset their text starts at. */
const reparsed = new WeakMap<SourceFile, Map<number, Document.Parsed | null>>();

/**
 * The document whose text is `file.text[start, end)`, parsed on its own; its node ranges are relative to `start`.
 * The text before its `---` holds only what ended the previous document (comments, `...`) and this one's
 * directives, so the last document the slice yields is the one `parseText` saw.
 */
function documentAt(file: SourceFile, [start, end]: [number, number]): Document.Parsed | null {
  let documents = reparsed.get(file);
  if (!documents) reparsed.set(file, (documents = new Map()));
  let document = documents.get(start);
  if (document === undefined) {
    const parsed = parseAllDocuments(yamlText(file.text.slice(start, end)), YAML_OPTIONS);
    document = Array.isArray(parsed) && parsed.length > 0 ? parsed[parsed.length - 1]! : null;
    documents.set(start, document);
  }
  return document;
}

/**
 * Region of the node at `pointer`, or of its deepest existing ancestor. A
 * scalar is shown as itself; a mapping or list reached through a key is shown
 * as that key (the "field that lacks something"); a list item that is a
 * mapping is shown as its first entry (the `- port: web` line). `base` is the
 * offset in the file of the text the document was parsed from.
 */
export function locateInDocument(file: SourceFile, document: Document.Parsed, pointer: string, at?: 'key', base = 0): Region {
  const region = (start: number, end: number) => regionOf(file, base + start, base + end);
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
  if (at === 'key' && complete && viaKey?.range) return region(viaKey.range[0], viaKey.range[1]);
  // `key:` with no value is a zero-width null just after the colon; the key is what a person looks at.
  const emptyValue = isScalar(node) && node.value === null && node.range && node.range[0] === node.range[1];
  if ((isAlias(node) || isScalar(node)) && node.range && !(emptyValue && viaKey?.range)) return region(node.range[0], node.range[1]);
  if (viaKey && viaKey.range) return region(viaKey.range[0], viaKey.range[1]);
  if (isMap(node) && node.items.length > 0) {
    const first = node.items[0]!;
    const key = first.key as Node | null;
    const value = first.value as Node | null;
    if (key?.range) {
      const end = isScalar(value) && value.range ? value.range[1] : key.range[1];
      return region(key.range[0], end);
    }
  }
  const range = (node as Node | null)?.range;
  return range ? region(range[0], Math.min(range[1], range[0] + 1)) : region(0, 1);
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

/** The parser's own words, except that its recursion giving out on absurd nesting is said as what it means. */
function reasonOf(message: string): string {
  return STACK_EXHAUSTED.test(message) ? 'nesting too deep to parse' : oneLine(message);
}

function oneLine(text: string): string {
  return text.split('\n')[0]!.trim().replace(/[.:]$/, '');
}

export function isObject(value: unknown): value is Record<string, any> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
