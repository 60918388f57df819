// The resource graph: built once, indexed, so that every rule is linear in the
// size of the repository. Edges are computed lazily and memoised: a rule that
// asks nothing of an edge does not pay for it.

import { isObject } from '../load/parse.js';
import { type Labels, type NamespaceScope, indexKeys, indexTerms, labelsOf, namespaceScope, requirements, smallestBucket } from './selector.js';
import type { FederationDetection, Resource } from '../types.js';

/** API groups whose kinds follow Prometheus Operator's schema (rhobs is Red Hat's downstream fork). */
export const OPERATOR_GROUPS = new Set(['monitoring.coreos.com', 'monitoring.rhobs']);

/** The label that ties an EndpointSlice to its Service. */
export const SERVICE_NAME_LABEL = 'kubernetes.io/service-name';

export type KindName =
  | 'Service'
  | 'Endpoints'
  | 'EndpointSlice'
  | 'ServiceMonitor'
  | 'PodMonitor'
  | 'Probe'
  | 'ScrapeConfig'
  | 'Prometheus'
  | 'PrometheusAgent';

/** The kind fedlint reads a resource as, or null for kinds it does not know (ConfigMaps, Deployments, …). */
export function knownKind(resource: Resource): KindName | null {
  switch (resource.kind) {
    case 'Service':
    case 'Endpoints':
      return resource.group === '' ? resource.kind : null;
    case 'EndpointSlice':
      return resource.group === 'discovery.k8s.io' ? 'EndpointSlice' : null;
    case 'ServiceMonitor':
    case 'PodMonitor':
    case 'Probe':
    case 'ScrapeConfig':
    case 'Prometheus':
    case 'PrometheusAgent':
      return OPERATOR_GROUPS.has(resource.group) ? resource.kind : null;
    default:
      return null;
  }
}

/** The kinds whose objects define scrape endpoints. */
export type ScrapeKind = 'ServiceMonitor' | 'PodMonitor' | 'ScrapeConfig';

/**
 * One scrape endpoint: a ServiceMonitor's `spec.endpoints[i]`, a PodMonitor's
 * `spec.podMetricsEndpoints[i]`, or a ScrapeConfig's `spec` (one job each).
 */
export interface MonitorEndpoint {
  monitor: Resource;
  kind: ScrapeKind;
  index: number;
  /** Pointer of the endpoint inside the monitor: `/spec/endpoints/0`, `/spec`. */
  pointer: string;
  spec: Record<string, any>;
  /** The field that holds the HTTP path: `path` on monitors, `metricsPath` on ScrapeConfig. */
  pathField: 'path' | 'metricsPath';
}

export class Graph {
  readonly resources: Resource[];
  private readonly byKind = new Map<KindName, Resource[]>();
  private readonly byIdentity = new Map<string, Resource>();
  /** namespace → Services in it */
  private readonly servicesByNamespace = new Map<string, Resource[]>();
  /** namespace → `key=value` or `key` → Services carrying that label */
  private readonly servicesByLabel = new Map<string, Map<string, Resource[]>>();
  private readonly serviceLabels = new Map<Resource, Labels>();
  private readonly slicesByService = new Map<string, Resource[]>();
  private readonly selectedCache = new Map<Resource, Resource[]>();
  private monitorsByService: Map<Resource, Resource[]> | null = null;
  private monitorEndpointList: readonly MonitorEndpoint[] | undefined;
  private scrapeEndpointList: readonly MonitorEndpoint[] | undefined;
  private federationEndpointList: readonly MonitorEndpoint[] | undefined;

  constructor(resources: Resource[]) {
    this.resources = resources;
    for (const resource of resources) {
      const kind = knownKind(resource);
      if (!kind) continue;
      push(this.byKind, kind, resource);
      const identity = identityKey(kind, resource.namespace, resource.name);
      // The first definition wins; a duplicate is someone else's finding, not a reason to change edges.
      if (!this.byIdentity.has(identity)) this.byIdentity.set(identity, resource);
      if (kind === 'Service') this.indexService(resource);
      if (kind === 'EndpointSlice') {
        const owner = labelsOf(resource.body.metadata)[SERVICE_NAME_LABEL];
        if (owner) push(this.slicesByService, `${resource.namespace}/${owner}`, resource);
      }
    }
  }

  private indexService(service: Resource): void {
    const labels = labelsOf(service.body.metadata);
    this.serviceLabels.set(service, labels);
    push(this.servicesByNamespace, service.namespace, service);
    let byLabel = this.servicesByLabel.get(service.namespace);
    if (!byLabel) this.servicesByLabel.set(service.namespace, (byLabel = new Map()));
    for (const indexKey of indexKeys(labels)) push(byLabel, indexKey, service);
  }

  all(kind: KindName): Resource[] {
    return this.byKind.get(kind) ?? [];
  }

