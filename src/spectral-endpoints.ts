// Scrape endpoints as Spectral sees them: JSONPaths that reach every endpoint
// of every kind, and the step back from a Spectral input to the graph's view
// of it (kind check, pointer, path field) so that Spectral checks and graph
// rules describe endpoints alike.

import type { RulesetFunctionContext } from '@stoplight/spectral-core';
import { type MonitorEndpoint, isFederationEndpoint, knownKind, scrapeEndpointsOf } from './graph.js';
import { isObject } from './parse.js';
import { pointerOf, resourceAt } from './spectral.js';
import type { Resource } from './types.js';

/** Every scrape endpoint: ServiceMonitor endpoints, PodMonitor podMetricsEndpoints, ScrapeConfig specs. */
export const SCRAPE_ENDPOINTS = [
  "$.[?(@.kind == 'ServiceMonitor')].spec.endpoints[*]",
  "$.[?(@.kind == 'PodMonitor')].spec.podMetricsEndpoints[*]",
  "$.[?(@.kind == 'ScrapeConfig')].spec",
];

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

/** The federation endpoint a Spectral input is (path ending in federate, or a match[] param), or null. */
export function federationEndpointAt(input: unknown, context: RulesetFunctionContext): MonitorEndpoint | null {
  const endpoint = scrapeEndpointAt(input, context);
  return endpoint && isFederationEndpoint(endpoint) ? endpoint : null;
}

/** A Spectral result path for a pointer relative to the endpoint's resource. */
export function pathFor(context: RulesetFunctionContext, ...segments: (string | number)[]): (string | number)[] {
  return [...context.path, ...segments];
}

/** Whether a resource has a federation endpoint (for rules about federation only). */
export function hasFederationEndpoint(resource: Resource): boolean {
  return scrapeEndpointsOf(resource).some(isFederationEndpoint);
}
