// GitHub Actions workflow commands: one `::error file=…,line=…::message` per
// finding, which the runner turns into annotations on the pull request.

import type { LintResult } from '../types.js';
import type { Level } from '../types.js';
import { isReported } from '../check/engine.js';
import { escapeControls } from './terminal-text.js';

const COMMAND: Record<Level, string> = { error: 'error', warning: 'warning', note: 'notice' };

export function formatGithub(result: LintResult): string {
  return result.findings
    .filter(isReported)
    .map((finding) => {
      const { file, region } = finding.location;
      const properties = [
        `file=${escapeProperty(file.displayPath)}`,
        `line=${region.startLine}`,
        `col=${region.startColumn}`,
        `endLine=${region.endLine}`,
        `endColumn=${region.endColumn}`,
        `title=${escapeProperty(`fedlint ${finding.ruleId}`)}`,
      ].join(',');
      return `::${COMMAND[finding.level]} ${properties}::${escapeData(finding.message)}\n`;
    })
    .join('');
}

/**
 * The runner's own escaping rules for workflow commands, after the characters a log viewer would act on (escape
 * sequences, bidirectional overrides) are written as escapes: the log shows them as text.
 */
export function escapeData(text: string): string {
  return escapeControls(text, { keepLineBreaks: true }).replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

function escapeProperty(text: string): string {
  return escapeData(text).replace(/:/g, '%3A').replace(/,/g, '%2C');
}
