// Workloads and the pods they make: every loaded object with a pod template
// (Deployment, StatefulSet, DaemonSet, ReplicaSet, Job, CronJob, and any other
// kind whose spec.template is a pod template, such as an Argo Rollout), bare
// Pods, and the pods Prometheus Operator makes for a loaded Prometheus,
// PrometheusAgent, Alertmanager or ThanosRuler. Indexed once per lint by
// namespace and `key=value`, like the Services in graph.ts, so that a PodMonitor
// is matched against the smallest label bucket, never against every workload.

import { type Graph, OPERATOR_GROUPS } from './graph.js';
import { isObject } from '../load/parse.js';
import { prometheusPodLabels } from './prometheus.js';
import { type Labels, type NamespaceScope, type Requirement, indexKeys, indexTerms, labelsOf, requirements, smallestBucket } from './selector.js';
import type { Resource } from '../types.js';

/** One `containers[].ports[]` (or `initContainers[]`) entry of a pod template. */
export interface ContainerPort {
  container: string;
  /** '' when the port has no name. */
  name: string;
  containerPort: unknown;
  pointer: string;
}

export interface Workload {
  resource: Resource;
  namespace: string;
  /** The labels its pods carry: the pod template's, a Pod's own, or the ones the operator gives its pods. */
  labels: Labels;
  /** Pointer of the pod labels inside the resource, for related locations. */
  labelsPointer: string;
  /** Where a person edits those labels, as a dotted path: `spec.template.metadata.labels`. */
  labelsPath: string;
  /** Pointer of the pod spec: `/spec/template/spec`, `/spec` for a Pod or an operator's custom resource. */
  podSpecPointer: string;
  /** Declared container ports; null when fedlint cannot know them (pods an operator builds). */
  ports: ContainerPort[] | null;
  /** Set for pods that an operator makes from a custom resource: who makes them, for messages. */
  madeBy?: string;
}

/** Pods that every cluster runs although no repository defines them (kubeadm's defaults). */
export interface ClusterPods {
  namespace: string;
  /** How a message names them: `the kube-proxy pods`. */
  name: string;
  labels: Labels;
  origin: string;
}

export const CLUSTER_PODS: ClusterPods[] = [
  { namespace: 'kube-system', name: 'kube-proxy pods', labels: { 'k8s-app': 'kube-proxy' }, origin: 'the cluster runs as a DaemonSet' },
  { namespace: 'kube-system', name: 'CoreDNS pods', labels: { 'k8s-app': 'kube-dns' }, origin: 'the cluster DNS add-on runs' },
  ...['kube-apiserver', 'kube-controller-manager', 'kube-scheduler', 'etcd'].map((component) => ({
    namespace: 'kube-system',
    name: `${component} pods`,
    labels: { component, tier: 'control-plane' },
    origin: 'kubeadm runs as static pods',
  })),
];

/** The cluster-made pods a selector would pick in a scope, if any. */
export function selectedClusterPods(reqs: Requirement[], scope: NamespaceScope): ClusterPods | undefined {
  return CLUSTER_PODS.find(
    (pods) => (scope.any || scope.names.includes(pods.namespace)) && reqs.every((requirement) => requirement.matches(pods.labels)),
  );
}

/**
 * The labels Prometheus Operator gives the pods of each kind it runs (besides spec.podMetadata.labels):
 * `app.kubernetes.io/name`, the instance and managed-by labels, a label named after the kind, and for
 * Prometheus servers and agents `operator.prometheus.io/name` and the shard.
 */
const OPERATOR_PODS: Record<string, { app: string; nameLabel?: string; operatorName: boolean }> = {
  Prometheus: { app: 'prometheus', nameLabel: 'prometheus', operatorName: true },
  PrometheusAgent: { app: 'prometheus-agent', operatorName: true },
  Alertmanager: { app: 'alertmanager', nameLabel: 'alertmanager', operatorName: false },
  ThanosRuler: { app: 'thanos-ruler', nameLabel: 'thanos-ruler', operatorName: false },
};

export class WorkloadIndex {
  readonly all: Workload[] = [];
  private readonly byNamespace = new Map<string, Workload[]>();
  /** namespace → `key=value` or `key` → workloads whose pods carry that label */
  private readonly byLabel = new Map<string, Map<string, Workload[]>>();

  constructor(resources: Resource[]) {
    for (const resource of resources) {
      const workload = workloadOf(resource);
      if (!workload) continue;
      this.all.push(workload);
      push(this.byNamespace, workload.namespace, workload);
      let byLabel = this.byLabel.get(workload.namespace);
      if (!byLabel) this.byLabel.set(workload.namespace, (byLabel = new Map()));
      for (const indexKey of indexKeys(workload.labels)) push(byLabel, indexKey, workload);
    }
  }

  inNamespace(namespace: string): Workload[] {
    return this.byNamespace.get(namespace) ?? [];
  }

  inScope(scope: NamespaceScope): Workload[] {
    if (scope.any) return this.all;
    return scope.names.flatMap((namespace) => this.inNamespace(namespace));
  }

