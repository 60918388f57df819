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

test('kube-prometheus-stack (K2s, rendered Helm output): no error although kube-system holds other Services', async () => {
  const findings = compact(await lintPaths(['test/corpus/kube-prometheus-stack-k2s']));
  assert.equal(summary(findings), [
    'note selector-matches-service servicemonitor.yaml:42:3',
    'note selector-matches-service servicemonitor.yaml:92:3',
  ]);
  assert.match(findings[0]!.message, /^ServiceMonitor "kube-prometheus-stack-apiserver" selects no Service that fedlint can verify: it selects the "kubernetes" Service in namespace "default"/);
  assert.match(findings[1]!.message, /^ServiceMonitor "kube-prometheus-stack-kubelet" selects no Service that fedlint can verify: it selects the "kubelet" Service/);
});

test('external targets (selectorless Service + Endpoints + ServiceMonitor, ScrapeConfigs): no finding', async () => {
  assert.equal(compact(await lintPaths(['test/corpus/external-targets'])), []);
});

test('real federation setups: findings checked by hand', async () => {
  const result = await lintPaths(['test/corpus/federation']);
  assert.is(result.resourceCount, 30);
  assert.equal(summary(compact(result)), [
    // appstudio base: the Service comes from the MonitoringStack the observability operator runs.
    'note selector-matches-service monitoringstack.yaml:76:3',
    // `params: {}  # added by overlays`: as the base stands, it federates nothing (the overlay's patch adds match[]).
    'error federate-match-required monitoringstack.yaml:81:5',
    // relabelings only rewrite __address__ and drop labels: nothing names the cluster.
    'warning federate-cluster-label monitoringstack.yaml:82:5',
    'note selector-matches-service monitoringstack.yaml:116:3',
    'warning federate-cluster-label monitoringstack.yaml:124:5',
    // rhobs guide: labels the source as `source`, not `cluster`; the message offers --cluster-label source.
    'note selector-matches-service 20-smon-cmo.yaml:11:3',
    'warning federate-cluster-label 20-smon-cmo.yaml:22:5',
    // stolostron's ScrapeConfigs (monitoring.rhobs/v1alpha1) federate with metricsPath /federate and match[] but leave
    // honorLabels at its default, false, and name no cluster (they drop managed_cluster instead): shown at `spec:`.
    ...['uwl-scrape-config.yaml:10:1', 'scrape-config.yaml:11:1', 'scrape-config.yaml:10:1', 'scrape-config.yaml:11:1', 'scrape-config-uwl-hcp-apiserver.yaml:11:1', 'scrape-config-uwl-hcp-etcd.yaml:11:1', 'scrape-config.yaml:11:1', 'scrape-config.yaml:10:1'].flatMap((at) => [
      `warning federate-cluster-label ${at}`,
      `error federate-honor-labels ${at}`,
    ]),
  ]);
  const rhobs = compact(result).find((f) => f.file.includes('20-smon-cmo') && f.ruleId === 'federate-cluster-label')!;
  assert.match(rhobs.message, /\(if "source" is your cluster label, run with --cluster-label source\)$/);
  assert.equal(compact(await lintPaths(['test/corpus/federation'], { clusterLabel: 'source' })).filter((f) => f.file.includes('rhobs') && f.ruleId === 'federate-cluster-label'), []);
});

test.run();
