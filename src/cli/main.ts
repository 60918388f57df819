#!/usr/bin/env node
// argv → options → lint() → reporter → exit code. The only module that talks
// to the terminal: 0 no error-level finding, 1 error-level findings, 2 usage
// or configuration error (one line on stderr, never a stack trace).

import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { UsageError } from '../errors.js';
import { fixFindings, fixInPlace, unifiedDiff } from '../check/fix.js';
import { type LintOptions, type LintResult, allRules, lint } from '../index.js';
import { TOOL_VERSION } from '../meta.js';
import { formatGithub } from '../report/github.js';
import { formatJson } from '../report/json.js';
import { formatSarif } from '../report/sarif.js';
import { formatStylish, useColor } from '../report/stylish.js';
import { isReported } from '../check/engine.js';
import { plural } from '../report/summary.js';
import { escapeControls } from '../report/terminal-text.js';
import { describeWriteError, writeFileAtomic } from '../safe-write.js';
import type { Setting } from '../types.js';

const FORMATS = ['stylish', 'sarif', 'json', 'github'] as const;
type Format = (typeof FORMATS)[number];

const HELP = `Usage: fedlint [options] [path|glob|-]...
       fedlint rules

Checks Kubernetes YAML that wires Prometheus federation across clusters
(Service, Endpoints, EndpointSlice, ServiceMonitor, …) and reports what is wrong.
Paths default to the working directory; directories are searched for *.yaml and
*.yml (node_modules and .git are skipped); "-" reads standard input.

Options:
  -f, --format FORMAT        stylish (default), sarif, json or github
  -o, --output FILE          write the report to FILE instead of standard output
      --ignore GLOB          skip files and folders matching GLOB (repeatable)
      --stdin-filename NAME  the name standard input has in reports
      --namespace NAME       namespace of resources without one (default: default)
      --cluster-label NAME   label that names the source cluster (default: cluster)
      --rule ID=LEVEL        set a rule to off, note, warning or error (repeatable)
      --ruleset FILE         also run the Spectral rules of FILE (YAML/JSON; repeatable)
      --config FILE          use FILE as the config (default: .fedlint.yaml or .fedlint.yml
                             in the working directory, else at the git root)
      --no-config            use no config file
      --max-file-size SIZE   do not read files larger than SIZE (default 10MB)
      --concurrency N        threads that parse YAML: a number (at most one per core),
                             auto (default: one per core for inputs over 4 MB) or off
      --substitution-level L level of \${VAR} substitutions placeholder-value finds:
                             off, note (default), warning or error
      --no-context           when given files only, lint just them: do not load the
                             rest of the repository for cross-file checks
      --fix                  apply the fixes of fixable findings to the files in
                             place, then report what is left
      --fix-dry-run          print those fixes as a unified diff instead of the
                             report; change no file
      --baseline FILE        report only findings that are not in FILE, a SARIF
                             baseline written by --write-baseline
      --write-baseline FILE  write every finding to FILE as the baseline and exit 0
  -v, --version              print the version
  -h, --help                 print this help

Exit status: 0 no error-level finding, 1 error-level findings, 2 usage error.
Commands:
  rules                      list every rule with its level and summary
                             (lint a folder named "rules" as ./rules)`;

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommandLine(argv);
  if (values.help) return print(`${HELP}\n`);
  if (values.version) return print(`${TOOL_VERSION}\n`);
  if (positionals[0] === 'rules' && positionals.length === 1) return print(formatRuleList());

  for (const option of NON_EMPTY)
    if (values[option] !== undefined && values[option]!.trim() === '') throw new UsageError(`--${option} needs a non-empty value`);
  if (values.config !== undefined && values['no-config']) throw new UsageError('--config and --no-config contradict each other; give one');
  const format = (values.format ?? 'stylish') as Format;
  if (!FORMATS.includes(format)) throw new UsageError(`unknown format "${format}"; use one of ${FORMATS.join(', ')}`);
  const paths = positionals;
  const readsStdin = paths.includes('-');
  if (values.fix && values['fix-dry-run']) throw new UsageError('--fix and --fix-dry-run exclude each other; --fix-dry-run prints what --fix would change');
  if (values.fix && readsStdin)
    throw new UsageError('--fix edits files in place and standard input is not a file; use --fix-dry-run to print the fixes as a diff');
  const cwd = process.cwd();
  const lintOptions: LintOptions = {
    paths,
    cwd,
    ignore: values.ignore ?? [],
    stdinText: readsStdin ? await readStdin() : undefined,
    stdinFilename: values['stdin-filename'],
    namespace: values.namespace,
    clusterLabel: values['cluster-label'],
    rules: parseRuleSettings(values.rule ?? []),
    rulesets: values.ruleset ?? [],
    substitutionLevel: parseSubstitutionLevel(values['substitution-level']),
    maxFileSize: parseSize(values['max-file-size']),
    workers: parseConcurrency(values.concurrency),
    config: values['no-config'] ? false : values.config,
    context: values['no-context'] !== true,
    baseline: values.baseline,
  };
  const baselineTo = values['write-baseline'];
  if (baselineTo !== undefined) checkWriteBaseline(values);
  let result = await lint(lintOptions);
  // --fix writes the files and lints them again, so the report shows what is left; --fix-dry-run prints a diff instead.
  let diff: string | undefined;
  if (values['fix-dry-run']) diff = fixFindings(result.findings).map(unifiedDiff).join('');
  else if (values.fix) result = await fix(result, () => lint(lintOptions), cwd);
  if (baselineTo !== undefined) return writeBaselineFile(result, baselineTo, cwd);

  const color = useColor({ toFile: values.output !== undefined, isTTY: process.stdout.isTTY === true, env: process.env });
  const report = render(format, result, { cwd, color });
  if (values.output) writeOutputFile(resolve(cwd, values.output), report, values.output);
  else if (diff === undefined) process.stdout.write(report);
  if (diff !== undefined) process.stdout.write(diff);
  for (const notice of result.notices ?? []) say(notice);
  // A crashed rule is fedlint's bug, not the user's: say so, and do not pass the check on incomplete results.
  for (const failure of result.failures)
    say(`internal error in rule ${failure.ruleId}: ${failure.message.split('\n')[0]}; the other rules ran, please report it`);
  if (result.failures.length > 0) return 2;
  return result.findings.some((finding) => finding.level === 'error' && isReported(finding)) ? 1 : 0;
}

