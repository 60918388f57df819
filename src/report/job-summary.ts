// The Markdown the GitHub Action writes to $GITHUB_STEP_SUMMARY: a headline, a table of findings per rule and level,
// and the broken links between resources (findings whose related locations name another resource), so a reviewer
// sees which Service, Endpoints and ServiceMonitor disagree without opening the log.

import { allRules } from '../../rules/index.js';
import type { LintResult } from '../types.js';
import { helpUri } from '../meta.js';
import { isReported } from '../check/engine.js';
import { countLevels, leftOut, plural } from './summary.js';
import { escapeControls } from './terminal-text.js';
import type { Finding, Level } from '../types.js';

export interface JobSummaryOptions {
  /** Sentences about the run (how the check ended, what was annotated), shown under the headline. */
  remarks: string[];
}

const LEVEL_ORDER: Level[] = ['error', 'warning', 'note'];
/** GitHub refuses a step summary over 1 MiB; past this many broken links the SARIF report has the rest. */
export const MAX_LINKS = 100;
const OWN_RULES = new Set(allRules.map((rule) => rule.id));

export function formatJobSummary(result: LintResult, options: JobSummaryOptions): string {
  // Suppressed findings and those already in the baseline are left out, as in the other reports, but counted.
  const findings = result.findings.filter(isReported);
  const counts = countLevels(findings);
  const scanned = `${plural(result.files.length, 'file')}, ${plural(result.resourceCount, 'resource')}`;
  const hidden = leftOut(result.findings);
  const headline =
    (findings.length === 0
      ? `no problems (${scanned})`
      : `${plural(findings.length, 'problem')} (${plural(counts.error, 'error')}, ${plural(counts.warning, 'warning')}, ${plural(counts.note, 'note')}) in ${scanned}`) +
    (hidden === '' ? '' : `; ${hidden}`);
  const lines = [`### fedlint: ${headline}`, ''];
  for (const remark of options.remarks) lines.push(escapeMarkdown(remark), '');
  for (const failure of result.failures)
    lines.push(`**Internal error in rule \`${codeSpan(failure.ruleId)}\`**: ${escapeMarkdown(failure.message.split('\n')[0]!)} (the other rules ran; please report it)`, '');
  if (findings.length > 0) lines.push(...ruleTable(findings), '');
  const links = brokenLinks(findings);
  if (links.length > MAX_LINKS) links.splice(MAX_LINKS, Infinity, `- … and ${links.length - MAX_LINKS} more, all in the SARIF report`);
  if (links.length > 0) lines.push('#### Broken links between resources', '', ...links, '');
  return `${lines.join('\n')}\n`;
}

/** One row per rule and level (a rule may report an error and, where it cannot verify, a note), errors first. */
function ruleTable(findings: Finding[]): string[] {
  const rows = new Map<string, { ruleId: string; level: Level; count: number }>();
  for (const finding of findings) {
    const key = `${finding.ruleId}\u0000${finding.level}`;
    const row = rows.get(key) ?? { ruleId: finding.ruleId, level: finding.level, count: 0 };
    row.count++;
    rows.set(key, row);
  }
  const sorted = [...rows.values()].sort(
    (a, b) => LEVEL_ORDER.indexOf(a.level) - LEVEL_ORDER.indexOf(b.level) || b.count - a.count || a.ruleId.localeCompare(b.ruleId),
  );
  return [
    '| rule | level | findings |',
    '| --- | --- | ---: |',
    ...sorted.map((row) => `| ${ruleLink(row.ruleId)} | ${row.level} | ${row.count} |`),
  ];
}

/** A fedlint rule links to its help; a rule from the user's own Spectral ruleset has none there. */
function ruleLink(ruleId: string): string {
  // In a table a `|` ends the cell, even inside a code span, unless escaped.
  const name = `\`${codeSpan(ruleId).replace(/\|/g, '\\|')}\``;
  return OWN_RULES.has(ruleId) ? `[${name}](${helpUri(ruleId)})` : name;
}

/** `- Kind ns/name ↔ Kind ns/name: message (file:line)` for each finding that involves another resource. */
function brokenLinks(findings: Finding[]): string[] {
  const lines: string[] = [];
  for (const finding of findings) {
    const others = [...new Set(finding.related.map((related) => related.resourceKey).filter((key) => key && key !== finding.resourceKey))];
    if (finding.resourceKey === '' || others.length === 0) continue;
    const { file, region } = finding.location;
    const sides = `${resourceName(finding.resourceKey)} ↔ ${others.map((key) => resourceName(key!)).join(', ')}`;
    lines.push(`- ${sides}: ${escapeMarkdown(finding.message)} (\`${codeSpan(`${file.displayPath}:${region.startLine}`)}\`)`);
  }
  return lines;
}

/** `Kind/namespace/name` → **Kind** `namespace/name`. */
function resourceName(key: string): string {
  const [kind = '', ...rest] = key.split('/');
  return `**${escapeMarkdown(kind)}** \`${codeSpan(rest.join('/'))}\``;
}

/**
 * Text from the linted files (names, values such as `<WORKER_IP>`) shown as text: the punctuation that formats inline
 * (emphasis, code, links, strikethrough, table cells, HTML and entities) escaped, so it neither formats nor turns into
 * HTML that GitHub would strip, and on one line, so it cannot start a list or heading or break a table (a line never
 * starts with it: `-`, `+` and `#` mean nothing where it stands).
 */
export function escapeMarkdown(text: string): string {
  // Control characters and bidirectional overrides as escapes, as in every other report (report/terminal-text.ts).
  return escapeControls(text.replace(/\s*[\r\n]+\s*/g, ' ')).replace(/[\\`*_[\]<>|~&]/g, (character) => `\\${character}`);
}

/** Inside a code span only a backtick would end it early, and a newline would end the line. */
function codeSpan(text: string): string {
  return text.replace(/\s*[\r\n]+\s*/g, ' ').replace(/`/g, "'");
}
