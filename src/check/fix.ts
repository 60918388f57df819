// --fix, --fix-dry-run and SARIF `fixes`: turns the declarative fix a finding carries (types.ts `Fix`) into a text
// edit of its file. The edit is found on the yaml Document's nodes (their source ranges) and spliced into the source
// text, so only the edited node changes: comments, key order, quoting, indentation, CRLF line breaks and a BOM keep
// their bytes (re-stringifying the Document would reformat it). Every edit is checked by parsing the result: the
// document must hold exactly the intended value and nothing else must change, or the finding gets no fix.
//
// Both happen on the fixed document's own text (DocumentFix.documentSource), not the whole file: an edit is one
// scalar or one `key: value` line inside a document, which cannot change how another document parses, and parsing a
// whole file again for every fixable finding made SARIF output of a large repository slower than the lint itself.

import { readFileSync, realpathSync } from 'node:fs';
import { resolve } from 'node:path';
import { distance } from 'fastest-levenshtein';
import { type Document, type Node, type Pair, type Scalar, type YAMLMap, isAlias, isMap, isPair, isScalar, isSeq, parseAllDocuments } from 'yaml';
import { MAX_ALIAS_COUNT, YAML_OPTIONS, isObject, parsePointer, yamlText } from '../load/parse.js';
import { type WriteFs, WriteRefusal, describeWriteError, isWithin, writeFileAtomic } from '../safe-write.js';
import type { DocumentFix, Finding, LintResult, SourceFile } from '../types.js';
import { isReported } from './engine.js';

/** Replace `text[start, end)` (offsets into `SourceFile.text`, after BOM removal) with `text`; start = end inserts. */
export interface TextEdit {
  start: number;
  end: number;
  text: string;
}

/** A file with the fixes that could be applied together, and the findings they resolve. */
export interface FixedFile {
  file: SourceFile;
  text: string;
  fixed: Finding[];
}

/**
 * One document's own text, `file.text[start, start + text.length)`, parsed: the fixed document is the last of
 * `documents` (the text before its `---` may hold an empty one, such as a `...` that ended the previous document).
 */
interface DocumentText {
  start: number;
  text: string;
  documents: Document.Parsed[];
}

/** Documents parsed for fixing, per file and start offset: findings in one document share its parse. */
type DocumentTexts = Map<SourceFile, Map<number, DocumentText>>;

function documentText(texts: DocumentTexts, file: SourceFile, [start, end]: [number, number]): DocumentText {
  let byStart = texts.get(file);
  if (!byStart) texts.set(file, (byStart = new Map()));
  let entry = byStart.get(start);
  if (!entry) {
    const text = file.text.slice(start, end);
    byStart.set(start, (entry = { start, text, documents: parseDocuments(text) }));
  }
  return entry;
}

/** An edit of a document's text as an edit of its file, and back. */
const inFile = (edit: TextEdit, start: number): TextEdit => ({ ...edit, start: edit.start + start, end: edit.end + start });
const inDocument = (edit: TextEdit, start: number): TextEdit => inFile(edit, -start);

/**
 * The text edit of each finding's fix, where one can be made safely. Each edit stands on its own (SARIF offers them
 * one by one); `fixFindings` picks the ones that can be applied together.
 */
export function planFixes(findings: Finding[]): Map<Finding, TextEdit> {
  const planned = new Map<Finding, TextEdit>();
  const texts: DocumentTexts = new Map();
  for (const finding of findings) {
    const fix = finding.fix;
    if (!fix) continue;
    const own = documentText(texts, finding.location.file, fix.documentSource);
    const document = own.documents[own.documents.length - 1];
    if (!document || document.errors.length > 0) continue;
    const edit = editFor(own.text, document, fix);
    if (edit && editsDoOnlyThis(own, [{ edit, fix }])) planned.set(finding, inFile(edit, own.start));
  }
  return planned;
}

/**
 * The fixed text of every file with a fix. Edits join one by one, each only if it does not overlap the ones before
 * and all of them together still do exactly what their fixes say (a re-run shows what was left out).
 * Only reported findings are fixed: a suppressed one, or one already in the baseline, is left as the user chose.
 */
