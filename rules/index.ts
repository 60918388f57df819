// The rule catalog, in the order `fedlint rules` and SARIF list it.

import type { Rule } from '../src/check/rule.js';
import type { SpectralRule } from '../src/check/spectral.js';
import type { RuleMeta } from '../src/types.js';
import endpointsNameMatch from './endpoints-name-match.js';
import endpointsPortMatch from './endpoints-port-match.js';
import externalnameIp from './externalname-ip.js';
import federateClusterLabel from './federate-cluster-label.js';
import federateHonorLabels from './federate-honor-labels.js';
import federateHonorTimestamps from './federate-honor-timestamps.js';
import federateMatchRequired from './federate-match-required.js';
import federatePath from './federate-path.js';
import monitorPortExists from './monitor-port-exists.js';
import selectorMatchesService from './selector-matches-service.js';
import federateMatchSyntax from './federate-match-syntax.js';
import federateMatchBroad from './federate-match-broad.js';
import schema from './schema.js';
import exposedPrometheus from './exposed-prometheus.js';
import selectorMatchesPods from './selector-matches-pods.js';
import prometheusSelectsMonitor from './prometheus-selects-monitor.js';
import serviceSelectsPrometheus from './service-selects-prometheus.js';
import placeholderValue from './placeholder-value.js';
import endpointsAddress from './endpoints-address.js';
import scrapeTimeout from './scrape-timeout.js';
import insecureFederation from './insecure-federation.js';

/** Findings made while reading and parsing, before any rule runs. */
export const inputRules: RuleMeta[] = [
  {
    id: 'yaml-syntax',
    level: 'error',
    summary: 'Files parse as YAML',
    help:
      'A document that does not parse is not linted at all (the other documents of the file still are). The message ' +
      'gives the YAML parser\'s reason; fix the syntax at the reported position. Duplicate keys count as errors, as ' +
      'they do for kubectl, and so do what the API server refuses to expand: an alias inside the node it repeats (`x: ' +
      '&a [{y: *a}]`, a value that would contain itself), an alias with no anchor before it, a merge key `<<` given ' +
      'something other than mappings, and a document whose aliases expand past a safe bound. A lone CR ends a line, as ' +
      'it does for go-yaml and in SARIF line numbers.',
  },
  {
    id: 'file-unreadable',
    level: 'error',
    summary: 'Every file given or found can be read',
    help:
      'fedlint could not read the file (permissions, a dangling symlink or a symlink loop). Fix the file system entry, ' +
      'or exclude it with --ignore.',
  },
  {
    id: 'unused-suppression',
    level: 'warning',
    summary: 'Every suppression comment or annotation suppresses a finding',
    help:
      'A `# fedlint-disable-next-line rule-id -- reason` comment suppresses the findings of the named rules that start on ' +
      'the next line with content (blank and comment-only lines are skipped); `# fedlint-disable-file rule-id` those of ' +
      'the whole file; the annotation `fedlint.dev/ignore: "rule-id,rule-id"` those of its resource. This rule reports, ' +
      'at the rule id, each suppression that suppresses nothing (the mistake was fixed, or the comment is on the wrong ' +
      'line) and each that cannot work: an unknown rule id, `all` (name the rules, so that a rule added later still ' +
      'reports), or a misspelt directive. Remove the id, or move the comment just above the line the finding is on. It ' +
      'cannot be suppressed in source; `--rule unused-suppression=off` turns it off.',
  },
];

/** Every checking rule, in the order `fedlint rules`, the docs and SARIF list them: by what they check. */
const catalog: (Rule | SpectralRule)[] = [
  schema,
  endpointsNameMatch,
  endpointsPortMatch,
  endpointsAddress,
  externalnameIp,
  selectorMatchesService,
  selectorMatchesPods,
  monitorPortExists,
  prometheusSelectsMonitor,
  serviceSelectsPrometheus,
  exposedPrometheus,
  placeholderValue,
  federatePath,
  federateMatchRequired,
  federateMatchSyntax,
  federateMatchBroad,
  federateHonorLabels,
  federateHonorTimestamps,
  federateClusterLabel,
  scrapeTimeout,
  insecureFederation,
];

/** Rules that read the graph, in TypeScript. */
export const graphRules: Rule[] = catalog.filter((rule): rule is Rule => 'check' in rule);

/** Rules that are a JSONPath and a check on one resource: run by Spectral in one pass (src/check/spectral.ts). */
export const spectralRules: SpectralRule[] = catalog.filter((rule): rule is SpectralRule => 'checks' in rule);

/** Every rule's metadata: the input rules first, then the catalog. */
export const allRules: RuleMeta[] = [...inputRules, ...catalog].map(({ id, level, summary, help }) => ({ id, level, summary, help }));
