// Human output: findings grouped by file, one `path:line:col  level  message  rule-id`
// line each (terminals and editors turn `path:line:col` into a link), related
// locations indented below, then a summary line.

import type { LintResult } from '../types.js';
import type { Finding, Level } from '../types.js';
import { isReported } from '../check/engine.js';
import { countLevels, leftOut, plural } from './summary.js';
import { escapeControls } from './terminal-text.js';

const COLORS: Record<Level | 'dim' | 'bold', [number, number]> = {
  error: [31, 39],
  warning: [33, 39],
  note: [36, 39],
  dim: [2, 22],
  bold: [1, 22],
};

export function formatStylish(result: LintResult, options: { color: boolean }): string {
  const paint = (style: keyof typeof COLORS, text: string) =>
    options.color ? `\u001b[${COLORS[style][0]}m${text}\u001b[${COLORS[style][1]}m` : text;
  const lines: string[] = [];
  let previousFile: string | undefined;
  const shown = result.findings.filter(isReported);
  for (const finding of shown) {
    const file = escapeControls(finding.location.file.displayPath);
    if (previousFile !== undefined && file !== previousFile) lines.push('');
    previousFile = file;
    // Names and values from the repository are escaped: only fedlint's own colours reach the terminal.
    lines.push(`${where(finding)}  ${paint(finding.level, finding.level.padEnd(7))}  ${escapeControls(finding.message)}  ${paint('dim', escapeControls(finding.ruleId))}`);
    for (const related of finding.related) {
      const { file: relatedFile, region } = related.location;
      lines.push(paint('dim', escapeControls(`    ↳ ${relatedFile.displayPath}:${region.startLine}:${region.startColumn}  ${related.message}`)));
    }
  }
  const counts = countLevels(shown);
  const scanned = `${plural(result.files.length, 'file')}, ${plural(result.resourceCount, 'resource')}`;
  // Suppressed and baseline findings are not shown, but a count keeps them from being forgotten.
  const hidden = leftOut(result.findings);
  const hiddenSuffix = hidden === '' ? '' : `; ${hidden}`;
  if (shown.length === 0) {
    lines.push(`no problems (${scanned})${hiddenSuffix}`);
  } else {
    if (lines.length > 0) lines.push('');
    const summary = `${plural(shown.length, 'problem')} (${plural(counts.error, 'error')}, ${plural(counts.warning, 'warning')}, ${plural(counts.note, 'note')}) in ${scanned}${hiddenSuffix}`;
    lines.push(paint('bold', summary));
  }
  return `${lines.join('\n')}\n`;
}

function where(finding: Finding): string {
  const { file, region } = finding.location;
  return escapeControls(`${file.displayPath}:${region.startLine}:${region.startColumn}`);
}

/** Colour only for a person at a terminal, and never when NO_COLOR is set to a non-empty value (no-color.org). */
export function useColor(context: { toFile: boolean; isTTY: boolean; env: NodeJS.ProcessEnv }): boolean {
  const noColor = context.env.NO_COLOR;
  return !context.toFile && context.isTTY && (noColor === undefined || noColor === '');
}