export function fixFindings(findings: Finding[]): FixedFile[] {
  const planned = planFixes(findings.filter(isReported));
  const texts: DocumentTexts = new Map();
  // Per document (edits are checked together where they can meet), and per file for the result.
  const acceptedIn = new Map<DocumentText, { edit: TextEdit; fix: DocumentFix }[]>();
  const byFile = new Map<SourceFile, { edits: TextEdit[]; fixed: Finding[] }>();
  for (const [finding, edit] of planned) {
    const file = finding.location.file;
    const own = documentText(texts, file, finding.fix!.documentSource);
    const accepted = acceptedIn.get(own) ?? [];
    const local = inDocument(edit, own.start);
    // Two findings with the one fix (the same edit) are both fixed by it.
    const same = accepted.some(({ edit: other }) => other.start === local.start && other.end === local.end && other.text === local.text);
    if (!same) {
      if (accepted.some(({ edit: other }) => overlaps(other, local))) continue;
      const together = [...accepted, { edit: local, fix: finding.fix! }];
      if (!editsDoOnlyThis(own, together)) continue;
      acceptedIn.set(own, together);
    }
    let entry = byFile.get(file);
    if (!entry) byFile.set(file, (entry = { edits: [], fixed: [] }));
    if (!same) entry.edits.push(edit);
    entry.fixed.push(finding);
  }
  return [...byFile]
    .map(([file, { edits, fixed }]) => ({ file, text: applyEdits(file.text, edits), fixed }))
    .filter((fixedFile) => fixedFile.text !== fixedFile.file.text); // an edit that changes nothing fixes nothing
}

/** Two edits touch the same characters; insertions at one point, or at the edge of a replacement, do not. */
function overlaps(a: TextEdit, b: TextEdit): boolean {
  if (a.start === a.end || b.start === b.end) {
    const [insertion, other] = a.start === a.end ? [a, b] : [b, a];
    return insertion.start > other.start && insertion.start < other.end;
  }
  return a.start < b.end && b.start < a.end;
}

/** Applies non-overlapping edits; insertions at the same point keep the order they were given in. */
export function applyEdits(text: string, edits: TextEdit[]): string {
  const ordered = edits.map((edit, index) => ({ edit, index })).sort((a, b) => a.edit.start - b.edit.start || a.index - b.index);
  let result = '';
  let at = 0;
  for (const { edit } of ordered) {
    result += text.slice(at, edit.start) + edit.text;
    at = Math.max(at, edit.end);
  }
  return result + text.slice(at);
}

/** A fix can make another one possible (`match` → `match[]` makes the path checked): --fix runs at most this many passes. */
const MAX_PASSES = 10;

/** A file --fix left as it was, and why: a clause for `--fix skipped FILE: …`. */
export interface SkippedFile {
  file: SourceFile;
  reason: string;
}

export interface FixWriteOptions {
  /** The working directory: a file whose real path is outside it, reached through a symlink, is not written. */
  root: string;
  /** For tests: the file system calls of the write (safe-write.ts). */
  fs?: WriteFs;
}

/**
 * --fix: writes the fixes and lints again, pass after pass, until nothing is left to fix. Returns the last lint (what
 * is left to report), how many findings were fixed and in how many files (only those really written), and the files
 * skipped: a skipped file is left alone for the rest of the run, so it is reported once and an edit made to it
 * meanwhile is not fixed over.
 */
export async function fixInPlace(
  first: LintResult,
  lintAgain: () => Promise<LintResult>,
  options: FixWriteOptions,
): Promise<{ result: LintResult; problems: number; files: number; skipped: SkippedFile[] }> {
  let result = first;
  let problems = 0;
  const files = new Set<string>();
  const skipped: SkippedFile[] = [];
  const leftAlone = new Set<string>();
  for (let pass = 0; pass < MAX_PASSES; pass++) {
    const fixed = fixFindings(result.findings).filter(({ file }) => !leftAlone.has(file.path));
    if (fixed.length === 0) break;
    const outcome = writeFixedFiles(fixed, options);
    for (const entry of outcome.skipped) {
      skipped.push(entry);
      leftAlone.add(entry.file.path);
    }
    for (const file of outcome.written) {
      problems += file.fixed.length;
      files.add(file.file.path);
    }
    if (outcome.written.length === 0) break; // nothing changed: a lint again would find the same
    result = await lintAgain();
  }
  return { result, problems, files: files.size, skipped };
}

