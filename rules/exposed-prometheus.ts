import { distance } from 'fastest-levenshtein';
import { spec } from '../src/model/graph.js';
import { isObject, pointerSegment } from '../src/load/parse.js';
import { quoteValue, textOf } from '../src/quote.js';
import { portsOfService } from '../src/model/ports.js';
import { defineRule } from '../src/check/rule.js';
import type { Resource } from '../src/types.js';

/**
 * The annotations that make a cloud's load balancer internal, and the values each controller reads as
 * "internal". `fix` is the value to suggest; `caseSensitive` when the controller compares exactly (GKE accepts
 * "Internal" and "internal" only; Azure only "true").
 */
interface InternalAnnotation {
  key: string;
  cloud: string;
  accepts(value: string): boolean;
  fix: string;
}

const TRUE_VALUES = ['1', 't', 'T', 'TRUE', 'true', 'True'];
const FALSE_VALUES = ['0', 'f', 'F', 'FALSE', 'false', 'False'];
const parsesTrue = (value: string) => TRUE_VALUES.includes(value);
const GKE = (value: string) => value === 'Internal' || value === 'internal';

const INTERNAL_ANNOTATIONS: InternalAnnotation[] = [
  { key: 'networking.gke.io/load-balancer-type', cloud: 'GKE', accepts: GKE, fix: 'Internal' },
  { key: 'cloud.google.com/load-balancer-type', cloud: 'GKE', accepts: GKE, fix: 'Internal' },
  {
    key: 'service.beta.kubernetes.io/aws-load-balancer-internal',
    cloud: 'AWS',
    // The in-tree controller makes an internal load balancer for any value but "false" (old guides write
    // 0.0.0.0/0); the AWS Load Balancer Controller parses a boolean.
    accepts: (value) => value !== '' && !FALSE_VALUES.includes(value),
    fix: 'true',
  },
  { key: 'service.beta.kubernetes.io/aws-load-balancer-scheme', cloud: 'the AWS Load Balancer Controller', accepts: (value) => value === 'internal', fix: 'internal' },
  { key: 'service.beta.kubernetes.io/azure-load-balancer-internal', cloud: 'AKS', accepts: (value) => value === 'true', fix: 'true' },
  { key: 'service.beta.kubernetes.io/oci-load-balancer-internal', cloud: 'OCI', accepts: parsesTrue, fix: 'true' },
  { key: 'oci-network-load-balancer.oraclecloud.com/internal', cloud: 'OCI', accepts: parsesTrue, fix: 'true' },
  { key: 'service.kubernetes.io/ibm-load-balancer-cloud-provider-ip-type', cloud: 'IBM Cloud', accepts: (value) => value === 'private', fix: 'private' },
  {
    key: 'service.beta.kubernetes.io/alibaba-cloud-loadbalancer-address-type',
    cloud: 'Alibaba Cloud',
    accepts: (value) => value.toLowerCase() === 'intranet',
    fix: 'intranet',
  },
  { key: 'service.beta.kubernetes.io/openstack-internal-load-balancer', cloud: 'OpenStack', accepts: parsesTrue, fix: 'true' },
  { key: 'service.beta.kubernetes.io/cce-load-balancer-internal-vpc', cloud: 'Baidu Cloud', accepts: parsesTrue, fix: 'true' },
  // Tencent Cloud: the subnet to put the internal load balancer in; any subnet id makes it internal.
  { key: 'service.kubernetes.io/qcloud-loadbalancer-internal-subnetid', cloud: 'Tencent Cloud', accepts: (value) => value.trim() !== '', fix: 'subnet-<id>' },
  { key: 'service.beta.kubernetes.io/do-loadbalancer-network', cloud: 'DigitalOcean', accepts: (value) => value.toUpperCase() === 'INTERNAL', fix: 'INTERNAL' },
  { key: 'load-balancer.hetzner.cloud/disable-public-network', cloud: 'Hetzner Cloud', accepts: parsesTrue, fix: 'true' },
  { key: 'service.beta.kubernetes.io/osc-load-balancer-internal', cloud: 'Outscale', accepts: parsesTrue, fix: 'true' },
];

