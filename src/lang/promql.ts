// PromQL series selectors as Prometheus's /federate reads its `match[]`
// params: parsed with the Prometheus project's own grammar
// (@prometheus-io/lezer-promql), string literals unquoted as PromQL's lexer
// does, regexes compiled as Go's RE2 compiles them (re2js, a port of it).
// Everything here works on the selector text; positions are offsets in it.

import { parser } from '@prometheus-io/lezer-promql';
import { RE2JS } from 're2js';
import type { MonitorEndpoint } from '../model/graph.js';
import { isObject } from '../load/parse.js';
import type { Span } from '../load/scalar-offsets.js';

type SyntaxNode = ReturnType<typeof parser.parse>['topNode'];

export type MatchOp = '=' | '!=' | '=~' | '!~';

export interface LabelMatcher {
  label: string;
  op: MatchOp;
  /** The unquoted value. */
  value: string;
  /** `job="x"` as written, or the bare metric name. */
  span: Span;
  /** The value as written: its string literal, or the bare name. */
  valueSpan: Span;
  /** How it is written: a name before the braces, a quoted name alone in them, or `label op "value"`. */
  form: 'name' | 'quoted-name' | 'matcher';
}

export interface SelectorProblem {
  /** Offsets in the selector text of the part that is wrong. */
  span: Span;
  /** What is wrong and how to fix it, as the end of a sentence. */
  message: string;
  /**
   * True when /federate refuses the selector (its parser fails, HTTP 400). False for what only PromQL queries
   * and the HTTP API refuse: /federate parses `match[]` without PromQL's semantic checks.
   */
  refused: boolean;
}

export interface SeriesSelector {
  text: string;
  /** In written order; the metric name before braces comes first. */
  matchers: LabelMatcher[];
  /** The first problem, as Prometheus would meet it; null for a selector Prometheus accepts. */
  problem: SelectorProblem | null;
}

/**
 * The non-empty string entries of an endpoint's `match[]` list, parsed. Empty entries are
 * federate-match-required's finding and values of other types the schema check's.
 */
export function matchSelectors(endpoint: MonitorEndpoint): readonly { index: number; selector: SeriesSelector }[] {
  const params = endpoint.spec.params;
  if (!isObject(params)) return [];
  const selectors = params['match[]'];
  if (!Array.isArray(selectors)) return [];
  let result = parsedLists.get(selectors);
  if (!result) {
    const parsed: { index: number; selector: SeriesSelector }[] = [];
    selectors.forEach((value: unknown, index: number) => {
      if (typeof value === 'string' && value.trim() !== '') parsed.push({ index, selector: parseSeriesSelector(value) });
    });
    parsedLists.set(selectors, (result = parsed));
  }
  return result;
}

/**
 * Each `match[]` list's parsed entries, kept as long as the list itself: federate-match-syntax and federate-match-broad
 * both read every list, and a repository with more distinct selectors than the text cache below holds would
 * otherwise have each one parsed twice (the cache being cleared between the two rules' reads).
 */
const parsedLists = new WeakMap<unknown[], readonly { index: number; selector: SeriesSelector }[]>();

const cache = new Map<string, SeriesSelector>();
const CACHE_LIMIT = 2000;

/** Parses one `match[]` value. Never throws. */
export function parseSeriesSelector(text: string): SeriesSelector {
  let result = cache.get(text);
  if (!result) {
    result = analyze(text);
    if (cache.size >= CACHE_LIMIT) cache.clear();
    cache.set(text, result);
  }
  return result;
}

function analyze(text: string): SeriesSelector {
  const top = parser.parse(text).topNode;
  const syntax = syntaxProblem(text, top);
  if (syntax) return { text, matchers: [], problem: syntax };
  const expression = expressionOf(top);
  if (!expression) return { text, matchers: [], problem: { span: { start: 0, end: text.length }, message: 'it is empty', refused: true } };
  if (expression.name !== 'VectorSelector') return { text, matchers: [], problem: notASelector(text, expression) };
  const collected = collectMatchers(text, expression);
  if ('problem' in collected) return { text, matchers: [], problem: collected.problem };
  const { matchers } = collected;
  return { text, matchers, problem: semanticProblem(text, matchers) };
}

// ------------------------------------------------------------------ syntax

