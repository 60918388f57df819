import { describeEndpoint, spec } from '../src/model/graph.js';
import { isObject } from '../src/load/parse.js';
import { quoteValue, textOf } from '../src/quote.js';
import { defineRule } from '../src/check/rule.js';

/** Where else each kind can get the label from, as the message says it was looked for. */
const OTHER_SOURCES = {
  ServiceMonitor: 'spec.targetLabels does not name "LABEL"',
  PodMonitor: 'spec.podTargetLabels does not name "LABEL"',
  ScrapeConfig: 'not every staticConfigs entry has a "LABEL" label',
} as const;

/** The relabeling actions that write `targetLabel`; labeldrop, keep and friends ignore it. */
const WRITING_ACTIONS = ['', 'replace', 'hashmod', 'lowercase', 'uppercase'];

export default defineRule({
  id: 'federate-cluster-label',
  level: 'warning',
  summary: 'Federated series get a label that names their source cluster',
  help:
    'Series federated from several clusters are indistinguishable (and collide) unless each carries a label naming ' +
    'its cluster. Add a relabelings entry {targetLabel: cluster, replacement: <cluster name>} to the endpoint, or a ' +
    'metricRelabelings entry with that targetLabel, or list the label in spec.targetLabels and put it on every ' +
    'selected Service. Only the replace (default), hashmod, lowercase and uppercase actions write targetLabel. The ' +
    'label name is `cluster` unless configured with --cluster-label.',
  check({ graph, settings, report }) {
    const label = settings.clusterLabel;
    for (const endpoint of graph.federationEndpoints()) {
      const { relabelings, metricRelabelings } = endpoint.spec;
      if (setsTargetLabel(relabelings, label) || setsTargetLabel(metricRelabelings, label)) continue;
      if (endpoint.kind === 'ScrapeConfig' && everyStaticConfigLabels(endpoint.spec.staticConfigs, label)) continue;
      if (endpoint.kind === 'PodMonitor' && listsLabel(spec(endpoint.monitor).podTargetLabels, label)) continue;
      // targetLabels copies Service labels: a ServiceMonitor field only.
      const targetLabels = endpoint.kind === 'ServiceMonitor' ? spec(endpoint.monitor).targetLabels : undefined;
      const what = describeEndpoint(endpoint);
      const looked = `no relabelings or metricRelabelings entry sets targetLabel "${label}"`;
      const listed = Array.isArray(targetLabels) ? targetLabels.indexOf(label) : -1;
      if (listed !== -1) {
        const lacking = graph.selectedServices(endpoint.monitor).filter((service) => graph.labels(service)[label] === undefined);
        if (lacking.length === 0) continue;
        const service = lacking[0]!;
        report({
          resource: endpoint.monitor,
          pointer: `/spec/targetLabels/${listed}`,
          message: `${what} relies on spec.targetLabels to copy "${label}" from the Service, but Service "${service.name}" has no "${label}" label (and ${looked}); add the label to the Service`,
          related: [{ resource: service, pointer: '/metadata/name', message: `Service "${service.name}" lacks label "${label}"` }],
        });
        continue;
      }
      // An entry that names the label but cannot write it is the likeliest thing the author is looking at.
      const inert = inertEntry(endpoint.pointer, 'relabelings', relabelings, label) ?? inertEntry(endpoint.pointer, 'metricRelabelings', metricRelabelings, label);
      if (inert) {
        const action = textOf(inert.action).toLowerCase();
        const rejected = ['labeldrop', 'labelkeep'].includes(action) ? ` (Prometheus Operator even rejects a ${action} entry that sets targetLabel)` : '';
        const shownAction = typeof inert.action === 'string' ? `"${inert.action}"` : quoteValue(inert.action);
        report({
          resource: endpoint.monitor,
          pointer: inert.pointer,
          message: `${what} has a ${inert.field} entry with targetLabel "${label}" but action ${shownAction}, which does not write targetLabel${rejected}, so federated series get no "${label}" label; use action: replace with replacement: <source cluster name>`,
        });
        continue;
      }
      // The entry itself (its first line), not the list: the list may hold many entries.
      const empty = emptyEntry(endpoint.pointer, 'relabelings', relabelings, label) ?? emptyEntry(endpoint.pointer, 'metricRelabelings', metricRelabelings, label);
      if (empty) {
        report({
          resource: endpoint.monitor,
          pointer: empty,
          message: `${what} sets targetLabel "${label}" without a replacement or sourceLabels, which writes an empty value and so removes the label; add replacement: <source cluster name>`,
        });
        continue;
      }
      const others = otherWrittenLabels(relabelings);
      const hint = others.length > 0 ? ` (if "${others[0]}" is your cluster label, run with --cluster-label ${others[0]})` : '';
      report({
        resource: endpoint.monitor,
        // Point at the list that lacks the entry when there is one, else at the endpoint.
        pointer: Array.isArray(relabelings) ? `${endpoint.pointer}/relabelings` : endpoint.pointer,
        message: `${what} federates series without a "${label}" label: ${looked}, and ${OTHER_SOURCES[endpoint.kind].replace('LABEL', label)}; add a relabelings entry {targetLabel: ${label}, replacement: <source cluster name>}${hint}`,
      });
    }
  },
});

