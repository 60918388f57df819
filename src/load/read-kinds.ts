// The kinds fedlint's rules read, in one place, for the two stages that skip work on the others: context mode leaves
// out context files that hold none of them (context.ts), and parsing keeps only the identity of documents of other
// kinds (parse.ts `readKinds`), which is most of a repository's bytes (dashboards in ConfigMaps, CRDs, Secrets).

/**
 * Kinds whose objects decide findings: the graph's kinds (graph.ts), the Namespaces and Prometheus servers that
 * select monitors (prometheus.ts) and the pods operators make (workloads.ts). Objects of any other kind matter only
 * through a pod template (workloads.ts reads `spec.template` of any kind) or as a kustomization (kustomize.ts); both
 * stages recognise those by their keys. A rule that starts reading another kind must add it here:
 * test/context.test.ts compares context mode with a full lint, and test/corpus.test.ts compares a lint that keeps
 * every body with one that skims, over the fixtures and the corpus, to catch that.
 */
export const READ_KINDS: ReadonlySet<string> = new Set([
  'Service',
  'Endpoints',
  'EndpointSlice',
  'ServiceMonitor',
  'PodMonitor',
  'Probe',
  'ScrapeConfig',
  'Prometheus',
  'PrometheusAgent',
  'MonitoringStack',
  'Alertmanager',
  'ThanosRuler',
  'Namespace',
  'Pod',
]);