  get(kind: KindName, namespace: string, name: string): Resource | undefined {
    return this.byIdentity.get(identityKey(kind, namespace, name));
  }

  labels(service: Resource): Labels {
    return this.serviceLabels.get(service) ?? labelsOf(service.body.metadata);
  }

  servicesIn(namespace: string): Resource[] {
    return this.servicesByNamespace.get(namespace) ?? [];
  }

  /** Services in the namespaces a scope covers. */
  servicesInScope(scope: NamespaceScope): Resource[] {
    if (scope.any) return this.all('Service');
    // One namespace (the usual scope): its own list, shared as `all` is, rather than a copy.
    if (scope.names.length === 1) return this.servicesIn(scope.names[0]!);
    return scope.names.flatMap((namespace) => this.servicesIn(namespace));
  }

  scopeOf(monitor: Resource): NamespaceScope {
    return namespaceScope(spec(monitor).namespaceSelector, monitor.namespace);
  }

  endpointsOf(service: Resource): Resource | undefined {
    return this.get('Endpoints', service.namespace, service.name);
  }

  slicesOf(service: Resource): Resource[] {
    return this.slicesByService.get(`${service.namespace}/${service.name}`) ?? [];
  }

  serviceOf(endpoints: Resource): Resource | undefined {
    if (knownKind(endpoints) === 'EndpointSlice') {
      const owner = labelsOf(endpoints.body.metadata)[SERVICE_NAME_LABEL];
      return owner ? this.get('Service', endpoints.namespace, owner) : undefined;
    }
    return this.get('Service', endpoints.namespace, endpoints.name);
  }

  /** The Services a ServiceMonitor's `selector` and `namespaceSelector` pick. */
  selectedServices(monitor: Resource): Resource[] {
    let selected = this.selectedCache.get(monitor);
    if (!selected) {
      selected = this.servicesMatching(spec(monitor).selector, this.scopeOf(monitor));
      this.selectedCache.set(monitor, selected);
    }
    return selected;
  }

  /** Services in a scope whose labels satisfy a label selector (an invalid selector selects none). */
  servicesMatching(selector: unknown, scope: NamespaceScope): Resource[] {
    const reqs = requirements(selector);
    if (!reqs) return [];
    return this.candidates(scope, indexTerms(reqs)).filter((service) => {
      const labels = this.labels(service);
      return reqs.every((requirement) => requirement.matches(labels));
    });
  }

  /** Smallest set of Services that can satisfy the selector, found through the label index. */
  private candidates(scope: NamespaceScope, terms: string[][]): Resource[] {
    if (terms.length === 0) return this.servicesInScope(scope);
    const namespaces = scope.any ? [...this.servicesByLabel.keys()] : scope.names;
    const result: Resource[] = [];
    for (const namespace of namespaces) {
      const byLabel = this.servicesByLabel.get(namespace);
      if (!byLabel) continue;
      // A Service has one value per key, so the union of an In's buckets holds it at most once.
      result.push(...(smallestBucket(byLabel, terms) ?? []));
    }
    return result;
  }

  /** ServiceMonitors that select a Service (the reverse edge, built once on first use). */
  monitorsSelecting(service: Resource): Resource[] {
    if (!this.monitorsByService) {
      this.monitorsByService = new Map();
      for (const monitor of this.all('ServiceMonitor'))
        for (const selected of this.selectedServices(monitor)) push(this.monitorsByService, selected, monitor);
    }
    return this.monitorsByService.get(service) ?? [];
  }

  // The endpoint lists below are asked for by several rules each (four want the federation endpoints): each is built
  // on first use and then shared, read-only, like the rest of the graph. The federation settings they depend on are
  // registered (useFederationDetection) before any rule runs.

  /** Every `spec.endpoints[]` entry of every ServiceMonitor that is a mapping. */
  monitorEndpoints(): readonly MonitorEndpoint[] {
    return (this.monitorEndpointList ??= this.all('ServiceMonitor').flatMap(scrapeEndpointsOf));
  }

  /** Every scrape endpoint of every ServiceMonitor, PodMonitor and ScrapeConfig. */
  scrapeEndpoints(): readonly MonitorEndpoint[] {
    return (this.scrapeEndpointList ??= [
      ...this.monitorEndpoints(),
      ...this.all('PodMonitor').flatMap(scrapeEndpointsOf),
      ...this.all('ScrapeConfig').flatMap(scrapeEndpointsOf),
    ]);
  }

  /** Endpoints that scrape another Prometheus's /federate: by path, or by a `match[]` param. */
  federationEndpoints(): readonly MonitorEndpoint[] {
    return (this.federationEndpointList ??= this.scrapeEndpoints().filter(isFederationEndpoint));
  }
}

/**
 * The scrape endpoints one resource defines (none for kinds that define none). Kept per resource, read-only: the graph's
 * endpoint lists and each Spectral endpoint rule's `appliesTo` (several per resource) ask for the same ones.
 */
