// Findings as data, for scripts: one object per finding with 1-based positions.

import type { LintResult } from '../types.js';
import { TOOL_VERSION } from '../meta.js';
import type { Location } from '../types.js';
import { isReported } from '../check/engine.js';
import { countLevels } from './summary.js';

export function formatJson(result: LintResult): string {
  const place = (location: Location) => ({ file: location.file.displayPath, ...location.region });
  const output = {
    tool: { name: 'fedlint', version: TOOL_VERSION },
    summary: { ...countLevels(result.findings.filter(isReported)), files: result.files.length, resources: result.resourceCount },
    failures: result.failures,
    findings: result.findings.map((finding) => ({
      ruleId: finding.ruleId,
      level: finding.level,
      message: finding.message,
      ...place(finding.location),
      related: finding.related.map((related) => ({ message: related.message, ...place(related.location) })),
      // Suppressed and baseline findings are listed, marked, and left out of the summary counts.
      ...(finding.suppressed ? { suppressed: true, justification: finding.suppressed.justification } : {}),
      ...(finding.baselineState ? { baselineState: finding.baselineState } : {}),
    })),
  };
  return `${JSON.stringify(output, null, 2)}\n`;
}