function expressionOf(top: SyntaxNode): SyntaxNode | null {
  for (let child = top.firstChild; child; child = child.nextSibling) if (child.name !== 'LineComment') return child;
  return null;
}

function syntaxProblem(text: string, top: SyntaxNode): SelectorProblem | null {
  let error: SyntaxNode | null = null;
  const strings: SyntaxNode[] = [];
  const cursor = top.cursor();
  do {
    if (cursor.type.isError && !error) error = cursor.node;
    if (cursor.name === 'StringLiteral') strings.push(cursor.node);
  } while (cursor.next());
  // An unclosed string swallows the rest of the selector; say so rather than "unexpected end".
  for (const literal of strings) {
    const unclosed = unclosedString(text.slice(literal.from, literal.to));
    if (unclosed && (!error || literal.from <= error.from))
      return {
        span: { start: literal.from, end: literal.from + 1 },
        message: `the string ${preview(text.slice(literal.from, literal.to))} has no closing ${text[literal.from]}; close it`,
        refused: true,
      };
  }
  if (!error) return null;
  return { ...describeSyntaxError(text, error), refused: true };
}

function describeSyntaxError(text: string, error: SyntaxNode): Omit<SelectorProblem, 'refused'> {
  // `job="x"` without braces: the most common way to write a selector wrongly.
  const bare = /^\s*([A-Za-z_][A-Za-z0-9_]*)\s*(=~|!~|!=|=)/.exec(text);
  if (bare && !text.includes('{'))
    return { span: { start: text.indexOf(bare[1]!), end: text.trimEnd().length }, message: `label matchers go inside braces: {${text.trim()}}` };
  const previous = error.prevSibling;
  const parent = error.parent;
  const at = error.from;
  const token = tokenAt(text, at, error.to);
  if (previous?.name === 'MatchOp' && parent?.name.endsWith('LabelMatcher')) {
    const matcher = text.slice(parent.from, previous.to).trim();
    const missing = token === null || token === ',' || token === '}';
    return {
      span: spanOf(text, at, missing ? at : error.to),
      message: missing ? `${matcher} needs a quoted value, as in ${matcher}"…"` : `the value in ${matcher}${token} must be a quoted string: ${matcher}"${token}"`,
    };
  }
  if (previous?.name === 'LabelName' && parent?.name === 'UnquotedLabelMatcher') {
    const label = text.slice(previous.from, previous.to);
    if (token !== null && /^[.\-/]/.test(token))
      return {
        span: { start: previous.from, end: nextOperator(text, previous.to) },
        message: `a label name holds only letters, digits and _; quote any other name: "${text.slice(previous.from, nextOperator(text, previous.to)).trim()}"=…`,
      };
    return {
      span: spanOf(text, at, error.to),
      message: `${token === null ? 'the selector ends' : `unexpected ${quoteToken(token)}`} after label ${label}; a matcher is label="value", label!="value", label=~"regex" or label!~"regex"`,
    };
  }
  if (token === null) {
    const open = parent?.name === 'LabelMatchers' || error.parent?.parent?.name === 'LabelMatchers';
    return { span: spanOf(text, at, at), message: open ? 'the selector ends before its closing "}"; add it' : 'the selector ends too early' };
  }
  if (parent?.name === 'LabelMatchers' && previous && previous.name.endsWith('LabelMatcher'))
    return { span: spanOf(text, at, error.to), message: `unexpected ${quoteToken(token)}; separate matchers with "," and close them with "}"` };
  if (parent?.name === 'LabelMatchers')
    return {
      span: spanOf(text, at, error.to),
      message: `unexpected ${quoteToken(token)} inside the braces; a matcher is label="value" (label names are letters, digits and _, not starting with a digit; quote any other name: "my.label"="value")`,
    };
  return { span: spanOf(text, at, error.to), message: `unexpected ${quoteToken(token)}` };
}

/** The token at an error position: the error node's own text, else the next word or character; null at the end. */
function tokenAt(text: string, from: number, to: number): string | null {
  const own = text.slice(from, to).trim();
  if (own) return own;
  const rest = text.slice(from).trimStart();
  if (!rest) return null;
  const match = /^(?:[A-Za-z_:][A-Za-z0-9_:]*|"(?:[^"\\]|\\.)*"?|'(?:[^'\\]|\\.)*'?|=~|!~|!=|\S)/.exec(rest);
  return match ? match[0] : rest[0]!;
}

