// Real manifests nobody here wrote (test/corpus/PROVENANCE.md): the two normal
// monitoring stacks must give no error, and the real federation setups must
// be linted without a crash into findings a Prometheus Operator user agrees with.

import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { compact, lintPaths } from './helpers.js';

const summary = (findings: ReturnType<typeof compact>) => findings.map((f) => `${f.level} ${f.ruleId} ${f.file.split('/').slice(-1)[0]}:${f.line}:${f.column}`);

test('kube-prometheus: no error; the five control-plane monitors are cannot-verify notes', async () => {
  const findings = compact(await lintPaths(['test/corpus/kube-prometheus']));
  assert.equal(summary(findings), [
    'note selector-matches-service kubernetesControlPlane-serviceMonitorApiserver.yaml:91:3',
    'note selector-matches-service kubernetesControlPlane-serviceMonitorCoreDNS.yaml:24:3',
    'note selector-matches-service kubernetesControlPlane-serviceMonitorKubeControllerManager.yaml:71:3',
    'note selector-matches-service kubernetesControlPlane-serviceMonitorKubeScheduler.yaml:34:3',
    'note selector-matches-service kubernetesControlPlane-serviceMonitorKubelet.yaml:122:3',
  ]);
  // The kubelet Service is made by the operator, not missing: the note says so.
  assert.match(findings[4]!.message, /selects the "kubelet" Service in namespace "kube-system", which Prometheus Operator creates/);
  // kube-scheduler's Service is not made by anyone automatically: nothing is loaded there to verify against.
  assert.match(findings[3]!.message, /no Service is loaded in namespace "kube-system"/);
});

test('kube-prometheus-stack (K2s, rendered Helm output): only the chart\'s known Grafana selection bug is an error', async () => {
  const findings = compact(await lintPaths(['test/corpus/kube-prometheus-stack-k2s']));
  assert.equal(summary(findings), [
    'note selector-matches-service servicemonitor.yaml:42:3',
    'note selector-matches-service servicemonitor.yaml:92:3',
    // The chart's Grafana ServiceMonitor lacks the `release: kube-prometheus-stack` label that the chart's own
    // Prometheus selects on: a real, long-standing upstream bug (Grafana is not scraped), reported as such.
    'error prometheus-selects-monitor servicemonitor.yaml:12:3',
  ]);
  assert.match(findings[0]!.message, /^ServiceMonitor "kube-prometheus-stack-apiserver" selects no Service that fedlint can verify: it selects the "kubernetes" Service in namespace "default"/);
  assert.match(findings[1]!.message, /^ServiceMonitor "kube-prometheus-stack-kubelet" selects no Service that fedlint can verify: it selects the "kubelet" Service/);
  assert.match(findings[2]!.message, /^ServiceMonitor "kube-prometheus-stack-grafana" is selected by no Prometheus: Prometheus "kube-prometheus-stack-prometheus"/);
  assert.match(findings[2]!.message, /release/);
});

// The federation/ and external-targets/ folders hold several unrelated upstream repositories: each is linted on its
// own, as its owners would, so that one repository's Prometheus does not judge another's monitors.

test('external targets: NVIDIA (selectorless Service + Endpoints + ServiceMonitor) is clean', async () => {
  assert.equal(compact(await lintPaths(['test/corpus/external-targets/nvidia-tensorrt-laboratory'])), []);
});

