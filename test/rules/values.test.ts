// The value rules: placeholder-value, endpoints-address, scrape-timeout and
// insecure-federation. Bad fixtures trigger only the rule under test; good
// fixtures give no finding from any rule.

import fc from 'fast-check';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parseDuration } from '../../src/lang/durations.js';
import { type FieldRole, findPlaceholders, scanForPlaceholders } from '../../src/lang/placeholders.js';
import { compact, lintPaths, lintText, ruleFindings } from '../helpers.js';

const DIR = 'test/fixtures';

const only = async (ruleId: string, text: string, name = 'input.yaml', options = {}) =>
  compact(await lintText(text, name, options))
    .filter((finding) => finding.ruleId === ruleId)
    .map(({ level, line, column, message }) => ({ level, line, column, message }));

// ------------------------------------------------------------ placeholder-value

test('placeholder-value: bad fixtures', async () => {
  const file = (name: string) => `${DIR}/placeholder-value/bad/${name}`;
  assert.equal(await ruleFindings('placeholder-value', 'bad'), [
    {
      ruleId: 'placeholder-value',
      level: 'note',
      file: file('flux-substitution.yaml'),
      // Inside the quotes, at the `$` of ${CLUSTER_DOMAIN}.
      line: 16,
      column: 23,
      message:
        'ScrapeConfig "worker-sa" spec.staticConfigs[0].targets[0] uses the variable "${CLUSTER_DOMAIN}", which Flux postBuild substitution or envsubst must replace before the manifest is applied; make sure it is defined wherever this is deployed (fedlint checks the value only once it is substituted)',
    },
    {
      ruleId: 'placeholder-value',
      level: 'error',
      file: file('guide-ip.yaml'),
      line: 23,
      column: 13,
      message:
        'Endpoints "worker-eu" subsets[0].addresses[0].ip is the placeholder "<WORKER_CLUSTER_IP>", left from a template or guide; replace it with an IP address',
    },
    {
      ruleId: 'placeholder-value',
      level: 'error',
      file: file('helm-template.yaml'),
      // The `{{` after `'cluster-`.
      line: 46,
      column: 33,
      message:
        'ServiceMonitor "worker-us" spec.endpoints[0].relabelings[0].replacement holds the template expression "{{ .Values.clusterName }}", which only helm (or the template engine that owns it) fills in; lint the rendered manifests (helm template … | fedlint -) or write the source cluster\'s name',
    },
    {
      ruleId: 'placeholder-value',
      level: 'error',
      file: file('scrape-config-tokens.yaml'),
      line: 17,
      column: 11,
      message:
        'ScrapeConfig "worker-ap" spec.staticConfigs[0].targets[0] contains "WORKER_HOST", an ALL_CAPS token where a host name or IP address belongs: a placeholder left from a template or guide; replace it with a host name or IP address',
    },
    {
      ruleId: 'placeholder-value',
      level: 'error',
      file: file('scrape-config-tokens.yaml'),
      line: 20,
      column: 18,
      message:
        'ScrapeConfig "worker-ap" spec.staticConfigs[0].labels.cluster is "CLUSTER_NAME", an ALL_CAPS token where the source cluster\'s name belongs: a placeholder left from a template or guide; replace it with the source cluster\'s name',
    },
  ]);
});

test('placeholder-value: good fixtures (TCP, capture groups $1, ${1}, ${host}) give no finding from any rule', async () => {
  assert.equal(await ruleFindings('placeholder-value', 'good'), []);
});