function writes(entry: Record<string, any>): boolean {
  // An absent or empty action is the default, replace.
  return entry.action === undefined || entry.action === null || WRITING_ACTIONS.includes(textOf(entry.action).toLowerCase());
}

/**
 * A replace with neither sourceLabels nor a literal replacement writes the
 * empty string (the default replacement `$1` of an empty source), which
 * Prometheus treats as deleting the label.
 */
function writesValue(entry: Record<string, any>): boolean {
  const action = entry.action === undefined || entry.action === null ? '' : textOf(entry.action).toLowerCase();
  if (action !== '' && action !== 'replace') return true;
  const hasSources = Array.isArray(entry.sourceLabels) && entry.sourceLabels.length > 0;
  const replacement = entry.replacement;
  const literal = typeof replacement === 'string' && replacement !== '' && !/^\$(\{1\}|1)$/.test(replacement);
  return hasSources || literal;
}

function setsTargetLabel(relabelings: unknown, label: string): boolean {
  if (!Array.isArray(relabelings)) return false;
  return relabelings.some((entry) => isObject(entry) && entry.targetLabel === label && writes(entry) && writesValue(entry));
}

/** Labels other than `__internal__` ones that the endpoint's relabelings do write: a hint for --cluster-label. */
function otherWrittenLabels(relabelings: unknown): string[] {
  if (!Array.isArray(relabelings)) return [];
  return relabelings
    .filter((entry) => isObject(entry) && typeof entry.targetLabel === 'string' && !entry.targetLabel.startsWith('__') && writes(entry) && writesValue(entry))
    .map((entry) => entry.targetLabel as string);
}

/** The first entry that sets `targetLabel: <label>` with an action that ignores it. */
function inertEntry(
  base: string,
  field: 'relabelings' | 'metricRelabelings',
  relabelings: unknown,
  label: string,
): { field: string; action: unknown; pointer: string } | undefined {
  if (!Array.isArray(relabelings)) return undefined;
  const index = relabelings.findIndex((entry) => isObject(entry) && entry.targetLabel === label && !writes(entry));
  if (index === -1) return undefined;
  return { field, action: relabelings[index].action, pointer: `${base}/${field}/${index}/action` };
}

/** Pointer of the first entry that writes targetLabel `<label>` but no value (see writesValue). */
function emptyEntry(base: string, field: 'relabelings' | 'metricRelabelings', relabelings: unknown, label: string): string | undefined {
  if (!Array.isArray(relabelings)) return undefined;
  const index = relabelings.findIndex((entry) => isObject(entry) && entry.targetLabel === label && writes(entry) && !writesValue(entry));
  return index === -1 ? undefined : `${base}/${field}/${index}`;
}

function listsLabel(list: unknown, label: string): boolean {
  return Array.isArray(list) && list.includes(label);
}

/** A ScrapeConfig's static targets carry the label themselves when every group sets it. */
function everyStaticConfigLabels(staticConfigs: unknown, label: string): boolean {
  if (!Array.isArray(staticConfigs) || staticConfigs.length === 0) return false;
  return staticConfigs.every((group) => isObject(group) && isObject(group.labels) && typeof group.labels[label] === 'string' && group.labels[label] !== '');
}
