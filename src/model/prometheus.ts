// Prometheus Operator's selection semantics: which ServiceMonitors, PodMonitors,
// Probes and ScrapeConfigs a Prometheus (or PrometheusAgent, or the rhobs
// MonitoringStack that makes one) picks up, and which labels the operator gives
// the Prometheus pods. Built once per graph and answered from a label index,
// so that a handful of Prometheus objects over thousands of monitors costs one
// index lookup per selector, not a scan per pair.

import { type Graph, knownKind, spec } from './graph.js';
import { isObject } from '../load/parse.js';
import { type Labels, type Requirement, indexKeys, indexTerms, labelValue, labelsOf, requirements, smallestBucket } from './selector.js';
import type { Resource } from '../types.js';

/** The monitor kinds a Prometheus selects. */
export type SelectedKind = 'ServiceMonitor' | 'PodMonitor' | 'Probe' | 'ScrapeConfig';
export const SELECTED_KINDS: SelectedKind[] = ['ServiceMonitor', 'PodMonitor', 'Probe', 'ScrapeConfig'];

/** The label Kubernetes (1.21 and later) puts on every Namespace, so a selector on it needs no Namespace object. */
export const NAMESPACE_NAME_LABEL = 'kubernetes.io/metadata.name';

const FIELD_PREFIX: Record<SelectedKind, string> = {
  ServiceMonitor: 'serviceMonitor',
  PodMonitor: 'podMonitor',
  Probe: 'probe',
  ScrapeConfig: 'scrapeConfig',
};

/** Which namespaces a Prometheus looks in for one kind of monitor. */
export type NamespaceSelection =
  | { type: 'own' }
  | { type: 'all' }
  | { type: 'labels'; reqs: Requirement[] }
  /** Not a label selector: the operator cannot use it. */
  | { type: 'invalid' };

/** How one Prometheus selects one kind of monitor. */
export interface KindSelection {
  kind: SelectedKind;
  /** `serviceMonitorSelector`, or `resourceSelector` on a MonitoringStack. */
  selectorField: string;
  namespaceSelectorField: string;
  /** The label requirements; null when it selects none of this kind (see `none`). */
  reqs: Requirement[] | null;
  /** Why it selects none: the selector is absent or null, not a selector, or the kind is not supported. */
  none?: 'absent' | 'invalid' | 'unsupported';
  namespaces: NamespaceSelection;
}

/** A Prometheus, a PrometheusAgent, or a MonitoringStack (which the observability operator turns into a Prometheus). */
export interface PrometheusServer {
  resource: Resource;
  kind: 'Prometheus' | 'PrometheusAgent' | 'MonitoringStack';
  /** The API group of the monitors it reads: monitoring.coreos.com or monitoring.rhobs. */
  group: string;
  selections: Record<SelectedKind, KindSelection>;
}

/** Whether a Prometheus looks in a namespace: yes, no, or cannot tell (a label selector over an unloaded Namespace). */
export type NamespaceVerdict = true | false | 'unknown';

/** `Prometheus "k8s"` */
export function describeServer(server: PrometheusServer): string {
  return `${server.kind} "${server.resource.name}"`;
}

export class PrometheusIndex {
  readonly servers: PrometheusServer[];
  private readonly namespaces = new Map<string, Resource>();
  private readonly selectedBy = new Map<Resource, PrometheusServer[]>();
  private readonly unverifiable = new Map<Resource, PrometheusServer[]>();
  private readonly namespaceCache = new Map<KindSelection, Map<string, NamespaceVerdict>>();
  private readonly serverOf = new Map<KindSelection, PrometheusServer>();

  constructor(private readonly graph: Graph) {
    this.servers = [];
    for (const resource of graph.resources) {
      if (resource.kind === 'Namespace' && resource.group === '') {
        // The first definition wins, as in the graph.
        if (!this.namespaces.has(resource.name)) this.namespaces.set(resource.name, resource);
        continue;
      }
      const server = readServer(resource);
      if (server) this.servers.push(server);
    }
    for (const server of this.servers) for (const kind of SELECTED_KINDS) this.serverOf.set(server.selections[kind], server);
    this.select();
  }

  /** Prometheus objects whose operator reads monitors of this API group (coreos and rhobs do not mix). */
  serversOfGroup(group: string): PrometheusServer[] {
    return this.servers.filter((server) => server.group === group);
  }

  /** The Prometheus servers that select a monitor for sure. */
  selecting(monitor: Resource): PrometheusServer[] {
    return this.selectedBy.get(monitor) ?? [];
  }

  /** Servers whose selector matches the monitor's labels, but whose namespace selector fedlint cannot evaluate. */
  maybeSelecting(monitor: Resource): PrometheusServer[] {
    return this.unverifiable.get(monitor) ?? [];
  }

  namespace(name: string): Resource | undefined {
    return this.namespaces.get(name);
  }

