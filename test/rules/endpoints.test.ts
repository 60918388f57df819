// endpoints-name-match and endpoints-port-match: the join between a Service and
// its Endpoints / EndpointSlices, by name and namespace, then port by port.
// Expected lines and columns were read off the fixtures: the wrong value, or the
// key of the mapping that lacks something.

import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { type Compact, compact, lintPaths, lintText, ruleFindings } from '../helpers.js';

const NAME = 'endpoints-name-match';
const PORT = 'endpoints-port-match';

function finding(ruleId: string, file: string, line: number, column: number, message: string, level = 'error'): Compact {
  return { ruleId, level, file: `test/fixtures/${ruleId}/bad/${file}`, line, column, message };
}

const name = (file: string, line: number, column: number, message: string, level = 'error') => finding(NAME, file, line, column, message, level);
const port = (file: string, line: number, column: number, message: string, level = 'error') =>
  finding(PORT, file, line, column, message, level);

// ---------------------------------------------------------------- endpoints-name-match

test('endpoints-name-match: bad fixtures give exactly these findings', async () => {
  assert.equal(await ruleFindings(NAME, 'bad'), [
    // legacy-thanos-sidecar: no Service of that name anywhere
    name(
      'endpoints-no-service.yaml',
      5,
      9,
      'Endpoints "legacy-thanos-sidecar" has no Service of the same name in namespace "federation-orphan"; create the Service or rename the Endpoints to match it',
    ),
    // the selectorless Service eu-west-prometheus is monitored but its Endpoints sit in another namespace
    name(
      'endpoints-other-namespace.yaml',
      6,
      9,
      'Service "eu-west-prometheus" has no selector and is selected by ServiceMonitor "eu-west-federation", but has no Endpoints named "eu-west-prometheus" or EndpointSlice labelled kubernetes.io/service-name: eu-west-prometheus in namespace "federation-ns"; Endpoints "eu-west-prometheus" exists in namespace "monitoring-ns": move one of them so that the namespaces agree',
    ),
    // the Endpoints' explicit namespace is the wrong value: `namespace: monitoring-ns`
    name(
      'endpoints-other-namespace.yaml',
      19,
      14,
      'Endpoints "eu-west-prometheus" has no Service of the same name in namespace "monitoring-ns"; a Service "eu-west-prometheus" exists in namespace "federation-ns": move one of them so that the namespaces agree',
    ),
    // no namespace written: shown at the name
    name(
      'endpoints-other-namespace.yaml',
      41,
      9,
      'Endpoints "us-east-prometheus" has no Service of the same name in namespace "default"; a Service "us-east-prometheus" exists in namespace "federation-ns": move one of them so that the namespaces agree',
    ),
    // both sides of the worker-metric(s) typo
    name(
      'endpoints-typo.yaml',
      6,
      9,
      'Service "worker-metrics" has no selector and is selected by ServiceMonitor "worker-federation", but has no Endpoints named "worker-metrics" or EndpointSlice labelled kubernetes.io/service-name: worker-metrics in namespace "federation-typo"; did you mean "worker-metric"?',
    ),
    name(
      'endpoints-typo.yaml',
      18,
      9,
      'Endpoints "worker-metric" has no Service of the same name in namespace "federation-typo"; did you mean "worker-metrics"?',
    ),
    // a selectorless Service known only through an EndpointSlice, while the Prometheus discovers through Endpoints
    name(
      'endpointslice-discovery-role.yaml',
      19,
      9,
      'Service "eu-north-prometheus" has no selector and its addresses are only in EndpointSlice "eu-north-prometheus-1", but Prometheus "federation" discovers the targets of ServiceMonitor "eu-north-federation" through Endpoints objects (serviceDiscoveryRole is not set, so Endpoints), so it finds none; set serviceDiscoveryRole: EndpointSlice on the Prometheus or the ServiceMonitor, or add an Endpoints object named "eu-north-prometheus"',
    ),
    // EndpointSlice: the label value is the wrong value
    name(
      'endpointslice.yaml',
      19,
      33,
      'EndpointSlice "ap-south-prometheus-1" is labelled kubernetes.io/service-name: ap-south-prometeus, but there is no Service "ap-south-prometeus" in namespace "federation-slices"; did you mean "ap-south-prometheus"?',
    ),
    // EndpointSlice without the label: shown at `labels:`, the mapping that lacks it
    name(
      'endpointslice.yaml',
      42,
      3,
      'EndpointSlice "ca-central-prometheus-manual" has no kubernetes.io/service-name label, so no Service uses its endpoints; add the label kubernetes.io/service-name: ca-central-prometheus',
    ),
    // EndpointSlice whose Service is in another namespace; the exact name elsewhere wins over
    // the near name "ap-south-prometheus" in the slice's own namespace
    name(
      'endpointslice.yaml',
      65,
      14,
      'EndpointSlice "af-south-prometheus-1" is labelled kubernetes.io/service-name: af-south-prometheus, but there is no Service "af-south-prometheus" in namespace "federation-slices"; a Service "af-south-prometheus" exists in namespace "federation-slices-2": move one of them so that the namespaces agree',
    ),
    name(
      'selectorless-no-endpoints.yaml',
      6,
      9,
      'Service "apac-prometheus" has no selector and is selected by ServiceMonitor "regional-federation", but has no Endpoints named "apac-prometheus" or EndpointSlice labelled kubernetes.io/service-name: apac-prometheus in namespace "federation-missing"; add an Endpoints object of the same name listing the target addresses',
    ),
    name(
      'selectorless-no-endpoints.yaml',
      18,
      9,
      'Service "emea-prometheus" is of type ExternalName and is selected by ServiceMonitor "regional-federation", but has no Endpoints named "emea-prometheus" or EndpointSlice labelled kubernetes.io/service-name: emea-prometheus in namespace "federation-missing"; add an Endpoints object of the same name listing the target addresses',
    ),
    // hand-written Endpoints of a Service with a selector: the controller overwrites them; a warning at the name
    name(
      'service-with-selector.yaml',
      21,
      9,
      'Endpoints "eu-central-prometheus" is written by hand, but Service "eu-central-prometheus" has a selector, so the endpoints controller replaces its addresses with those of the selected Pods; remove the Service\'s selector to keep hand-written endpoints for a remote target, or drop this Endpoints object',
      'warning',
    ),
  ]);
});

