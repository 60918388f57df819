// The JSONPath of users' rulesets (`given`, and a `field` that starts with `$`), parsed and evaluated here, never by
// a JavaScript engine. Spectral's own engines (nimma, and jsonpath-plus for `field`) compile a filter expression into
// JavaScript and run it, so a ruleset committed to a repository could run code on whoever lints it: a pull request
// from a fork, in the GitHub Action. What a ruleset can say is this small grammar, with the meaning Spectral gives it:
//
//   path      = "$" segment*
//   segment   = "." name | ".*" | "[" selectors "]"                 children
//             | ".." name | "..*" | ".." "[" selectors "]"          descendants (the node itself and everything below)
//             | ".[" selectors "]"                                  read as "..[" — as nimma and jsonpath-plus read it
//   selectors = "*" | "?(" expression ")" | (quoted | index) ("," (quoted | index))*
//   expression: "||", "&&", "!", parentheses, and comparisons `operand (== | != | === | !== | < | <= | > | >=) operand`
//               or a lone operand (true when its value is truthy)
//   operand   = "@" ("." name | "[" quoted "]" | "[" index "]")* | "@property" | quoted | number | true | false | null
//
// `@` is the child being filtered, `@property` its key or index. A member is read only from the object's own keys
// (a key named `constructor` or `__proto__` is data, nothing more), and `length` of a list or string is its length.
// `==` is JavaScript's loose equality, worked out without calling anything on the data.

export type Segment = (string | number)[];

/** One node a path selects: its path from the root (keys and list indexes) and its value. */
export interface Match {
  path: Segment;
  value: unknown;
}

type Selector =
  | { kind: 'names'; names: (string | number)[] }
  | { kind: 'wildcard' }
  | { kind: 'filter'; test: Expression };

interface Step {
  descendants: boolean;
  selector: Selector;
}

/** A parsed path: steps from the root. */
export interface JsonPath {
  text: string;
  steps: Step[];
}

type Operand = { kind: 'current'; members: (string | number)[] } | { kind: 'property' } | { kind: 'literal'; value: unknown };

type Expression =
  | { kind: 'or' | 'and'; operands: Expression[] }
  | { kind: 'not'; operand: Expression }
  | { kind: 'compare'; operator: ComparisonOperator; left: Operand; right: Operand }
  | { kind: 'truthy'; operand: Operand };

type ComparisonOperator = '==' | '!=' | '===' | '!==' | '<' | '<=' | '>' | '>=';

/** Why a path is refused, and at which character of it. */
export class JsonPathError extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(message);
  }
}

const NAME = /[A-Za-z0-9_$-]/;
const OPERATORS: ComparisonOperator[] = ['===', '!==', '==', '!=', '<=', '>=', '<', '>'];
/** Deep enough for any real ruleset; a path nested deeper is refused rather than risking the stack. */
const MAX_NESTING = 32;

/** Parses a JSONPath of the grammar above, or throws a JsonPathError that says what is not allowed and where. */
export function parseJsonPath(text: string): JsonPath {
  return { text, steps: new Parser(text).path() };
}

/** Whether a parsed path can select at most one node, so that a missing node still has a path (a `field`). */
export function isSingular(path: JsonPath): boolean {
  return path.steps.every((step) => !step.descendants && step.selector.kind === 'names' && step.selector.names.length === 1);
}

class Parser {
  private at = 0;
  private depth = 0;

  constructor(private readonly text: string) {}

  path(): Step[] {
    if (this.text[0] !== '$') this.fail('a path starts with $ (the array of all resources)');
    this.at = 1;
    const steps: Step[] = [];
    while (this.at < this.text.length) steps.push(this.step());
    return steps;
  }

  private step(): Step {
    const char = this.text[this.at];
    if (char === '[') return { descendants: false, selector: this.bracket() };
    if (char !== '.') this.fail(`expected "." or "[" here, not ${this.describe()}`);
    this.at++;
    const descendants = this.text[this.at] === '.' || this.text[this.at] === '[';
    if (this.text[this.at] === '.') this.at++;
    const next = this.text[this.at];
    if (next === '[') return { descendants, selector: this.bracket() };
    if (next === '*') {
      this.at++;
      return { descendants, selector: { kind: 'wildcard' } };
    }
    return { descendants, selector: { kind: 'names', names: [this.name()] } };
  }

  private name(): string {
    const start = this.at;
    while (this.at < this.text.length && NAME.test(this.text[this.at]!)) this.at++;
    if (this.at === start) this.fail(`expected a key name here, not ${this.describe()} (quote other keys: ['app.kubernetes.io/name'])`);
    return this.text.slice(start, this.at);
  }

