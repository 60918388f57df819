import { distance } from 'fastest-levenshtein';
import { isObject } from '../src/load/parse.js';
import {
  type PrometheusIndex,
  type PrometheusServer,
  SELECTED_KINDS,
  type SelectedKind,
  describeServer,
  prometheusIndex,
} from '../src/model/prometheus.js';
import { defineRule } from '../src/check/rule.js';
import { labelFix } from '../src/lang/selector-text.js';
import { type Labels, type Requirement, failedRequirements, labelValue, labelsOf, lowestBy } from '../src/model/selector.js';
import type { RelatedLocation, Resource } from '../src/types.js';

export default defineRule({
  id: 'prometheus-selects-monitor',
  level: 'error',
  summary: 'When a Prometheus is loaded, every ServiceMonitor, PodMonitor, Probe and ScrapeConfig is selected by one',
  help:
    'Prometheus Operator gives a Prometheus (or PrometheusAgent) only the monitors that its selectors pick: ' +
    'serviceMonitorSelector with serviceMonitorNamespaceSelector, and likewise podMonitor*, probe* and scrapeConfig*. ' +
    'An absent (or null) selector selects none of that kind and `{}` selects all; an absent namespace selector means ' +
    "the Prometheus's own namespace only, `{}` every namespace, and a label selector the namespaces whose Namespace " +
    'objects carry those labels. A monitor that no Prometheus selects is never turned into scrape configuration, and ' +
    'nothing reports it. fedlint checks this whenever at least one Prometheus of the same API group is loaded ' +
    '(monitoring.coreos.com and monitoring.rhobs are read by different operators; a rhobs MonitoringStack counts as a ' +
    'Prometheus that selects every kind by resourceSelector and namespaceSelector). The message names the closest ' +
    'Prometheus and the label or namespace in the way: add the label to the monitor, change the selector, set the ' +
    'namespace selector to `{}` or to labels the namespace carries, or move the monitor. When a namespace selector ' +
    'uses labels and the Namespace object is not loaded, fedlint cannot verify it and says so as a note; lint the ' +
    'Namespace with the monitors (the kubernetes.io/metadata.name label needs no Namespace object).',
  check({ graph, report }) {
    const index = prometheusIndex(graph);
    if (index.servers.length === 0) return;
    const groups = new Set(index.servers.map((server) => server.group));
    for (const kind of SELECTED_KINDS) {
      for (const monitor of graph.all(kind)) {
        if (!groups.has(monitor.group) || index.selecting(monitor).length > 0) continue;
        const servers = index.serversOfGroup(monitor.group);
        const labels = labelsOf(monitor.body.metadata);
        const hasLabels = isObject(monitor.body.metadata) && isObject(monitor.body.metadata.labels);
        const pointer = hasLabels ? '/metadata/labels' : '/metadata/name';
        const subject = `${kind} "${monitor.name}"`;

        const maybe = index.maybeSelecting(monitor);
        if (maybe.length > 0) {
          const server = maybe[0]!;
          const selection = server.selections[kind];
          const wanted = selection.namespaces.type === 'labels' ? selection.namespaces.reqs.map((r) => r.text).join(', ') : '';
          report({
            resource: monitor,
            pointer,
            at: 'key',
            level: 'note',
            message:
              `${subject} is selected by no Prometheus that fedlint can verify: ${describeServer(server)} picks namespaces by label ` +
              `(${selection.namespaceSelectorField}: ${wanted}) and the Namespace "${monitor.namespace}" is not loaded; lint the Namespace object with the ${kind} to check`,
            related: [selectorLocation(server, selection.namespaceSelectorField)],
          });
          continue;
        }

        const diagnoses = servers.map((server) => diagnose(index, server, kind, monitor, labels));
        const best = closest(diagnoses, monitor);
        const where = `${describeServer(best.server)} in namespace "${best.server.resource.namespace}"`;
        const who = diagnoses.length === 1 ? where : `the closest, ${where},`;
        report({
          resource: monitor,
          pointer,
          at: 'key',
          message: `${subject} is selected by no Prometheus: ${who} ${best.reasons.join(', and ')}; ${best.fixes.join(', and ')}`,
          related: best.related,
        });
      }
    }
  },
});

interface Diagnosis {
  server: PrometheusServer;
  /** Lower is closer: the number of things in the way, a selector that selects nothing counting most. */
  score: number;
  reasons: string[];
  fixes: string[];
  related: RelatedLocation[];
}

const PLURAL: Record<SelectedKind, string> = {
  ServiceMonitor: 'ServiceMonitors',
  PodMonitor: 'PodMonitors',
  Probe: 'Probes',
  ScrapeConfig: 'ScrapeConfigs',
};

