// In-source suppressions: `# fedlint-disable-next-line`, `# fedlint-disable-file`
// and the `fedlint.dev/ignore` annotation. A suppressed finding is kept (SARIF
// records it with the reason) but marked, so that reporters hide it and the exit
// code ignores it. A suppression that suppresses nothing, names no rule or is
// malformed is itself a finding, `unused-suppression`, where it is written:
// otherwise stale suppressions pile up and hide the next real mistake.

import { resourceKey } from './engine.js';
import { regionOf, pointerSegment } from '../load/parse.js';
import { spanRegion } from '../load/scalar-offsets.js';
import { didYouMean } from '../lang/suggest.js';
import type { Finding, Level, Region, Resource, Setting, SourceFile } from '../types.js';
import { scanComments } from '../load/yaml-comments.js';

export const UNUSED_SUPPRESSION = 'unused-suppression';
export const IGNORE_ANNOTATION = 'fedlint.dev/ignore';
const ANNOTATION_POINTER = `/metadata/annotations/${pointerSegment(IGNORE_ANNOTATION)}`;
const NEXT_LINE = 'fedlint-disable-next-line';
const FILE = 'fedlint-disable-file';

/** Where a suppression applies, most specific first: a finding is credited to the most specific one that covers it. */
type Scope = 'next-line' | 'annotation' | 'file';
const SCOPES: Scope[] = ['next-line', 'annotation', 'file'];

interface NamedRule {
  ruleId: string;
  region: Region;
  used: boolean;
}

interface Directive {
  scope: Scope;
  file: SourceFile;
  /** The whole comment or annotation value: SARIF's suppression location. */
  region: Region;
  rules: NamedRule[];
  justification: string;
  /** next-line: the line whose findings it suppresses (undefined when no line follows). */
  targetLine?: number;
  /** annotation: the resource that carries it. */
  resource?: Resource;
}

export interface SuppressionContext {
  sources: SourceFile[];
  /** The linted resources (annotations are read from them; findings are matched to them). */
  resources: Resource[];
  /** Every rule id a suppression may name: fedlint's and those of the loaded rulesets. */
  ruleIds: ReadonlySet<string>;
  levels: Record<string, Setting>;
}

/**
 * Marks the findings that a suppression covers (`suppressed`) and adds an
 * `unused-suppression` finding for each named rule that suppressed nothing and
 * for each malformed suppression. Findings are not removed.
 */
export function applySuppressions(findings: Finding[], context: SuppressionContext): Finding[] {
  const problems: Finding[] = [];
  const directives = [
    ...context.sources.flatMap((file) => commentDirectives(file, context.ruleIds, problems)),
    ...context.resources.flatMap((resource) => annotationDirective(resource, context.ruleIds, problems)),
  ];
  if (directives.length === 0 && problems.length === 0) return findings;

  const byFile = new Map<SourceFile, Directive[]>();
  for (const directive of directives) byFile.set(directive.file, [...(byFile.get(directive.file) ?? []), directive]);
  const owners = new ResourceOwners(directives.some((directive) => directive.scope === 'annotation') ? context.resources : []);
  const marked = findings.map((finding) => {
    const candidates = byFile.get(finding.location.file);
    if (!candidates) return finding;
    for (const scope of SCOPES) {
      for (const directive of candidates) {
        if (directive.scope !== scope || !covers(directive, finding, owners)) continue;
        const named = directive.rules.find((rule) => rule.ruleId === finding.ruleId);
        if (!named) continue;
        named.used = true;
        return {
          ...finding,
          suppressed: { kind: 'inSource' as const, justification: directive.justification, location: { file: directive.file, region: directive.region } },
        };
      }
    }
    return finding;
  });

  const level = context.levels[UNUSED_SUPPRESSION] ?? 'warning';
  if (level === 'off') return marked;
  for (const directive of directives)
    for (const rule of directive.rules)
      // A rule turned off has no findings to suppress here: saying so at each of its suppressions would be noise.
      if (!rule.used && context.levels[rule.ruleId] !== 'off')
        problems.push(unusedFinding(directive, rule.region, unusedMessage(directive, rule.ruleId)));
  return [...marked, ...problems.map((problem) => ({ ...problem, level }))];
}