test('endpoints-name-match: related locations point at the Service meant and at the selecting monitor', async () => {
  const result = await lintPaths([`test/fixtures/${NAME}/bad/endpoints-typo.yaml`, `test/fixtures/${NAME}/bad/endpoints-other-namespace.yaml`]);
  const related = result.findings.map((f) => ({
    at: `${f.location.file.displayPath.split('/').pop()}:${f.location.region.startLine}`,
    related: f.related.map((r) => `${r.location.file.displayPath.split('/').pop()}:${r.location.region.startLine}:${r.location.region.startColumn} ${r.message}`),
  }));
  assert.equal(related, [
    { at: 'endpoints-other-namespace.yaml:6', related: ['endpoints-other-namespace.yaml:55:3 ServiceMonitor "eu-west-federation" selects this Service'] },
    { at: 'endpoints-other-namespace.yaml:19', related: ['endpoints-other-namespace.yaml:6:9 Service "eu-west-prometheus" in namespace "federation-ns"'] },
    { at: 'endpoints-other-namespace.yaml:41', related: ['endpoints-other-namespace.yaml:30:9 Service "us-east-prometheus" in namespace "federation-ns"'] },
    { at: 'endpoints-typo.yaml:6', related: ['endpoints-typo.yaml:33:3 ServiceMonitor "worker-federation" selects this Service'] },
    { at: 'endpoints-typo.yaml:18', related: ['endpoints-typo.yaml:6:9 Service "worker-metrics"'] },
  ]);
});