const KNOWN_KEYS = new Map(INTERNAL_ANNOTATIONS.map((annotation) => [annotation.key, annotation]));

/** GKE reads networking.gke.io/load-balancer-type and falls back to the legacy key only when it is absent. */
const SHADOWED_BY: Record<string, string> = { 'cloud.google.com/load-balancer-type': 'networking.gke.io/load-balancer-type' };

/** Real annotations whose name part equals a known key's: never a misspelling of it. */
const NOT_A_TYPO = new Set(['oci.oraclecloud.com/load-balancer-type', 'service.beta.kubernetes.io/aws-load-balancer-type']);

/** Source ranges that admit every address. */
const OPEN_RANGES = new Set(['0.0.0.0/0', '::/0']);

/** Load balancer classes whose default is internal (AWS Load Balancer Controller ≥ 2.2, EKS Auto Mode) or private. */
const INTERNAL_BY_DEFAULT_CLASSES = new Set(['service.k8s.aws/nlb', 'eks.amazonaws.com/nlb']);
/** Tailscale's operator serves a LoadBalancer Service on the tailnet only. */
const PRIVATE_CLASSES = new Set(['tailscale']);

const HOW_TO_MAKE_INTERNAL =
  'GKE: networking.gke.io/load-balancer-type: "Internal"; EKS: service.beta.kubernetes.io/aws-load-balancer-scheme: internal; ' +
  'AKS: service.beta.kubernetes.io/azure-load-balancer-internal: "true"';