test('placeholder-value: the region covers the placeholder only, in the bundled example too', async () => {
  const result = await lintPaths(['examples/seed-federation']);
  const regions = result.findings
    .filter((finding) => finding.ruleId === 'placeholder-value')
    .map((finding) => [finding.location.file.displayPath, finding.location.region]);
  const file = 'examples/seed-federation/main-cluster.yaml';
  assert.equal(regions, [
    [file, { startLine: 11, startColumn: 17, endLine: 11, endColumn: 36 }],
    [file, { startLine: 24, startColumn: 13, endLine: 24, endColumn: 32 }],
  ]);
  // Two placeholders in one value are two findings, each at its own characters.
  const text = [
    'apiVersion: v1',
    'kind: Service',
    'metadata: {name: worker, namespace: mon}',
    'spec:',
    '  type: ExternalName',
    "  externalName: 'prometheus.<WORKER>.<DOMAIN>'",
    '',
  ].join('\n');
  const found = (await lintText(text)).findings.filter((finding) => finding.ruleId === 'placeholder-value');
  assert.equal(
    found.map((finding) => finding.location.region),
    [
      { startLine: 6, startColumn: 29, endLine: 6, endColumn: 37 },
      { startLine: 6, startColumn: 38, endLine: 6, endColumn: 46 },
    ],
  );
  assert.is(found[0]!.message, 'Service "worker" spec.externalName contains the placeholder "<WORKER>", left from a template or guide; replace it with a DNS name');
});

test('placeholder-value: an escape before the placeholder is decoded, so the region is still exactly the placeholder', async () => {
  const text = ['apiVersion: v1', 'kind: Service', 'metadata: {name: worker, namespace: mon}', 'spec:', '  externalName: "\\x41 <HOST>"', ''].join('\n');
  const [finding] = (await lintText(text)).findings.filter((f) => f.ruleId === 'placeholder-value');
  // `\x41` is four characters in the file and one in the value: <HOST> is at columns 23–28.
  assert.equal(finding!.location.region, { startLine: 5, startColumn: 23, endLine: 5, endColumn: 29 });
});

test('placeholder-value: substitutionLevel sets the level of ${VAR} findings; off reports none', async () => {
  const path = `${DIR}/placeholder-value/bad/flux-substitution.yaml`;
  const levels = async (substitutionLevel?: 'off' | 'warning' | 'error') =>
    compact(await lintPaths([path], substitutionLevel ? { substitutionLevel } : {})).map((finding) => `${finding.ruleId}:${finding.level}`);
  assert.equal(await levels(), ['placeholder-value:note']);
  assert.equal(await levels('warning'), ['placeholder-value:warning']);
  assert.equal(await levels('error'), ['placeholder-value:error']);
  assert.equal(await levels('off'), []);
  // The other placeholders keep the rule's level whatever substitutionLevel says.
  const guide = compact(await lintPaths([`${DIR}/placeholder-value/bad/guide-ip.yaml`], { substitutionLevel: 'off' }));
  assert.equal(guide.map((finding) => finding.level), ['error']);
});

test('placeholder-value: ALL_CAPS is a placeholder only where a name or address belongs', async () => {
  const text = `apiVersion: v1
kind: Service
metadata:
  name: worker
  namespace: mon
  annotations:
    description: "<set by CI> TODO"
spec:
  type: ClusterIP
  internalTrafficPolicy: Cluster
  ports: [{name: web, port: 9090, protocol: TCP}]
  selector: {app: worker}
---
apiVersion: monitoring.coreos.com/v1
kind: Prometheus
metadata: {name: central, namespace: mon}
spec:
  externalLabels: {cluster: EU_WEST_1, env: PROD}
  containers:
    - name: prometheus
      env: [{name: GOMAXPROCS, value: "$(CPU_LIMIT)"}]
---
apiVersion: monitoring.coreos.com/v1
kind: Prometheus
metadata: {name: edge, namespace: mon}
spec:
  externalLabels: {cluster: MY_CLUSTER}
`;
  // Annotations are free text; TCP, ClusterIP, GOMAXPROCS, $(CPU_LIMIT) and a real cluster named EU_WEST_1 are values.
  assert.equal(await only('placeholder-value', text), [
    {
      level: 'error',
      line: 27,
      column: 29,
      message:
        'Prometheus "edge" spec.externalLabels.cluster is "MY_CLUSTER", an ALL_CAPS token where the source cluster\'s name belongs: a placeholder left from a template or guide; replace it with the source cluster\'s name',
    },
  ]);
});

