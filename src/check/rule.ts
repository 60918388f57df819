// What a rule is: metadata plus a check that reports through a context. A rule
// knows nothing of files, SARIF or exit codes (see engine.ts for those).

import type { Graph } from '../model/graph.js';
import type { LintSettings, Report, RuleMeta } from '../types.js';

export interface RuleContext {
  graph: Graph;
  settings: LintSettings;
  report(report: Report): void;
}

export interface Rule extends RuleMeta {
  /**
   * Its findings on a resource depend on that resource alone. Context mode (src/load/context.ts) then runs it on the given
   * files' resources only: nothing it finds in context files would be reported (the schema rule would otherwise load
   * validators for kinds that only the context has).
   */
  perResource?: boolean;
  check(context: RuleContext): void;
}

export function defineRule(rule: Rule): Rule {
  return rule;
}