export default defineRule({
  id: 'exposed-prometheus',
  level: 'error',
  summary: 'A LoadBalancer or NodePort Service that exposes Prometheus is internal or restricted to known source ranges',
  help:
    'Prometheus has no authentication of its own by default: whoever reaches port 9090 can run any query, read ' +
    'every series through /federate and the HTTP API, and see the targets and configuration. A Service of type ' +
    'LoadBalancer gets a public address on most clouds unless an annotation makes it internal, so a federation ' +
    'setup that exposes the worker Prometheus that way publishes its metrics to the internet. fedlint treats a ' +
    'Service as exposing Prometheus when a port or targetPort is 9090, when its selector picks the pods ' +
    'Prometheus Operator runs (operator.prometheus.io/name, prometheus, app.kubernetes.io/name: prometheus, or ' +
    'app: prometheus), or when a Service named after Prometheus targets the port named "web". A LoadBalancer is ' +
    'fine when it is internal or lists spec.loadBalancerSourceRanges (or the older ' +
    'service.beta.kubernetes.io/load-balancer-source-ranges annotation) without 0.0.0.0/0 or ::/0. Internal ' +
    'annotations and their values: GKE networking.gke.io/load-balancer-type: "Internal" (legacy ' +
    'cloud.google.com/load-balancer-type); AWS service.beta.kubernetes.io/aws-load-balancer-scheme: internal (AWS ' +
    'Load Balancer Controller, whose Services of aws-load-balancer-type external or loadBalancerClass ' +
    'service.k8s.aws/nlb are internal by default) or service.beta.kubernetes.io/aws-load-balancer-internal: "true" ' +
    '(in-tree); Azure service.beta.kubernetes.io/azure-load-balancer-internal: "true" (exactly); OCI ' +
    'service.beta.kubernetes.io/oci-load-balancer-internal: "true" or ' +
    'oci-network-load-balancer.oraclecloud.com/internal: "true"; IBM ' +
    'service.kubernetes.io/ibm-load-balancer-cloud-provider-ip-type: private; Alibaba ' +
    'service.beta.kubernetes.io/alibaba-cloud-loadbalancer-address-type: intranet; OpenStack ' +
    'service.beta.kubernetes.io/openstack-internal-load-balancer: "true"; Baidu ' +
    'service.beta.kubernetes.io/cce-load-balancer-internal-vpc: "true"; Tencent ' +
    'service.kubernetes.io/qcloud-loadbalancer-internal-subnetid: <subnet id>; DigitalOcean ' +
    'service.beta.kubernetes.io/do-loadbalancer-network: "INTERNAL"; Hetzner ' +
    'load-balancer.hetzner.cloud/disable-public-network: "true"; Outscale ' +
    'service.beta.kubernetes.io/osc-load-balancer-internal: "true"; a loadBalancerClass of tailscale serves the ' +
    'tailnet only. Controllers ignore an annotation whose key is ' +
    'misspelt, that sits under metadata.labels, or whose value they do not read as internal, and build a public ' +
    'load balancer without any error: fedlint reports the key or value itself. A NodePort Service opens the port on ' +
    'every node, and neither internal annotations nor loadBalancerSourceRanges apply to it: make it type ClusterIP ' +
    'and reach Prometheus through a private path (an internal LoadBalancer, a VPN or a peered network), or restrict ' +
    'access to the Prometheus pods with a NetworkPolicy.',
  check({ graph, report }) {
    for (const service of graph.all('Service')) {
      const serviceSpec = spec(service);
      const type = serviceSpec.type;
      if (type !== 'LoadBalancer' && type !== 'NodePort') continue;
      const evidence = prometheusEvidence(service);
      if (!evidence) continue;
      const subject = `Service "${service.name}"`;
      const exposes = `exposes Prometheus (${evidence})`;

      if (type === 'NodePort') {
        const nodePorts = (Array.isArray(serviceSpec.ports) ? serviceSpec.ports : [])
          .map((port: unknown) => (isObject(port) ? port.nodePort : undefined))
          .filter((nodePort: unknown): nodePort is number => typeof nodePort === 'number');
        const where = nodePorts.length === 1 ? `on node port ${nodePorts[0]}` : nodePorts.length > 1 ? `on node ports ${nodePorts.join(', ')}` : 'on a node port';
        const ignored = [
          internalAnnotationsOf(service).length > 0 ? 'its internal load-balancer annotation' : '',
          Array.isArray(serviceSpec.loadBalancerSourceRanges) && serviceSpec.loadBalancerSourceRanges.length > 0 ? 'its spec.loadBalancerSourceRanges' : '',
        ].filter((text) => text !== '');
        const note = ignored.length > 0 ? `${ignored.join(' and ')} ${ignored.length === 1 ? 'applies' : 'apply'} only to type LoadBalancer` : 'internal load-balancer annotations and spec.loadBalancerSourceRanges do not apply to it';
        report({
          resource: service,
          pointer: '/spec/type',
          message: `${subject} of type NodePort ${exposes} ${where} of every node, to any address that can reach a node, and ${note}; make it type ClusterIP and reach Prometheus through a private path (an internal LoadBalancer, a VPN or a peered network), or restrict access to the Prometheus pods with a NetworkPolicy`,
        });
        continue;
      }

      if (isInternal(service) || isRestricted(service)) continue;
      const reach = `so the load balancer is external and ${exposes} to any address`;
      const problems = [...annotationProblems(service, reach), ...openRanges(service, exposes)];
      if (problems.length > 0) {
        for (const problem of problems) report({ resource: service, ...problem });
        continue;
      }
      report({
        resource: service,
        pointer: '/spec/type',
        message: `${subject} of type LoadBalancer ${exposes} on an external load balancer, reachable from any address, with neither an internal load-balancer annotation nor spec.loadBalancerSourceRanges; add your cloud's internal annotation (${HOW_TO_MAKE_INTERNAL}) or list the scraping cluster's egress ranges in spec.loadBalancerSourceRanges`,
      });
    }
  },
});

// ------------------------------------------------------------------ is it Prometheus?

/** Selector labels of the pods Prometheus Operator (and the common charts) run for Prometheus servers. */
function prometheusSelector(selector: Record<string, any>): string | undefined {
  const value = (key: string) => (Object.hasOwn(selector, key) && selector[key] !== null && typeof selector[key] !== 'object' ? String(selector[key]) : undefined);
  for (const key of ['operator.prometheus.io/name', 'prometheus']) if (value(key) !== undefined) return `${key}=${value(key)}`;
  for (const key of ['app.kubernetes.io/name', 'app']) if (value(key) === 'prometheus') return `${key}=prometheus`;
  return undefined;
}

