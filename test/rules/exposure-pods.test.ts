// exposed-prometheus (a LoadBalancer or NodePort Service that publishes
// Prometheus) and selector-matches-pods (a PodMonitor selects the pod template
// of a loaded workload, on a container port it declares).
//
// Each fixture folder is linted as one repository. Bad fixtures are compared
// with this rule's findings only (a neighbouring rule may rightly report the
// same object, e.g. schema for a key that does not belong); good fixtures must
// give no finding from any rule. Lines and columns were read off the fixtures.

import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Graph } from '../../src/model/graph.js';
import { makeSourceFile, parseFile } from '../../src/load/parse.js';
import { workloads } from '../../src/model/workloads.js';
import { type Compact, compact, lintText, ruleFindings } from '../helpers.js';

const EXPOSED = 'exposed-prometheus';
const PODS = 'selector-matches-pods';

async function only(ruleId: string, variant: 'bad' | 'good'): Promise<Compact[]> {
  return (await ruleFindings(ruleId, variant)).filter((finding) => finding.ruleId === ruleId);
}

function finding(ruleId: string, file: string, line: number, column: number, message: string, level = 'error'): Compact {
  return { ruleId, level, file: `test/fixtures/${ruleId}/bad/${file}`, line, column, message };
}

const exposed = (file: string, line: number, column: number, message: string) => finding(EXPOSED, file, line, column, message);
const pods = (file: string, line: number, column: number, message: string, level = 'error') => finding(PODS, file, line, column, message, level);

const EXTERNAL = 'so the load balancer is external and exposes Prometheus (port 9090) to any address';
const HOW =
  'add your cloud\'s internal annotation (GKE: networking.gke.io/load-balancer-type: "Internal"; EKS: service.beta.kubernetes.io/aws-load-balancer-scheme: internal; AKS: service.beta.kubernetes.io/azure-load-balancer-internal: "true") or list the scraping cluster\'s egress ranges in spec.loadBalancerSourceRanges';
const NODE_PORT_FIX =
  'make it type ClusterIP and reach Prometheus through a private path (an internal LoadBalancer, a VPN or a peered network), or restrict access to the Prometheus pods with a NetworkPolicy';

// ---------------------------------------------------------------------- exposed-prometheus