function spanOf(text: string, from: number, to: number): Span {
  let start = from;
  while (start < text.length && /\s/.test(text[start]!)) start++;
  if (to > start) return { start, end: to };
  const token = tokenAt(text, start, start);
  return { start, end: token === null ? start : start + token.length };
}

const EXPRESSION_KINDS: Record<string, string> = {
  AggregateExpr: 'an aggregation',
  BinaryExpr: 'a binary operation',
  FunctionCall: 'a function call',
  MatrixSelector: 'a range selector',
  NumberDurationLiteral: 'a number',
  OffsetExpr: 'an offset modifier',
  ParenExpr: 'an expression in parentheses',
  StepInvariantExpr: 'an @ modifier',
  StringLiteral: 'a string',
  SubqueryExpr: 'a subquery',
  UnaryExpr: 'a unary operation',
};

function notASelector(text: string, expression: SyntaxNode): SelectorProblem {
  const kind = EXPRESSION_KINDS[expression.name] ?? 'a PromQL expression';
  const inner = expression.firstChild;
  // `x[5m]`, `x offset 5m`, `x @ 100`, `x[5m:1m]`: a selector with something after it; point at that.
  if (inner?.name === 'VectorSelector' && inner.from === expression.from && /^(MatrixSelector|OffsetExpr|StepInvariantExpr|SubqueryExpr)$/.test(expression.name)) {
    const start = nextNonSpace(text, inner.to);
    const suffix = text.slice(start, expression.to);
    return {
      span: { start, end: expression.to },
      message: `${quoteToken(suffix)} makes it ${kind}, not a series selector; /federate takes the selector alone: ${text.slice(inner.from, inner.to)}`,
      refused: true,
    };
  }
  return {
    span: { start: expression.from, end: expression.to },
    message: `it is ${kind}, not a series selector; /federate takes only a metric name and/or {label matchers}, such as up{job="node"} (federate a recording rule to ship computed series)`,
    refused: true,
  };
}

/** Where the matcher operator after a (mis-spelt) label name starts, or the end of the word. */
function nextOperator(text: string, from: number): number {
  const match = /[=!~,}\s]/.exec(text.slice(from));
  return match ? from + match.index : text.length;
}

function nextNonSpace(text: string, from: number): number {
  let index = from;
  while (index < text.length && /\s/.test(text[index]!)) index++;
  return index;
}

// ---------------------------------------------------------------- matchers

const OPS: Record<string, MatchOp> = { EqlSingle: '=', Neq: '!=', EqlRegex: '=~', NeqRegex: '!~' };

function collectMatchers(text: string, selector: SyntaxNode): { matchers: LabelMatcher[] } | { problem: SelectorProblem } {
  const matchers: LabelMatcher[] = [];
  let outsideName: LabelMatcher | null = null;
  for (let child = selector.firstChild; child; child = child.nextSibling) {
    if (child.name === 'Identifier') {
      const span = { start: child.from, end: child.to };
      outsideName = { label: '__name__', op: '=', value: text.slice(child.from, child.to), span, valueSpan: span, form: 'name' };
      continue;
    }
    if (child.name !== 'LabelMatchers') continue;
    for (let node = child.firstChild; node; node = node.nextSibling) {
      if (node.name === 'QuotedLabelName') {
        const name = unquoteNode(text, node.firstChild);
        if ('problem' in name) return name;
        const span = { start: node.from, end: node.to };
        matchers.push({ label: '__name__', op: '=', value: name.value, span, valueSpan: span, form: 'quoted-name' });
        continue;
      }
      if (node.name !== 'UnquotedLabelMatcher' && node.name !== 'QuotedLabelMatcher') continue;
      const labelNode = node.firstChild;
      const opNode = labelNode?.nextSibling;
      const valueNode = opNode?.nextSibling;
      const op = opNode?.firstChild ? OPS[opNode.firstChild.name] : undefined;
      if (!labelNode || !op || !valueNode) continue; // an error node, reported above
      let label = text.slice(labelNode.from, labelNode.to);
      if (labelNode.name === 'QuotedLabelName') {
        const quoted = unquoteNode(text, labelNode.firstChild);
        if ('problem' in quoted) return quoted;
        label = quoted.value;
      }
      const value = unquoteNode(text, valueNode);
      if ('problem' in value) return value;
      matchers.push({ label, op, value: value.value, span: { start: node.from, end: node.to }, valueSpan: { start: valueNode.from, end: valueNode.to }, form: 'matcher' });
    }
  }
  // Prometheus appends the outside name last; listing it first reads like the text.
  return { matchers: outsideName ? [outsideName, ...matchers] : matchers };
}