  /** Workloads in a scope whose pods satisfy a label selector (an invalid selector selects none). */
  matching(selector: unknown, scope: NamespaceScope): Workload[] {
    const reqs = requirements(selector);
    if (!reqs) return [];
    return this.candidates(scope, indexTerms(reqs)).filter((workload) => reqs.every((requirement) => requirement.matches(workload.labels)));
  }

  /** The smallest label bucket per namespace that can hold a match (see Graph.candidates). */
  private candidates(scope: NamespaceScope, terms: string[][]): Workload[] {
    if (terms.length === 0) return this.inScope(scope);
    const namespaces = scope.any ? [...this.byLabel.keys()] : scope.names;
    const result: Workload[] = [];
    for (const namespace of namespaces) {
      const byLabel = this.byLabel.get(namespace);
      if (!byLabel) continue;
      const smallest = smallestBucket(byLabel, terms);
      if (smallest) result.push(...smallest);
    }
    return result;
  }
}

const indexes = new WeakMap<Graph, WorkloadIndex>();

/** The workload index of a graph, built on first use and shared by every rule of the lint. */
export function workloads(graph: Graph): WorkloadIndex {
  let index = indexes.get(graph);
  if (!index) indexes.set(graph, (index = new WorkloadIndex(graph.resources)));
  return index;
}

/** `Deployment "web"`, or `the pods Prometheus Operator makes for Prometheus "k8s"`. */
export function describeWorkload(workload: Workload): string {
  const { kind, name } = workload.resource;
  return workload.madeBy ? `the pods ${workload.madeBy} makes for ${kind} "${name}"` : `${kind} "${name}"`;
}

function workloadOf(resource: Resource): Workload | null {
  const { body, kind, group, namespace } = resource;
  if (!isObject(body.spec)) return null;
  if (OPERATOR_GROUPS.has(group) && kind in OPERATOR_PODS) return operatorPods(resource);
  if (kind === 'Pod' && group === '') {
    if (!Array.isArray(body.spec.containers)) return null;
    return {
      resource,
      namespace,
      labels: labelsOf(body.metadata),
      labelsPointer: '/metadata/labels',
      labelsPath: 'metadata.labels',
      podSpecPointer: '/spec',
      ports: containerPorts(body.spec, '/spec'),
    };
  }
  const [template, pointer] =
    kind === 'CronJob' && group === 'batch'
      ? [isObject(body.spec.jobTemplate) && isObject(body.spec.jobTemplate.spec) ? body.spec.jobTemplate.spec.template : undefined, '/spec/jobTemplate/spec/template']
      : [body.spec.template, '/spec/template'];
  // A pod template is what has containers: that tells a Deployment from a custom resource whose
  // spec.template is something else, and leaves out fragments without one.
  if (!isObject(template) || !isObject(template.spec) || !Array.isArray(template.spec.containers)) return null;
  return {
    resource,
    namespace,
    labels: labelsOf(template.metadata),
    labelsPointer: `${pointer}/metadata/labels`,
    labelsPath: `${pointer.slice(1).replace(/\//g, '.')}.metadata.labels`,
    podSpecPointer: `${pointer}/spec`,
    ports: containerPorts(template.spec, `${pointer}/spec`),
  };
}

function operatorPods(resource: Resource): Workload {
  const { kind, name, namespace, body } = resource;
  const pods = OPERATOR_PODS[kind]!;
  // Prometheus pods: the same labels service-selects-prometheus checks Services against.
  const labels: Labels = kind === 'Prometheus' ? prometheusPodLabels(resource) : labelsOf(body.spec.podMetadata);
  labels['app.kubernetes.io/name'] = pods.app;
  labels['app.kubernetes.io/instance'] = name;
  labels['app.kubernetes.io/managed-by'] = 'prometheus-operator';
  if (pods.nameLabel) labels[pods.nameLabel] = name;
  if (pods.operatorName) {
    labels['operator.prometheus.io/name'] = name;
    labels['operator.prometheus.io/shard'] = '0';
  }
  return {
    resource,
    namespace,
    labels,
    labelsPointer: '/spec/podMetadata/labels',
    labelsPath: 'spec.podMetadata.labels',
    podSpecPointer: '/spec',
    ports: null,
    madeBy: 'Prometheus Operator',
  };
}

/** Ports of the containers and init containers (sidecars) of a pod spec; Prometheus discovers both. */
function containerPorts(podSpec: Record<string, any>, base: string): ContainerPort[] {
  const ports: ContainerPort[] = [];
  for (const field of ['containers', 'initContainers']) {
    const containers = podSpec[field];
    if (!Array.isArray(containers)) continue;
    containers.forEach((container: unknown, index: number) => {
      if (!isObject(container) || !Array.isArray(container.ports)) return;
      const containerName = typeof container.name === 'string' ? container.name : '';
      container.ports.forEach((port: unknown, portIndex: number) => {
        if (!isObject(port)) return;
        ports.push({
          container: containerName,
          name: typeof port.name === 'string' ? port.name : '',
          containerPort: port.containerPort,
          pointer: `${base}/${field}/${index}/ports/${portIndex}`,
        });
      });
    });
  }
  return ports;
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}