test('endpoints-name-match: hand-written Endpoints of a Service with a selector point back at the selector', async () => {
  const file = `test/fixtures/${NAME}/bad/service-with-selector.yaml`;
  const result = await lintPaths([file]);
  assert.equal(
    result.findings.map((f) => f.related.map((r) => [r.location.file.displayPath, r.location.region.startLine, r.location.region.startColumn, r.message])),
    [[[file, 12, 3, 'selector of Service "eu-central-prometheus"']]],
  );
});

test('endpoints-name-match: Endpoints the controller wrote, and an ExternalName Service with a selector, are not hand-written ones', async () => {
  const endpoints = (annotations: string) => `---
apiVersion: v1
kind: Endpoints
metadata:
  name: prometheus
  namespace: monitoring${annotations}
subsets:
  - addresses:
      - ip: 10.2.0.7
    ports:
      - name: web
        port: 9090
`;
  // Exported from a cluster (kubectl get -o yaml): the controller's own stamp.
  const stamped = endpoints("\n  annotations:\n    endpoints.kubernetes.io/last-change-trigger-time: '2024-05-02T10:00:00Z'");
  assert.equal(compact(await lintText(SERVICE_WITH_SELECTOR + stamped)), []);
  // ExternalName ignores the selector, so nothing rewrites the Endpoints.
  const externalName = SERVICE_WITH_SELECTOR.replace('spec:\n', 'spec:\n  type: ExternalName\n  externalName: prometheus.example.internal\n');
  assert.equal(compact(await lintText(externalName + endpoints(''))), []);
  // The same Endpoints written by hand for the Service with a selector: the warning.
  assert.equal(
    compact(await lintText(SERVICE_WITH_SELECTOR + endpoints(''))).map((f) => [f.ruleId, f.level, f.line, f.column]),
    [[NAME, 'warning', 30, 9]],
  );
});

test('endpoints-name-match: good fixtures give no finding from any rule', async () => {
  assert.equal(await ruleFindings(NAME, 'good'), []);
});

// ---------------------------------------------------------------- endpoints-port-match