  private bracket(): Selector {
    this.at++; // [
    this.space();
    let selector: Selector;
    if (this.text[this.at] === '*') {
      this.at++;
      selector = { kind: 'wildcard' };
    } else if (this.text.startsWith('?(', this.at)) {
      this.at += 2;
      const test = this.expression();
      this.space();
      this.expect(')', 'a filter ends with ")"');
      selector = { kind: 'filter', test };
    } else if (this.text[this.at] === '?') {
      this.fail('write a filter as [?( … )]');
    } else {
      const names: (string | number)[] = [this.key()];
      for (this.space(); this.text[this.at] === ','; this.space()) {
        this.at++;
        this.space();
        names.push(this.key());
      }
      selector = { kind: 'names', names: [...new Set(names)] };
    }
    this.space();
    this.expect(']', 'expected "]" here');
    return selector;
  }

  /** A quoted key or a list index, inside brackets. */
  private key(): string | number {
    const char = this.text[this.at];
    if (char === "'" || char === '"') return this.quoted();
    if (char !== undefined && /[0-9]/.test(char)) return this.index();
    if (char === '(') this.fail('script expressions [( … )] are not supported: they run code');
    if (char === '-' || char === ':') this.fail('negative indexes and slices are not supported; name the index: [0]');
    return this.fail(`expected a quoted key, an index, * or ?( … ) here, not ${this.describe()}`);
  }

  private index(): number {
    const match = /^(0|[1-9][0-9]{0,8})(?![0-9.:])/.exec(this.text.slice(this.at));
    if (!match) return this.fail('an index is a whole number (slices and negative indexes are not supported)');
    this.at += match[0].length;
    return Number(match[0]);
  }

  private quoted(): string {
    const quote = this.text[this.at]!;
    let value = '';
    for (this.at++; this.at < this.text.length; this.at++) {
      const char = this.text[this.at]!;
      if (char === quote) {
        this.at++;
        return value;
      }
      if (char === '\\') {
        const escaped = this.text[++this.at];
        if (escaped !== '\\' && escaped !== "'" && escaped !== '"') this.fail('only \\\\, \\\' and \\" are escapes in a quoted key');
        value += escaped;
      } else value += char;
    }
    return this.fail(`unterminated string: it needs a closing ${quote}`);
  }

  private expression(): Expression {
    if (++this.depth > MAX_NESTING) this.fail(`a filter nests more than ${MAX_NESTING} levels deep`);
    // A chain of || (or &&) is one list, not a tree as deep as it is long: evaluating it cannot exhaust the stack.
    const operands = [this.conjunction()];
    for (this.space(); this.text.startsWith('||', this.at); this.space()) {
      this.at += 2;
      operands.push(this.conjunction());
    }
    this.depth--;
    return operands.length === 1 ? operands[0]! : { kind: 'or', operands };
  }

  private conjunction(): Expression {
    const operands = [this.negation()];
    for (this.space(); this.text.startsWith('&&', this.at); this.space()) {
      this.at += 2;
      operands.push(this.negation());
    }
    return operands.length === 1 ? operands[0]! : { kind: 'and', operands };
  }

  private negation(): Expression {
    this.space();
    if (this.text[this.at] === '!' && this.text[this.at + 1] !== '=') {
      this.at++;
      if (++this.depth > MAX_NESTING) this.fail(`a filter nests more than ${MAX_NESTING} levels deep`);
      const operand = this.negation();
      this.depth--;
      return { kind: 'not', operand };
    }
    if (this.text[this.at] === '(') {
      this.at++;
      const inner = this.expression();
      this.space();
      this.expect(')', 'expected ")" here');
      return inner;
    }
    const left = this.operand();
    this.space();
    const operator = OPERATORS.find((candidate) => this.text.startsWith(candidate, this.at));
    if (!operator) return { kind: 'truthy', operand: left };
    this.at += operator.length;
    this.space();
    return { kind: 'compare', operator, left, right: this.operand() };
  }