test('placeholder detection: what counts and what does not', async () => {
  const kinds = (value: string, role?: Parameters<typeof findPlaceholders>[1]) =>
    findPlaceholders(value, role).map((placeholder) => `${placeholder.kind}:${placeholder.text}`);
  assert.equal(kinds('<WORKER_CLUSTER_IP>'), ['angle:<WORKER_CLUSTER_IP>']);
  assert.equal(kinds('{{ .Values.host }}:{{ $port }}'), ['template:{{ .Values.host }}', 'template:{{ $port }}']);
  assert.equal(kinds('changeme'), ['keyword:changeme']);
  assert.equal(kinds('REPLACE_ME_WITH_IP'), ['keyword:REPLACE_ME_WITH_IP']);
  assert.equal(kinds('TODO'), ['keyword:TODO']);
  assert.equal(kinds('xxx.xxx.xxx.xxx', 'ip'), ['masked-ip:xxx.xxx.xxx.xxx']);
  assert.equal(kinds('10.0.x.x:9090', 'target'), ['masked-ip:10.0.x.x']);
  assert.equal(kinds('${CLUSTER}-$REGION'), ['substitution:${CLUSTER}', 'substitution:$REGION']);
  assert.equal(kinds('${DOMAIN:=example.com}'), ['substitution:${DOMAIN:=example.com}']);
  assert.equal(kinds('prometheus.CLUSTER_DOMAIN.svc', 'dns'), ['caps:CLUSTER_DOMAIN']);
  assert.equal(kinds('WORKER_IP:9090', 'target'), ['caps:WORKER_IP']);
  // Not placeholders: a todo app, a TODO_total metric, capture groups, $$ escapes, $(VAR) kubelet expansion,
  // regex named groups, PromQL anchors, ALL_CAPS in a field that is not a name or address, or a real cluster name.
  for (const [value, role] of [
    ['todo', 'name'],
    ['{__name__="TODO_total"}', 'other'],
    ['$1', 'other'],
    ['${1}', 'other'],
    ['$$ESCAPED', 'other'],
    ['$(POD_NAME)', 'other'],
    ['(?P<host>[^:]+)', 'other'],
    ['{__name__=~"up$"}', 'other'],
    ['CLUSTER_NAME', 'other'],
    ['EU_WEST_1', 'identity'],
    ['10.20.0.15', 'ip'],
  ] as const)
    assert.equal(kinds(value, role), [], value);
});

test('the pre-test that spares most values the placeholder scans never hides a placeholder the scans find', () => {
  // Values cut from the pieces every kind of placeholder is made of, and the pieces that nearly make one, in every role.
  const piece = fc.constantFrom(
    '{{', '}}', '{', '}', '<', '>', '(?P', '(?', '$', '$$', '\\', 'x', 'X', 'xx', '.', '10', '0', '255', ':', '9090', '-', '_',
    'change', 'CHANGE', 'Change', 'replace', 'RePlace', 'me', 'ME', 'TODO', 'todo', 'CLUSTER', 'NAME', 'EU', 'WEST', 'A', 'a', ' ', '/', '[', ']',
  );
  const glued = fc.array(piece, { maxLength: 10 }).map((pieces) => pieces.join(''));
  // Masked and real IP addresses, alone or inside other text.
  const octet = fc.constantFrom('x', 'xx', 'xxx', 'X', 'Xx', '10', '0', '255', '1x');
  const address = fc.tuple(glued, fc.array(octet, { minLength: 4, maxLength: 4 }), glued).map(([before, octets, after]) => before + octets.join('.') + after);
  const roles: FieldRole[] = ['dns', 'ip', 'target', 'name', 'identity', 'other'];
  fc.assert(
    fc.property(fc.oneof(glued, address, fc.string({ maxLength: 16 })), fc.constantFrom(...roles), (value, role) => {
      assert.equal(findPlaceholders(value, role), scanForPlaceholders(value, role), `${role}: ${JSON.stringify(value)}`);
    }),
    { numRuns: 5000 },
  );
});

// ------------------------------------------------------------ endpoints-address