/**
 * Writes fixed files in place, keeping a byte-order mark, each one checked and written on its own (safe-write.ts):
 * a file is written only if it still holds exactly the text that was linted, compared again just before its rename,
 * so an edit saved while other files are written is kept. A file that changed, is not UTF-8 (a round trip through
 * text would damage it), cannot be written, or leads through a symlink out of the working directory is skipped.
 */
export function writeFixedFiles(files: FixedFile[], options: FixWriteOptions): { written: FixedFile[]; skipped: SkippedFile[] } {
  const realRoot = realpathSync(options.root);
  const written: FixedFile[] = [];
  const skipped: SkippedFile[] = [];
  for (const fixed of files) {
    const reason = writeFixedFile(fixed, realRoot, options.fs);
    if (reason === undefined) written.push(fixed);
    else skipped.push({ file: fixed.file, reason });
  }
  return { written, skipped };
}

const CHANGED = 'it changed since fedlint read it; run fedlint --fix again';

/** Writes one fixed file; returns why not, if it was not. */
function writeFixedFile({ file, text }: FixedFile, realRoot: string, fs: WriteFs | undefined): string | undefined {
  let real: string;
  let raw: Buffer;
  try {
    real = realpathSync(file.path);
    // A link inside the working directory is fixed by writing the file it leads to (the link stays a link); one that
    // leads out of it, as a pull request can commit, would have --fix edit a file that is not the repository's.
    if (real !== resolve(file.path) && !isWithin(realRoot, real))
      return `a symlink leads to ${real}, outside the working directory, and --fix writes no file outside it; fix that file where it is`;
    raw = readFileSync(real);
  } catch (error) {
    return `cannot read it again (${describeWriteError(error)})`;
  }
  const decoded = raw.toString('utf8');
  const bom = decoded.charCodeAt(0) === 0xfeff ? '\ufeff' : '';
  if (!Buffer.from(decoded, 'utf8').equals(raw)) return 'it is not valid UTF-8, and rewriting it would change bytes no fix is about';
  if (decoded.slice(bom.length) !== file.text) return CHANGED;
  try {
    writeFileAtomic(real, bom + text, { expected: raw, fs });
  } catch (error) {
    if (error instanceof WriteRefusal) return error.reason === 'changed' ? CHANGED : `cannot write it: ${error.message}`;
    return `cannot write it (${describeWriteError(error)}); it is unchanged`;
  }
  return undefined;
}

/**
 * The closest name only when no other candidate is as close: a rename is a fix only when it is the one rename.
 * Uses the same distance as suggest.ts's `closestName`, which breaks ties alphabetically for messages.
 */
export function singleClosestName(wanted: string, candidates: Iterable<string>, closest: string | undefined): string | undefined {
  if (closest === undefined) return undefined;
  const best = distance(wanted, closest);
  for (const candidate of new Set(candidates)) {
    if (candidate !== closest && candidate !== wanted && candidate !== '' && distance(wanted, candidate) === best) return undefined;
  }
  return closest;
}

function parseDocuments(text: string): Document.Parsed[] {
  // Read as the lint read it (a lone CR is a line break), so that an edit is checked against what the rules saw.
  const documents = parseAllDocuments(yamlText(text), YAML_OPTIONS);
  return Array.isArray(documents) ? documents : [];
}

// ---- from a declarative fix to a text edit ----

/** The mapping entry a pointer names, found on the node tree; aliases are not followed (an edit there changes every use). */
function locateEntry(document: Document.Parsed, pointer: string): { map: YAMLMap; key: string; pair: Pair | undefined } | undefined {
  const segments = parsePointer(pointer);
  const key = segments.pop();
  if (key === undefined) return undefined;
  let node: unknown = document.contents;
  for (const segment of segments) {
    if (isMap(node)) node = pairOf(node, segment)?.value;
    else if (isSeq(node)) node = /^(?:0|[1-9]\d*)$/.test(segment) ? node.items[Number(segment)] : undefined;
    else return undefined;
  }
  if (!isMap(node)) return undefined;
  return { map: node, key, pair: pairOf(node, key) };
}