/** Pods of the operator's other servers, whose port is named "web" too (Alertmanager 9093, Thanos Ruler 10902). */
function otherOperatorPods(selector: Record<string, any>): boolean {
  return (
    'alertmanager' in selector ||
    'thanos-ruler' in selector ||
    ['alertmanager', 'thanos-ruler'].includes(textOf(selector['app.kubernetes.io/name'])) ||
    ['alertmanager', 'thanos-ruler'].includes(textOf(selector.app))
  );
}

/** Why fedlint thinks the Service fronts Prometheus (`port 9090`, `its selector picks …`), or undefined. */
function prometheusEvidence(service: Resource): string | undefined {
  const selector = isObject(spec(service).selector) ? spec(service).selector : {};
  const picked = prometheusSelector(selector);
  if (picked) return `its selector picks Prometheus pods: ${picked}`;
  if (otherOperatorPods(selector)) return undefined;
  const ports = portsOfService(service);
  const on9090 = ports.find((port) => textOf(port.port) === '9090' || textOf(port.targetPort) === '9090');
  if (on9090) return textOf(on9090.port) === '9090' ? 'port 9090' : `targetPort 9090`;
  // "web" is the name of Prometheus's container port, but of countless other containers too: only a Service that
  // says it is Prometheus counts.
  if (/prometheus/i.test(service.name) && ports.some((port) => port.targetPort === 'web')) return 'targetPort "web"';
  return undefined;
}

// ------------------------------------------------------------------ is it internal or restricted?

function annotationsOf(service: Resource): Record<string, unknown> {
  const metadata = service.body.metadata;
  return isObject(metadata) && isObject(metadata.annotations) ? metadata.annotations : {};
}

function text(value: unknown): string {
  return value === null || value === undefined ? '' : textOf(value);
}

/** The known internal annotations the Service carries, correct or not. */
function internalAnnotationsOf(service: Resource): string[] {
  return Object.keys(annotationsOf(service)).filter((key) => KNOWN_KEYS.has(key));
}

function isInternal(service: Resource): boolean {
  const annotations = annotationsOf(service);
  for (const [key, value] of Object.entries(annotations)) {
    const known = KNOWN_KEYS.get(key);
    if (!known) continue;
    const shadow = SHADOWED_BY[key];
    if (shadow && shadow in annotations) continue;
    if (known.accepts(text(value))) return true;
  }
  const serviceSpec = spec(service);
  const lbClass = serviceSpec.loadBalancerClass;
  if (typeof lbClass === 'string' && PRIVATE_CLASSES.has(lbClass)) return true;
  // The AWS Load Balancer Controller makes internal NLBs unless the scheme says internet-facing.
  const awsType = text(annotations['service.beta.kubernetes.io/aws-load-balancer-type']);
  const byController = (typeof lbClass === 'string' && INTERNAL_BY_DEFAULT_CLASSES.has(lbClass)) || awsType === 'external' || awsType === 'nlb-ip';
  return byController && !('service.beta.kubernetes.io/aws-load-balancer-scheme' in annotations);
}

const SOURCE_RANGES_ANNOTATION = 'service.beta.kubernetes.io/load-balancer-source-ranges';

function sourceRanges(service: Resource): { ranges: string[]; pointer: (index: number) => string } | undefined {
  const listed = spec(service).loadBalancerSourceRanges;
  if (Array.isArray(listed) && listed.length > 0)
    return { ranges: listed.map(text).map((range) => range.trim()), pointer: (index) => `/spec/loadBalancerSourceRanges/${index}` };
  const annotated = annotationsOf(service)[SOURCE_RANGES_ANNOTATION];
  if (typeof annotated === 'string' && annotated.trim() !== '')
    return { ranges: annotated.split(',').map((range) => range.trim()), pointer: () => `/metadata/annotations/${pointerSegment(SOURCE_RANGES_ANNOTATION)}` };
  return undefined;
}