test('external targets: ricsanfre\'s ScrapeConfigs use Flux ${VAR} substitution on purpose: notes, not errors', async () => {
  const findings = compact(await lintPaths(['test/corpus/external-targets/ricsanfre-pi-cluster']));
  assert.equal(summary(findings), [
    'note placeholder-value external-bind-scrapeconfig.yaml:8:14',
    'note placeholder-value external-nodes-scrapeconfig.yaml:8:17',
    'note placeholder-value minio-ext-scrapeconfig.yaml:16:7',
    'note placeholder-value minio-ext-scrapeconfig.yaml:32:7',
    'note placeholder-value minio-ext-scrapeconfig.yaml:48:7',
    'note placeholder-value minio-ext-scrapeconfig.yaml:64:7',
    'note placeholder-value openwrt-scrapeconfig.yaml:8:19',
  ]);
  assert.match(findings[0]!.message, /uses the variable "\$\{CLUSTER_DOMAIN\}"/);
  // Set to off, the substitutions are not findings at all.
  assert.equal(compact(await lintPaths(['test/corpus/external-targets/ricsanfre-pi-cluster'], { substitutionLevel: 'off' })), []);
});

const FEDERATION = 'test/corpus/federation';

test('federation: OpenShift\'s Prometheus spells externalUrl as externalURL, which the API server drops', async () => {
  const findings = compact(await lintPaths([`${FEDERATION}/openshift-cluster-monitoring-operator`]));
  assert.equal(summary(findings), ['error schema prometheus.yaml:172:3']);
  assert.is(findings[0]!.message, 'Prometheus "k8s" has unknown field "externalURL" in spec; did you mean "externalUrl"?');
});

test('federation: kiali and jotak (raw federation jobs in ConfigMaps and a Prometheus Deployment) are clean', async () => {
  assert.equal(compact(await lintPaths([`${FEDERATION}/kiali-kiali`, `${FEDERATION}/jotak-istio-federated-prometheus`])), []);
});

test('federation: appstudio (rhobs) — base without match[] params, an all-series selector, no cluster label', async () => {
  const findings = compact(await lintPaths([`${FEDERATION}/redhat-appstudio-infra-deployments`]));
  assert.equal(summary(findings), [
    // The Service comes from the MonitoringStack the observability operator runs: cannot verify.
    'note selector-matches-service monitoringstack.yaml:76:3',
    // `params: {}  # added by overlays`: as the base stands, it federates nothing (the overlay's patch adds match[]).
    'error federate-match-required monitoringstack.yaml:81:5',
    // relabelings only rewrite __address__ and drop labels: nothing names the cluster.
    'warning federate-cluster-label monitoringstack.yaml:82:5',
    'note selector-matches-service monitoringstack.yaml:116:3',
    // `{__name__=~".*"}  # all the metrics`: no matcher that rejects the empty string.
    'warning federate-match-syntax monitoringstack.yaml:123:12',
    'warning federate-cluster-label monitoringstack.yaml:124:5',
  ]);
});

test('federation: the rhobs guide labels the source as `source`; the message offers --cluster-label source', async () => {
  const findings = compact(await lintPaths([`${FEDERATION}/rhobs-observability-operator`]));
  assert.equal(summary(findings), ['note selector-matches-service 20-smon-cmo.yaml:11:3', 'warning federate-cluster-label 20-smon-cmo.yaml:22:5']);
  assert.match(findings[1]!.message, /\(if "source" is your cluster label, run with --cluster-label source\)$/);
  assert.equal(compact(await lintPaths([`${FEDERATION}/rhobs-observability-operator`], { clusterLabel: 'source' })).map((f) => f.ruleId), ['selector-matches-service']);
});

test('federation: stolostron\'s ScrapeConfigs federate without honorLabels and name no cluster', async () => {
  const findings = compact(await lintPaths([`${FEDERATION}/stolostron-multicluster-observability-operator`]));
  // Each of the eight ScrapeConfigs (monitoring.rhobs/v1alpha1) has metricsPath /federate and match[] but leaves
  // honorLabels at its default, false, and drops managed_cluster rather than naming a cluster: shown at `spec:`.
  assert.is(findings.length, 16);
  assert.equal([...new Set(findings.map((f) => `${f.level} ${f.ruleId}`))], ['warning federate-cluster-label', 'error federate-honor-labels']);
  assert.ok(findings.every((f) => f.column === 1 && (f.line === 10 || f.line === 11)));
});

test.run();