function diagnose(index: PrometheusIndex, server: PrometheusServer, kind: SelectedKind, monitor: Resource, labels: Labels): Diagnosis {
  const selection = server.selections[kind];
  const field = selection.selectorField;
  const diagnosis: Diagnosis = { server, score: 0, reasons: [], fixes: [], related: [] };
  const plural = PLURAL[kind];

  if (!selection.reqs) {
    diagnosis.score = 1000;
    diagnosis.related.push(selectorLocation(server, field));
    if (selection.none === 'unsupported') {
      diagnosis.reasons.push(`runs in DaemonSet mode, which selects PodMonitors only`);
      diagnosis.fixes.push(`use a PodMonitor, or a PrometheusAgent or Prometheus in StatefulSet mode`);
    } else if (selection.none === 'invalid') {
      diagnosis.reasons.push(`has a ${field} that is not a valid label selector, so it selects no ${kind}`);
      diagnosis.fixes.push(`write ${field} with matchLabels and matchExpressions only`);
    } else {
      const stack = server.kind === 'MonitoringStack';
      diagnosis.reasons.push(`has no ${field}, which selects no ${kind}${stack ? ' (service discovery is off)' : ''}`);
      diagnosis.fixes.push(`set ${field}: {} to select every ${kind}, or give it matchLabels that this ${kind} carries`);
    }
    return diagnosis;
  }

  const failed = failedRequirements(selection.reqs, labels);
  if (failed.length > 0) {
    // A label the monitor lacks weighs more than a namespace: labels are how a monitor says which Prometheus it is for.
    diagnosis.score += 2 * failed.length;
    const monitorSide = failed.map((requirement) => labelState(requirement, labels));
    const noLabels = Object.keys(labels).length === 0;
    diagnosis.reasons.push(
      `selects ${plural} with ${failed.map((r) => r.text).join(' and ')} (${field}), but the ${kind} ${noLabels ? 'has no labels at all' : joinAnd(monitorSide)}`,
    );
    diagnosis.fixes.push(labelFix(failed, labels, { addTo: `the ${kind}`, change: `the ${kind}'s labels` }, field));
    diagnosis.related.push(selectorLocation(server, field, failed[0]!.pointer));
  }

  const namespaceField = selection.namespaceSelectorField;
  if (index.namespaceVerdict(selection, monitor.namespace) === false) {
    diagnosis.score += 1;
    const namespace = monitor.namespace;
    const home = server.resource.namespace;
    const namespaces = selection.namespaces;
    if (namespaces.type === 'own') {
      diagnosis.reasons.push(`looks for ${plural} only in its own namespace (${namespaceField} is not set), not in "${namespace}"`);
      diagnosis.fixes.push(
        `set ${namespaceField}: {} (every namespace) or a selector that matches namespace "${namespace}", or move the ${kind} to "${home}"`,
      );
    } else if (namespaces.type === 'invalid') {
      diagnosis.reasons.push(`has a ${namespaceField} that is not a valid label selector, so it looks in no namespace`);
      diagnosis.fixes.push(`write ${namespaceField} with matchLabels and matchExpressions only`);
    } else if (namespaces.type === 'labels') {
      const wanted = `${namespaces.reqs.map((r) => r.text).join(' and ')} (${namespaceField})`;
      const namespaceLabels = index.namespaceLabels(namespace);
      if (namespaceLabels) {
        const failedNamespace = failedRequirements(namespaces.reqs, namespaceLabels);
        diagnosis.reasons.push(
          `looks for ${plural} only in namespaces with ${wanted}, but Namespace "${namespace}" ${joinAnd(failedNamespace.map((r) => labelState(r, namespaceLabels)))}`,
        );
        diagnosis.fixes.push(`label Namespace "${namespace}" to match, or change ${namespaceField}`);
      } else {
        diagnosis.reasons.push(`looks for ${plural} only in namespaces with ${wanted}, not in "${namespace}"`);
        diagnosis.fixes.push(`add "${namespace}" to ${namespaceField} or move the ${kind}`);
      }
    }
    diagnosis.related.push(selectorLocation(server, namespaceField));
  }
  return diagnosis;
}

/** The diagnosis with the fewest things in the way; ties go to a Prometheus in the monitor's namespace, then by name. */
function closest(diagnoses: Diagnosis[], monitor: Resource): Diagnosis {
  return lowestBy(diagnoses, (d) => [d.score, d.server.resource.namespace === monitor.namespace ? 0 : 1, distance(d.server.resource.name, monitor.name)]);
}

/** What a set of labels has for one requirement it fails: `lacks label team`, `has team=a`. */
function labelState(requirement: Requirement, labels: Labels): string {
  const present = labelValue(labels, requirement.key);
  if (present === undefined) return `lacks label ${requirement.key}`;
  return `has ${requirement.key}=${present}`;
}

function joinAnd(parts: string[]): string {
  const unique = [...new Set(parts)];
  if (unique.length <= 1) return unique.join('');
  return `${unique.slice(0, -1).join(', ')} and ${unique[unique.length - 1]}`;
}

function selectorLocation(server: PrometheusServer, field: string, within = ''): RelatedLocation {
  return {
    resource: server.resource,
    pointer: `/spec/${field}${within}`,
    message: `${field} of ${describeServer(server)}`,
  };
}