function isRestricted(service: Resource): boolean {
  const listed = sourceRanges(service);
  if (listed && !listed.ranges.some((range) => OPEN_RANGES.has(range))) return true;
  // DigitalOcean's firewall rules for its load balancers (`cidr:…`, `ip:…`).
  return text(annotationsOf(service)['service.beta.kubernetes.io/do-loadbalancer-allow-rules']).trim() !== '';
}

interface Problem {
  pointer: string;
  at?: 'key';
  message: string;
}

/** Internal annotations that do not take effect: a wrong value, a misspelt key, a label instead of an annotation. */
function annotationProblems(service: Resource, reach: string): Problem[] {
  const subject = `Service "${service.name}"`;
  const problems: Problem[] = [];
  const annotations = annotationsOf(service);
  const pointerOf = (key: string) => `/metadata/annotations/${pointerSegment(key)}`;
  for (const [key, raw] of Object.entries(annotations)) {
    const value = text(raw);
    const known = KNOWN_KEYS.get(key);
    if (known) {
      const shown = isObject(raw) || Array.isArray(raw) ? quoteValue(raw) : `"${value}"`;
      const shadow = SHADOWED_BY[key];
      // The legacy GKE key is not read when the current one is there; the current one is the finding.
      if (shadow && shadow in annotations) continue;
      const caseOnly = value.toLowerCase() === known.fix.toLowerCase();
      problems.push({
        pointer: pointerOf(key),
        message: `${subject} sets ${key}: ${shown}, which ${known.cloud} does not read as internal, ${reach}; set it to "${known.fix}"${caseOnly ? ' (the value is case-sensitive)' : ''}`,
      });
      continue;
    }
    const meant = misspeltKey(key, value);
    if (meant)
      problems.push({
        pointer: pointerOf(key),
        at: 'key',
        message: `${subject} has annotation "${key}", which no cloud controller reads (did you mean "${meant}"?), ${reach}; correct the key`,
      });
  }
  const metadata = service.body.metadata;
  const labels = isObject(metadata) && isObject(metadata.labels) ? metadata.labels : {};
  for (const key of Object.keys(labels)) {
    const meant = KNOWN_KEYS.has(key) ? key : misspeltKey(key, text(labels[key]));
    if (!meant) continue;
    problems.push({
      pointer: `/metadata/labels/${pointerSegment(key)}`,
      at: 'key',
      message: `${subject} sets "${key}" as a label, but cloud controllers read ${meant} only from metadata.annotations, ${reach}; move it under metadata.annotations`,
    });
  }
  return problems;
}

/**
 * The internal annotation a key was meant to be: one or two characters off (`…-load-balancer-typ`,
 * `…-internel`), different only in case, or the right name under the wrong prefix
 * (`service.kubernetes.io/aws-load-balancer-internal`) with a value that annotation would accept.
 */
function misspeltKey(key: string, value: string): string | undefined {
  if (NOT_A_TYPO.has(key)) return undefined;
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const known of INTERNAL_ANNOTATIONS) {
    const d = distance(key, known.key);
    const sameName = nameOf(key) === nameOf(known.key) && known.accepts(value);
    if (d <= 2 || key.toLowerCase() === known.key.toLowerCase() || sameName) {
      if (d < bestDistance) {
        best = known.key;
        bestDistance = d;
      }
    }
  }
  return best;
}

function nameOf(key: string): string {
  return key.slice(key.indexOf('/') + 1);
}

/** 0.0.0.0/0 or ::/0 among the source ranges: they restrict nothing. */
function openRanges(service: Resource, exposes: string): Problem[] {
  const listed = sourceRanges(service);
  if (!listed) return [];
  const index = listed.ranges.findIndex((range) => OPEN_RANGES.has(range));
  if (index === -1) return [];
  const where = listed.pointer(0).startsWith('/spec') ? 'spec.loadBalancerSourceRanges' : SOURCE_RANGES_ANNOTATION;
  return [
    {
      pointer: listed.pointer(index),
      message: `Service "${service.name}" lists ${listed.ranges[index]} in ${where}, which admits every address, so the load balancer ${exposes} to anyone; list only the scraping cluster's egress ranges, or make the load balancer internal`,
    },
  ];
}