  private operand(): Operand {
    const rest = this.text.slice(this.at);
    if (rest.startsWith('@property')) {
      this.at += '@property'.length;
      return { kind: 'property' };
    }
    if (rest[0] === '@') {
      this.at++;
      const members: (string | number)[] = [];
      for (;;) {
        if (this.text[this.at] === '.' && this.text[this.at + 1] !== '.') {
          this.at++;
          members.push(this.name());
        } else if (this.text[this.at] === '[') {
          this.at++;
          this.space();
          members.push(this.key());
          this.space();
          this.expect(']', 'expected "]" here');
        } else break;
      }
      if (this.text[this.at] === '(') this.fail('method calls are not supported: they run code; compare with == or use the pattern function');
      return { kind: 'current', members };
    }
    if (rest[0] === "'" || rest[0] === '"') return { kind: 'literal', value: this.quoted() };
    const number = /^-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?![A-Za-z0-9_$])/.exec(rest);
    if (number) {
      this.at += number[0].length;
      return { kind: 'literal', value: Number(number[0]) };
    }
    const word = /^(true|false|null)(?![A-Za-z0-9_$])/.exec(rest);
    if (word) {
      this.at += word[0].length;
      return { kind: 'literal', value: word[1] === 'null' ? null : word[1] === 'true' };
    }
    return this.fail(
      `${this.describe()} is not allowed in a filter: only @-paths (@.kind, @.metadata['name']), @property, quoted strings, numbers, true, false and null, compared with == != === !== < <= > >= and joined with && || ! ( )`,
    );
  }

  private space(): void {
    while (this.text[this.at] === ' ' || this.text[this.at] === '\t') this.at++;
  }

  private expect(char: string, message: string): void {
    if (this.text[this.at] !== char) this.fail(`${message}, not ${this.describe()}`);
    this.at++;
  }

  private describe(): string {
    if (this.at >= this.text.length) return 'the end of the path';
    const word = /^[A-Za-z_$][\w$]*/.exec(this.text.slice(this.at));
    return JSON.stringify(word ? word[0] : this.text[this.at]);
  }

  private fail(message: string): never {
    throw new JsonPathError(message, this.at);
  }
}

// ---- evaluation ----

/** A node met while evaluating: its value, and how it was reached (its key under its parent), so paths are made only for results. */
interface Node {
  value: unknown;
  key?: string | number;
  parent?: Node;
}

/** The nodes `path` selects in `root`, in document order, each once. */
export function select(path: JsonPath, root: unknown): Match[] {
  let current: Node[] = [{ value: root }];
  for (const step of path.steps) {
    const next: Node[] = [];
    for (const node of step.descendants ? outermost(current).flatMap(selfAndDescendants) : current) next.push(...apply(step.selector, node));
    current = next;
  }
  return current.map((node) => ({ path: pathOf(node), value: node.value }));
}

/**
 * The nodes that are not below another of them, in their order. A descendant step walks each node's subtree: a
 * node inside another's (an `a` inside an `a`, for `$..a..b`) would be walked again, and every further `..` would
 * multiply the walks (`$..*..*..*` on a deep list runs out of memory). With subtrees apart, every step selects each
 * node at most once, so no result comes twice either.
 */
function outermost(nodes: Node[]): Node[] {
  if (nodes.length < 2) return nodes;
  const withPaths = nodes.map((node, order) => ({ node, order, path: pathOf(node) }));
  const started = new Set<string>();
  const kept = new Set<number>();
  // An ancestor's path is shorter: taken first, it is known when its descendants come.
  for (const { order, path } of [...withPaths].sort((a, b) => a.path.length - b.path.length)) {
    let key = '';
    let covered = false;
    for (const segment of path) {
      if (started.has(key)) {
        covered = true;
        break;
      }
      key += `\u0000${String(segment)}`;
    }
    if (covered || started.has(key)) continue;
    started.add(key);
    kept.add(order);
  }
  return withPaths.filter(({ order }) => kept.has(order)).map(({ node }) => node);
}

/**
 * The one node a singular path names, also when it is missing (its value is then undefined), as Spectral's `field`
 * does: a rule that wants `metadata.labels.team` to be truthy reports where the key should be.
 */
export function selectSingular(path: JsonPath, root: unknown): Match {
  let value: unknown = root;
  const segments: Segment = [];
  for (const step of path.steps) {
    const name = (step.selector as { names: (string | number)[] }).names[0]!;
    const key = Array.isArray(value) ? (listIndex(name) ?? String(name)) : String(name);
    segments.push(key);
    value = member(value, key);
  }
  return { path: segments, value };
}

function pathOf(node: Node): Segment {
  const path: Segment = [];
  for (let at: Node | undefined = node; at?.key !== undefined; at = at.parent) path.push(at.key);
  return path.reverse();
}