  /** Does a selection look in a namespace? Memoised per selection and namespace. */
  namespaceVerdict(selection: KindSelection, namespace: string): NamespaceVerdict {
    let cache = this.namespaceCache.get(selection);
    if (!cache) this.namespaceCache.set(selection, (cache = new Map()));
    let verdict = cache.get(namespace);
    if (verdict === undefined) {
      verdict = this.evaluateNamespace(selection, namespace);
      cache.set(namespace, verdict);
    }
    return verdict;
  }

  /** The labels of a namespace as the API server has them, or undefined when its Namespace object is not loaded. */
  namespaceLabels(namespace: string): Labels | undefined {
    const object = this.namespaces.get(namespace);
    if (!object) return undefined;
    const labels = labelsOf(object.body.metadata);
    labels[NAMESPACE_NAME_LABEL] = namespace;
    return labels;
  }

  private evaluateNamespace(selection: KindSelection, namespace: string): NamespaceVerdict {
    const server = this.serverOf.get(selection)!;
    const namespaces = selection.namespaces;
    switch (namespaces.type) {
      case 'all':
        return true;
      case 'own':
        return namespace === server.resource.namespace;
      case 'invalid':
        return false;
      case 'labels': {
        const labels = this.namespaceLabels(namespace);
        if (labels) return namespaces.reqs.every((requirement) => requirement.matches(labels));
        // Only the name label is known without the Namespace object.
        if (namespaces.reqs.every((requirement) => requirement.key === NAMESPACE_NAME_LABEL)) {
          const known: Labels = Object.create(null);
          known[NAMESPACE_NAME_LABEL] = namespace;
          return namespaces.reqs.every((requirement) => requirement.matches(known));
        }
        return 'unknown';
      }
    }
  }

  /** One pass per selector over the monitors its label index narrows it to. */
  private select(): void {
    for (const kind of SELECTED_KINDS) {
      const monitors = this.graph.all(kind);
      if (monitors.length === 0) continue;
      const byGroup = new Map<string, { all: Resource[]; byLabel: Map<string, Resource[]> }>();
      for (const monitor of monitors) {
        let index = byGroup.get(monitor.group);
        if (!index) byGroup.set(monitor.group, (index = { all: [], byLabel: new Map() }));
        index.all.push(monitor);
        for (const key of indexKeys(labelsOf(monitor.body.metadata))) push(index.byLabel, key, monitor);
      }
      for (const server of this.servers) {
        const index = byGroup.get(server.group);
        const selection = server.selections[kind];
        if (!index || !selection.reqs) continue;
        const reqs = selection.reqs;
        for (const monitor of candidates(index, indexTerms(reqs))) {
          const labels = labelsOf(monitor.body.metadata);
          if (!reqs.every((requirement) => requirement.matches(labels))) continue;
          const verdict = this.namespaceVerdict(selection, monitor.namespace);
          if (verdict === true) push(this.selectedBy, monitor, server);
          else if (verdict === 'unknown') push(this.unverifiable, monitor, server);
        }
      }
    }
  }
}

function candidates(index: { all: Resource[]; byLabel: Map<string, Resource[]> }, terms: string[][]): Resource[] {
  if (terms.length === 0) return index.all;
  return smallestBucket(index.byLabel, terms) ?? [];
}

const indexes = new WeakMap<Graph, PrometheusIndex>();

/** The Prometheus index of a graph, built on first use and shared by every rule. */
export function prometheusIndex(graph: Graph): PrometheusIndex {
  let index = indexes.get(graph);
  if (!index) indexes.set(graph, (index = new PrometheusIndex(graph)));
  return index;
}

function readServer(resource: Resource): PrometheusServer | null {
  const known = knownKind(resource);
  const serverSpec = spec(resource);
  if (known === 'Prometheus' || known === 'PrometheusAgent') {
    // An agent in DaemonSet mode runs one Prometheus per node and supports PodMonitors only.
    const daemonSet = known === 'PrometheusAgent' && serverSpec.mode === 'DaemonSet';
    const selections = {} as Record<SelectedKind, KindSelection>;
    for (const kind of SELECTED_KINDS) {
      const prefix = FIELD_PREFIX[kind];
      const selection = readSelection(kind, serverSpec, `${prefix}Selector`, `${prefix}NamespaceSelector`);
      if (daemonSet && kind !== 'PodMonitor') {
        selection.reqs = null;
        selection.none = 'unsupported';
      }
      selections[kind] = selection;
    }
    return { resource, kind: known, group: resource.group, selections };
  }
  // The observability operator's MonitoringStack makes a Prometheus that selects every kind by resourceSelector.
  if (resource.kind === 'MonitoringStack' && resource.group === 'monitoring.rhobs') {
    const selections = {} as Record<SelectedKind, KindSelection>;
    for (const kind of SELECTED_KINDS) selections[kind] = readSelection(kind, serverSpec, 'resourceSelector', 'namespaceSelector');
    return { resource, kind: 'MonitoringStack', group: resource.group, selections };
  }
  return null;
}

