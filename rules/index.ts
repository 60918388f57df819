// The rule catalog, in the order `fedlint rules` and SARIF list it.

import type { Rule } from '../src/rule.js';
import type { RuleMeta } from '../src/types.js';
import endpointsNameMatch from './endpoints-name-match.js';
import endpointsPortMatch from './endpoints-port-match.js';
import federateClusterLabel from './federate-cluster-label.js';
import federateHonorLabels from './federate-honor-labels.js';
import federateMatchRequired from './federate-match-required.js';
import federatePath from './federate-path.js';
import monitorPortExists from './monitor-port-exists.js';
import selectorMatchesService from './selector-matches-service.js';

/** Findings made while reading and parsing, before any rule runs. */
export const inputRules: RuleMeta[] = [
  {
    id: 'yaml-syntax',
    level: 'error',
    summary: 'Files parse as YAML',
    help:
      'A document that does not parse is not linted at all (the other documents of the file still are). The message ' +
      'gives the YAML parser\'s reason; fix the syntax at the reported position. Duplicate keys count as errors, as ' +
      'they do for kubectl, and a document whose aliases expand past a safe bound is refused.',
  },
  {
    id: 'file-unreadable',
    level: 'error',
    summary: 'Every file given or found can be read',
    help:
      'fedlint could not read the file (permissions, a dangling symlink or a symlink loop). Fix the file system entry, ' +
      'or exclude it with --ignore.',
  },
];

export const graphRules: Rule[] = [
  endpointsNameMatch,
  endpointsPortMatch,
  selectorMatchesService,
  monitorPortExists,
  federatePath,
  federateMatchRequired,
  federateHonorLabels,
  federateClusterLabel,
  // issue 3, schema:
  // issue 3, PromQL match[]:
  // issue 3, Prometheus selection:
  // issue 3, exposure and pods:
  // issue 3, values:
];

export const allRules: RuleMeta[] = [...inputRules, ...graphRules];