test('endpoints-address: bad fixtures', async () => {
  const file = (name: string) => `${DIR}/endpoints-address/bad/${name}`;
  const refused = (what: string, why: string) => `is ${what}, which ${why}, and the API server refuses it as an endpoint address; write the worker cluster's routable address`;
  assert.equal(await ruleFindings('endpoints-address', 'bad'), [
    {
      ruleId: 'endpoints-address',
      level: 'error',
      file: file('hostname-in-endpoints.yaml'),
      line: 23,
      column: 13,
      message:
        'Endpoints "worker-eu" subsets[0].addresses[0].ip "prometheus.worker-eu.example.com" is a host name, but Endpoints take IP addresses only (the API server rejects it); use a Service of type ExternalName for a name, or an EndpointSlice with addressType FQDN',
    },
    {
      ruleId: 'endpoints-address',
      level: 'error',
      file: file('refused-ranges.yaml'),
      line: 21,
      column: 13,
      message: `Endpoints "worker-us" subsets[0].addresses[0].ip "127.0.0.1" ${refused('a loopback address (127.0.0.0/8, ::1)', 'reaches the scraping node itself, never the worker cluster')}`,
    },
    {
      ruleId: 'endpoints-address',
      level: 'error',
      file: file('refused-ranges.yaml'),
      line: 23,
      column: 13,
      message: 'Endpoints "worker-us" subsets[0].addresses[1].ip "10.30.0.300" is not an IP address, so the API server rejects it; write the worker\'s routable IP address',
    },
    {
      ruleId: 'endpoints-address',
      level: 'error',
      file: file('refused-ranges.yaml'),
      line: 26,
      column: 13,
      message: `Endpoints "worker-us" subsets[0].notReadyAddresses[0].ip "169.254.169.254" ${refused('a link-local address (169.254.0.0/16, fe80::/10)', "reaches only the scraping node's own network link")}`,
    },
    {
      ruleId: 'endpoints-address',
      level: 'error',
      file: file('slice-address-type.yaml'),
      line: 23,
      column: 17,
      message:
        'EndpointSlice "worker-ap-ipv4" endpoints[0].addresses[0] "fd00:10:40::15" is an IPv6 address but the slice\'s addressType is IPv4, so the API server rejects it; put it in an EndpointSlice with addressType IPv6',
    },
    {
      ruleId: 'endpoints-address',
      level: 'error',
      file: file('slice-address-type.yaml'),
      line: 25,
      column: 17,
      message:
        'EndpointSlice "worker-ap-ipv4" endpoints[1].addresses[0] "prometheus.worker-ap.example.com" is a host name but the slice\'s addressType is IPv4, so the API server rejects it; use addressType FQDN for names',
    },
    {
      ruleId: 'endpoints-address',
      level: 'error',
      file: file('slice-address-type.yaml'),
      line: 40,
      column: 17,
      message: `EndpointSlice "worker-ap-ipv6" endpoints[0].addresses[0] "::" ${refused('the unspecified address', 'stands for no host at all')}`,
    },
    {
      ruleId: 'endpoints-address',
      level: 'error',
      file: file('slice-address-type.yaml'),
      line: 55,
      column: 17,
      message:
        'EndpointSlice "worker-ap-fqdn" endpoints[0].addresses[0] "prometheus" is a single-label name, but an FQDN EndpointSlice takes fully qualified names (at least two labels, such as prometheus.worker.example.com), so the API server rejects it; write the full name',
    },
  ]);
});

test('endpoints-address: good fixtures (IPv4, IPv6, FQDN) give no finding from any rule', async () => {
  assert.equal(await ruleFindings('endpoints-address', 'good'), []);
});

const endpoints = (...ips: string[]) => `apiVersion: v1
kind: Endpoints
metadata: {name: worker, namespace: mon}
subsets:
  - addresses:
${ips.map((ip) => `      - ip: ${JSON.stringify(ip)}`).join('\n')}
`;

const slice = (addressType: string, ...addresses: string[]) => `apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata: {name: worker-1, namespace: mon}
addressType: ${addressType}
endpoints:
  - addresses: [${addresses.map((address) => JSON.stringify(address)).join(', ')}]
`;

test('endpoints-address: placeholders are placeholder-value\'s finding, not this rule\'s', async () => {
  assert.equal(await only('endpoints-address', endpoints('<WORKER_CLUSTER_IP>', '${WORKER_IP}', 'xxx.xxx.xxx.xxx', 'WORKER_IP'), 'e.yaml'), []);
  assert.equal(await only('endpoints-address', slice('FQDN', '{{ .Values.host }}', 'CHANGEME'), 's.yaml'), []);
  assert.equal(compact(await lintText(endpoints('<WORKER_CLUSTER_IP>'))).map((finding) => finding.ruleId).includes('placeholder-value'), true);
});