/** The entry whose key reads as `segment`, as parse.ts's `locate` finds it (a YAML 1.1 `y` key is "true"). */
function pairOf(map: YAMLMap, segment: string): Pair | undefined {
  for (const pair of map.items) {
    if (!isPair(pair)) continue;
    const keyValue = isScalar(pair.key) ? pair.key.value : pair.key;
    if (String(keyValue) === segment) return pair;
  }
  return undefined;
}

function editFor(text: string, document: Document.Parsed, fix: DocumentFix): TextEdit | undefined {
  const entry = locateEntry(document, fix.pointer);
  if (!entry) return undefined;
  const { map, pair } = entry;
  if (fix.kind === 'rename-key') {
    if (!pair || !isFlowScalar(pair.key) || pairOf(map, fix.to)) return undefined;
    const [start, end] = pair.key.range!;
    return { start, end, text: scalarText(fix.to, pair.key.type, { inFlow: Boolean(map.flow), key: true }) };
  }
  if (!pair) return insertEntry(text, map, entry.key, fix.value);
  const value = pair.value;
  if (isScalar(value) && value.range && value.range[0] === value.range[1]) {
    // `key:` with no value: a zero-width null just after the colon.
    return { start: value.range[0], end: value.range[0], text: ` ${scalarText(fix.value, 'PLAIN', { inFlow: Boolean(map.flow) })}` };
  }
  if (!isFlowScalar(value)) return undefined; // a block scalar, an alias or a collection is not a one-node edit
  // Keep the quoting of a string; a boolean is written plain, whatever the quotes a wrong string value had.
  const type = typeof fix.value === 'string' ? value.type : 'PLAIN';
  return { start: value.range![0], end: value.range![1], text: scalarText(fix.value, type, { inFlow: Boolean(map.flow) }) };
}

function isFlowScalar(node: unknown): node is Scalar & { range: [number, number, number] } {
  return (
    isScalar(node) &&
    !isAlias(node) &&
    node.range !== undefined &&
    node.range !== null &&
    node.range[0] < node.range[1] &&
    (node.type === 'PLAIN' || node.type === 'QUOTE_SINGLE' || node.type === 'QUOTE_DOUBLE')
  );
}

/**
 * A new `key: value` entry. In a block mapping it goes on its own line after the first entry (after `- port: web`),
 * indented like the mapping's keys, with the line break the file uses; in a flow mapping, after the last entry.
 */
function insertEntry(text: string, map: YAMLMap, key: string, value: string | boolean): TextEdit | undefined {
  const inFlow = Boolean(map.flow);
  const entry = `${scalarText(key, 'PLAIN', { inFlow, key: true })}: ${scalarText(value, 'PLAIN', { inFlow })}`;
  const pairs = map.items.filter(isPair);
  if (inFlow) {
    if (!map.range) return undefined;
    const last = pairs[pairs.length - 1];
    if (!last) return { start: map.range[0] + 1, end: map.range[0] + 1, text: entry };
    const end = Math.max(endOf(last.key), endOf(last.value));
    return end < 0 ? undefined : { start: end, end, text: `, ${entry}` };
  }
  const first = pairs[0];
  const keyNode = first?.key as Node | undefined;
  if (!first || !keyNode?.range) return undefined;
  const lineStart = text.lastIndexOf('\n', keyNode.range[0] - 1) + 1;
  const indent = text.slice(lineStart, keyNode.range[0]);
  // The key's column, written as spaces: `- port: web` → the column of `port`.
  const padding = ' '.repeat(indent.length);
  let end = Math.max(endOf(first.key), endOf(first.value));
  // A block collection's range takes the line break (and blank lines) after it along: step back onto its last line.
  while (end > 0 && /\s/.test(text[end - 1]!)) end--;
  const lineBreak = text.indexOf('\n', end);
  if (lineBreak === -1) return { start: text.length, end: text.length, text: `${lineEnding(text, text.length)}${padding}${entry}` };
  return { start: lineBreak + 1, end: lineBreak + 1, text: `${padding}${entry}${lineEnding(text, lineBreak + 1)}` };
}

