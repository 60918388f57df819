import { isSelectorless, spec } from '../src/model/graph.js';
import { singleClosestName } from '../src/check/fix.js';
import { type PortEntry, portsOfEndpoints, portsOfService } from '../src/model/ports.js';
import { defineRule } from '../src/check/rule.js';
import { closestName, quoteList } from '../src/lang/suggest.js';
import type { Fix, Resource } from '../src/types.js';

export default defineRule({
  id: 'endpoints-port-match',
  level: 'error',
  summary: 'Endpoints and EndpointSlice port names match their Service ports, and the numbers agree',
  help:
    "kube-proxy and Prometheus pair a Service port with an Endpoints port by name: a port named differently (or left " +
    "unnamed while the Service's port has a name) carries no traffic and yields no target, so the federation target " +
    'shows DOWN or is missing. Give each Endpoints/EndpointSlice port the name of a Service port, list every port of a ' +
    "selectorless Service, and use the Service's targetPort (or its port, when targetPort is absent) as the number.",
  check({ graph, report }) {
    /** Service → names of its ports that a finding already told some Endpoints port to take. */
    const suggestedNames = new Map<Resource, Set<string>>();
    const suggest = (service: Resource, name: string) => {
      let names = suggestedNames.get(service);
      if (!names) suggestedNames.set(service, (names = new Set()));
      names.add(name);
    };

    const endpointObjects = [...graph.all('Endpoints'), ...graph.all('EndpointSlice')];
    for (const endpoints of endpointObjects) {
      const service = graph.serviceOf(endpoints);
      if (!service) continue;
      const servicePorts = portsOfService(service);
      const named = servicePorts.map((port) => port.name).filter((name) => name !== '');
      const what = `${endpoints.kind} "${endpoints.name}"`;
      const entries = portsOfEndpoints(endpoints);
      for (const entry of entries) {
        const match = servicePorts.find((port) => port.name === entry.name);
        const related = [{ resource: service, pointer: '/spec/ports', message: `ports of Service "${service.name}"` }];
        if (!match) {
          let message: string;
          let suggestion: string | undefined;
          if (servicePorts.length === 0) {
            message =
              entry.name === ''
                ? `${what} has an unnamed port but Service "${service.name}" declares no ports; add the port to the Service`
                : `${what} port "${entry.name}" has no counterpart: Service "${service.name}" declares no ports; add a port named "${entry.name}" to the Service`;
          } else if (entry.name === '') {
            if (named.length === 1) suggestion = named[0];
            message =
              suggestion !== undefined
                ? `${what} has an unnamed port but the port of Service "${service.name}" is named "${suggestion}"; name this port "${suggestion}"`
                : `${what} has an unnamed port but Service "${service.name}" has ${servicePorts.length} ports; name it after one of them: ${quoteList(named, 'or')}`;
          } else if (named.length === 0) {
            suggestion = '';
            message = `${what} port "${entry.name}" is named but the port of Service "${service.name}" is not; remove the name here or name the Service port "${entry.name}"`;
          } else {
            suggestion = named.length === 1 ? named[0] : closestName(entry.name, named);
            message = `${what} port "${entry.name}" is not a port name of Service "${service.name}" (${quoteList(named)})${suggestion ? `; rename it to "${suggestion}"` : ''}`;
          }
          if (suggestion !== undefined) suggest(service, suggestion);
          const fix = portNameFix(entry, entries, servicePorts, named);
          report({ resource: endpoints, pointer: entry.name === '' ? entry.pointer : `${entry.pointer}/name`, message, related, fix });
          continue;
        }
        const expected = typeof match.targetPort === 'number' ? match.targetPort : match.targetPort === undefined ? match.port : undefined;
        if (typeof expected === 'number' && typeof entry.port === 'number' && entry.port !== expected) {
          const source = typeof match.targetPort === 'number' ? 'targetPort' : 'port';
          report({
            resource: endpoints,
            pointer: `${entry.pointer}/port`,
            level: 'warning',
            message: `${what} port "${entry.name || '(unnamed)'}" is ${entry.port} but Service "${service.name}" has ${source} ${expected} for it; use the same number on both sides`,
            related: [{ resource: service, pointer: match.pointer, message: `Service "${service.name}" port "${match.name}"` }],
          });
        }
      }
    }

    // A selectorless Service gets nothing from the endpoints controller: every port must be listed by hand.
    for (const service of graph.all('Service')) {
      if (!isSelectorless(service)) continue;
      const endpoints = graph.endpointsOf(service);
      const slices = graph.slicesOf(service);
      const sources = endpoints ? [endpoints, ...slices] : slices;
      if (sources.length === 0) continue;
      const listed = new Set(sources.flatMap((source) => portsOfEndpoints(source).map((entry) => entry.name)));
      // A port that an Endpoints port was already told to be renamed to is that finding's business, not a second one.
      const pending = suggestedNames.get(service) ?? new Set<string>();
      const why = spec(service).type === 'ExternalName' ? 'is of type ExternalName' : 'has no selector';
      const where = sources.map((source) => `${source.kind} "${source.name}"`).join(' and ');
      for (const port of portsOfService(service)) {
        if (listed.has(port.name) || pending.has(port.name)) continue;
        const label = port.name === '' ? 'its unnamed port' : `port "${port.name}"`;
        report({
          resource: service,
          pointer: port.name === '' ? port.pointer : `${port.pointer}/name`,
          message: `Service "${service.name}" ${why}, and ${label} is missing from ${where}; add a port${port.name ? ` named "${port.name}"` : ''} with the target's port number there`,
          related: sources.map((source) => ({ resource: source, pointer: '/metadata/name', message: `${source.kind} "${source.name}"` })),
        });
      }
    }
  },
});

/** The one Service port name an unmatched Endpoints port should take: the only named port, or the one closest name. */
function fixedPortName(name: string, named: string[]): string | undefined {
  if (named.length === 1) return named[0];
  if (name === '') return undefined;
  return singleClosestName(name, named, closestName(name, named));
}

/** Naming the port is a fix only when the name is certain and no other port of the same list has or would get it. */
function portNameFix(entry: PortEntry, entries: PortEntry[], servicePorts: readonly PortEntry[], named: string[]): Fix | undefined {
  if (servicePorts.length === 0) return undefined;
  const name = fixedPortName(entry.name, named);
  if (name === undefined) return undefined;
  const list = `${entry.pointer.slice(0, entry.pointer.lastIndexOf('/'))}/`;
  const clash = entries.some(
    (other) =>
      other !== entry &&
      other.pointer.startsWith(list) &&
      (other.name === name || (!servicePorts.some((port) => port.name === other.name) && fixedPortName(other.name, named) === name)),
  );
  if (clash) return undefined;
  const description = entry.name === '' ? `name the port "${name}"` : `rename port "${entry.name}" to "${name}"`;
  return { kind: 'set', pointer: `${entry.pointer}/name`, value: name, description };
}