test('endpoints-address: IPv6 ranges, IPv4-mapped addresses, zones, leading zeros and capitals', async () => {
  const messages = async (text: string) => (await only('endpoints-address', text)).map((finding) => finding.message);
  assert.equal(await messages(endpoints('::1', 'fe80::1', 'ff02::fb', '2001:db8::15', '10.20.0.15')), [
    'Endpoints "worker" subsets[0].addresses[0].ip "::1" is a loopback address (127.0.0.0/8, ::1), which reaches the scraping node itself, never the worker cluster, and the API server refuses it as an endpoint address; write the worker cluster\'s routable address',
    'Endpoints "worker" subsets[0].addresses[1].ip "fe80::1" is a link-local address (169.254.0.0/16, fe80::/10), which reaches only the scraping node\'s own network link, and the API server refuses it as an endpoint address; write the worker cluster\'s routable address',
    'Endpoints "worker" subsets[0].addresses[2].ip "ff02::fb" is a link-local multicast address (224.0.0.0/24, ff02::/16), which reaches only the scraping node\'s own network link, and the API server refuses it as an endpoint address; write the worker cluster\'s routable address',
  ]);
  assert.equal(await messages(endpoints('::ffff:127.0.0.1', 'fe80::1%eth0', '010.020.000.015')), [
    'Endpoints "worker" subsets[0].addresses[0].ip "::ffff:127.0.0.1" is a loopback address (127.0.0.0/8, ::1), which reaches the scraping node itself, never the worker cluster, and the API server refuses it as an endpoint address; write the worker cluster\'s routable address',
    'Endpoints "worker" subsets[0].addresses[1].ip "fe80::1%eth0" is not an IP address, so the API server rejects it; write the worker\'s routable IP address',
    'Endpoints "worker" subsets[0].addresses[2].ip "010.020.000.015" has octets with leading zeros, which Kubernetes reads ambiguously (older versions as decimal, others reject it); write "10.20.0.15"',
  ]);
  // Kubernetes reads an IPv4-mapped address as IPv4: wrong in an IPv6 slice, fine in an IPv4 one.
  assert.equal(await messages(slice('IPv6', '::ffff:10.20.0.15')), [
    'EndpointSlice "worker-1" endpoints[0].addresses[0] "::ffff:10.20.0.15" is an IPv4 address but the slice\'s addressType is IPv6, so the API server rejects it; put it in an EndpointSlice with addressType IPv4',
  ]);
  assert.equal(await messages(slice('IPv4', '::ffff:10.20.0.15', '10.20.0.16')), []);
  assert.equal(await messages(slice('FQDN', 'Prometheus.Worker.example.com', 'prometheus.worker.example.com.', 'fd00::15')), [
    'EndpointSlice "worker-1" endpoints[0].addresses[0] "Prometheus.Worker.example.com" has capital letters, which the API server rejects in an FQDN address; write "prometheus.worker.example.com"',
    'EndpointSlice "worker-1" endpoints[0].addresses[2] "fd00::15" is an IPv6 address but the slice\'s addressType is FQDN, so the API server rejects it; put it in an EndpointSlice with addressType IPv6',
  ]);
  // A missing or unknown addressType, or an address that is not a string, is the schema's finding.
  assert.equal(await messages(slice('IPv5', '127.0.0.1')), []);
  assert.equal(await messages('apiVersion: v1\nkind: Endpoints\nmetadata: {name: w}\nsubsets: [{addresses: [{ip: 127}]}, "x"]\n'), []);
});

// --------------------------------------------------------------- scrape-timeout