test('exposed-prometheus: bad fixtures give exactly these findings', async () => {
  assert.equal(await only(EXPOSED, 'bad'), [
    // the key under metadata.labels
    exposed(
      'annotation-as-label.yaml',
      9,
      5,
      `Service "prometheus-federate" sets "networking.gke.io/load-balancer-type" as a label, but cloud controllers read networking.gke.io/load-balancer-type only from metadata.annotations, ${EXTERNAL}; move it under metadata.annotations`,
    ),
    // misspelt keys, at the key: one letter off, and the right name under the wrong prefix
    exposed(
      'misspelt-annotation.yaml',
      9,
      5,
      `Service "prometheus-gke" has annotation "networking.gke.io/load-balancer-typ", which no cloud controller reads (did you mean "networking.gke.io/load-balancer-type"?), ${EXTERNAL}; correct the key`,
    ),
    exposed(
      'misspelt-annotation.yaml',
      24,
      5,
      `Service "prometheus-eks" has annotation "service.beta.kubernetes.io/aws-load-balancer-internel", which no cloud controller reads (did you mean "service.beta.kubernetes.io/aws-load-balancer-internal"?), ${EXTERNAL}; correct the key`,
    ),
    exposed(
      'misspelt-annotation.yaml',
      39,
      5,
      `Service "prometheus-legacy" has annotation "service.kubernetes.io/aws-load-balancer-internal", which no cloud controller reads (did you mean "service.beta.kubernetes.io/aws-load-balancer-internal"?), ${EXTERNAL}; correct the key`,
    ),
    // NodePort, at `type: NodePort`; found by the selector, and with an annotation that cannot help
    exposed(
      'node-port.yaml',
      8,
      9,
      `Service "prometheus" of type NodePort exposes Prometheus (its selector picks Prometheus pods: prometheus=main) on node port 30900 of every node, to any address that can reach a node, and internal load-balancer annotations and spec.loadBalancerSourceRanges do not apply to it; ${NODE_PORT_FIX}`,
    ),
    exposed(
      'node-port.yaml',
      26,
      9,
      `Service "prometheus-internal" of type NodePort exposes Prometheus (port 9090) on a node port of every node, to any address that can reach a node, and its internal load-balancer annotation applies only to type LoadBalancer; ${NODE_PORT_FIX}`,
    ),
    // the 0.0.0.0/0 entry
    exposed(
      'open-source-range.yaml',
      11,
      7,
      `Service "prometheus-federate" lists 0.0.0.0/0 in spec.loadBalancerSourceRanges, which admits every address, so the load balancer exposes Prometheus (port 9090) to anyone; list only the scraping cluster's egress ranges, or make the load balancer internal`,
    ),
    // nothing to point at but `type: LoadBalancer`: by port, and by the selector
    exposed(
      'public-load-balancer.yaml',
      9,
      9,
      `Service "prometheus-federate" of type LoadBalancer exposes Prometheus (port 9090) on an external load balancer, reachable from any address, with neither an internal load-balancer annotation nor spec.loadBalancerSourceRanges; ${HOW}`,
    ),
    exposed(
      'public-load-balancer.yaml',
      25,
      9,
      `Service "worker-prometheus" of type LoadBalancer exposes Prometheus (its selector picks Prometheus pods: operator.prometheus.io/name=worker) on an external load balancer, reachable from any address, with neither an internal load-balancer annotation nor spec.loadBalancerSourceRanges; ${HOW}`,
    ),
    // wrong values, at the value
    exposed(
      'wrong-value.yaml',
      8,
      43,
      `Service "prometheus-gke" sets networking.gke.io/load-balancer-type: "External", which GKE does not read as internal, ${EXTERNAL}; set it to "Internal"`,
    ),
    exposed(
      'wrong-value.yaml',
      23,
      60,
      `Service "prometheus-eks" sets service.beta.kubernetes.io/aws-load-balancer-internal: "false", which AWS does not read as internal, ${EXTERNAL}; set it to "true"`,
    ),
    exposed(
      'wrong-value.yaml',
      39,
      58,
      `Service "prometheus-nlb" sets service.beta.kubernetes.io/aws-load-balancer-scheme: "internet-facing", which the AWS Load Balancer Controller does not read as internal, ${EXTERNAL}; set it to "internal"`,
    ),
    exposed(
      'wrong-value.yaml',
      54,
      62,
      `Service "prometheus-aks" sets service.beta.kubernetes.io/azure-load-balancer-internal: "True", which AKS does not read as internal, ${EXTERNAL}; set it to "true" (the value is case-sensitive)`,
    ),
  ]);
});

test('exposed-prometheus: good fixtures give no finding from any rule', async () => {
  assert.equal(await ruleFindings(EXPOSED, 'good'), []);
});

const service = (annotations: string, specLines: string, name = 'prometheus-edge') => `apiVersion: v1
kind: Service
metadata:
  name: ${name}
  namespace: monitoring
  annotations: {${annotations}}
spec:
  type: LoadBalancer
  selector: {app: edge-metrics}
${specLines}
`;
const PORT_9090 = '  ports: [{name: web, port: 9090}]';
const exposedFindings = async (text: string) => compact(await lintText(text, 'svc.yaml')).filter((f) => f.ruleId === EXPOSED);