/** --write-baseline replaces the report: options that shape a report, or compare with a baseline, make no sense with it. */
function checkWriteBaseline(values: Record<string, unknown>): void {
  const clashing = ['baseline', 'format', 'output', 'fix-dry-run'].filter((option) => values[option] !== undefined);
  if (clashing.length > 0)
    throw new UsageError(`--write-baseline writes a SARIF baseline instead of a report; drop ${clashing.map((option) => `--${option}`).join(' and ')}`);
}

/** The baseline holds every finding, suppressed ones too, so the exit status is 0 unless a rule crashed. */
function writeBaselineFile(result: LintResult, path: string, cwd: string): number {
  writeOutputFile(resolve(cwd, path), formatSarif(result, { cwd }), `baseline ${path}`);
  process.stdout.write(`wrote ${plural(result.findings.length, 'finding')} to the baseline ${path}; lint with --baseline ${path} to report only new ones\n`);
  for (const failure of result.failures)
    say(`internal error in rule ${failure.ruleId}: ${failure.message.split('\n')[0]}; the other rules ran, please report it`);
  return result.failures.length > 0 ? 2 : 0;
}

/**
 * --output and --write-baseline: written whole or not at all (safe-write.ts), never through a symlink at that name.
 * The folders of a path typed on the command line are the user's choice, symlinks or not.
 */
/**
 * The streams a person names to mean "not a file", which a rename would replace with one: written to the process's
 * own streams (`/dev/stdout` may be a socket, which cannot be opened by name) or dropped.
 */
const STREAMS: Record<string, ((text: string) => void) | undefined> = {
  '/dev/null': () => undefined,
  '/dev/stdout': (text) => process.stdout.write(text),
  '/dev/stderr': (text) => process.stderr.write(text),
};

function writeOutputFile(path: string, text: string, name: string): void {
  try {
    const stream = Object.hasOwn(STREAMS, path) ? STREAMS[path] : undefined;
    if (stream) stream(text);
    else writeFileAtomic(path, text);
  } catch (error) {
    throw new UsageError(`cannot write ${name}: ${describeWriteError(error)}`);
  }
}

