// Port lists of Services, Endpoints and EndpointSlices as flat entries with
// their JSON pointers, tolerant of shapes the schema check reports.

import { knownKind } from './graph.js';
import { isObject } from '../load/parse.js';
import type { Resource } from '../types.js';

export interface PortEntry {
  pointer: string;
  /** '' when the port has no name. */
  name: string;
  port: unknown;
  targetPort?: unknown;
}

export function portsOfService(service: Resource): readonly PortEntry[] {
  const ports = isObject(service.body.spec) ? service.body.spec.ports : undefined;
  if (!Array.isArray(ports)) return [];
  let entries = servicePorts.get(ports);
  if (!entries) {
    entries = ports.flatMap((port: unknown, index: number) =>
      isObject(port)
        ? [{ pointer: `/spec/ports/${index}`, name: typeof port.name === 'string' ? port.name : '', port: port.port, targetPort: port.targetPort }]
        : [],
    );
    servicePorts.set(ports, entries);
  }
  return entries;
}

/**
 * A Service's port entries, by its `spec.ports` list: the port rules ask for one Service's ports many times over (once
 * per monitor endpoint and Endpoints object that refers to it, and again per check), and the list does not change.
 */
const servicePorts = new WeakMap<unknown[], readonly PortEntry[]>();

/** Ports of an Endpoints object (all subsets) or of an EndpointSlice. */
export function portsOfEndpoints(resource: Resource): PortEntry[] {
  const entries: PortEntry[] = [];
  const collect = (ports: unknown, base: string) => {
    if (!Array.isArray(ports)) return;
    ports.forEach((port: unknown, index: number) => {
      if (isObject(port)) entries.push({ pointer: `${base}/${index}`, name: typeof port.name === 'string' ? port.name : '', port: port.port });
    });
  };
  if (knownKind(resource) === 'EndpointSlice') collect(resource.body.ports, '/ports');
  else if (Array.isArray(resource.body.subsets))
    resource.body.subsets.forEach((subset: unknown, index: number) => {
      if (isObject(subset)) collect(subset.ports, `/subsets/${index}/ports`);
    });
  return entries;
}
