// Template placeholders left in values: `<WORKER_CLUSTER_IP>`, `{{ .Values.x }}`,
// `CHANGEME`, `xxx.xxx.xxx.xxx`, a bare `CLUSTER_NAME` where a name or address
// belongs, and `${VAR}` substitutions. Shared by placeholder-value (which reports
// them) and the rules that check the same values (which leave them alone).

import { type KindName, knownKind } from '../model/graph.js';
import { isObject, parsePointer, pointerSegment } from '../load/parse.js';
import type { Resource } from '../types.js';

export type PlaceholderKind =
  /** `<WORKER_CLUSTER_IP>` */
  | 'angle'
  /** `{{ .Values.x }}` (Helm, Go templates) */
  | 'template'
  /** `CHANGEME`, `REPLACE_ME`, `TODO` */
  | 'keyword'
  /** `xxx.xxx.xxx.xxx`, `10.0.x.x` */
  | 'masked-ip'
  /** A bare ALL_CAPS token where a name or address belongs */
  | 'caps'
  /** `${VAR}`, `$VAR`: Flux postBuild substitution or envsubst, used on purpose */
  | 'substitution';

export interface Placeholder {
  kind: PlaceholderKind;
  text: string;
  /** Offsets into the value (UTF-16), end exclusive. */
  start: number;
  end: number;
}

/**
 * What a field holds, which decides whether a bare ALL_CAPS token is a placeholder:
 * `TCP`, `ClusterIP` or an env var name are fine in other fields.
 */
export type FieldRole =
  /** A DNS name: externalName, tlsConfig.serverName, an FQDN slice address. */
  | 'dns'
  /** An IP address. */
  | 'ip'
  /** A scrape target `host:port`. */
  | 'target'
  /** An object name or namespace. */
  | 'name'
  /** The value of the cluster label (source cluster identity). */
  | 'identity'
  | 'other';

export interface PlaceholderOptions {
  /** Named capture groups of a relabeling's regex: `${name}` in its replacement refers to them. */
  captureGroups?: ReadonlySet<string>;
}

// Every pattern here runs in linear time on any value (a 300 KB `${a:-${a:-…` once took seconds): no unbounded run
// is followed by something that can fail after it, and templates and keywords are found by the scans below instead.
// `(?P<name>` and `(?<name>` are regex named groups, not placeholders.
const ANGLE = /(?<!\(\?P?)<[A-Za-z_][A-Za-z0-9_ .:/-]*[A-Za-z0-9_]>/g;
// `$${VAR}` and `$$VAR` are escapes that substitution turns into a literal `$`.
// A default stops at the next `$` as well as at `}`: `${A:-$B}` is still found (as `$B`).
const BRACED_VARIABLE = /(?<!\$)\$\{([A-Za-z_][A-Za-z0-9_]*)(?::?[-=?+][^}$]*)?\}/g;
const BARE_VARIABLE = /(?<![$\\])\$([A-Za-z_][A-Za-z0-9_]*)/g;
const MASKED_IP = /(?<![\w.])(?:\d{1,3}|[xX]{1,3})(?:\.(?:\d{1,3}|[xX]{1,3})){3}(?![\w.])/g;
// CHANGEME and REPLACE_ME are never real values, in any case and inside a longer token (REPLACE_ME_WITH_IP);
// TODO only in capitals and on its own (a `todo` app and a `TODO_total` metric are real).
const REPLACE_KEYWORD = /change[_-]?me|replace[_-]?me/gi;
const WORD = /[A-Za-z0-9_]/;
const ALPHANUMERIC = /[A-Za-z0-9]/;
const TODO = /(?<![A-Za-z0-9_])TODO(?![A-Za-z0-9_])/g;
const CAPS_TOKEN = /^[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)*$/;
/** Words that make an ALL_CAPS label value a placeholder rather than a cluster really named `EU_WEST_1`. */
const PLACEHOLDER_WORDS = new Set(['CLUSTER', 'NAME', 'YOUR', 'MY', 'ID', 'ENV', 'REGION', 'HOST', 'IP', 'SOURCE']);

/**
 * Something every placeholder match contains: `{{` (template), `<` (angle), `$` (substitution), an `x` next to a dot
 * (a masked IP counts only with an `x`, and each of its parts touches a dot), or `change` / `replace` in any case
 * (keyword). With `TODO` and, in the roles that look for ALL_CAPS tokens, a capital letter, this is what a value must
 * have for any of the scans below to find anything. Nearly every value has none of it, and this one test costs far less
 * than the eight scans (on a large repository they were the bulk of the rule's time).
 */