function endOf(node: unknown): number {
  const range = (node as Node | null | undefined)?.range;
  return range ? range[1] : -1;
}

/** The line break of the line that ends at `offset` (CRLF files keep CRLF), else the file's first one. */
function lineEnding(text: string, offset: number): string {
  if (offset > 0 && text[offset - 1] === '\n') return text[offset - 2] === '\r' ? '\r\n' : '\n';
  const first = text.indexOf('\n');
  return first > 0 && text[first - 1] === '\r' ? '\r\n' : '\n';
}

/**
 * A scalar as YAML source in the given quoting: plain only when it reads back as the same value in YAML 1.1 (so
 * `yes` or `8080` stay strings) and, as the `'match[]'` convention has it, holds no bracket or brace.
 */
function scalarText(value: string | boolean, type: Scalar['type'], context: { inFlow: boolean; key?: boolean }): string {
  if (typeof value === 'boolean') return String(value);
  if (type === 'QUOTE_DOUBLE') return JSON.stringify(value);
  if (type === 'PLAIN' && !/[[\]{},]/.test(value) && readsBackAs(value, context)) return value;
  return `'${value.replace(/'/g, "''")}'`;
}

function readsBackAs(value: string, context: { inFlow: boolean; key?: boolean }): boolean {
  if (value === '' || /[\r\n]/.test(value) || value.trim() !== value) return false;
  const entry = context.key ? `${value}: x` : `k: ${value}`;
  const documents = parseDocuments(context.inFlow ? `{${entry}}` : `${entry}\n`);
  if (documents.length !== 1 || documents[0]!.errors.length > 0) return false;
  const data = documents[0]!.toJS();
  return context.key ? isObject(data) && Object.keys(data).length === 1 && data[value] === 'x' : isObject(data) && data.k === value;
}

// ---- the check that an edit did exactly what its fix says ----

/**
 * After the edits (of one document's text), the document equals the document before with only the fixes applied to
 * its data, and its text parses into as many documents as before, without errors.
 */
function editsDoOnlyThis(own: DocumentText, edits: { edit: TextEdit; fix: DocumentFix }[]): boolean {
  const before = own.documents;
  const after = parseDocuments(applyEdits(own.text, edits.map(({ edit }) => edit)));
  if (after.length !== before.length || after.some((document) => document.errors.length > 0)) return false;
  const expected = plainData(before[before.length - 1]!);
  const actual = plainData(after[after.length - 1]!);
  if (expected === undefined || actual === undefined) return false;
  for (const { fix } of edits) if (!applyToData(expected, fix)) return false;
  return canonical(expected) === canonical(actual);
}