test('scrape-timeout: bad fixtures', async () => {
  const file = (name: string) => `${DIR}/scrape-timeout/bad/${name}`;
  const rejected = 'and which the API server (or, with older CRDs, Prometheus Operator) rejects';
  assert.equal(await ruleFindings('scrape-timeout', 'bad'), [
    {
      ruleId: 'scrape-timeout',
      level: 'error',
      file: file('not-a-duration.yaml'),
      line: 41,
      column: 17,
      message: `ServiceMonitor "worker-eu" endpoint "web" has interval "30sec", which is not a Prometheus duration ("sec" is not one of the units y, w, d, h, m, s, ms) ${rejected}; write "30s"`,
    },
    {
      ruleId: 'scrape-timeout',
      level: 'error',
      file: file('not-a-duration.yaml'),
      line: 43,
      column: 22,
      message: `ServiceMonitor "worker-eu" endpoint "web" has scrapeTimeout "1.5m", which is not a Prometheus duration (it has a fraction, and durations take whole numbers) ${rejected}; write "1m30s"`,
    },
    {
      ruleId: 'scrape-timeout',
      level: 'error',
      file: file('prometheus-interval.yaml'),
      line: 17,
      column: 18,
      message: 'Prometheus "central" has scrapeTimeout "20s", longer than its scrapeInterval "15s"; Prometheus Operator refuses to configure it; set scrapeTimeout to at most 15s',
    },
    {
      ruleId: 'scrape-timeout',
      level: 'error',
      file: file('prometheus-interval.yaml'),
      line: 57,
      column: 22,
      message:
        'ServiceMonitor "worker-ap" endpoint "web" has scrapeTimeout "20s" but no interval, so it is scraped every 15s (the scrapeInterval of Prometheus "central"), less than the timeout; Prometheus Operator rejects the whole ServiceMonitor; set interval to at least 20s or scrapeTimeout to at most 15s',
    },
    {
      ruleId: 'scrape-timeout',
      level: 'error',
      file: file('timeout-over-interval.yaml'),
      line: 13,
      column: 18,
      message: 'ScrapeConfig "worker-us" has scrapeTimeout "2m", longer than its scrapeInterval "1m"; Prometheus Operator rejects the whole ScrapeConfig; set scrapeTimeout to at most 1m',
    },
  ]);
});

test('scrape-timeout: the inherited interval points at the Prometheus that sets it', async () => {
  const result = await lintPaths([`${DIR}/scrape-timeout/bad/prometheus-interval.yaml`]);
  const inherited = result.findings.find((finding) => finding.message.includes('but no interval'))!;
  assert.equal(
    inherited.related.map((related) => [related.location.region.startLine, related.location.region.startColumn, related.message]),
    [[15, 19, 'Prometheus "central" scrapes every 15s']],
  );
});

test('scrape-timeout: good fixtures give no finding from any rule', async () => {
  assert.equal(await ruleFindings('scrape-timeout', 'good'), []);
});

const PODMONITOR = (fields: string) => `apiVersion: monitoring.coreos.com/v1
kind: PodMonitor
metadata: {name: edge, namespace: mon}
spec:
  selector: {matchLabels: {app: edge}}
  podMetricsEndpoints:
    - port: web
${fields}
`;

const PROMETHEUS = (name: string, fields = '') => `---
apiVersion: monitoring.coreos.com/v1
kind: Prometheus
metadata: {name: ${name}, namespace: mon}
spec:
  podMonitorSelector: {}
${fields}
`;

