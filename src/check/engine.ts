// Runs rules over the graph and turns their reports into findings: resolves
// pointers to source regions, applies severity settings, orders the result.

import type { Graph } from '../model/graph.js';
import type { Rule } from './rule.js';
import { spanRegion } from '../load/scalar-offsets.js';
import type { Finding, Level, LintSettings, Report, Resource, RuleFailure, RuleMeta, Setting } from '../types.js';

const RANK: Record<Level, number> = { note: 0, warning: 1, error: 2 };

export function runRules(
  rules: Rule[],
  graph: Graph,
  settings: LintSettings,
  levels: Record<string, Setting>,
): { findings: Finding[]; failures: RuleFailure[] } {
  const findings: Finding[] = [];
  const failures: RuleFailure[] = [];
  for (const rule of rules) {
    const setting = levels[rule.id];
    if (setting === 'off') continue;
    const reported: Finding[] = [];
    try {
      rule.check({
        graph,
        settings,
        report: (report) => reported.push(toFinding(rule.id, effectiveLevel(rule.level, report.level, setting), report)),
      });
    } catch (error) {
      failures.push({ ruleId: rule.id, message: error instanceof Error ? error.message : String(error) });
    }
    findings.push(...reported);
  }
  return { findings, failures };
}

/** Findings from reports made outside `runRules` (Spectral's), with the same levels and locations. */
export function findingsFromReports(rule: RuleMeta, reports: Report[], levels: Record<string, Setting>): Finding[] {
  const setting = levels[rule.id];
  if (setting === 'off') return [];
  return reports.map((report) => toFinding(rule.id, effectiveLevel(rule.level, report.level, setting), report));
}

/**
 * A configured level replaces the rule's level; a finding the rule itself made
 * advisory (a cannot-verify note) never rises above what it was.
 */
function effectiveLevel(ruleLevel: Level, reportLevel: Level | undefined, setting: Level | undefined): Level {
  const base = setting ?? ruleLevel;
  if (reportLevel === undefined || reportLevel === ruleLevel) return base;
  return RANK[reportLevel] < RANK[base] ? reportLevel : base;
}

function toFinding(ruleId: string, level: Finding['level'], report: Report): Finding {
  const { resource, pointer } = report;
  return {
    ruleId,
    level,
    message: report.message,
    location: { file: resource.file, region: report.span ? spanRegion(resource, pointer, report.span) : resource.locate(pointer, report.at) },
    pointer: `${resource.basePointer}${pointer}`,
    resourceKey: resourceKey(resource),
    related: (report.related ?? []).map((related) => ({
      location: { file: related.resource.file, region: related.resource.locate(related.pointer) },
      message: related.message,
      resourceKey: resourceKey(related.resource),
    })),
    // Fixes travel with the finding, anchored in the file's document like `pointer` (a List item's base included).
    ...(report.fix
      ? { fix: { ...report.fix, pointer: `${resource.basePointer}${report.fix.pointer}`, documentIndex: resource.documentIndex, documentSource: resource.documentSource } }
      : {}),
  };
}

export function resourceKey(resource: Resource): string {
  return `${resource.kind}/${resource.namespace}/${resource.name}`;
}

/** Levels for findings made before the rules run (yaml-syntax, file-unreadable). */
export function applySettings(findings: Finding[], settings: Record<string, Setting>): Finding[] {
  const result: Finding[] = [];
  for (const finding of findings) {
    const setting = settings[finding.ruleId];
    if (setting === 'off') continue;
    result.push(setting ? { ...finding, level: setting } : finding);
  }
  return result;
}

export function sortFindings(findings: Finding[]): Finding[] {
  return findings.sort(
    (a, b) =>
      compare(a.location.file.displayPath, b.location.file.displayPath) ||
      a.location.region.startLine - b.location.region.startLine ||
      a.location.region.startColumn - b.location.region.startColumn ||
      compare(a.ruleId, b.ruleId) ||
      compare(a.message, b.message),
  );
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Whether a finding is reported and counts for the exit code: not suppressed in source and not already in the
 * baseline. Such findings stay in SARIF (with `suppressions` / `baselineState`) and in JSON, marked.
 */
export function isReported(finding: Finding): boolean {
  return finding.suppressed === undefined && finding.baselineState !== 'unchanged';
}