const PLACEHOLDER_HINT = /\{\{|<|\$|x\.|\.x|change|replace/i;
const CAPITAL = /[A-Z]/;

/**
 * False when `findPlaceholders` finds nothing in the value (true says only that it may). The role is asked for only
 * when the value has a capital letter and nothing else gives it away, because working it out costs more than the test.
 */
export function mayHoldPlaceholder(value: string, role: () => FieldRole): boolean {
  return PLACEHOLDER_HINT.test(value) || value.includes('TODO') || (CAPITAL.test(value) && role() !== 'other');
}

/** Every placeholder in a value, in order, none overlapping another. */
export function findPlaceholders(value: string, role: FieldRole = 'other', options: PlaceholderOptions = {}): Placeholder[] {
  return mayHoldPlaceholder(value, () => role) ? scanForPlaceholders(value, role, options) : [];
}

/** findPlaceholders without the pre-test: every scan, on every value (exported for the test that checks the pre-test). */
export function scanForPlaceholders(value: string, role: FieldRole = 'other', options: PlaceholderOptions = {}): Placeholder[] {
  const found: Placeholder[] = [];
  const add = (kind: PlaceholderKind, start: number, end: number) => {
    if (found.some((other) => start < other.end && other.start < end)) return;
    found.push({ kind, text: value.slice(start, end), start, end });
  };
  const each = (pattern: RegExp, visit: (match: RegExpExecArray) => void) => {
    for (const match of value.matchAll(pattern)) visit(match as RegExpExecArray);
  };
  // The order is the priority when matches overlap: `{{ $x }}` is one template, not a variable.
  for (const { start, end } of templates(value)) add('template', start, end);
  each(ANGLE, (m) => add('angle', m.index, m.index + m[0].length));
  const variable = (m: RegExpExecArray) => {
    if (!options.captureGroups?.has(m[1]!)) add('substitution', m.index, m.index + m[0].length);
  };
  each(BRACED_VARIABLE, variable);
  each(BARE_VARIABLE, variable);
  each(MASKED_IP, (m) => {
    if (/[xX]/.test(m[0])) add('masked-ip', m.index, m.index + m[0].length);
  });
  for (const { start, end } of replaceKeywords(value)) add('keyword', start, end);
  each(TODO, (m) => add('keyword', m.index, m.index + m[0].length));
  for (const token of capsTokens(value, role)) add('caps', token.start, token.end);
  return found.sort((a, b) => a.start - b.start);
}

/** `{{ … }}` on one line, shortest first, as `/\{\{.*?\}\}/g` finds them, in one pass. */
function templates(value: string): { start: number; end: number }[] {
  const found: { start: number; end: number }[] = [];
  let close = -1;
  let lineEnd = -1;
  for (let start = value.indexOf('{{'); start !== -1; ) {
    if (close < start + 2) close = value.indexOf('}}', start + 2);
    if (close === -1) break; // no `{{` after this one can be closed either
    if (lineEnd < start) lineEnd = nextLineBreak(value, start);
    if (close < lineEnd) {
      found.push({ start, end: close + 2 });
      start = value.indexOf('{{', close + 2);
    } else start = value.indexOf('{{', start + 1);
  }
  return found;
}

function nextLineBreak(value: string, from: number): number {
  for (let at = from; at < value.length; at++) if (value[at] === '\n' || value[at] === '\r' || value[at] === '\u2028' || value[at] === '\u2029') return at;
  return value.length;
}

/**
 * CHANGEME or REPLACE_ME as a word, or as a part of one set off by `_` (REPLACE_ME_WITH_IP, MY_CHANGEME): the whole
 * `_`-joined word is the placeholder. Found from the keywords outward, so a long word costs its length once.
 */
function replaceKeywords(value: string): { start: number; end: number }[] {
  const found: { start: number; end: number }[] = [];
  for (const match of value.matchAll(REPLACE_KEYWORD)) {
    let start = match.index;
    let end = start + match[0].length;
    const before = value[start - 1];
    const after = value[end];
    // Glued to letters or digits (`xchangeme`, `changemeplease`), the keyword is part of another word.
    if ((before !== undefined && ALPHANUMERIC.test(before)) || (after !== undefined && ALPHANUMERIC.test(after))) continue;
    if (found.length > 0 && start < found[found.length - 1]!.end) continue;
    if (before === '_') while (start > 0 && WORD.test(value[start - 1]!)) start--;
    if (after === '_') while (end < value.length && WORD.test(value[end]!)) end++;
    found.push({ start, end });
  }
  return found;
}

export function hasPlaceholder(value: string, role: FieldRole = 'other', options: PlaceholderOptions = {}): boolean {
  return findPlaceholders(value, role, options).length > 0;
}

/** ALL_CAPS tokens standing where a name or address belongs (only in fields of those roles). */
function capsTokens(value: string, role: FieldRole): { start: number; end: number }[] {
  switch (role) {
    case 'ip':
    case 'name':
      return CAPS_TOKEN.test(value) && value.length >= 2 ? [{ start: 0, end: value.length }] : [];
    case 'dns':
      return dnsCapsTokens(value, 0);
    case 'target': {
      // host:port, [v6]:port or host; only the host can be a name.
      const host = /^([^:[\]]+)(?::\d+)?$/.exec(value)?.[1];
      return host ? dnsCapsTokens(host, 0) : [];
    }
    case 'identity': {
      if (!CAPS_TOKEN.test(value) || !value.includes('_')) return [];
      return value.split('_').some((word) => PLACEHOLDER_WORDS.has(word)) ? [{ start: 0, end: value.length }] : [];
    }
    default:
      return [];
  }
}

/** A DNS name that is, or has a dot-separated part that is, an ALL_CAPS token (`ns.CLUSTER_DOMAIN`). */
function dnsCapsTokens(name: string, offset: number): { start: number; end: number }[] {
  if (CAPS_TOKEN.test(name) && name.length >= 2) return [{ start: offset, end: offset + name.length }];
  const tokens: { start: number; end: number }[] = [];
  let start = 0;
  for (const part of name.split('.')) {
    // Inside a longer name only the `WORD_WORD` form: `api.EU.example` could be someone's real capitals.
    if (part.includes('_') && CAPS_TOKEN.test(part)) tokens.push({ start: offset + start, end: offset + start + part.length });
    start += part.length + 1;
  }
  return tokens;
}

// ------------------------------------------------------------------ the values

/** One string value of a resource, with what the field holds. */
export interface ScannedValue {
  /** JSON pointer relative to the resource. */
  pointer: string;
  value: string;
  role: FieldRole;
  options: PlaceholderOptions;
}

/**
 * Every string value of a resource of a kind fedlint reads, with its role; nothing for other kinds. With `only`, just
 * the values it accepts (placeholder-value passes `mayHoldPlaceholder`): it gets the role as a function, and the walk
 * works out a value's role and pointer only when asked or when the value is kept. A large repository has hundreds of
 * thousands of values and keeps almost none of them, so building a pointer and a role path for each was most of the
 * rule's time.
 */
export function scanValues(
  resource: Resource,
  clusterLabel: string,
  only: (value: string, role: () => FieldRole) => boolean = () => true,
): ScannedValue[] {
  const kind = knownKind(resource);
  if (!kind) return [];
  const result: ScannedValue[] = [];
  const segments: string[] = [];
  const visit = (node: unknown, parent: unknown) => {
    if (typeof node === 'string') {
      let role: FieldRole | undefined;
      const roleHere = () => (role ??= roleOf(kind, rolePath(segments), segments, resource.body, clusterLabel));
      if (only(node, roleHere)) result.push({ pointer: pointerOf(segments), value: node, role: roleHere(), options: relabelOptions(segments, parent) });
    } else if (Array.isArray(node)) {
      for (let index = 0; index < node.length; index++) {
        segments.push(String(index));
        visit(node[index], node);
        segments.pop();
      }
    } else if (isObject(node)) {
      for (const key of Object.keys(node)) {
        if (isSkipped(segments, key)) continue;
        segments.push(key);
        visit(node[key], node);
        segments.pop();
      }
    }
  };
  visit(resource.body, null);
  return result;
}

/**
 * Whether `key` under the segments is a part of an object that is not configuration: free text, server bookkeeping, a
 * copy of the object (`/metadata/annotations`, `/metadata/managedFields`, `/status`).
 */
function isSkipped(segments: string[], key: string): boolean {
  if (segments.length === 0) return key === 'status';
  return segments.length === 1 && segments[0] === 'metadata' && (key === 'annotations' || key === 'managedFields');
}

function pointerOf(segments: string[]): string {
  let pointer = '';
  for (const segment of segments) pointer += `/${pointerSegment(segment)}`;
  return pointer;
}

/** The segments joined by `/`, each index (each all-digit segment) written `*`: what roleOf compares. */
function rolePath(segments: string[]): string {
  return segments.map((segment) => (/^\d+$/.test(segment) ? '*' : segment)).join('/');
}

const SERVICE_IP_PATHS = new Set(['spec/clusterIP', 'spec/clusterIPs/*', 'spec/externalIPs/*', 'spec/loadBalancerIP']);

/** `path` is the value's rolePath. */
function roleOf(kind: KindName, path: string, segments: string[], body: Record<string, any>, clusterLabel: string): FieldRole {
  if (path === 'metadata/name' || path === 'metadata/namespace') return 'name';
  switch (kind) {
    case 'Service':
      if (path === 'spec/externalName') return 'dns';
      if (SERVICE_IP_PATHS.has(path)) return 'ip';
      return 'other';
    case 'Endpoints':
      if (/^subsets\/\*\/(addresses|notReadyAddresses)\/\*\/ip$/.test(path)) return 'ip';
      if (/^subsets\/\*\/(addresses|notReadyAddresses)\/\*\/(hostname|nodeName|targetRef\/name|targetRef\/namespace)$/.test(path)) return 'name';
      return 'other';
    case 'EndpointSlice':
      if (path === 'endpoints/*/addresses/*') return body.addressType === 'FQDN' ? 'dns' : 'ip';
      if (/^endpoints\/\*\/(hostname|nodeName|targetRef\/name|targetRef\/namespace)$/.test(path)) return 'name';
      if (path === 'metadata/labels/kubernetes.io/service-name') return 'name';
      return 'other';
    case 'Prometheus':
    case 'PrometheusAgent':
      return path === `spec/externalLabels/${clusterLabel}` ? 'identity' : 'other';
    default:
      return scrapeRole(path, segments, body, clusterLabel);
  }
}

/** Roles in ServiceMonitor, PodMonitor, Probe and ScrapeConfig specs. */
function scrapeRole(path: string, segments: string[], body: Record<string, any>, clusterLabel: string): FieldRole {
  if (path === 'spec/namespaceSelector/matchNames/*') return 'name';
  if (/(^|\/)tlsConfig\/serverName$/.test(path)) return 'dns';
  if (path === 'spec/staticConfigs/*/targets/*' || path === 'spec/targets/staticConfig/static/*') return 'target';
  if (path === `spec/staticConfigs/*/labels/${clusterLabel}` || path === `spec/targets/staticConfig/labels/${clusterLabel}`) return 'identity';
  if (/(^|\/)(relabelings|metricRelabelings)\/\*\/replacement$/.test(path)) {
    const entry = valueAt(body, segments.slice(0, -1));
    const target = isObject(entry) ? entry.targetLabel : undefined;
    if (target === '__address__') return 'target';
    if (target === clusterLabel) return 'identity';
  }
  return 'other';
}

/** In a relabeling's replacement, `${name}` names a capture group of its regex when the regex defines one. */
function relabelOptions(segments: string[], parent: unknown): PlaceholderOptions {
  if (segments[segments.length - 1] !== 'replacement' || !isObject(parent) || typeof parent.regex !== 'string') return {};
  const names = [...parent.regex.matchAll(/\(\?P?<([A-Za-z_][A-Za-z0-9_]*)>/g)].map((match) => match[1]!);
  return names.length > 0 ? { captureGroups: new Set(names) } : {};
}

function valueAt(body: unknown, segments: string[]): unknown {
  let node = body;
  for (const segment of segments) {
    if (Array.isArray(node)) node = node[Number(segment)];
    else if (isObject(node)) node = node[segment];
    else return undefined;
  }
  return node;
}

// ------------------------------------------------------------------ positions

/** How a person reads a pointer: `subsets[0].addresses[0].ip`, `metadata.labels["kubernetes.io/service-name"]`. */
export function fieldPath(pointer: string): string {
  let path = '';
  for (const segment of parsePointer(pointer)) {
    if (/^\d+$/.test(segment)) path += `[${segment}]`;
    else if (/^[A-Za-z_][A-Za-z0-9_]*$/.test(segment)) path += path === '' ? segment : `.${segment}`;
    else path += `[${JSON.stringify(segment)}]`;
  }
  return path;
}