test('scrape-timeout: PodMonitor and Probe endpoints, the 30s default, and when no single Prometheus says the interval', async () => {
  assert.equal(await only('scrape-timeout', PODMONITOR('      interval: 10s\n      scrapeTimeout: 10s')), []);
  assert.equal(await only('scrape-timeout', PODMONITOR('      interval: 10s\n      scrapeTimeout: "30"')), [
    {
      level: 'error',
      line: 9,
      column: 22,
      message:
        'PodMonitor "edge" endpoint "web" has scrapeTimeout "30", which is not a Prometheus duration ("30" has no unit) and which the API server (or, with older CRDs, Prometheus Operator) rejects; write "30s"',
    },
  ]);
  // No interval and one Prometheus without scrapeInterval: the operator's 30s default applies.
  const inherited = await only('scrape-timeout', PODMONITOR('      scrapeTimeout: 45s') + PROMETHEUS('central'));
  assert.equal(inherited.map((finding) => finding.message), [
    'PodMonitor "edge" endpoint "web" has scrapeTimeout "45s" but no interval, so it is scraped every 30s (the scrapeInterval of Prometheus "central", by default), less than the timeout; Prometheus Operator rejects the whole PodMonitor; set interval to at least 45s or scrapeTimeout to at most 30s',
  ]);
  // No Prometheus, or two of them: which interval applies is unknown, so nothing is said.
  assert.equal(await only('scrape-timeout', PODMONITOR('      scrapeTimeout: 45s')), []);
  assert.equal(await only('scrape-timeout', PODMONITOR('      scrapeTimeout: 45s') + PROMETHEUS('a') + PROMETHEUS('b', '  scrapeInterval: 1m')), []);
  // A Prometheus's own timeout is compared with its default interval.
  assert.equal((await only('scrape-timeout', PROMETHEUS('central', '  scrapeTimeout: 45s'))).map((finding) => finding.message), [
    'Prometheus "central" has scrapeTimeout "45s", longer than its scrapeInterval "30s" (the default, as it sets none); Prometheus Operator refuses to configure it; set scrapeTimeout to at most 30s',
  ]);
  const probe = 'apiVersion: monitoring.coreos.com/v1\nkind: Probe\nmetadata: {name: blackbox, namespace: mon}\nspec:\n  interval: 1m\n  scrapeTimeout: 90s\n';
  assert.equal((await only('scrape-timeout', probe)).map((finding) => finding.message), [
    'Probe "blackbox" has scrapeTimeout "90s", longer than its interval "1m"; Prometheus Operator rejects the whole Probe; set scrapeTimeout to at most 1m',
  ]);
});

test('scrape-timeout: numbers, empty strings and placeholders are other rules\' business', async () => {
  assert.equal(await only('scrape-timeout', PODMONITOR('      interval: 30\n      scrapeTimeout: ""')), []);
  assert.equal(await only('scrape-timeout', PODMONITOR('      interval: ${SCRAPE_INTERVAL}\n      scrapeTimeout: 1m')), []);
});

test('Prometheus durations: the grammar of prometheus/common model.ParseDuration', async () => {
  const valid = { '0': 0, '0s': 0, '30s': 30_000, '1m30s': 90_000, '500ms': 500, '1d12h': 129_600_000, '1y': 31_536_000_000, '2w': 1_209_600_000 };
  for (const [text, ms] of Object.entries(valid)) assert.equal(parseDuration(text), { ok: true, ms }, text);
  const invalid: Record<string, [string, string?]> = {
    '': ['it is empty'],
    '30sec': ['"sec" is not one of the units y, w, d, h, m, s, ms', '30s'],
    '30S': ['"S" is not one of the units y, w, d, h, m, s, ms', '30s'],
    '30 s': ['it contains spaces', '30s'],
    PT1M30S: ['it does not start with a number', '1m30s'],
    '30s1m': ['its units must go from the largest to the smallest, each once', '1m30s'],
    '1h1h': ['its units must go from the largest to the smallest, each once', '2h'],
    '1.5m': ['it has a fraction, and durations take whole numbers', '1m30s'],
    '1h30': ['"30" has no unit'],
    '-5s': ['it has a sign'],
    '300y': ['it is longer than the 292 years or so that Prometheus can hold'],
    '5minutes': ['"minutes" is not one of the units y, w, d, h, m, s, ms', '5m'],
  };
  for (const [text, [reason, suggestion]] of Object.entries(invalid))
    assert.equal(parseDuration(text), suggestion ? { ok: false, reason, suggestion } : { ok: false, reason }, text);
});

// ---------------------------------------------------------- insecure-federation

