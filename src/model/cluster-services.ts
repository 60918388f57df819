// Services that exist in a running cluster although no repository defines
// them: made by Kubernetes itself or by Prometheus Operator. A monitor that
// selects one of them is fine but cannot be verified from the YAML alone.

import type { NamespaceScope, Requirement } from './selector.js';

export interface ClusterService {
  namespace: string;
  name: string;
  labels: Record<string, string>;
  /** Who creates it, for the message. */
  origin: string;
}

export const CLUSTER_SERVICES: ClusterService[] = [
  {
    namespace: 'kube-system',
    name: 'kubelet',
    labels: { 'app.kubernetes.io/name': 'kubelet', 'k8s-app': 'kubelet', 'app.kubernetes.io/managed-by': 'prometheus-operator' },
    origin: 'Prometheus Operator creates (--kubelet-service)',
  },
  {
    namespace: 'default',
    name: 'kubernetes',
    labels: { component: 'apiserver', provider: 'kubernetes' },
    origin: 'Kubernetes creates for the API server',
  },
  {
    namespace: 'kube-system',
    name: 'kube-dns',
    labels: { 'k8s-app': 'kube-dns', 'kubernetes.io/cluster-service': 'true', 'kubernetes.io/name': 'CoreDNS' },
    origin: 'the cluster DNS add-on creates',
  },
];

/** The cluster-made Service a selector would pick in a scope, if any. */
export function selectedClusterService(reqs: Requirement[], scope: NamespaceScope): ClusterService | undefined {
  return CLUSTER_SERVICES.find(
    (service) => (scope.any || scope.names.includes(service.namespace)) && reqs.every((requirement) => requirement.matches(service.labels)),
  );
}
