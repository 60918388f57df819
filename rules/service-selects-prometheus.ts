import { distance } from 'fastest-levenshtein';
import { spec } from '../src/model/graph.js';
import { isObject, pointerSegment } from '../src/load/parse.js';
import {
  PROMETHEUS_PORT,
  SHARD_LABEL,
  VERSION_LABEL,
  podLabelMatches,
  prometheusPodLabels,
  prometheusPodPorts,
  prometheusPortName,
} from '../src/model/prometheus.js';
import { defineRule } from '../src/check/rule.js';
import { type Labels, labelValue, lowestBy } from '../src/model/selector.js';
import { closestName, quoteList } from '../src/lang/suggest.js';
import type { Resource } from '../src/types.js';
import { workloads } from '../src/model/workloads.js';

/** Selector keys that carry the name of the Prometheus object. */
const NAME_KEYS = ['operator.prometheus.io/name', 'prometheus', 'app.kubernetes.io/instance'];
/** Labels the operator sets itself; spec.podMetadata cannot change them. */
const RESERVED = new Set(['app.kubernetes.io/name', 'app.kubernetes.io/managed-by', SHARD_LABEL, VERSION_LABEL, ...NAME_KEYS]);

export default defineRule({
  id: 'service-selects-prometheus',
  level: 'error',
  summary: "A Service that selects Prometheus Operator's Prometheus pods matches the labels the operator gives them and routes to their ports",
  help:
    'Prometheus Operator runs the pods of a Prometheus named N with the labels app.kubernetes.io/name: prometheus, ' +
    'app.kubernetes.io/managed-by: prometheus-operator, app.kubernetes.io/instance: N, operator.prometheus.io/name: N, ' +
    'operator.prometheus.io/shard: "0" (one value per shard), the legacy prometheus: N, app.kubernetes.io/version, and ' +
    'the labels of spec.podMetadata.labels. A Service that exposes those pods (for another cluster to federate, for ' +
    'example) and whose selector asks for a label they lack, or for another Prometheus name, has no endpoints: the ' +
    "federation scrape fails with no error anywhere near the cause. The server listens on container port 9090, named by " +
    'spec.portName (default web); a Service port whose targetPort is neither, nor a port of a sidecar (config-reloader, ' +
    'Thanos, spec.containers), routes nowhere. fedlint checks Services whose selector has operator.prometheus.io/name, ' +
    'prometheus or app.kubernetes.io/name: prometheus, when a Prometheus is loaded in the Service\'s namespace; with none ' +
    'loaded there (the Prometheus is defined elsewhere), it says nothing. Fix the selector (or add the label to ' +
    'spec.podMetadata.labels), and set targetPort: web or 9090.',
  check({ graph, report }) {
    const prometheusByNamespace = new Map<string, Resource[]>();
    for (const prometheus of graph.all('Prometheus')) push(prometheusByNamespace, prometheus.namespace, prometheus);
    if (prometheusByNamespace.size === 0) return;

    for (const service of graph.all('Service')) {
      const serviceSpec = spec(service);
      if (serviceSpec.type === 'ExternalName' || !isObject(serviceSpec.selector)) continue;
      const selector = selectorLabels(serviceSpec.selector);
      const entries = Object.entries(selector);
      const targetsPrometheus =
        Object.hasOwn(selector, 'operator.prometheus.io/name') || Object.hasOwn(selector, 'prometheus') || selector['app.kubernetes.io/name'] === 'prometheus';
      if (!targetsPrometheus) continue;
      const candidates = prometheusByNamespace.get(service.namespace);
      if (!candidates) continue;
      // Pods of something else that the selector picks (a Prometheus that no operator runs, a PrometheusAgent): not ours
      // to judge. Pods the operator makes are what is judged here (Prometheus) or below (PrometheusAgent by name).
      const others = workloads(graph).matching({ matchLabels: selector }, { any: false, names: [service.namespace] });
      if (others.some((workload) => !workload.madeBy)) continue;
      const named = NAME_KEYS.map((key) => selector[key]).find((value) => value !== undefined);
      if (named !== undefined && graph.get('PrometheusAgent', service.namespace, named)) continue;

      const scored = candidates.map((prometheus) => {
        const podLabels = prometheusPodLabels(prometheus);
        const failed = entries.filter(([key, value]) => !podLabelMatches(prometheus, podLabels, key, value));
        return { prometheus, podLabels, failed };
      });
      const matching = scored.filter((candidate) => candidate.failed.length === 0);
      if (matching.length > 0) {
        checkPorts(service, matching.map((candidate) => candidate.prometheus), report);
        continue;
      }

      // A name no loaded Prometheus has: the most likely slip, and the clearest message.
      const nameKey = NAME_KEYS.find((key) => selector[key] !== undefined && !candidates.some((p) => p.name === selector[key]));
      if (nameKey) {
        const wanted = selector[nameKey]!;
        const suggestion = closestName(
          wanted,
          candidates.map((p) => p.name),
        );
        const elsewhere = graph.all('Prometheus').find((p) => p.name === wanted && p.namespace !== service.namespace);
        const hint = elsewhere
          ? `; Prometheus "${wanted}" is in namespace "${elsewhere.namespace}", and a Service selects pods only in its own namespace: move one of them`
          : suggestion !== undefined
            ? `; did you mean "${suggestion}"?`
            : `; the Prometheus objects there are ${quoteList(candidates.map((p) => p.name))}`;
        const related = elsewhere ?? (suggestion !== undefined ? graph.get('Prometheus', service.namespace, suggestion) : undefined);
        report({
          resource: service,
          pointer: `/spec/selector/${pointerSegment(nameKey)}`,
          message: `Service "${service.name}" selects the pods of Prometheus "${wanted}" (${nameKey}=${wanted}), but no Prometheus of that name is loaded in namespace "${service.namespace}"${hint}`,
          related: related ? [{ resource: related, pointer: '/metadata/name', message: `Prometheus "${related.name}"` }] : [],
        });
        continue;
      }

      const best = lowestBy(scored, (candidate) => [candidate.failed.length, distance(candidate.prometheus.name, service.name)]);
      const { prometheus, podLabels, failed } = best;
      const reasons = failed.map(([key, value]) => describeFailure(prometheus, podLabels, key, value));
      const missing = failed.every(([key]) => !RESERVED.has(key) && labelValue(podLabels, key) === undefined);
      const fix = missing
        ? `add the label to spec.podMetadata.labels of Prometheus "${prometheus.name}" or remove it from the Service's selector`
        : `change the Service's selector${failed.some(([key]) => !RESERVED.has(key)) ? ` or spec.podMetadata.labels of Prometheus "${prometheus.name}"` : ''}`;
      report({
        resource: service,
        pointer: `/spec/selector/${pointerSegment(failed[0]![0])}`,
        message: `Service "${service.name}" selects no pod of Prometheus "${prometheus.name}" in namespace "${service.namespace}": ${reasons.join(', and ')}; ${fix}`,
        related: [{ resource: prometheus, pointer: '/metadata/name', message: `Prometheus "${prometheus.name}"` }],
      });
    }
  },
});