test('endpoints-port-match: bad fixtures give exactly these findings', async () => {
  assert.equal(await ruleFindings(PORT, 'bad'), [
    // slice port name typo: the name value
    port(
      'endpointslice.yaml',
      26,
      11,
      'EndpointSlice "ap-south-prometheus-1" port "htp-web" is not a port name of Service "ap-south-prometheus" ("http-web" and "grpc"); rename it to "http-web"',
    ),
    // slice port number: the number value, and only a warning
    port(
      'endpointslice.yaml',
      29,
      11,
      'EndpointSlice "ap-south-prometheus-1" port "grpc" is 10902 but Service "ap-south-prometheus" has port 10901 for it; use the same number on both sides',
      'warning',
    ),
    // the Service port that neither the Endpoints nor the slice lists
    port(
      'endpointslice.yaml',
      42,
      13,
      'Service "ca-central-prometheus" is of type ExternalName, and port "reloader-web" is missing from Endpoints "ca-central-prometheus" and EndpointSlice "ca-central-prometheus-abcde"; add a port named "reloader-web" with the target\'s port number there',
    ),
    // unnamed slice port vs two named Service ports: the `- port: 9090` entry
    port(
      'endpointslice.yaml',
      68,
      5,
      'EndpointSlice "ca-central-prometheus-abcde" has an unnamed port but Service "ca-central-prometheus" has 2 ports; name it after one of them: "web" or "reloader-web"',
    ),
    port(
      'missing-port.yaml',
      12,
      13,
      'Service "thanos-query-remote" has no selector, and port "grpc" is missing from Endpoints "thanos-query-remote"; add a port named "grpc" with the target\'s port number there',
    ),
    port(
      'missing-port.yaml',
      46,
      15,
      'Endpoints "edge-prometheus" port "web" has no counterpart: Service "edge-prometheus" declares no ports; add a port named "web" to the Service',
    ),
    // did-you-mean; the Service's "web" is not reported again as missing
    port(
      'port-name.yaml',
      24,
      15,
      'Endpoints "worker-prometheus" port "wbe" is not a port name of Service "worker-prometheus" ("web" and "grpc"); rename it to "web"',
    ),
    // nothing close enough to suggest
    port(
      'port-name.yaml',
      28,
      15,
      'Endpoints "worker-prometheus" port "config-reloader" is not a port name of Service "worker-prometheus" ("web" and "grpc")',
    ),
    // single-port Service: rename to its only port
    port(
      'port-name.yaml',
      50,
      15,
      'Endpoints "eu-west-prometheus" port "metrics" is not a port name of Service "eu-west-prometheus" ("http-web"); rename it to "http-web"',
    ),
    port(
      'port-number.yaml',
      23,
      15,
      'Endpoints "with-target-port" port "web" is 9091 but Service "with-target-port" has targetPort 9090 for it; use the same number on both sides',
      'warning',
    ),
    port(
      'port-number.yaml',
      45,
      15,
      'Endpoints "without-target-port" port "web" is 8080 but Service "without-target-port" has port 9090 for it; use the same number on both sides',
      'warning',
    ),
    // unnamed Endpoints port vs a single named Service port
    port(
      'unnamed-port.yaml',
      21,
      9,
      'Endpoints "single-port" has an unnamed port but the port of Service "single-port" is named "web"; name this port "web"',
    ),
    // unnamed Endpoints port vs a multi-port Service: no single answer, so "web" is still missing
    port(
      'unnamed-port.yaml',
      31,
      13,
      'Service "multi-port" has no selector, and port "web" is missing from Endpoints "multi-port"; add a port named "web" with the target\'s port number there',
    ),
    port(
      'unnamed-port.yaml',
      45,
      9,
      'Endpoints "multi-port" has an unnamed port but Service "multi-port" has 2 ports; name it after one of them: "web" or "grpc"',
    ),
    // named Endpoints port vs an unnamed Service port (reported once, not again as a missing unnamed port)
    port(
      'unnamed-port.yaml',
      67,
      15,
      'Endpoints "unnamed-service-port" port "web" is named but the port of Service "unnamed-service-port" is not; remove the name here or name the Service port "web"',
    ),
  ]);
});

test('endpoints-port-match: a number mismatch points back at the Service port', async () => {
  const result = await lintPaths([`test/fixtures/${PORT}/bad/port-number.yaml`]);
  assert.equal(
    result.findings.map((f) => f.related.map((r) => `${r.location.region.startLine}:${r.location.region.startColumn} ${r.message}`)),
    [['9:7 Service "with-target-port" port "web"'], ['32:7 Service "without-target-port" port "web"']],
  );
});

test('endpoints-port-match: good fixtures give no finding from any rule', async () => {
  assert.equal(await ruleFindings(PORT, 'good'), []);
});

test('both good folders linted together give no finding', async () => {
  assert.equal(compact(await lintPaths([`test/fixtures/${NAME}/good`, `test/fixtures/${PORT}/good`])), []);
});

// ---------------------------------------------------------------- edge cases, in memory

const SERVICE_WITH_SELECTOR = `apiVersion: v1
kind: Service
metadata:
  name: prometheus
  namespace: monitoring
  labels:
    app: prometheus
spec:
  selector:
    app.kubernetes.io/name: prometheus
  ports:
    - name: web
      port: 9090
---
apiVersion: monitoring.coreos.com/v1
kind: ServiceMonitor
metadata:
  name: prometheus
  namespace: monitoring
spec:
  selector:
    matchLabels:
      app: prometheus
  endpoints:
    - port: web
`;

test('a monitored Service with a selector needs no hand-written Endpoints', async () => {
  assert.equal(compact(await lintText(SERVICE_WITH_SELECTOR)), []);
});