function unquoteNode(text: string, node: SyntaxNode | null): { value: string } | { problem: SelectorProblem } {
  if (!node) return { value: '' };
  const result = unquote(text.slice(node.from, node.to));
  if ('value' in result) return result;
  return { problem: { span: { start: node.from + result.at, end: node.from + result.at + result.length }, message: result.message, refused: true } };
}

/**
 * A PromQL string literal's value, as Prometheus's lexer and strutil.Unquote read it: "…" and '…' with Go's
 * escapes (and only the literal's own quote escaped), `…` raw.
 */
export function unquote(literal: string): { value: string } | { message: string; at: number; length: number } {
  const quote = literal[0]!;
  if (quote === '`') return { value: literal.slice(1, -1) };
  let value = '';
  for (let i = 1; i < literal.length - 1; i++) {
    const char = literal[i]!;
    if (char !== '\\') {
      value += char;
      continue;
    }
    const code = literal[i + 1]!;
    const simple = GO_ESCAPES[code];
    if (simple !== undefined || code === quote) {
      value += simple ?? quote;
      i += 1;
      continue;
    }
    const numeric = /^[0-7]/.test(code) ? { digits: 3, base: 8, max: 255, skip: 0 } : code === 'x' ? { digits: 2, base: 16, max: 255, skip: 1 } : code === 'u' ? { digits: 4, base: 16, max: 0x10ffff, skip: 1 } : code === 'U' ? { digits: 8, base: 16, max: 0x10ffff, skip: 1 } : null;
    if (!numeric) {
      const escape = `\\${code}`;
      return {
        at: i,
        length: 2,
        message:
          `${escape} is not an escape PromQL knows in a ${quote}…${quote} string (Prometheus: "unknown escape sequence"); ` +
          `for a regex escape write \\${escape}, or put the regex in backticks: \`…${escape}…\``,
      };
    }
    const start = i + 1 + numeric.skip;
    const digits = literal.slice(start, start + numeric.digits);
    const pattern = numeric.base === 8 ? /^[0-7]+$/ : /^[0-9a-fA-F]+$/;
    const point = digits.length === numeric.digits && pattern.test(digits) ? Number.parseInt(digits, numeric.base) : NaN;
    if (Number.isNaN(point) || point > numeric.max || (point >= 0xd800 && point < 0xe000) || start + numeric.digits > literal.length - 1) {
      const end = Math.min(start + numeric.digits, literal.length - 1);
      const why = numeric.base === 8 ? 'an octal escape takes three digits, up to \\377, and RE2 has no back-references' : `\\${code} takes ${numeric.digits} hex digits of a valid code point`;
      return { at: i, length: end - i, message: `${literal.slice(i, end)} is not a valid escape in a PromQL string (${why})` };
    }
    value += String.fromCodePoint(point);
    i = start + numeric.digits - 1;
  }
  return { value };
}