export function scrapeEndpointsOf(monitor: Resource): readonly MonitorEndpoint[] {
  if (!SCRAPE_KINDS.has(monitor.kind)) return [];
  let endpoints = endpointsOfResource.get(monitor);
  if (!endpoints) endpointsOfResource.set(monitor, (endpoints = readScrapeEndpoints(monitor)));
  return endpoints;
}

const endpointsOfResource = new WeakMap<Resource, readonly MonitorEndpoint[]>();
/** The kinds that can define scrape endpoints (knownKind also wants their API group): the rest need no lookup. */
const SCRAPE_KINDS = new Set<string>(['ServiceMonitor', 'PodMonitor', 'ScrapeConfig'] satisfies ScrapeKind[]);

function readScrapeEndpoints(monitor: Resource): MonitorEndpoint[] {
  const kind = knownKind(monitor);
  if (kind === 'ScrapeConfig') return [{ monitor, kind, index: 0, pointer: '/spec', spec: spec(monitor), pathField: 'metricsPath' }];
  if (kind !== 'ServiceMonitor' && kind !== 'PodMonitor') return [];
  const field = kind === 'ServiceMonitor' ? 'endpoints' : 'podMetricsEndpoints';
  const endpoints = spec(monitor)[field];
  if (!Array.isArray(endpoints)) return [];
  return endpoints.flatMap((endpoint: unknown, index: number): MonitorEndpoint[] =>
    isObject(endpoint) ? [{ monitor, kind, index, pointer: `/spec/${field}/${index}`, spec: endpoint, pathField: 'path' }] : [],
  );
}

/**
 * The `federation` settings of the run each resource belongs to (set by lint() as it parses). Kept per resource
 * because the Spectral checks see an endpoint, not the run's settings; a resource not registered gets the default.
 */
const federationDetection = new WeakMap<Resource, FederationDetection>();

export function useFederationDetection(resources: Resource[], detection: FederationDetection): void {
  for (const resource of resources) federationDetection.set(resource, detection);
}

export function isFederationEndpoint(endpoint: MonitorEndpoint): boolean {
  const detection = federationDetection.get(endpoint.monitor);
  return (
    isFederatePath(endpoint.spec[endpoint.pathField], detection?.paths) || ((detection?.matchParams ?? true) && hasMatchParam(endpoint.spec))
  );
}

/**
 * `/federate`, and the near-misses a person means by it (`federate`, `/federate/`, `/prefix/federate`); also any of
 * `extraPaths` (config `federation.paths`), compared the same way, ignoring leading and trailing slashes.
 */
/** Whether an endpoint's path is one the config names as a federation path (`federation.paths`). */
export function isConfiguredFederationPath(endpoint: MonitorEndpoint): boolean {
  const extra = federationDetection.get(endpoint.monitor)?.paths ?? [];
  const path = endpoint.spec[endpoint.pathField];
  return extra.length > 0 && typeof path === 'string' && isFederatePath(path, extra) && !isFederatePath(path);
}

export function isFederatePath(path: unknown, extraPaths: readonly string[] = []): boolean {
  if (typeof path !== 'string') return false;
  const segments = path.split('/').filter((segment) => segment !== '');
  const joined = segments.join('/');
  return segments[segments.length - 1] === 'federate' || extraPaths.some((extra) => extra.split('/').filter((segment) => segment !== '').join('/') === joined);
}

export function hasMatchParam(endpoint: Record<string, any>): boolean {
  return isObject(endpoint.params) && 'match[]' in endpoint.params;
}

/** A Service whose Endpoints are written by hand: no selector, or ExternalName (which ignores it). */
export function isSelectorless(service: Resource): boolean {
  const serviceSpec = spec(service);
  if (serviceSpec.type === 'ExternalName') return true;
  return !isObject(serviceSpec.selector) || Object.keys(serviceSpec.selector).length === 0;
}

export function spec(resource: Resource): Record<string, any> {
  return isObject(resource.body.spec) ? resource.body.spec : {};
}

function identityKey(kind: string, namespace: string, name: string): string {
  return `${kind}\u0000${namespace}\u0000${name}`;
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

/** How a person names an endpoint in a message: `ServiceMonitor "x" endpoint "web"` (by port) or `endpoint #2`. */
export function describeEndpoint(endpoint: MonitorEndpoint): string {
  if (endpoint.kind === 'ScrapeConfig') return `ScrapeConfig "${endpoint.monitor.name}"`;
  const port = endpoint.spec.port ?? endpoint.spec.targetPort;
  const which = typeof port === 'string' || typeof port === 'number' ? `"${port}"` : `#${endpoint.index + 1}`;
  return `${endpoint.monitor.kind} "${endpoint.monitor.name}" endpoint ${which}`;
}