test('a selectorless Service without Endpoints is reported only once a ServiceMonitor selects it', async () => {
  const service = `apiVersion: v1
kind: Service
metadata:
  name: remote
  namespace: monitoring
  labels:
    app: remote
spec:
  ports:
    - name: web
      port: 9090
`;
  const monitor = `---
apiVersion: monitoring.coreos.com/v1
kind: ServiceMonitor
metadata:
  name: remote
  namespace: monitoring
spec:
  selector:
    matchLabels:
      app: remote
  endpoints:
    - port: web
`;
  assert.equal(compact(await lintText(service)), []);
  assert.equal(compact(await lintText(service + monitor)), [
    {
      ruleId: NAME,
      level: 'error',
      file: 'input.yaml',
      line: 4,
      column: 9,
      message:
        'Service "remote" has no selector and is selected by ServiceMonitor "remote", but has no Endpoints named "remote" or EndpointSlice labelled kubernetes.io/service-name: remote in namespace "monitoring"; add an Endpoints object of the same name listing the target addresses',
    },
  ]);
});

test('a named targetPort cannot be compared with the Endpoints number, so no warning', async () => {
  const text = `apiVersion: v1
kind: Service
metadata:
  name: remote
spec:
  ports:
    - name: web
      port: 80
      targetPort: http
---
apiVersion: v1
kind: Endpoints
metadata:
  name: remote
subsets:
  - addresses:
      - ip: 10.0.0.1
    ports:
      - name: web
        port: 9090
`;
  assert.equal(compact(await lintText(text)), []);
});

test('Endpoints inside a kind: List are located in the list item', async () => {
  const text = `apiVersion: v1
kind: List
items:
  - apiVersion: v1
    kind: Service
    metadata:
      name: remote
    spec:
      ports:
        - name: web
          port: 9090
  - apiVersion: v1
    kind: Endpoints
    metadata:
      name: remote
    subsets:
      - addresses:
          - ip: 10.0.0.1
        ports:
          - name: wbe
            port: 9090
`;
  assert.equal(compact(await lintText(text, 'list.yaml')), [
    {
      ruleId: PORT,
      level: 'error',
      file: 'list.yaml',
      line: 20,
      column: 19,
      message: 'Endpoints "remote" port "wbe" is not a port name of Service "remote" ("web"); rename it to "web"',
    },
  ]);
});

test('malformed Endpoints, slices and Services do not crash the rules', async () => {
  const text = `apiVersion: v1
kind: Service
metadata:
  name: remote
spec:
  ports: 9090
---
apiVersion: v1
kind: Endpoints
metadata:
  name: remote
subsets:
  - ports: [web, null, {name: 7}]
  - null
---
apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata:
  name: remote-1
  labels: [kubernetes.io/service-name]
ports: {name: web}
`;
  // The wrong shapes themselves are the schema rule's findings; these rules just must not trip over them.
  assert.equal(compact(await lintText(text, 'odd.yaml')).filter((finding) => finding.ruleId !== 'schema'), [
    // the one port that is a mapping, `{name: 7}`, has no string name: shown at its first key
    {
      ruleId: PORT,
      level: 'error',
      file: 'odd.yaml',
      line: 13,
      column: 25,
      message: 'Endpoints "remote" has an unnamed port but Service "remote" declares no ports; add the port to the Service',
    },
    // labels that are a list are no labels: shown at the `labels` key
    {
      ruleId: NAME,
      level: 'error',
      file: 'odd.yaml',
      line: 20,
      column: 3,
      message: 'EndpointSlice "remote-1" has no kubernetes.io/service-name label, so no Service uses its endpoints; add the label kubernetes.io/service-name: remote',
    },
  ]);
});

test('Endpoints and EndpointSlices of other API groups are not Kubernetes core objects', async () => {
  const text = `apiVersion: example.com/v1
kind: Endpoints
metadata:
  name: nothing-like-it
---
apiVersion: example.com/v1
kind: EndpointSlice
metadata:
  name: nothing-like-it-1
`;
  assert.equal(compact(await lintText(text)), []);
});

test.run();