/** A Service selector as labels: scalar values as strings (what the API server stores). */
function selectorLabels(selector: Record<string, unknown>): Labels {
  const labels: Labels = Object.create(null);
  for (const [key, value] of Object.entries(selector)) if (value !== null && typeof value !== 'object') labels[key] = String(value);
  return labels;
}

function describeFailure(prometheus: Resource, podLabels: Labels, key: string, value: string): string {
  if (key === SHARD_LABEL) {
    const shards = spec(prometheus).shards;
    const count = typeof shards === 'number' && Number.isInteger(shards) && shards > 1 ? shards : 1;
    return count === 1
      ? `the operator labels its pods ${SHARD_LABEL}=0 (one shard), not ${value}`
      : `the operator labels its pods ${SHARD_LABEL}=0 to ${count - 1} (spec.shards: ${count}), not ${value}`;
  }
  if (key === VERSION_LABEL) return `the operator labels its pods ${VERSION_LABEL}=${String(spec(prometheus).version).replace(/^v/, '')} (spec.version), not ${value}`;
  const actual = labelValue(podLabels, key);
  if (actual === undefined) return `its pods have no label ${key}`;
  return RESERVED.has(key) ? `the operator labels its pods ${key}=${actual}, not ${value}` : `its pods have ${key}=${actual} (spec.podMetadata.labels), not ${value}`;
}

/** Every Service port must reach a container port of the selected Prometheus pods. */
function checkPorts(service: Resource, prometheuses: Resource[], report: (r: import('../src/types.js').Report) => void): void {
  const ports = spec(service).ports;
  if (!Array.isArray(ports)) return;
  const exposed = prometheuses.map(prometheusPodPorts);
  const prometheus = prometheuses[0]!;
  const webName = prometheusPortName(prometheus);
  ports.forEach((port: unknown, index: number) => {
    if (!isObject(port)) return;
    const hasTarget = port.targetPort !== undefined && port.targetPort !== null;
    const target: unknown = hasTarget ? port.targetPort : port.port;
    if (typeof target !== 'string' && typeof target !== 'number') return;
    const reached = exposed.some(({ names, numbers }) => (typeof target === 'string' ? names.has(target) : numbers.has(target)));
    if (reached) return;
    const which = typeof port.name === 'string' && port.name !== '' ? `port "${port.name}"` : `port ${index + 1}`;
    const how = hasTarget ? `targetPort ${JSON.stringify(target)}` : `port ${String(target)} (no targetPort, so the same number on the pod)`;
    const listenLocal = spec(prometheus).listenLocal === true;
    const local = listenLocal && (target === PROMETHEUS_PORT || target === webName);
    const names = [...new Set(exposed.flatMap(({ names }) => [...names]))];
    const suggestion = typeof target === 'string' ? closestName(target, names) : undefined;
    const fix =
      suggestion !== undefined
        ? `did you mean "${suggestion}"?`
        : listenLocal
          ? `the pods' container ports are ${quoteList(names.map(String))} (the server itself listens on localhost only: listenLocal: true)`
          : `the Prometheus server listens on 9090, named "${webName}": set targetPort: ${webName}`;
    report({
      resource: service,
      pointer: `/spec/ports/${index}/${hasTarget ? 'targetPort' : 'port'}`,
      message: local
        ? `Service "${service.name}" ${which} routes to ${how}, but Prometheus "${prometheus.name}" sets listenLocal: true, so the server listens on localhost only and no container port ${JSON.stringify(target)} exists; expose it through a proxy sidecar in spec.containers and route to that port, or drop listenLocal`
        : `Service "${service.name}" ${which} routes to ${how}, which no container in the pods of Prometheus "${prometheus.name}" listens on; ${fix}`,
      related: [{ resource: prometheus, pointer: '/metadata/name', message: `Prometheus "${prometheus.name}"` }],
    });
  });
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}