function parseCommandLine(argv: string[]) {
  try {
    return parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: {
        format: { type: 'string', short: 'f' },
        output: { type: 'string', short: 'o' },
        ignore: { type: 'string', multiple: true },
        'stdin-filename': { type: 'string' },
        namespace: { type: 'string' },
        'cluster-label': { type: 'string' },
        rule: { type: 'string', multiple: true },
        ruleset: { type: 'string', multiple: true },
        'substitution-level': { type: 'string' },
        'max-file-size': { type: 'string' },
        concurrency: { type: 'string' },
        baseline: { type: 'string' },
        'write-baseline': { type: 'string' },
        // Node 20's parseArgs has no negated booleans: `--no-context` is an option of its own.
        'no-context': { type: 'boolean' },
        fix: { type: 'boolean' },
        'fix-dry-run': { type: 'boolean' },
        config: { type: 'string' },
        'no-config': { type: 'boolean' },
        version: { type: 'boolean', short: 'v' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (error) {
    // Node's messages are already one line ("Unknown option '--x'…"); add where to look.
    throw new UsageError(`${(error as Error).message.replace(/\.$/, '')}; see fedlint --help`);
  }
}

/** Options whose empty value would silently produce nonsense (`namespace ""`). */
const NON_EMPTY = ['format', 'output', 'stdin-filename', 'namespace', 'cluster-label', 'substitution-level', 'config', 'baseline', 'write-baseline'] as const;

/** `10MB`, `512k`, `2000000`: a size in bytes, KB or MB. */
function parseSize(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const match = /^\s*(\d+(?:\.\d+)?)\s*(b|k|kb|m|mb)?\s*$/i.exec(value);
  if (!match) throw new UsageError(`--max-file-size takes a size such as 10MB, 512KB or 2000000 (bytes), not "${value}"`);
  const unit = (match[2] ?? 'b').toLowerCase();
  return Math.round(Number(match[1]) * (unit.startsWith('m') ? 1024 * 1024 : unit.startsWith('k') ? 1024 : 1));
}

/** `--concurrency`, named and spelled as ESLint's: a thread count, `auto` or `off`. */
function parseConcurrency(value: string | undefined): number | undefined {
  if (value === undefined || value === 'auto') return undefined;
  if (value === 'off') return 0;
  if (!/^[1-9]\d{0,2}$/.test(value)) throw new UsageError(`--concurrency takes a number of threads (1-999), auto or off, not "${value}"`);
  return Number(value);
}

function parseSubstitutionLevel(value: string | undefined): Setting | undefined {
  if (value === undefined) return undefined;
  if (!['off', 'note', 'warning', 'error'].includes(value)) throw new UsageError(`--substitution-level takes off, note, warning or error, not "${value}"`);
  return value as Setting;
}

function parseRuleSettings(entries: string[]): Record<string, Setting> {
  // No prototype: `--rule __proto__=off` names a user's rule, not the object's prototype.
  const settings: Record<string, Setting> = Object.create(null);
  for (const entry of entries) {
    const match = /^([^=]+)=([^=]+)$/.exec(entry);
    if (!match) throw new UsageError(`--rule expects ID=LEVEL (for example federate-cluster-label=off), got "${entry}"`);
    settings[match[1]!.trim()] = match[2]!.trim() as Setting;
  }
  return settings;
}

function render(format: Format, result: LintResult, options: { cwd: string; color: boolean }): string {
  switch (format) {
    case 'sarif':
      return formatSarif(result, options);
    case 'json':
      return formatJson(result);
    case 'github':
      return formatGithub(result);
    default:
      return formatStylish(result, options);
  }
}

/** Writes the fixes and says on stderr how many, and which files were skipped (stdout carries the report); returns the lint of the fixed files. */
async function fix(result: LintResult, lintAgain: () => Promise<LintResult>, cwd: string): Promise<LintResult> {
  const outcome = await fixInPlace(result, lintAgain, { root: cwd });
  const { problems, files } = outcome;
  for (const { file, reason } of outcome.skipped) say(`--fix skipped ${file.displayPath}: ${reason}`);
  if (problems > 0) say(`fixed ${problems} problem${problems === 1 ? '' : 's'} in ${files} file${files === 1 ? '' : 's'}`);
  return outcome.result;
}

function formatRuleList(): string {
  const width = Math.max(...allRules.map((rule) => rule.id.length));
  return `${allRules.map((rule) => `${rule.id.padEnd(width)}  ${rule.level.padEnd(7)}  ${rule.summary}`).join('\n')}\n`;
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * One line on standard error. It may quote a config key, a file or resource name, or a value from the repository:
 * control characters in them are shown as escapes, never sent to the terminal.
 */
function say(line: string): void {
  process.stderr.write(`fedlint: ${escapeControls(line)}\n`);
}

function print(text: string): number {
  process.stdout.write(text);
  return 0;
}

// Whether main() has ended: Node exits 0 when nothing is left to wait for, so a lint that stopped without ending
// (a fedlint bug, such as a promise nothing settles) would pass a CI check with no report. It exits 2 instead.
let ended = false;
process.on('exit', () => {
  if (ended) return;
  process.stderr.write('fedlint: internal error: the lint stopped before it finished; please report it\n');
  process.exitCode = 2;
});

// `fedlint … | head` closes the pipe early: that is the reader's choice, not an error worth a stack trace.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code !== 'EPIPE') throw error;
  ended = true;
  process.exit(process.exitCode ?? 0);
});

main(process.argv.slice(2)).then(
  (code) => {
    ended = true;
    process.exitCode = code;
  },
  (error: unknown) => {
    ended = true;
    const message = error instanceof UsageError ? error.message : `internal error: ${(error as Error)?.message ?? String(error)}; please report it`;
    say(message.split('\n')[0]!);
    process.exitCode = 2;
  },
);