test('exposed-prometheus: the current GKE key wins over the legacy one, as in the GKE controller', async () => {
  const [wrong] = await exposedFindings(service('networking.gke.io/load-balancer-type: External, cloud.google.com/load-balancer-type: Internal', PORT_9090));
  assert.is(wrong!.line, 6);
  assert.match(wrong!.message, /sets networking\.gke\.io\/load-balancer-type: "External"/);
  assert.equal(await exposedFindings(service('networking.gke.io/load-balancer-type: Internal, cloud.google.com/load-balancer-type: External', PORT_9090)), []);
});

test('exposed-prometheus: real annotations near a known key are not misspellings of it', async () => {
  // OCI's load-balancer-type has the name part of GKE's key; Outscale's internal key is two letters from OCI's.
  const findings = await exposedFindings(
    service('oci.oraclecloud.com/load-balancer-type: nlb, service.beta.kubernetes.io/aws-load-balancer-type: nlb', PORT_9090),
  );
  assert.equal(findings.map((f) => f.line), [8]);
  assert.match(findings[0]!.message, /of type LoadBalancer exposes Prometheus \(port 9090\) on an external load balancer/);
  assert.equal(await exposedFindings(service('service.beta.kubernetes.io/osc-load-balancer-internal: "true"', PORT_9090)), []);
});

test('exposed-prometheus: private load balancer classes, source-range annotations and non-Prometheus ports', async () => {
  assert.equal(await exposedFindings(service('', `${PORT_9090}\n  loadBalancerClass: tailscale`)), []);
  assert.equal(await exposedFindings(service('service.beta.kubernetes.io/load-balancer-source-ranges: "10.0.0.0/8,192.168.0.0/16"', PORT_9090)), []);
  const open = await exposedFindings(service('service.beta.kubernetes.io/load-balancer-source-ranges: "10.0.0.0/8, ::/0"', PORT_9090));
  assert.equal(open.map((f) => [f.line, f.column]), [[6, 73]]);
  assert.match(open[0]!.message, /lists ::\/0 in service\.beta\.kubernetes\.io\/load-balancer-source-ranges, which admits every address/);
  // The port named "web" is Prometheus's only when the Service says it is Prometheus.
  assert.equal(await exposedFindings(service('', '  ports: [{name: http, port: 80, targetPort: web}]', 'storefront')), []);
  const named = await exposedFindings(service('', '  ports: [{name: http, port: 80, targetPort: web}]', 'prometheus-public'));
  assert.match(named[0]!.message, /^Service "prometheus-public" of type LoadBalancer exposes Prometheus \(targetPort "web"\)/);
  // A selectorless LoadBalancer on 9090 still exposes what its Endpoints point at; a ClusterIP does not.
  assert.equal(await exposedFindings(service('', PORT_9090).replace('  type: LoadBalancer\n', '')), []);
});

// --------------------------------------------------------------------- selector-matches-pods

