// The GitHub Action (action.yml), run by the runner as the bundle action/index.cjs (scripts/build-action.ts).
// Inputs come from the environment only (INPUT_<NAME>, as the runner sets them), never through a shell, so no input
// value is ever run as a command. It lints the workspace with lint(), writes the SARIF file (inside the workspace,
// never through a symlink the pull request commits), annotates the files of the pull request, writes the job summary
// and the step outputs, and exits 0 (passed), 1 (findings at or above fail-on) or 2 (a usage or configuration error,
// or a crashed rule, with one ::error:: line).

import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { appendFileSync, mkdirSync, readFileSync, realpathSync } from 'node:fs';
import Module from 'node:module';
import { basename, dirname, join, relative, resolve, sep } from 'node:path';
import { promisify } from 'node:util';
import * as ucs2length from 'ajv/dist/runtime/ucs2length.js';
import * as re2js from 're2js';
import { UsageError } from '../errors.js';
import { type LintResult, lint } from '../index.js';
import { formatJobSummary } from '../report/job-summary.js';
import { escapeData, formatGithub } from '../report/github.js';
import { formatSarif } from '../report/sarif.js';
import { formatStylish } from '../report/stylish.js';
import { isReported } from '../check/engine.js';
import { countLevels, plural } from '../report/summary.js';
import { describeWriteError, isWithin, landingPath, writeFileAtomic } from '../safe-write.js';
import type { Finding, Level } from '../types.js';

type Env = NodeJS.ProcessEnv;

const FAIL_ON = ['error', 'warning', 'never'] as const;
type FailOn = (typeof FAIL_ON)[number];

interface ActionInputs {
  paths: string[];
  config?: string;
  failOn: FailOn;
  sarifFile: string;
  annotations: boolean;
}

/** An input as the runner passes it: `INPUT_` + the name upper-cased, spaces as underscores (dashes stay). */
function input(env: Env, name: string): string {
  return (env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] ?? '').trim();
}

function readInputs(env: Env): ActionInputs {
  const paths = input(env, 'paths').split(/\s+/).filter(Boolean);
  if (paths.includes('-')) throw new UsageError('input paths: "-" (standard input) means nothing in the Action; name files, folders or globs');
  const failOn = input(env, 'fail-on') || 'error';
  if (!(FAIL_ON as readonly string[]).includes(failOn)) throw new UsageError(`input fail-on is "${failOn}"; use error, warning or never`);
  const annotations = input(env, 'annotations').toLowerCase() || 'true';
  if (annotations !== 'true' && annotations !== 'false') throw new UsageError(`input annotations is "${annotations}"; use true or false`);
  return {
    // Empty (`paths: ''`): what lint() lints without paths, the config file's include, else the workspace.
    paths,
    config: input(env, 'config') || undefined,
    failOn: failOn as FailOn,
    sarifFile: input(env, 'sarif-file') || 'fedlint.sarif',
    annotations: annotations === 'true',
  };
}

async function run(env: Env): Promise<number> {
  const workspace = resolve(env.GITHUB_WORKSPACE || process.cwd());
  const inputs = readInputs(env);
  provideValidatorRuntime();
  // No config input: lint() looks for .fedlint.yaml in the workspace (or its git root), as the CLI does.
  // A pull request decides what the workspace holds, links included: nothing outside it is read (src/load/boundary.ts).
  const result = await lint({ paths: inputs.paths, cwd: workspace, config: inputs.config, confine: true });

  log(formatStylish(result, { color: false }), 'fedlint report');
  const sarifPath = resolve(workspace, inputs.sarifFile);
  writeSarif(workspace, sarifPath, inputs.sarifFile, formatSarif(result, { cwd: workspace }));

  // Suppressed findings and those already in the baseline stay in SARIF only: they neither annotate nor count.
  const reported = result.findings.filter(isReported);
  const counts = countLevels(reported);
  const failing = failingFindings(reported, inputs.failOn);
  const remarks = [verdict(inputs.failOn, failing.length, result)];
  if (inputs.annotations) {
    const scope = await pullRequestFiles(env, workspace);
    const annotated = scope.files ? reported.filter((finding) => scope.files!.has(finding.location.file.displayPath)) : reported;
    process.stdout.write(`fedlint: annotating ${scope.reason}\n`);
    process.stdout.write(formatGithub({ ...result, findings: annotated }));
    remarks.push(`Annotations: ${annotated.length} of ${plural(reported.length, 'finding')}, in ${scope.reason}.`);
  }
  if (result.config) remarks.push(`Configuration: ${relative(workspace, result.config).split(sep).join('/')}.`);
  for (const notice of result.notices ?? []) {
    workflowCommand('warning', notice);
    remarks.push(`fedlint ${notice}.`);
  }
  if (env.GITHUB_STEP_SUMMARY) appendFileSync(env.GITHUB_STEP_SUMMARY, formatJobSummary(result, { remarks }));
  if (env.GITHUB_OUTPUT)
    appendFileSync(env.GITHUB_OUTPUT, setOutputs({ 'sarif-file': sarifPath, errors: String(counts.error), warnings: String(counts.warning) }));

  // A crashed rule is fedlint's bug, not the user's: say so, and do not pass the check on incomplete results.
  for (const failure of result.failures)
    workflowError(`internal error in rule ${failure.ruleId}: ${failure.message.split('\n')[0]}; the other rules ran, please report it`);
  if (result.failures.length > 0) return 2;
  return failing.length > 0 ? 1 : 0;
}

