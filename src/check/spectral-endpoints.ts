// Scrape endpoints as Spectral sees them: JSONPaths that reach every endpoint
// of every kind, and the step back from a Spectral input to the graph's view
// of it (kind check, pointer, path field) so that Spectral checks and graph
// rules describe endpoints alike. A rule's check is written once, on a
// MonitorEndpoint: Spectral runs it on what its paths reach, and the rule's
// `appliesTo` runs it on a resource's own endpoints to decide whether Spectral
// needs to see that resource at all.

import type { RulesetFunctionContext } from '@stoplight/spectral-core';
import { type MonitorEndpoint, isFederationEndpoint, knownKind, scrapeEndpointsOf } from '../model/graph.js';
import { isObject } from '../load/parse.js';
import { type SpectralFunction, mayMatchMore, pointerOf, resourceAt } from './spectral.js';
import type { Fix, Resource } from '../types.js';

/** Every scrape endpoint: ServiceMonitor endpoints, PodMonitor podMetricsEndpoints, ScrapeConfig specs. */
export const SCRAPE_ENDPOINTS = [
  "$.[?(@.kind == 'ServiceMonitor')].spec.endpoints[*]",
  "$.[?(@.kind == 'PodMonitor')].spec.podMetricsEndpoints[*]",
  "$.[?(@.kind == 'ScrapeConfig')].spec",
];

/** What an endpoint check reports: the message, where below the endpoint (none: the endpoint itself), the fix. */
export interface EndpointFinding {
  message: string;
  at?: (string | number)[];
  fix?: Fix;
}

/** A check of one scrape endpoint, the logic of a Spectral rule over SCRAPE_ENDPOINTS. */
export type EndpointCheck = (endpoint: MonitorEndpoint) => EndpointFinding[];

/** The Spectral function that runs a check on each scrape endpoint its paths reach (with the check's name). */
export function onScrapeEndpoint(check: EndpointCheck): SpectralFunction {
  const run: SpectralFunction = (input, _options, context) => {
    const endpoint = scrapeEndpointAt(input, context);
    if (!endpoint) return [];
    return check(endpoint).map(({ message, at = [], fix }) => ({ message, path: pathFor(context, ...at), ...(fix ? { fix } : {}) }));
  };
  return Object.defineProperty(run, 'name', { value: check.name });
}

/**
 * An `appliesTo` for a rule made of endpoint checks: `mayApply` (the rule's coarse test, true wherever a check can
 * find something) holds, and a check finds something in one of the resource's own scrape endpoints or Spectral may
 * reach more in the resource than those (see mayMatchMore). Spectral is then handed only the few resources with a
 * finding instead of every monitor: traversing them was nearly all of its time on a large repository. Without more
 * to reach, what the checks act on in a resource is its scrapeEndpointsOf, with the same index, pointer and spec
 * (SCRAPE_ENDPOINTS reaches the entries of its endpoint list, or its ScrapeConfig spec, and scrapeEndpointAt drops
 * the entries that are not mappings, as scrapeEndpointsOf does), so running the checks on those decides what Spectral
 * would report.
 */
export function appliesToEndpoints(mayApply: (resource: Resource) => boolean, ...checks: EndpointCheck[]): (resource: Resource) => boolean {
  return (resource) =>
    mayApply(resource) &&
    (scrapeEndpointsOf(resource).some((endpoint) => checks.some((check) => check(endpoint).length > 0)) || mayMatchMore(resource));
}

/** The scrape endpoint a Spectral input is, or null when its object is not a Prometheus Operator kind. */
export function scrapeEndpointAt(input: unknown, context: RulesetFunctionContext): MonitorEndpoint | null {
  const monitor = resourceAt(context);
  if (!monitor || !isObject(input)) return null;
  const kind = knownKind(monitor);
  if (kind !== 'ServiceMonitor' && kind !== 'PodMonitor' && kind !== 'ScrapeConfig') return null;
  const path = context.path;
  return {
    monitor,
    kind,
    index: kind === 'ScrapeConfig' ? 0 : Number(path[path.length - 1]),
    pointer: pointerOf(path),
    spec: input,
    pathField: kind === 'ScrapeConfig' ? 'metricsPath' : 'path',
  };
}

/** A Spectral result path for a pointer relative to the endpoint's resource. */
export function pathFor(context: RulesetFunctionContext, ...segments: (string | number)[]): (string | number)[] {
  return [...context.path, ...segments];
}

/** Whether a resource has a federation endpoint (for rules about federation only). */
export function hasFederationEndpoint(resource: Resource): boolean {
  return scrapeEndpointsOf(resource).some(isFederationEndpoint);
}
