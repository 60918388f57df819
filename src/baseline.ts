// A baseline is a SARIF log fedlint wrote earlier (`--write-baseline`): the
// findings a repository already had when it adopted fedlint. Linting against it
// (`--baseline`) marks each finding `new` or `unchanged` by its fingerprint —
// the same `partialFingerprints` SARIF carries, which hash the rule, file,
// resource and JSON pointer, never the line — so unrelated edits keep old
// findings `unchanged` and only new mistakes count.

import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { UsageError } from './errors.js';
import type { LintResult } from './index.js';
import { FINGERPRINT_KEY, fingerprint, formatSarif } from './report/sarif.js';
import type { Finding } from './types.js';

/** The fingerprints of a baseline file; a missing, unreadable or foreign file is a usage error. */
export function readBaseline(path: string, cwd: string): Set<string> {
  let text: string;
  try {
    text = readFileSync(resolve(cwd, path), 'utf8');
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message;
    throw new UsageError(`cannot read baseline ${path}: ${reason}; write one with --write-baseline ${path}`);
  }
  let log: any;
  try {
    log = JSON.parse(text);
  } catch (error) {
    throw new UsageError(`baseline ${path} is not JSON (${(error as Error).message}); write it again with --write-baseline ${path}`);
  }
  const invalid = (why: string) => new UsageError(`baseline ${path} is not a SARIF log written by fedlint: ${why}; write it again with --write-baseline ${path}`);
  if (typeof log !== 'object' || log === null || !Array.isArray(log.runs)) throw invalid('it has no "runs" list');
  const runs = log.runs.filter((run: any) => run?.tool?.driver?.name === 'fedlint');
  if (runs.length === 0) throw invalid('no run of fedlint in it');
  const fingerprints = new Set<string>();
  for (const run of runs) {
    const results: unknown = run.results ?? [];
    if (!Array.isArray(results)) throw invalid('"results" is not a list');
    results.forEach((result: any, index: number) => {
      const value = result?.partialFingerprints?.[FINGERPRINT_KEY];
      if (typeof value !== 'string') throw invalid(`result ${index} has no partialFingerprints["${FINGERPRINT_KEY}"]`);
      fingerprints.add(value);
    });
  }
  return fingerprints;
}

/** Marks each finding `unchanged` (its fingerprint is in the baseline) or `new`; `findings` in report order. */
export function applyBaseline(findings: Finding[], baseline: ReadonlySet<string>): Finding[] {
  const seen = new Map<string, number>();
  return findings.map((finding) => ({ ...finding, baselineState: baseline.has(fingerprint(finding, seen)) ? 'unchanged' : 'new' }));
}

/** Writes the result as a baseline: the SARIF log of every finding, suppressed ones included. */
export function writeBaseline(result: LintResult, path: string, cwd: string): void {
  try {
    writeFileSync(resolve(cwd, path), formatSarif(result, { cwd }));
  } catch (error) {
    throw new UsageError(`cannot write baseline ${path}: ${(error as Error).message}`);
  }
}