/**
 * A SARIF file in the workspace, where a pull request's files are, must stay there: a symlink the pull request
 * commits at that name, or as one of the folders on the way, must not make the Action write elsewhere on the runner.
 * So its real folder must be inside the workspace (missing folders are made there), and the file is written without
 * following a link. A path outside the workspace by name (`${{ runner.temp }}/fedlint.sarif`) is the workflow's own
 * choice, which a pull request cannot make for a workflow that runs from the base branch (pull_request_target).
 */
function writeSarif(workspace: string, sarifPath: string, name: string, text: string): void {
  const cannot = `input sarif-file: cannot write ${name}`;
  const folder = landingPath(dirname(sarifPath));
  if (isWithin(workspace, sarifPath) && !isWithin(realpathSync(workspace), folder))
    throw new UsageError(`${cannot}: a symlink in the workspace leads its folder to ${folder}, outside the workspace; name another file`);
  try {
    mkdirSync(folder, { recursive: true });
    writeFileAtomic(join(folder, basename(sarifPath)), text);
  } catch (error) {
    throw new UsageError(`${cannot}: ${describeWriteError(error)}`);
  }
}

const RANK: Record<Level, number> = { note: 0, warning: 1, error: 2 };

function failingFindings(findings: Finding[], failOn: FailOn): Finding[] {
  if (failOn === 'never') return [];
  return findings.filter((finding) => RANK[finding.level] >= RANK[failOn]);
}

function verdict(failOn: FailOn, failing: number, result: LintResult): string {
  if (result.failures.length > 0) return 'The check fails: a rule crashed, so the results are incomplete.';
  if (failOn === 'never') return 'The check passes whatever it finds (fail-on: never).';
  const what = failOn === 'error' ? 'errors' : 'errors or warnings';
  return failing > 0 ? `The check fails: ${plural(failing, 'finding')} at or above fail-on: ${failOn}.` : `The check passes: no ${what} (fail-on: ${failOn}).`;
}

interface AnnotationScope {
  /** Paths relative to the workspace, as findings show them; undefined: annotate every file. */
  files?: Set<string>;
  /** Why these files, for the log and the job summary. */
  reason: string;
}

const PULL_REQUEST_EVENTS = new Set(['pull_request', 'pull_request_target']);
const SHA = /^[0-9a-f]{40}([0-9a-f]{24})?$/;
const execFileAsync = promisify(execFile);

/**
 * On a pull request, the files it changes (`git diff base...head`, the shas from the event payload), so that
 * annotations land where the author is looking; every file when this is no pull request or git cannot tell.
 */