test('selector-matches-pods: bad fixtures give exactly these findings', async () => {
  const declares = 'Deployment "search" declares "http" and "http-metrics"';
  assert.equal(await only(PODS, 'bad'), [
    // a misspelt port name, a port number where the name belongs, an undeclared portNumber: at the value
    pods(
      'container-port.yaml',
      35,
      13,
      `PodMonitor "search" scrapes port "http-metric", which no container of the pods it selects declares (${declares}), so Prometheus discovers no target; use "http-metrics", or name the container port "http-metric"`,
    ),
    pods(
      'container-port.yaml',
      36,
      13,
      `PodMonitor "search" scrapes port "8080", which no container of the pods it selects declares (${declares}), so Prometheus discovers no target; podMetricsEndpoints[].port takes the container port's name: use "http" (or portNumber: 8080)`,
    ),
    pods(
      'container-port.yaml',
      38,
      19,
      `PodMonitor "search" scrapes portNumber 9200, which no container of the pods it selects declares (${declares}), and Prometheus drops targets on undeclared ports; declare containerPort 9200 in the pod template or scrape a port it declares`,
    ),
    // the wrong value `ledgers`; the StatefulSet beats the DaemonSet on labels and name
    pods(
      'label-value-mismatch.yaml',
      50,
      12,
      'PodMonitor "ledger" selects no pods in namespace "accounting": the closest, StatefulSet "ledger", labels its pods app=ledger, not app=ledgers; change spec.template.metadata.labels or the selector',
    ),
    // notes: nothing loaded in "edge"; kubeadm's etcd static pods in kube-system
    pods(
      'nothing-to-verify.yaml',
      9,
      3,
      'PodMonitor "edge-gateway" selects no pods that fedlint can verify: no workload (Deployment, StatefulSet, DaemonSet, ReplicaSet, Job, CronJob or Pod) is loaded in namespace "edge"; if the pods come from the cluster or another repository, lint them together',
      'note',
    ),
    pods(
      'nothing-to-verify.yaml',
      21,
      3,
      'PodMonitor "etcd" selects no pods that fedlint can verify: it selects the etcd pods in namespace "kube-system", which kubeadm runs as static pods; no repository defines them',
      'note',
    ),
    // a label straight under `selector:` (at the key), and no selector at all (at `spec:`)
    pods(
      'selector-shape.yaml',
      30,
      5,
      'PodMonitor "recommender" has label "app" directly under spec.selector instead of under matchLabels, so Kubernetes drops it and the empty selector left selects every pod in namespace "ml"; write selector: {matchLabels: {app: recommender}}',
    ),
    pods(
      'selector-shape.yaml',
      39,
      1,
      'PodMonitor "recommender-no-selector" has no spec.selector, which the PodMonitor CRD requires, so the API server rejects it; add spec.selector with matchLabels that the pods to scrape carry (selector: {} selects every pod in namespace "ml")',
    ),
    // the requirement the pods miss, with the label the Deployment carries only on itself
    pods(
      'workload-labels.yaml',
      36,
      34,
      'PodMonitor "checkout" selects no pods in namespace "shop": the closest, Deployment "checkout", does not label its pods app.kubernetes.io/part-of=storefront (Deployment "checkout" itself carries that label in metadata.labels, but its pods get only spec.template.metadata.labels); add the label to spec.template.metadata.labels or change the selector',
    ),
    // the monitor's own namespace, `monitoring`
    pods(
      'wrong-namespace.yaml',
      46,
      14,
      'PodMonitor "payments-api" selects no pods: Deployment "payments-api" has pods with the selected labels but is in namespace "payments", while the monitor looks only in namespace "monitoring"; add "payments" to spec.namespaceSelector.matchNames or move the monitor to that namespace',
    ),
  ]);
});

test('selector-matches-pods: good fixtures (Deployment, CronJob, Pod, operator pods, Rollout) give no finding from any rule', async () => {
  assert.equal(await ruleFindings(PODS, 'good'), []);
});

const PROMETHEUS = `apiVersion: monitoring.coreos.com/v1
kind: Prometheus
metadata: {name: k8s, namespace: monitoring}
spec:
  podMonitorSelector: {}
  podMetadata: {labels: {team: observability}}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: grafana, namespace: monitoring}
spec:
  selector: {matchLabels: {app: grafana}}
  template:
    metadata: {labels: {app: grafana}}
    spec: {containers: [{name: grafana, image: grafana/grafana, ports: [{name: http, containerPort: 3000}]}]}
---
apiVersion: monitoring.coreos.com/v1
kind: PodMonitor
metadata: {name: prometheus, namespace: monitoring}
spec:
  selector:
    matchLabels:
`;
const podFindings = async (text: string) => compact(await lintText(text, 'pm.yaml')).filter((f) => f.ruleId === PODS);