function readSelection(kind: SelectedKind, serverSpec: Record<string, any>, selectorField: string, namespaceSelectorField: string): KindSelection {
  const selector = serverSpec[selectorField];
  const namespaceSelector = serverSpec[namespaceSelectorField];
  // Absent or null selects none; `{}` selects all (requirements() would read absent as `{}`).
  let reqs: Requirement[] | null = null;
  let none: KindSelection['none'];
  if (selector === undefined || selector === null) none = 'absent';
  else {
    reqs = requirements(selector);
    if (!reqs) none = 'invalid';
  }
  let namespaces: NamespaceSelection;
  if (namespaceSelector === undefined || namespaceSelector === null) namespaces = { type: 'own' };
  else {
    const namespaceReqs = requirements(namespaceSelector);
    namespaces = !namespaceReqs ? { type: 'invalid' } : namespaceReqs.length === 0 ? { type: 'all' } : { type: 'labels', reqs: namespaceReqs };
  }
  return { kind, selectorField, namespaceSelectorField, reqs, ...(none ? { none } : {}), namespaces };
}

/** `Endpoints` (the default) or `EndpointSlice`: how a Prometheus discovers ServiceMonitor targets. */
export function discoveryRole(resource: Resource): 'Endpoints' | 'EndpointSlice' {
  return spec(resource).serviceDiscoveryRole === 'EndpointSlice' ? 'EndpointSlice' : 'Endpoints';
}

// ---------------------------------------------------------------- the pods the operator runs

/**
 * The labels Prometheus Operator (0.93) gives the pods of a Prometheus: spec.podMetadata.labels, then the
 * reserved ones, which podMetadata cannot override. `app.kubernetes.io/version` depends on the operator's
 * default Prometheus version when spec.version is unset, and the shard label on spec.shards, so both are
 * answered by `podLabelMatches` rather than listed.
 */
export function prometheusPodLabels(prometheus: Resource): Labels {
  const name = prometheus.name;
  const podMetadata = spec(prometheus).podMetadata;
  const labels = labelsOf(isObject(podMetadata) ? podMetadata : undefined);
  Object.assign(labels, {
    'app.kubernetes.io/name': 'prometheus',
    'app.kubernetes.io/managed-by': 'prometheus-operator',
    'app.kubernetes.io/instance': name,
    'operator.prometheus.io/name': name,
    'operator.prometheus.io/shard': '0',
    prometheus: name,
  });
  return labels;
}

export const SHARD_LABEL = 'operator.prometheus.io/shard';
export const VERSION_LABEL = 'app.kubernetes.io/version';

/** Does some pod of the Prometheus carry `key=value`? Shards run 0…shards-1; an unset version matches any. */
export function podLabelMatches(prometheus: Resource, labels: Labels, key: string, value: string): boolean {
  if (key === SHARD_LABEL) {
    const shards = spec(prometheus).shards;
    const count = typeof shards === 'number' && Number.isInteger(shards) && shards > 1 ? shards : 1;
    return /^(0|[1-9][0-9]*)$/.test(value) && Number(value) < count;
  }
  if (key === VERSION_LABEL) {
    const version = spec(prometheus).version;
    if (typeof version !== 'string' || version === '') return true;
    return value === version.replace(/^v/, '');
  }
  return labelValue(labels, key) === value;
}

/** The Prometheus server's own HTTP port: named by spec.portName (default `web`), number 9090. */
export const PROMETHEUS_PORT = 9090;

export function prometheusPortName(prometheus: Resource): string {
  const portName = spec(prometheus).portName;
  return typeof portName === 'string' && portName !== '' ? portName : 'web';
}

/** The container ports of a Prometheus pod: the server's (unless listenLocal), the sidecars', spec.containers'. */
export function prometheusPodPorts(prometheus: Resource): { names: Set<string>; numbers: Set<number> } {
  const prometheusSpec = spec(prometheus);
  const names = new Set<string>();
  const numbers = new Set<number>();
  if (prometheusSpec.listenLocal !== true) {
    names.add(prometheusPortName(prometheus));
    numbers.add(PROMETHEUS_PORT);
  }
  // config-reloader
  names.add('reloader-web');
  numbers.add(8080);
  if (isObject(prometheusSpec.thanos)) {
    names.add('grpc').add('http');
    numbers.add(10901).add(10902);
  }
  if (Array.isArray(prometheusSpec.containers)) {
    for (const container of prometheusSpec.containers) {
      if (!isObject(container) || !Array.isArray(container.ports)) continue;
      for (const port of container.ports) {
        if (!isObject(port)) continue;
        if (typeof port.name === 'string') names.add(port.name);
        if (typeof port.containerPort === 'number') numbers.add(port.containerPort);
      }
    }
  }
  return { names, numbers };
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}
