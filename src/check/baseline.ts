// A baseline is a SARIF log fedlint wrote earlier (`--write-baseline`): the
// findings a repository already had when it adopted fedlint. Linting against it
// (`--baseline`) marks each finding `new` or `unchanged` by its fingerprint —
// the same `partialFingerprints` SARIF carries, which hash the rule, file,
// resource and JSON pointer, never the line — so unrelated edits keep old
// findings `unchanged` and only new mistakes count.

import { createHash } from 'node:crypto';
import { readRegularFile } from '../load/read.js';
import { readFailure } from './yaml-file.js';
import { resolve } from 'node:path';
import { UsageError } from '../errors.js';
import type { Finding } from '../types.js';

/** The fingerprints of a baseline file; a missing, unreadable or foreign file is a usage error. */
export function readBaseline(path: string, cwd: string): Set<string> {
  let text: string;
  try {
    // A regular file only: a baseline is usually committed, so a FIFO there would hold the run for ever.
    text = readRegularFile(resolve(cwd, path)).toString('utf8');
  } catch (error) {
    const reason = readFailure(error);
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

/** The key of fedlint's fingerprint in SARIF `partialFingerprints`. */
export const FINGERPRINT_KEY = 'fedlint/v1';

/**
 * Identity of a finding: rule, file, resource and JSON pointer. Neither line
 * numbers nor the message, whose suggestions ("the closest Service …") change
 * when unrelated resources are added. Identical identities get an occurrence number,
 * so `seen` must be fresh and the findings must be taken in `result.findings` order
 * (applyBaseline compares a baseline's fingerprints this way).
 */
export function fingerprint(finding: Finding, seen: Map<string, number>): string {
  const identity = [finding.ruleId, finding.location.file.displayPath, finding.resourceKey, finding.pointer].join('\u0000');
  const occurrence = (seen.get(identity) ?? 0) + 1;
  seen.set(identity, occurrence);
  return `${createHash('sha256').update(identity).digest('hex').slice(0, 32)}:${occurrence}`;
}
