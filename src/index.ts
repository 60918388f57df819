// The library API: what the CLI, the GitHub Action and editors call.
// lint() runs the whole pipeline: discover → read → parse → graph → rules
// (graph rules in TypeScript, declarative rules in one Spectral pass).

import { resolve } from 'node:path';
import { allRules, graphRules, spectralRules } from '../rules/index.js';
import { applyBaseline, readBaseline } from './check/baseline.js';
import { type Config, checkConfigRules, isExcludedByConfig, loadConfig, mergeOptions } from './check/config.js';
import { contextFiles, mayMatterAsContext } from './load/context.js';
import { type Discovered, discover, relativePath } from './load/discover.js';
import { applySettings, findingsFromReports, runRules, sortFindings } from './check/engine.js';
import { UsageError } from './errors.js';
import { Graph, useFederationDetection } from './model/graph.js';
import { patchFiles } from './load/kustomize.js';
import { parseSources } from './load/parse-pool.js';
import { READ_KINDS } from './load/read-kinds.js';
import { readSources } from './load/read.js';
import { type UserRule, loadRulesets } from './check/rulesets.js';
import { type SpectralRule, runSpectral } from './check/spectral.js';
import { runUserRules } from './check/user-rules.js';
import { UNUSED_SUPPRESSION, applySuppressions } from './check/suppressions.js';
import type { FederationDetection, Finding, LintOptions, LintResult, LintSettings, Resource, RuleFailure, RuleMeta, Setting, SourceFile } from './types.js';

export { UsageError } from './errors.js';
export { allRules } from '../rules/index.js';
export type * from './types.js';

type SourceOptions = Pick<LintOptions, 'namespace' | 'clusterLabel' | 'rules' | 'substitutionLevel' | 'federation' | 'workers'>;

export const DEFAULT_STDIN_FILENAME = '<stdin>';

export async function lint(givenOptions: LintOptions = {}): Promise<LintResult> {
  const cwd = givenOptions.cwd ?? process.cwd();
  const config = await loadConfig(cwd, givenOptions.config, { confine: givenOptions.confine });
  const options = mergeOptions(givenOptions, config, cwd);
  const userRules = await loadRulesets(options.rulesets ?? [], cwd, new Set(allRules.map((rule) => rule.id)));
  checkConfigRules(config, [...allRules, ...userRules].map((rule) => rule.id));
  const levels = checkRuleSettings(options.rules ?? {}, userRules);
  const baseline = options.baseline !== undefined ? readBaseline(options.baseline, cwd) : undefined;
  // Paths from the config file (or the default, the working directory) were not chosen on the command line.
  const confined = options.confine === true || (givenOptions.paths ?? []).length === 0;
  const found = await discover(options.paths ?? [], cwd, options.ignore ?? [], { confined });
  const discovered = config ? { ...found, files: found.files.filter((file) => !isExcludedByConfig(config, file)) } : found;
  const stdin =
    options.stdinText !== undefined ? { text: options.stdinText, filename: options.stdinFilename ?? DEFAULT_STDIN_FILENAME } : undefined;
  const read = readSources(discovered.files, discovered.unreadable, cwd, stdin, options.maxFileSize);
  const inContextMode = options.context === true && discovered.explicitFilesOnly && read.sources.length > 0;
  const context = inContextMode
    ? await readContext(options, cwd, [...discovered.files, ...discovered.unreadable.map((entry) => entry.path)], config)
    : { sources: [], skipped: [] };
  const result = await lintWith(read.sources, options, read.findings, levels, userRules, context.sources);
  if (baseline) result.findings = applyBaseline(result.findings, baseline);
  // The Action's paths are not a person's choice: there, naming a file does not make it readable.
  const hint = options.confine ? '' : '; name it on the command line to lint it';
  const notices = [...discovered.skipped, ...context.skipped].map(({ path, reason }) => `not read: ${relativePath(cwd, path)}: ${reason}${hint}`);
  return { ...result, ...(notices.length > 0 ? { notices } : {}), ...(config ? { config: config.file } : {}) };
}