function covers(directive: Directive, finding: Finding, owners: ResourceOwners): boolean {
  switch (directive.scope) {
    case 'next-line':
      return finding.location.region.startLine === directive.targetLine;
    case 'annotation':
      return owners.ownerOf(finding) === directive.resource;
    default:
      return true;
  }
}

/** `# fedlint-disable-next-line …` and `# fedlint-disable-file …` comments of one file. */
function commentDirectives(file: SourceFile, ruleIds: ReadonlySet<string>, problems: Finding[]): Directive[] {
  if (!file.text.includes('fedlint-disable')) return []; // spares the scan for nearly every file
  const { comments, contentLines } = scanComments(file);
  const directives: Directive[] = [];
  for (const comment of comments) {
    const keyword = /^\s*(fedlint-disable\S*)/.exec(comment.text);
    if (!keyword) continue;
    const base = comment.start + 1; // offsets in comment.text start after '#'
    const at = (start: number, end: number) => regionOf(file, base + start, base + end);
    const region = regionOf(file, comment.start, comment.end);
    const name = keyword[1]!;
    const nameStart = keyword.index + keyword[0].length - name.length;
    if (name !== NEXT_LINE && name !== FILE) {
      problems.push(
        commentFinding(file, at(nameStart, nameStart + name.length), `unknown suppression "${name}"; write ${NEXT_LINE} (the next line) or ${FILE} (the whole file), then the rule ids`),
      );
      continue;
    }
    const scope: Scope = name === NEXT_LINE ? 'next-line' : 'file';
    const list = parseRuleList(comment.text, keyword.index + keyword[0].length);
    const rules = checkRules(list.entries, ruleIds, name, at, (message, region) => problems.push(commentFinding(file, region, message)));
    if (list.entries.length === 0)
      problems.push(commentFinding(file, region, `${name} names no rule; write # ${name} rule-id[, rule-id] -- reason`));
    const directive: Directive = { scope, file, region, rules, justification: list.reason };
    if (scope === 'next-line') directive.targetLine = nextContentLine(comment.line, file.lineStarts.length, contentLines);
    directives.push(directive);
  }
  return directives;
}

/** The `fedlint.dev/ignore` annotation of one resource. */
function annotationDirective(resource: Resource, ruleIds: ReadonlySet<string>, problems: Finding[]): Directive[] {
  const value: unknown = resource.body.metadata?.annotations?.[IGNORE_ANNOTATION];
  if (value === undefined) return [];
  const region = resource.locate(ANNOTATION_POINTER);
  const report = (message: string, at: Region) =>
    problems.push({ ...commentFinding(resource.file, at, message), pointer: `${resource.basePointer}${ANNOTATION_POINTER}`, resourceKey: resourceKey(resource) });
  if (typeof value !== 'string') {
    report(`annotation ${IGNORE_ANNOTATION} must be a string of comma-separated rule ids, such as "federate-cluster-label,federate-honor-timestamps"`, region);
    return [];
  }
  const list = parseRuleList(value, 0);
  const at = (start: number, end: number) => spanRegion(resource, ANNOTATION_POINTER, { start, end });
  const rules = checkRules(list.entries, ruleIds, `annotation ${IGNORE_ANNOTATION}`, at, report);
  if (list.entries.length === 0) report(`annotation ${IGNORE_ANNOTATION} names no rule; give comma-separated rule ids`, region);
  return [{ scope: 'annotation', file: resource.file, region, rules, justification: list.reason, resource }];
}

interface RuleEntry {
  ruleId: string;
  start: number;
  end: number;
}

/** `a, b -- reason` from `from` on: the ids with their offsets in `text`, and the reason. */
function parseRuleList(text: string, from: number): { entries: RuleEntry[]; reason: string } {
  const rest = text.slice(from);
  const separator = /(?:^|\s)--(?:\s|$)/.exec(rest);
  const ids = separator ? rest.slice(0, separator.index) : rest;
  const reason = separator ? rest.slice(separator.index + separator[0].length).trim() : '';
  const entries: RuleEntry[] = [];
  for (const match of ids.matchAll(/[^,]+/g)) {
    const ruleId = match[0].trim();
    if (ruleId === '') continue;
    const start = from + match.index! + match[0].indexOf(ruleId);
    entries.push({ ruleId, start, end: start + ruleId.length });
  }
  return { entries, reason };
}