async function pullRequestFiles(env: Env, workspace: string): Promise<AnnotationScope> {
  if (!PULL_REQUEST_EVENTS.has(env.GITHUB_EVENT_NAME ?? '') || !env.GITHUB_EVENT_PATH) return { reason: 'every file (not a pull request)' };
  let base: unknown;
  let head: unknown;
  try {
    const event = JSON.parse(readFileSync(env.GITHUB_EVENT_PATH, 'utf8')) as { pull_request?: { base?: { sha?: unknown }; head?: { sha?: unknown } } };
    base = event.pull_request?.base?.sha;
    head = event.pull_request?.head?.sha;
  } catch (error) {
    return { reason: `every file: cannot read the event payload (${(error as Error).message.split('\n')[0]})` };
  }
  // Checked as hex shas so that nothing from the payload can reach git as an option.
  if (typeof base !== 'string' || typeof head !== 'string' || !SHA.test(base) || !SHA.test(head))
    return { reason: 'every file: the event payload has no pull_request.base.sha and head.sha' };
  try {
    const git = (args: string[]) => execFileAsync('git', args, { cwd: workspace, maxBuffer: 64 * 1024 * 1024 });
    const { stdout: top } = await git(['rev-parse', '--show-toplevel']);
    const { stdout: names } = await git(['diff', '--no-ext-diff', '--name-only', '-z', `${base}...${head}`, '--']);
    const root = top.trim();
    const realWorkspace = realpathSync(workspace);
    const files = new Set(
      names
        .split('\0')
        .filter(Boolean)
        .map((name) => relative(realWorkspace, join(root, name)).split(sep).join('/')),
    );
    return { files, reason: `the ${plural(files.size, 'file')} the pull request changes` };
  } catch (error) {
    const detail = ((error as { stderr?: string }).stderr || (error as Error).message).trim().split('\n')[0];
    return {
      reason: `every file: git cannot list the files the pull request changes (${detail}); check out with fetch-depth: 0 to annotate only those`,
    };
  }
}

/** `name<<delimiter` blocks for $GITHUB_OUTPUT: safe for any value, multiline included. */
function setOutputs(outputs: Record<string, string>): string {
  return Object.entries(outputs)
    .map(([name, value]) => {
      let delimiter = `ghadelimiter_${randomUUID()}`;
      while (value.includes(delimiter)) delimiter = `ghadelimiter_${randomUUID()}`;
      return `${name}<<${delimiter}\n${value}\n${delimiter}\n`;
    })
    .join('');
}

/**
 * Text from the linted files printed to the log, between stop-commands markers so that no line of it (a file named
 * `::warning::x.yaml`, a YAML error quoting the file) is taken for a workflow command; folded in a group.
 */
function log(text: string, title: string): void {
  const token = randomUUID();
  process.stdout.write(`::group::${title}\n::stop-commands::${token}\n${text}::${token}::\n::endgroup::\n`);
}

function workflowError(message: string): void {
  workflowCommand('error', message);
}

function workflowCommand(level: 'error' | 'warning', message: string): void {
  process.stdout.write(`::${level}::${escapeData(`fedlint: ${message}`)}\n`);
}

/**
 * schemas/validators/*.cjs (ajv standalone code, loaded at run time by src/check/schema-check.ts) require ajv's runtime
 * helpers, and their regex engine (schemas/re2-pattern.cjs) re2js, by package name, and a checked-out action has no
 * node_modules: hand them the copies bundled here.
 * Module._load is Node's internal require entry, but Node 20 has no public hook for require() (module.registerHooks
 * arrived in Node 22.15); only these names are answered, every other require goes through untouched.
 */
function provideValidatorRuntime(): void {
  const runtime = new Map<string, unknown>([
    ['ajv/dist/runtime/ucs2length', commonJsExports(ucs2length)],
    // schemas/re2-pattern.cjs, the validators' regex engine.
    ['re2js', re2js],
  ]);
  const loader = Module as unknown as { _load: (request: string, ...rest: unknown[]) => unknown };
  const load = loader._load;
  loader._load = function (this: unknown, request: string, ...rest: unknown[]) {
    return runtime.get(request) ?? load.call(this, request, ...rest);
  };
}

/** A CommonJS module imported as a namespace is wrapped (`default` is its module.exports): unwrap it. */
function commonJsExports(namespace: { default?: unknown }): unknown {
  const exports = namespace.default as { default?: unknown } | undefined;
  return typeof exports === 'object' && exports !== null && 'default' in exports ? exports : namespace;
}

run(process.env).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    const message = error instanceof UsageError ? error.message : `internal error: ${(error as Error)?.message ?? String(error)}; please report it`;
    workflowError(message.split('\n')[0]!);
    process.exitCode = 2;
  },
);