/** Context mode's other files, read; only those whose text can hold an object that matters to the given files. */
async function readContext(
  options: LintOptions,
  cwd: string,
  given: string[],
  config?: Config,
): Promise<{ sources: SourceFile[]; skipped: Discovered['skipped'] }> {
  const found = await contextFiles({ cwd, ignore: options.ignore ?? [], include: options.contextPaths, given });
  const files = config ? found.files.filter((file) => !isExcludedByConfig(config, file)) : found.files;
  // A context file that cannot be read is not this lint's business: nothing is reported in context files.
  return { sources: readSources(files, [], cwd, undefined, options.maxFileSize).sources.filter(mayMatterAsContext), skipped: found.skipped };
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
  context: SourceFile[] = [],
): Promise<LintResult> {
  const federation: FederationDetection = { paths: options.federation?.paths ?? [], matchParams: options.federation?.matchParams ?? true };
  const settings: LintSettings = {
    clusterLabel: options.clusterLabel ?? 'cluster',
    defaultNamespace: options.namespace ?? 'default',
    substitutionLevel: options.substitutionLevel ?? 'note',
    federation,
  };
  // Users' rules may read anything, so bodies are kept whole for them; fedlint's own read only READ_KINDS.
  const skim = !userRules.some((rule) => levels[rule.id] !== 'off');
  const parsed = await parseSources(context.length === 0 ? sources : [...sources, ...context], {
    defaultNamespace: settings.defaultNamespace,
    ...(skim ? { readKinds: READ_KINDS } : {}),
    ...(options.workers !== undefined ? { workers: options.workers } : {}),
  });
  const resources = parsed.resources;
  const findings: Finding[] = [...readFindings, ...parsed.findings];
  useFederationDetection(resources, federation);
  const patches = patchFiles(resources);
  const graph = new Graph(patches.size === 0 ? resources : resources.filter((resource) => !patches.has(resolve(resource.file.path))));
  // Context files only lend the other side of an edge: what is located in them is not reported (related locations are).
  const inContext = new Set(context);
  const reported = context.length === 0 ? graph.resources : graph.resources.filter((resource) => !inContext.has(resource.file));
  const ruled =
    context.length === 0
      ? runRules(graphRules, graph, settings, levels)
      : mergeRuns(
          runRules(graphRules.filter((rule) => !rule.perResource), graph, settings, levels),
          runRules(graphRules.filter((rule) => rule.perResource), new Graph(reported), settings, levels),
        );
  // Spectral rules look at one resource at a time, so context resources could only yield findings that are dropped.
  const declarative = await runDeclarative(reported, levels, userRules);
  const all = applySuppressions([...applySettings(findings, levels), ...ruled.findings, ...declarative.findings], {
    sources,
    resources: reported,
    ruleIds: new Set([...allRules, ...userRules].map((rule) => rule.id).filter((id) => id !== UNUSED_SUPPRESSION)),
    levels,
  });
  return {
    findings: sortFindings(context.length === 0 ? all : all.filter((finding) => !inContext.has(finding.location.file))),
    failures: [...parsed.failures, ...ruled.failures, ...declarative.failures],
    files: sources,
    resourceCount: reported.length,
    rules: [...allRules, ...userRules],
  };
}

function mergeRuns(...runs: { findings: Finding[]; failures: RuleFailure[] }[]): { findings: Finding[]; failures: RuleFailure[] } {
  return { findings: runs.flatMap((run) => run.findings), failures: runs.flatMap((run) => run.failures) };
}

/** fedlint's Spectral rules, in one Spectral pass, and the users' rulesets. */
async function runDeclarative(
  resources: Resource[],
  levels: Record<string, Setting>,
  userRules: UserRule[],
): Promise<{ findings: Finding[]; failures: RuleFailure[] }> {
  const rules = spectralRules.filter((rule) => levels[rule.id] !== 'off');
  const users = userRules.filter((rule) => levels[rule.id] !== 'off');
  const failures: RuleFailure[] = [];
  const guarded = async <T>(ruleId: string, run: () => T | Promise<T>, fallback: T): Promise<T> => {
    try {
      return await run();
    } catch (error) {
      // A user's rule that ran out of its time budget is the ruleset's problem, a configuration error.
      if (error instanceof UsageError) throw error;
      failures.push({ ruleId, message: error instanceof Error ? error.message : String(error) });
      return fallback;
    }
  };
  // fedlint's own rules say what they look at, which spares Spectral when nothing is there.
  const spectralInput = resources.filter((resource) => rules.some((rule) => rule.appliesTo(resource)));
  const reports = [
    ...(await guarded('spectral', () => runSpectral(spectralInput, rules), [])),
    // A user's rule that throws (a core function meeting a shape it does not expect) is that rule's failure alone.
    ...(await Promise.all(users.map((rule) => guarded(rule.id, () => runUserRules(resources, [rule]), [])))).flat(),
  ];
  const byRule = new Map<string, SpectralRule | UserRule>([...rules, ...users].map((rule) => [rule.id, rule]));
  const findings = [...byRule.values()].flatMap((rule) =>
    findingsFromReports(
      rule,
      reports.filter((entry) => entry.ruleId === rule.id).map((entry) => entry.report),
      levels,
    ),
  );
  return { findings, failures };
}

const LEVELS = new Set(['off', 'note', 'warning', 'error']);

function checkRuleSettings(settings: Record<string, string>, userRules: RuleMeta[]): Record<string, Setting> {
  const known = new Set([...allRules, ...userRules].map((rule) => rule.id));
  for (const [id, level] of Object.entries(settings)) {
    if (!known.has(id)) throw new UsageError(`unknown rule "${id}"; run "fedlint rules" to list the rule ids`);
    if (!LEVELS.has(level)) throw new UsageError(`invalid level "${level}" for rule "${id}"; use off, note, warning or error`);
  }
  // Looked up by rule id, and a user's rule may be named `toString`: no inherited member may pass for a setting.
  return Object.assign(Object.create(null) as Record<string, Setting>, settings);
}