/** The named rules a suppression may use; a problem for each id it may not name. */
function checkRules(
  entries: RuleEntry[],
  ruleIds: ReadonlySet<string>,
  what: string,
  regionAt: (start: number, end: number) => Region,
  problem: (message: string, region: Region) => void,
): NamedRule[] {
  const rules: NamedRule[] = [];
  for (const entry of entries) {
    const { ruleId } = entry;
    const region = regionAt(entry.start, entry.end);
    if (ruleId === 'all' || ruleId === '*')
      problem(
        `${what} cannot name "${ruleId}": name each rule to suppress ("fedlint rules" lists them), so that a rule added later still reports here`,
        region,
      );
    else if (ruleId === UNUSED_SUPPRESSION)
      problem(`${UNUSED_SUPPRESSION} cannot be suppressed in source; remove a suppression that is not needed, or run with --rule ${UNUSED_SUPPRESSION}=off`, region);
    else if (!ruleIds.has(ruleId))
      problem(
        /\s/.test(ruleId)
          ? `${what} names no rule "${ruleId}"; separate rule ids with commas and put the reason after " -- "`
          : `${what} names no rule "${ruleId}"${didYouMean(ruleId, ruleIds) || '; "fedlint rules" lists the rule ids'}`,
        region,
      );
    else rules.push({ ruleId, region, used: false });
  }
  return rules;
}

function nextContentLine(line: number, lineCount: number, contentLines: Set<number>): number | undefined {
  for (let candidate = line + 1; candidate <= lineCount; candidate++) if (contentLines.has(candidate)) return candidate;
  return undefined;
}

function unusedMessage(directive: Directive, ruleId: string): string {
  switch (directive.scope) {
    case 'next-line':
      return directive.targetLine === undefined
        ? `${NEXT_LINE} has no line after it, so it suppresses nothing; remove the comment`
        : `no ${ruleId} finding starts on line ${directive.targetLine} (the next line with content), so ${NEXT_LINE} suppresses nothing for it; remove "${ruleId}", or put the comment just above the finding's line`;
    case 'annotation': {
      const resource = directive.resource!;
      return `${resource.kind} "${resource.name}" has no ${ruleId} finding, so its ${IGNORE_ANNOTATION} annotation suppresses nothing for it; remove "${ruleId}" from the annotation`;
    }
    default:
      return `this file has no ${ruleId} finding, so ${FILE} suppresses nothing for it; remove "${ruleId}" from the comment`;
  }
}

function unusedFinding(directive: Directive, region: Region, message: string): Finding {
  const finding = commentFinding(directive.file, region, message);
  const { resource } = directive;
  return resource ? { ...finding, pointer: `${resource.basePointer}${ANNOTATION_POINTER}`, resourceKey: resourceKey(resource) } : finding;
}

function commentFinding(file: SourceFile, region: Region, message: string): Finding {
  const level: Level = 'warning';
  return { ruleId: UNUSED_SUPPRESSION, level, message, location: { file, region }, pointer: '', resourceKey: '', related: [] };
}

/**
 * Which resource a finding is about. Findings carry their resource's key and
 * are located inside it; two resources of one file may share a key (a
 * duplicate), so the finding belongs to the last of them that starts before it.
 */
class ResourceOwners {
  private readonly byFileAndKey = new Map<SourceFile, Map<string, { resource: Resource; line: number; column: number }[]>>();

  constructor(resources: Resource[]) {
    for (const resource of resources) {
      const keys = this.byFileAndKey.get(resource.file) ?? new Map();
      this.byFileAndKey.set(resource.file, keys);
      const key = resourceKey(resource);
      keys.set(key, [...(keys.get(key) ?? []), { resource, line: 0, column: 0 }]);
    }
  }

  ownerOf(finding: Finding): Resource | undefined {
    if (finding.resourceKey === '') return undefined;
    const candidates = this.byFileAndKey.get(finding.location.file)?.get(finding.resourceKey);
    if (!candidates) return undefined;
    if (candidates.length === 1) return candidates[0]!.resource;
    const { startLine, startColumn } = finding.location.region;
    let owner: Resource | undefined;
    for (const candidate of candidates) {
      if (candidate.line === 0) {
        const start = candidate.resource.locate('');
        candidate.line = start.startLine;
        candidate.column = start.startColumn;
      }
      if (candidate.line < startLine || (candidate.line === startLine && candidate.column <= startColumn)) owner = candidate.resource;
    }
    return owner;
  }
}