function plainData(document: Document.Parsed): unknown {
  try {
    return document.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch {
    return undefined;
  }
}

function applyToData(data: unknown, fix: DocumentFix): boolean {
  const segments = parsePointer(fix.pointer);
  const key = segments.pop()!;
  let node: unknown = data;
  for (const segment of segments) node = Array.isArray(node) ? node[Number(segment)] : isObject(node) ? node[segment] : undefined;
  if (!isObject(node)) return false;
  if (fix.kind === 'set') node[key] = fix.value;
  else {
    if (!Object.hasOwn(node, key)) return false;
    node[fix.to] = node[key];
    delete node[key];
  }
  return true;
}

/** JSON with sorted keys: a renamed key moves in a JS object but not in the YAML. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, inner: unknown) =>
    isObject(inner) ? Object.fromEntries(Object.entries(inner).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) : inner,
  );
}

// ---- --fix-dry-run ----

const CONTEXT_LINES = 3;

/**
 * A unified diff of one fixed file (`--- a/path` / `+++ b/path`, paths relative to the working directory, so
 * `git apply` and `patch -p1` take it). Fixes change a line or add one, far apart, so a small greedy line matcher
 * is enough; a diff library would be a dependency for a few dozen lines.
 */
export function unifiedDiff(fixed: FixedFile): string {
  const before = splitLines(fixed.file.text);
  const after = splitLines(fixed.text);
  const changes = changedRuns(before, after);
  if (changes.length === 0) return '';
  const name = fixed.file.displayPath;
  const outside = name.startsWith('/') || name.startsWith('../');
  let output = `--- ${outside ? name : `a/${name}`}\n+++ ${outside ? name : `b/${name}`}\n`;
  let index = 0;
  while (index < changes.length) {
    // Changes closer than twice the context share a hunk.
    let last = index;
    while (last + 1 < changes.length && changes[last + 1]!.oldStart - (changes[last]!.oldStart + changes[last]!.oldCount) <= 2 * CONTEXT_LINES) last++;
    const first = changes[index]!;
    const end = changes[last]!;
    const oldFrom = Math.max(0, first.oldStart - CONTEXT_LINES);
    const oldTo = Math.min(before.length, end.oldStart + end.oldCount + CONTEXT_LINES);
    const newFrom = oldFrom + (first.newStart - first.oldStart);
    const lines: string[] = [];
    let at = oldFrom;
    for (const change of changes.slice(index, last + 1)) {
      for (; at < change.oldStart; at++) lines.push(` ${before[at]}`);
      for (let i = 0; i < change.oldCount; i++) lines.push(`-${before[change.oldStart + i]}`);
      for (let i = 0; i < change.newCount; i++) lines.push(`+${after[change.newStart + i]}`);
      at = change.oldStart + change.oldCount;
    }
    for (; at < oldTo; at++) lines.push(` ${before[at]}`);
    const oldCount = oldTo - oldFrom;
    const newCount = oldCount + changes.slice(index, last + 1).reduce((sum, change) => sum + change.newCount - change.oldCount, 0);
    output += `@@ -${range(oldFrom, oldCount)} +${range(newFrom, newCount)} @@\n`;
    output += lines.map((line) => (line.endsWith('\n') ? line : `${line}\n\\ No newline at end of file\n`)).join('');
    index = last + 1;
  }
  return output;
}

/** `start,count` with 1-based start; an empty range names the line before it, as diff does. */
function range(start: number, count: number): string {
  return `${count === 0 ? start : start + 1},${count}`;
}

/** Lines with their line breaks kept, so CRLF survives into the diff and `\ No newline` can be told. */
function splitLines(text: string): string[] {
  return text.match(/[^\n]*\n|[^\n]+$/g) ?? [];
}

interface Change {
  oldStart: number;
  oldCount: number;
  newStart: number;
  newCount: number;
}

/**
 * Runs of changed lines. Walks both line lists in step; where they differ, finds the nearest point where they agree
 * again for good (the same remaining suffix length is not assumed: insertions shift lines).
 */
function changedRuns(before: string[], after: string[]): Change[] {
  const changes: Change[] = [];
  let i = 0;
  let j = 0;
  while (i < before.length || j < after.length) {
    if (i < before.length && j < after.length && before[i] === after[j]) {
      i++;
      j++;
      continue;
    }
    const resync = nearestResync(before, after, i, j);
    changes.push({ oldStart: i, oldCount: resync.i - i, newStart: j, newCount: resync.j - j });
    i = resync.i;
    j = resync.j;
  }
  return changes;
}

/** The smallest (skipped old + skipped new) lines after which both lists agree for the next few lines (or both end). */
function nearestResync(before: string[], after: string[], i: number, j: number): { i: number; j: number } {
  const limit = before.length - i + after.length - j;
  for (let total = 1; total <= limit; total++) {
    for (let skipOld = 0; skipOld <= total; skipOld++) {
      const a = i + skipOld;
      const b = j + total - skipOld;
      if (a > before.length || b > after.length) continue;
      if (agrees(before, after, a, b)) return { i: a, j: b };
    }
  }
  return { i: before.length, j: after.length };
}

function agrees(before: string[], after: string[], a: number, b: number): boolean {
  const rest = Math.min(before.length - a, after.length - b, CONTEXT_LINES + 1);
  if (rest === 0) return before.length - a === 0 && after.length - b === 0;
  for (let k = 0; k < rest; k++) if (before[a + k] !== after[b + k]) return false;
  return true;
}