test('insecure-federation: bad fixtures', async () => {
  const file = (name: string) => `${DIR}/insecure-federation/bad/${name}`;
  assert.equal(await ruleFindings('insecure-federation', 'bad'), [
    {
      ruleId: 'insecure-federation',
      level: 'warning',
      file: file('basic-auth-http.yaml'),
      // No scheme to point at: the basicAuth key.
      line: 41,
      column: 7,
      message:
        'ServiceMonitor "worker-us" endpoint "web" sends a basic-auth password (basicAuth) over plain http (it sets no scheme, and http is the default), so anyone on the network path between the clusters can read and reuse it; set scheme: https and verify the worker\'s certificate with tlsConfig.ca',
    },
    {
      ruleId: 'insecure-federation',
      level: 'warning',
      file: file('insecure-skip-verify.yaml'),
      line: 46,
      column: 29,
      message:
        'ServiceMonitor "worker-eu" endpoint "web" sets tlsConfig.insecureSkipVerify: true, so Prometheus accepts any certificate and anyone on the network path between the clusters can pose as the worker\'s Prometheus and collect the credentials it sends (bearerTokenSecret); put the CA that signed the worker\'s certificate in tlsConfig.ca (and serverName if the certificate names another host) and remove insecureSkipVerify',
    },
    {
      ruleId: 'insecure-federation',
      level: 'warning',
      file: file('scrape-config-http.yaml'),
      line: 12,
      column: 11,
      message:
        'ScrapeConfig "worker-ap" sends an Authorization header (authorization) over plain http (scheme: HTTP), so anyone on the network path between the clusters can read and reuse it; set scheme: https and verify the worker\'s certificate with tlsConfig.ca',
    },
  ]);
});

test('insecure-federation: good fixtures (https with a CA, HTTPS on a ScrapeConfig) give no finding from any rule', async () => {
  assert.equal(await ruleFindings('insecure-federation', 'good'), []);
});

const FEDERATE = (fields: string, path = '/federate') => `apiVersion: monitoring.coreos.com/v1alpha1
kind: ScrapeConfig
metadata: {name: worker, namespace: mon}
spec:
  metricsPath: ${path}
  honorLabels: true
  params: {'match[]': ['{job="node"}']}
  staticConfigs: [{targets: [prometheus.worker.example:9090], labels: {cluster: worker}}]
${fields}
`;

test('insecure-federation: http with insecureSkipVerify, several credentials, __scheme__ relabelings, other scrapes', async () => {
  const messages = async (text: string) => (await only('insecure-federation', text)).map((finding) => finding.message);
  assert.equal(await messages(FEDERATE('  scheme: http\n  tlsConfig: {insecureSkipVerify: true}\n  oauth2: {clientId: {secret: {name: s, key: id}}, clientSecret: {name: s, key: secret}, tokenUrl: "https://sso.example/token"}')), [
    'ScrapeConfig "worker" sends an OAuth2 access token (oauth2) over plain http (scheme: http), so anyone on the network path between the clusters can read and reuse it; set scheme: https and verify the worker\'s certificate with tlsConfig.ca',
    'ScrapeConfig "worker" sets tlsConfig.insecureSkipVerify: true but scrapes over plain http, where tlsConfig does nothing: the federation scrape is neither encrypted nor verified; use scheme: https with the CA of the worker\'s certificate in tlsConfig.ca, and remove insecureSkipVerify',
  ]);
  const monitor = (fields: string) => `apiVersion: monitoring.coreos.com/v1
kind: ServiceMonitor
metadata: {name: worker, namespace: mon}
spec:
  selector: {matchLabels: {app: worker}}
  endpoints:
    - port: web
      path: /federate
      params: {'match[]': ['{job="node"}']}
${fields}
`;
  assert.equal(await messages(monitor('      bearerTokenFile: /var/run/secrets/token\n      basicAuth: {username: {name: s, key: u}, password: {name: s, key: p}}')), [
    'ServiceMonitor "worker" endpoint "web" sends a basic-auth password (basicAuth) and a bearer token (bearerTokenFile) over plain http (it sets no scheme, and http is the default), so anyone on the network path between the clusters can read and reuse them; set scheme: https and verify the worker\'s certificate with tlsConfig.ca',
  ]);
  // A relabeling that sets __scheme__ decides the scheme at scrape time: not checked.
  assert.equal(await messages(monitor('      basicAuth: {username: {name: s, key: u}}\n      relabelings: [{targetLabel: __scheme__, replacement: https}]')), []);
  // Empty credential fields send nothing; insecureSkipVerify: false is fine.
  assert.equal(await messages(FEDERATE('  basicAuth: {}\n  bearerTokenFile: ""\n  tlsConfig: {insecureSkipVerify: false}')), []);
  // Only federation endpoints: a /metrics scrape over http with credentials is another matter.
  assert.equal(await messages(FEDERATE('  authorization: {credentials: {name: s, key: t}}', '/metrics').replace(/  params: .*\n/, '')), []);
});

test.run();
