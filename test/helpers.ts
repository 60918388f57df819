// Shared helpers for the suites: lint fixtures through the library API and
// compare findings in a compact, readable shape.

import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { lint, lintSources, type LintOptions, type LintResult } from '../src/index.js';
import { makeSourceFile } from '../src/load/parse.js';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');

/** Keys that are ordinary to YAML and to the API server but name Object.prototype members (prototype-keys.test.ts). */
export const PROTOTYPE_KEYS = ['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf'];
export const FIXTURES = join(ROOT, 'test', 'fixtures');

export interface Compact {
  ruleId: string;
  level: string;
  file: string;
  line: number;
  column: number;
  message: string;
}

export function compact(result: LintResult): Compact[] {
  return result.findings.map((finding) => ({
    ruleId: finding.ruleId,
    level: finding.level,
    file: finding.location.file.displayPath,
    line: finding.location.region.startLine,
    column: finding.location.region.startColumn,
    message: finding.message,
  }));
}

/** Lints paths relative to the repository root, with paths in findings relative to it too. */
export async function lintPaths(paths: string[], options: Omit<LintOptions, 'paths' | 'cwd'> = {}): Promise<LintResult> {
  return lint({ ...options, paths, cwd: ROOT });
}

/** All findings (of every rule) for a rule's fixture folder test/fixtures/<rule>/<variant>: bad fixtures must not trip other rules. */
export async function ruleFindings(ruleId: string, variant: 'bad' | 'good', options: Omit<LintOptions, 'paths' | 'cwd'> = {}): Promise<Compact[]> {
  const result = await lintPaths([`test/fixtures/${ruleId}/${variant}`], options);
  return compact(result);
}

/** Lints YAML text in memory as if it were the file `name`. */
export function lintText(text: string, name = 'input.yaml', options: Omit<LintOptions, 'paths' | 'cwd'> = {}): Promise<LintResult> {
  return lintSources([makeSourceFile(name, name, text)], options);
}