test('selector-matches-pods: operator-made pods match by their labels; their ports are not guessed', async () => {
  assert.equal(await podFindings(`${PROMETHEUS}      prometheus: k8s\n      team: observability\n  podMetricsEndpoints: [{port: any-port}]\n`), []);
  const [mismatch] = await podFindings(`${PROMETHEUS}      prometheus: k8s\n      team: platform\n  podMetricsEndpoints: [{port: web}]\n`);
  assert.equal(
    mismatch,
    {
      ruleId: PODS,
      level: 'error',
      file: 'pm.yaml',
      line: 24,
      column: 13,
      message:
        'PodMonitor "prometheus" selects no pods in namespace "monitoring": the closest, the pods Prometheus Operator makes for Prometheus "k8s", are labelled team=observability, not team=platform; change spec.podMetadata.labels or the selector',
    },
  );
});

test('selector-matches-pods: a note that points at the workload elsewhere when nothing is loaded where the monitor looks', async () => {
  const text = `apiVersion: apps/v1
kind: DaemonSet
metadata: {name: node-exporter, namespace: exporters}
spec:
  selector: {matchLabels: {app: node-exporter}}
  template:
    metadata: {labels: {app: node-exporter}}
    spec: {containers: [{name: exporter, image: prom/node-exporter, ports: [{name: metrics, containerPort: 9100}]}]}
---
apiVersion: monitoring.coreos.com/v1
kind: PodMonitor
metadata: {name: node-exporter, namespace: monitoring}
spec:
  selector: {matchLabels: {app: node-exporter}}
  podMetricsEndpoints: [{port: metrics}]
`;
  assert.equal(await podFindings(text), [
    {
      ruleId: PODS,
      level: 'note',
      file: 'pm.yaml',
      line: 14,
      column: 3,
      message:
        'PodMonitor "node-exporter" selects no pods that fedlint can verify: no workload (Deployment, StatefulSet, DaemonSet, ReplicaSet, Job, CronJob or Pod) is loaded in namespace "monitoring" (DaemonSet "node-exporter" in namespace "exporters" has pods with the selected labels; if that is the one, add "exporters" to spec.namespaceSelector.matchNames or move the monitor to that namespace); if the pods come from the cluster or another repository, lint them together',
    },
  ]);
  // namespaceSelector.any looks everywhere, and finds it.
  assert.equal(await podFindings(text.replace('spec:\n  selector: {matchLabels: {app: node-exporter}}\n  podMetricsEndpoints', 'spec:\n  namespaceSelector: {any: true}\n  selector: {matchLabels: {app: node-exporter}}\n  podMetricsEndpoints')), []);
});

test('selector-matches-pods: the workload index is built once per graph and answers from label buckets', async () => {
  const text = ['a', 'b', 'c']
    .map(
      (app) => `apiVersion: apps/v1
kind: ReplicaSet
metadata: {name: ${app}, namespace: ns}
spec:
  selector: {matchLabels: {app: ${app}}}
  template:
    metadata: {labels: {app: ${app}, tier: web}}
    spec: {containers: [{name: c, image: i}]}`,
    )
    .join('\n---\n');
  const graph = new Graph(parseFile(makeSourceFile('w.yaml', 'w.yaml', text), 'default').resources);
  const index = workloads(graph);
  assert.is(workloads(graph), index);
  assert.is(workloads(new Graph(graph.resources)) === index, false);
  const names = (selector: unknown, scope = { any: false as const, names: ['ns'] }) => index.matching(selector, scope).map((w) => w.resource.name);
  assert.equal(names({ matchLabels: { tier: 'web' } }), ['a', 'b', 'c']);
  assert.equal(names({ matchExpressions: [{ key: 'app', operator: 'In', values: ['b', 'c'] }] }), ['b', 'c']);
  assert.equal(names({ matchExpressions: [{ key: 'app', operator: 'NotIn', values: ['a'] }] }), ['b', 'c']);
  assert.equal(names({ matchLabels: { tier: 'web' } }, { any: false, names: ['other'] }), []);
  assert.equal(names({ matchLabels: 'app=a' }), []);
});

test.run();
