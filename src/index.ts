// The library API: what the CLI, the GitHub Action and editors call.
// lint() runs the whole pipeline: discover → read → parse → graph → rules
// (graph rules in TypeScript, declarative rules in one Spectral pass).

import { resolve } from 'node:path';
import { allRules, graphRules, spectralRules } from '../rules/index.js';
import { discover } from './discover.js';
import { type RuleFailure, applySettings, findingsFromReports, runRules, sortFindings } from './engine.js';
import { UsageError } from './errors.js';
import { Graph } from './graph.js';
import { patchFiles } from './kustomize.js';
import { parseFile } from './parse.js';
import { readSources } from './read.js';
import { loadRulesets } from './rulesets.js';
import { type SpectralRule, type UserRule, runSpectral } from './spectral.js';
import type { Finding, LintSettings, Resource, RuleMeta, Setting, SourceFile } from './types.js';

export { UsageError } from './errors.js';
export { allRules } from '../rules/index.js';
export type * from './types.js';
export type { RuleFailure } from './engine.js';

export interface LintOptions {
  /** Files, directories and globs; `-` is standard input. Default: the working directory. */
  paths?: string[];
  cwd?: string;
  /** minimatch patterns, relative to cwd, for files and folders to skip. */
  ignore?: string[];
  /** Text of standard input, when `-` is among the paths. */
  stdinText?: string;
  /** The name standard input goes by in reports. */
  stdinFilename?: string;
  /** Namespace of resources without metadata.namespace (default `default`). */
  namespace?: string;
  /** Label naming the source cluster on federated series (default `cluster`). */
  clusterLabel?: string;
  /** Rule id → level or `off`. */
  rules?: Record<string, Setting>;
  /** Level of `${VAR}` substitutions found by placeholder-value (default note). */
  substitutionLevel?: Setting;
  /** Spectral ruleset files (YAML/JSON) whose rules run beside fedlint's own. */
  rulesets?: string[];
  /** Files larger than this many bytes are reported, not read (default 10 MB). */
  maxFileSize?: number;
}

type SourceOptions = Pick<LintOptions, 'namespace' | 'clusterLabel' | 'rules' | 'substitutionLevel'>;

export interface LintResult {
  findings: Finding[];
  /** Rules that crashed (a fedlint bug): their findings may be incomplete. */
  failures: RuleFailure[];
  files: SourceFile[];
  resourceCount: number;
  rules: RuleMeta[];
}

export const DEFAULT_STDIN_FILENAME = '<stdin>';

export async function lint(options: LintOptions = {}): Promise<LintResult> {
  const cwd = options.cwd ?? process.cwd();
  const userRules = await loadRulesets(options.rulesets ?? [], cwd, new Set(allRules.map((rule) => rule.id)));
  const levels = checkRuleSettings(options.rules ?? {}, userRules);
  const discovered = await discover(options.paths ?? [], cwd, options.ignore ?? []);
  const stdin =
    options.stdinText !== undefined ? { text: options.stdinText, filename: options.stdinFilename ?? DEFAULT_STDIN_FILENAME } : undefined;
  const read = readSources(discovered.files, discovered.unreadable, cwd, stdin, options.maxFileSize);
  return lintWith(read.sources, options, read.findings, levels, userRules);
}

/** Lints files already in memory (editors, tests). */
export function lintSources(sources: SourceFile[], options: SourceOptions = {}): Promise<LintResult> {
  return lintWith(sources, options, [], checkRuleSettings(options.rules ?? {}, []), []);
}

async function lintWith(
  sources: SourceFile[],
  options: SourceOptions,
  readFindings: Finding[],
  levels: Record<string, Setting>,
  userRules: UserRule[],
): Promise<LintResult> {
  const settings: LintSettings = {
    clusterLabel: options.clusterLabel ?? 'cluster',
    defaultNamespace: options.namespace ?? 'default',
    substitutionLevel: options.substitutionLevel ?? 'note',
  };
  const resources: Resource[] = [];
  const findings: Finding[] = [...readFindings];
  for (const source of sources) {
    const parsed = parseFile(source, settings.defaultNamespace);
    resources.push(...parsed.resources);
    findings.push(...parsed.findings);
  }
  const patches = patchFiles(resources);
  const graph = new Graph(patches.size === 0 ? resources : resources.filter((resource) => !patches.has(resolve(resource.file.path))));
  const ruled = runRules(graphRules, graph, settings, levels);
  const declarative = await runDeclarative(graph.resources, levels, userRules);
  const all = [...applySettings(findings, levels), ...ruled.findings, ...declarative.findings];
  return {
    findings: sortFindings(all),
    failures: [...ruled.failures, ...declarative.failures],
    files: sources,
    resourceCount: graph.resources.length,
    rules: [...allRules, ...userRules],
  };
}

/** fedlint's Spectral rules and the users' rulesets, in one Spectral pass. */
async function runDeclarative(
  resources: Resource[],
  levels: Record<string, Setting>,
  userRules: UserRule[],
): Promise<{ findings: Finding[]; failures: RuleFailure[] }> {
  const rules = spectralRules.filter((rule) => levels[rule.id] !== 'off');
  const users = userRules.filter((rule) => levels[rule.id] !== 'off');
  // Users' rules may look at anything; fedlint's own say what they look at, which spares Spectral when nothing is there.
  const input = users.length > 0 ? resources : resources.filter((resource) => rules.some((rule) => rule.appliesTo(resource)));
  try {
    const reports = await runSpectral(input, rules, users);
    const byRule = new Map<string, SpectralRule | UserRule>([...rules, ...users].map((rule) => [rule.id, rule]));
    const findings = [...byRule.values()].flatMap((rule) =>
      findingsFromReports(
        rule,
        reports.filter((entry) => entry.ruleId === rule.id).map((entry) => entry.report),
        levels,
      ),
    );
    return { findings, failures: [] };
  } catch (error) {
    return { findings: [], failures: [{ ruleId: 'spectral', message: error instanceof Error ? error.message : String(error) }] };
  }
}

const LEVELS = new Set(['off', 'note', 'warning', 'error']);

function checkRuleSettings(settings: Record<string, string>, userRules: RuleMeta[]): Record<string, Setting> {
  const known = new Set([...allRules, ...userRules].map((rule) => rule.id));
  for (const [id, level] of Object.entries(settings)) {
    if (!known.has(id)) throw new UsageError(`unknown rule "${id}"; run "fedlint rules" to list the rule ids`);
    if (!LEVELS.has(level)) throw new UsageError(`invalid level "${level}" for rule "${id}"; use off, note, warning or error`);
  }
  return settings as Record<string, Setting>;
}