function selfAndDescendants(node: Node): Node[] {
  const found: Node[] = [];
  // Depth-first in document order, without recursion: a deeply nested body cannot exhaust the stack.
  const stack: Node[] = [node];
  while (stack.length > 0) {
    const next = stack.pop()!;
    found.push(next);
    const children = childrenOf(next);
    for (let index = children.length - 1; index >= 0; index--) stack.push(children[index]!);
  }
  return found;
}

function childrenOf(parent: Node): Node[] {
  const { value } = parent;
  if (Array.isArray(value)) return value.map((item, key) => ({ value: item, key, parent }));
  if (isMapping(value)) return Object.keys(value).map((key) => ({ value: value[key], key, parent }));
  return [];
}

function apply(selector: Selector, node: Node): Node[] {
  switch (selector.kind) {
    case 'wildcard':
      return childrenOf(node);
    case 'filter':
      return childrenOf(node).filter((child) => evaluate(selector.test, child));
    case 'names':
      return selector.names.flatMap((name) => {
        const key = Array.isArray(node.value) ? listIndex(name) : String(name);
        if (key === undefined || !hasOwn(node.value, key)) return [];
        return [{ value: member(node.value, key), key, parent: node }];
      });
  }
}

function evaluate(expression: Expression, child: Node): boolean {
  switch (expression.kind) {
    case 'or':
      return expression.operands.some((operand) => evaluate(operand, child));
    case 'and':
      return expression.operands.every((operand) => evaluate(operand, child));
    case 'not':
      return !evaluate(expression.operand, child);
    case 'truthy':
      return Boolean(valueOf(expression.operand, child));
    case 'compare':
      return compare(expression.operator, valueOf(expression.left, child), valueOf(expression.right, child));
  }
}

function valueOf(operand: Operand, child: Node): unknown {
  if (operand.kind === 'literal') return operand.value;
  if (operand.kind === 'property') return child.key;
  let value = child.value;
  for (const name of operand.members) value = member(value, name);
  return value;
}

function compare(operator: ComparisonOperator, left: unknown, right: unknown): boolean {
  switch (operator) {
    case '==':
      return looselyEqual(left, right);
    case '!=':
      return !looselyEqual(left, right);
    case '===':
      return left === right;
    case '!==':
      return left !== right;
    default: {
      const comparable = (typeof left === 'number' && typeof right === 'number') || (typeof left === 'string' && typeof right === 'string');
      if (!comparable) return false;
      const [a, b] = [left as number | string, right as number | string];
      return operator === '<' ? a < b : operator === '<=' ? a <= b : operator === '>' ? a > b : a >= b;
    }
  }
}

/**
 * JavaScript's `==`, as Spectral's filters compare (1 == '1', null == undefined, [] == false), without calling any
 * method of the data: a list or mapping compared with a scalar stands for the string JavaScript would make of it.
 */
function looselyEqual(left: unknown, right: unknown): boolean {
  if (isScalar(left) && isScalar(right)) return left == right; // eslint-disable-line eqeqeq -- loose on purpose
  if (!isScalar(left) && !isScalar(right)) return left === right;
  const [collection, scalar] = isScalar(left) ? [right, left] : [left, right];
  return scalar !== null && scalar !== undefined && asString(collection) == scalar; // eslint-disable-line eqeqeq
}

/** What String() gives for a parsed list or mapping (Array.prototype.join, "[object Object]"), computed, not called. */
function asString(value: unknown): string {
  if (Array.isArray(value)) return value.map((item) => (item === null || item === undefined ? '' : isScalar(item) ? String(item) : asString(item))).join(',');
  return '[object Object]';
}

function isScalar(value: unknown): value is string | number | boolean | null | undefined {
  return value === null || (typeof value !== 'object' && typeof value !== 'function');
}

/** An own key of a mapping, an index of a list, or `length` of a list or string; undefined otherwise. */
function member(value: unknown, name: string | number): unknown {
  if (Array.isArray(value)) {
    if (name === 'length') return value.length;
    const index = listIndex(name);
    return index === undefined ? undefined : value[index];
  }
  if (typeof value === 'string') return name === 'length' ? value.length : undefined;
  const key = String(name);
  return hasOwn(value, key) ? (value as Record<string, unknown>)[key] : undefined;
}

function hasOwn(value: unknown, key: string | number): boolean {
  if (Array.isArray(value)) return typeof key === 'number' && key < value.length;
  return isMapping(value) && Object.hasOwn(value, key);
}

function listIndex(name: string | number): number | undefined {
  const text = String(name);
  return /^(?:0|[1-9][0-9]*)$/.test(text) ? Number(text) : undefined;
}

function isMapping(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