const GO_ESCAPES: Record<string, string> = { a: '\x07', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v', '\\': '\\' };

/** True when a "…" or '…' literal (as the grammar's token cuts it) lacks its closing quote. */
function unclosedString(literal: string): boolean {
  const quote = literal[0]!;
  if (literal.length < 2) return true;
  if (quote === '`') return !literal.endsWith('`');
  let i = 1;
  while (i < literal.length) {
    if (literal[i] === '\\') i += 2;
    else if (literal[i] === quote) return i !== literal.length - 1;
    else i++;
  }
  return true;
}

// ---------------------------------------------------------------- semantics

function semanticProblem(text: string, matchers: LabelMatcher[]): SelectorProblem | null {
  // Regexes first: a regex that does not compile fails the whole request.
  for (const matcher of matchers) {
    if (matcher.op !== '=~' && matcher.op !== '!~') continue;
    const error = regexError(matcher.value);
    if (error) return { span: matcher.valueSpan, message: `the ${matcher.label}${matcher.op} regex ${preview(matcher.value)} ${error}`, refused: true };
  }
  const outside = matchers.find((matcher) => matcher.form === 'name');
  const inside = outside ? matchers.find((matcher) => matcher !== outside && matcher.label === '__name__') : undefined;
  if (outside && inside)
    return {
      span: inside.span,
      message:
        `it sets the metric name twice, ${outside.value} before the braces and ${text.slice(inside.span.start, inside.span.end)} inside them: ` +
        'PromQL refuses that ("metric name must not be set twice"), and /federate, which does not check it, applies both; keep one',
      refused: false,
    };
  if (!matchers.some((matcher) => !matchesEmpty(matcher)))
    return {
      span: { start: nextNonSpace(text, 0), end: text.trimEnd().length },
      message:
        matchers.length === 0
          ? 'it has no matcher at all: PromQL refuses it ("vector selector must contain at least one non-empty matcher"); name a metric or add a matcher such as job="…"'
          : 'none of its matchers requires a non-empty value (each also matches series without the label): PromQL refuses such a selector ' +
            '("vector selector must contain at least one non-empty matcher"), and /federate, which does not check it, sends every series it does not exclude; ' +
            'name a metric or add a matcher such as job="…"',
      refused: false,
    };
  return null;
}

/** Whether a matcher accepts the empty string, i.e. also series that lack the label. */
export function matchesEmpty(matcher: Pick<LabelMatcher, 'op' | 'value'>): boolean {
  switch (matcher.op) {
    case '=':
      return matcher.value === '';
    case '!=':
      return matcher.value !== '';
    case '=~':
      return compileAnchored(matcher.value)?.matches('') ?? false;
    case '!~':
      return !(compileAnchored(matcher.value)?.matches('') ?? true);
  }
}

// ------------------------------------------------------------------ regexes

const regexCache = new Map<string, { compiled: RE2JS | null; error: string | null }>();

/**
 * Prometheus (model/labels) parses a matcher's regex with Go's syntax.Perl|DotNL flags and compiles it as
 * `^(?s:re)$`: fully anchored, `.` matching newlines too. re2js ports Go's regexp.
 */
function regexEntry(re: string): { compiled: RE2JS | null; error: string | null } {
  let entry = regexCache.get(re);
  if (!entry) {
    try {
      RE2JS.compile(re); // parsed alone first, as Prometheus does: `a)(b` is no regex even though `^(?s:a)(b)$` is
      entry = { compiled: RE2JS.compile(`^(?s:${re})$`), error: null };
    } catch (error) {
      entry = { compiled: null, error: describeRegexError(re, error) };
    }
    if (regexCache.size >= CACHE_LIMIT) regexCache.clear();
    regexCache.set(re, entry);
  }
  return entry;
}

function compileAnchored(re: string): RE2JS | null {
  return regexEntry(re).compiled;
}

/** Why Prometheus cannot compile a regex, or null when it can. */
export function regexError(re: string): string | null {
  return regexEntry(re).error;
}

function describeRegexError(re: string, error: unknown): string {
  const reason = (error instanceof Error ? error.message : String(error)).replace(/^error parsing regexp: /, '');
  let hint = '';
  if (/\(\?<?[=!]/.test(re)) hint = '; RE2 has no look-ahead or look-behind: exclude with a separate label!~"…" matcher instead';
  else if (/invalid escape sequence: `\\[1-9]/.test(reason)) hint = '; RE2 has no back-references';
  else if (/\(\?>|[*+?}]\+/.test(re)) hint = '; RE2 has no atomic groups or possessive quantifiers';
  return `does not compile as Go's RE2, which Prometheus uses: ${reason}${hint}`;
}

/** Strings any regex that matches every non-empty value matches: a quick way to rule most regexes out. */
const SAMPLES = ['a', 'Z', '0', '_', ':', ' ', '\n', '\0', 'é', '€', '😀', 'ab', 'job:up:sum', 'apiserver_request_total', 'x'.repeat(64)];

/** States explored before giving up on a proof (and calling the regex not universal). */
const STATE_BUDGET = 2000;
const CLASS_BUDGET = 4096;

/**
 * True when the fully anchored regex provably matches every non-empty string (`.+`, `.*`, `(.+)`, `.{1,}`,
 * `[\s\S]+` …). Decided on the compiled RE2 program by a subset construction over the rune classes the
 * program distinguishes: exact, and false (not proven) for programs with word-boundary or line assertions or
 * more states than the budget.
 */
export function matchesEveryNonEmptyString(re: string): boolean {
  const compiled = compileAnchored(re);
  if (!compiled) return false;
  try {
    if (SAMPLES.some((sample) => !compiled.matches(sample))) return false;
    const prog = compiled.re2().prog as Program | undefined;
    return prog !== undefined && Array.isArray(prog.inst) && provesUniversal(prog);
  } catch {
    return false; // re2js internals that changed shape: not proven, which is never a false warning
  }
}

function provesUniversal(prog: Program): boolean {
  const representatives = runeClasses(prog);
  if (!representatives || representatives.length > CLASS_BUDGET) return false;
  const seen = new Set<string>();
  const queue: number[][] = [];
  const enqueue = (state: number[]) => {
    const key = state.join(',');
    if (seen.has(key)) return;
    seen.add(key);
    queue.push(state);
  };
  const first = successors(prog, [prog.start], true, representatives);
  if (!first) return false;
  first.forEach(enqueue);
  while (queue.length > 0) {
    if (seen.size > STATE_BUDGET) return false;
    const state = queue.pop()!;
    const end = closure(prog, state, false, true);
    if (!end || !end.match) return false;
    const next = successors(prog, state, false, representatives);
    if (!next) return false;
    next.forEach(enqueue);
  }
  return true;
}

// The parts of re2js's compiled program (a port of Go's regexp/syntax.Prog) that the proof reads.
interface Instruction {
  op: number;
  out: number;
  arg: number;
  runes: Int32Array;
  matchRune(rune: number): boolean;
}
interface Program {
  start: number;
  inst: Instruction[];
}

const OP = { ALT: 1, ALT_MATCH: 2, CAPTURE: 3, EMPTY_WIDTH: 4, FAIL: 5, MATCH: 6, NOP: 7, RUNE: 8, RUNE1: 9, RUNE_ANY: 10, RUNE_ANY_NOT_NL: 11 };
const EMPTY_BEGIN_TEXT = 4;
const EMPTY_END_TEXT = 8;
const FOLD_CASE = 1;
const MAX_RUNE = 0x10ffff;
/** No code point above this has a case-folding partner (Adlam, U+1E900–U+1E943, is the last cased script). */
const LAST_CASED = 0x1ffff;

/** Follows the empty transitions from `pcs`; null when an assertion other than \A/^ or \z/$ is met. */
function closure(prog: Program, pcs: number[], atStart: boolean, atEnd: boolean): { runes: number[]; match: boolean } | null {
  const runes: number[] = [];
  let match = false;
  const visited = new Set<number>();
  const stack = [...pcs];
  while (stack.length > 0) {
    const pc = stack.pop()!;
    if (visited.has(pc)) continue;
    visited.add(pc);
    const inst = prog.inst[pc];
    if (!inst) return null;
    switch (inst.op) {
      case OP.ALT:
      case OP.ALT_MATCH:
        stack.push(inst.out, inst.arg);
        break;
      case OP.CAPTURE:
      case OP.NOP:
        stack.push(inst.out);
        break;
      case OP.EMPTY_WIDTH:
        if ((inst.arg & ~(EMPTY_BEGIN_TEXT | EMPTY_END_TEXT)) !== 0) return null;
        if ((inst.arg & EMPTY_BEGIN_TEXT) !== 0 && !atStart) break;
        if ((inst.arg & EMPTY_END_TEXT) !== 0 && !atEnd) break;
        stack.push(inst.out);
        break;
      case OP.FAIL:
        break;
      case OP.MATCH:
        match = true;
        break;
      case OP.RUNE:
      case OP.RUNE1:
      case OP.RUNE_ANY:
      case OP.RUNE_ANY_NOT_NL:
        runes.push(pc);
        break;
      default:
        return null; // look-behind instructions: not part of Prometheus's syntax
    }
  }
  return { runes, match };
}

function matchesRune(inst: Instruction, rune: number): boolean {
  if (inst.op === OP.RUNE_ANY) return true;
  if (inst.op === OP.RUNE_ANY_NOT_NL) return rune !== 10;
  return inst.matchRune(rune);
}

/** The states reached from `state` on one character of each class (sorted program counters, deduplicated). */
function successors(prog: Program, state: number[], atStart: boolean, representatives: number[]): number[][] | null {
  const current = closure(prog, state, atStart, false);
  if (!current) return null;
  return representatives.map((rune) => {
    const next = new Set<number>();
    for (const pc of current.runes) {
      const inst = prog.inst[pc]!;
      if (matchesRune(inst, rune)) next.add(inst.out);
    }
    return [...next].sort((a, b) => a - b);
  });
}

const foldOrbits = new Map<number, number[]>();

/**
 * One representative code point per class of code points the program cannot tell apart, leaving out the
 * surrogates (never in a Go string). Null when the program has instructions the proof does not model.
 */
function runeClasses(prog: Program): number[] | null {
  const bounds = new Set<number>([0, 0xd800, 0xe000]);
  const add = (low: number, high: number) => {
    bounds.add(low);
    bounds.add(high + 1);
  };
  for (const inst of prog.inst) {
    if (inst.op === OP.RUNE_ANY_NOT_NL) add(10, 10);
    if (inst.op !== OP.RUNE && inst.op !== OP.RUNE1) continue;
    const runes = inst.runes;
    if (runes.length === 1) {
      const rune = runes[0]!;
      if ((inst.arg & FOLD_CASE) === 0) add(rune, rune);
      else for (const member of foldOrbit(inst, rune)) add(member, member);
      continue;
    }
    if (runes.length % 2 !== 0) return null;
    for (let i = 0; i < runes.length; i += 2) add(runes[i]!, runes[i + 1]!);
  }
  return [...bounds].filter((rune) => rune <= MAX_RUNE && !(rune >= 0xd800 && rune < 0xe000)).sort((a, b) => a - b);
}

/** Every code point a case-folded single-rune instruction matches (its simple case-folding orbit). */
function foldOrbit(inst: Instruction, rune: number): number[] {
  let orbit = foldOrbits.get(rune);
  if (!orbit) {
    orbit = [];
    for (let candidate = 0; candidate <= LAST_CASED; candidate++) if (inst.matchRune(candidate)) orbit.push(candidate);
    if (!orbit.includes(rune)) orbit.push(rune);
    foldOrbits.set(rune, orbit);
  }
  return orbit;
}

// ------------------------------------------------------------------ helpers

/** A selector or token as a message shows it: in quotes, shortened when long. */
export function preview(text: string, limit = 60): string {
  const shown = text.length > limit ? `${text.slice(0, limit - 1)}…` : text;
  return `'${shown}'`;
}

function quoteToken(token: string): string {
  return preview(token, 30);
}

// ------------------------------------------------------------------ breadth

export interface Breadth {
  /** The matcher to point at: the first positive matcher, else the first that requires a label. */
  matcher: LabelMatcher;
  /** Labels the selector requires to be present (`__name__` for a name regex such as `.+`). */
  required: string[];
  /** Whether negative matchers leave some series out. */
  excludes: boolean;
}

/**
 * Whether a selector Prometheus accepts provably matches every series that has the labels it requires: no
 * equality, every `=~` regex matches every non-empty value, and negative matchers (which only leave series out)
 * do not count. Null when some matcher narrows it (or when it cannot be proven).
 */
export function breadth(selector: SeriesSelector): Breadth | null {
  if (selector.problem || selector.matchers.length === 0) return null;
  const positive: LabelMatcher[] = [];
  const required = new Set<string>();
  let excludes = false;
  for (const matcher of selector.matchers) {
    if (matcher.op === '=') return null;
    if (matcher.op === '=~') {
      if (!matchesEveryNonEmptyString(matcher.value)) return null;
      positive.push(matcher);
      if (!matchesEmpty(matcher)) required.add(matcher.label);
      continue;
    }
    // Negative matchers only leave series out; `label!=""` (and a `!~` regex that matches "") also requires the label.
    const requires = !matchesEmpty(matcher);
    if (requires) required.add(matcher.label);
    if (!(requires && matcher.value === '')) excludes = true;
  }
  const first = positive[0] ?? selector.matchers.find((matcher) => !matchesEmpty(matcher));
  if (!first) return null;
  return { matcher: first, required: [...required], excludes };
}
