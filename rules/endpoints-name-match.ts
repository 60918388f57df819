import { SERVICE_NAME_LABEL, isSelectorless, spec } from '../src/model/graph.js';
import { isObject, pointerSegment } from '../src/load/parse.js';
import { describeServer, discoveryRole, prometheusIndex } from '../src/model/prometheus.js';
import { defineRule } from '../src/check/rule.js';
import { labelsOf } from '../src/model/selector.js';
import { singleClosestName } from '../src/check/fix.js';
import type { Graph } from '../src/model/graph.js';
import { closestName } from '../src/lang/suggest.js';
import type { Fix, RelatedLocation, Resource } from '../src/types.js';

const LABEL_POINTER = `/metadata/labels/${pointerSegment(SERVICE_NAME_LABEL)}`;

export default defineRule({
  id: 'endpoints-name-match',
  level: 'error',
  summary: 'Endpoints and their Service share a name and namespace; a selected selectorless Service has Endpoints; a Service with a selector has no hand-written ones',
  help:
    'Kubernetes joins a Service to its Endpoints object only by identical name and namespace (and to an EndpointSlice ' +
    'only through the label kubernetes.io/service-name in the same namespace), and Prometheus discovers targets through ' +
    'that join. An Endpoints object or EndpointSlice with no Service of that name is never scraped; a Service without a ' +
    'selector (or of type ExternalName) that a ServiceMonitor selects has no targets until an Endpoints object (or an ' +
    'EndpointSlice labelled kubernetes.io/service-name) of the same name lists the remote addresses. Rename one side so ' +
    'that the names and namespaces agree. Hand-written Endpoints only last for a Service without a selector: for a ' +
    'Service with one, the endpoints controller owns the Endpoints object and replaces its addresses with those of the ' +
    "selected Pods (a warning). Remove the Service's selector to keep the hand-written endpoints of a remote target, " +
    'or drop the Endpoints object. A selectorless Service whose addresses are only in EndpointSlices (no Endpoints ' +
    'object) is found only by a Prometheus that discovers through EndpointSlices: when a Prometheus that selects its ' +
    'ServiceMonitor is loaded and neither it nor the ServiceMonitor sets serviceDiscoveryRole: EndpointSlice, the ' +
    'default role (Endpoints) finds no target. Set the role, or write an Endpoints object of the same name.',
  check({ graph, report }) {
    /** Reports an Endpoints/EndpointSlice that names (`wanted`) a Service that is not in its namespace. */
    const reportOrphan = (resource: Resource, wanted: string, namePointer: string, subject: string) => {
      const suggestion = closestName(
        wanted,
        graph.servicesIn(resource.namespace).map((service) => service.name),
      );
      const suggested = suggestion === undefined ? undefined : graph.get('Service', resource.namespace, suggestion);
      const elsewhere = graph.all('Service').find((service) => service.name === wanted);
      let hint: string;
      let pointer = namePointer;
      let fix: Fix | undefined;
      const related: RelatedLocation[] = [];
      // An exact name in another namespace is stronger evidence than a near name in this one.
      if (elsewhere) {
        hint = `; a Service "${wanted}" exists in namespace "${elsewhere.namespace}": move one of them so that the namespaces agree`;
        // The namespace is what is wrong (on one side or the other); show it when it is written down.
        if (isObject(resource.body.metadata) && resource.body.metadata.namespace !== undefined) pointer = '/metadata/namespace';
        related.push({ resource: elsewhere, pointer: '/metadata/name', message: `Service "${elsewhere.name}" in namespace "${elsewhere.namespace}"` });
      } else if (suggested) {
        hint = `; did you mean "${suggested.name}"?`;
        related.push({ resource: suggested, pointer: '/metadata/name', message: `Service "${suggested.name}"` });
        fix = renameToService(graph, resource, wanted, suggested, namePointer);
      } else {
        hint = `; create the Service or rename the ${resource.kind === 'EndpointSlice' ? 'label' : 'Endpoints'} to match it`;
      }
      report({ resource, pointer, message: `${subject}${hint}`, related, fix });
    };

    for (const endpoints of graph.all('Endpoints')) {
      const service = graph.serviceOf(endpoints);
      if (service) {
        // The endpoints controller owns the Endpoints of a Service with a selector and rewrites them from the
        // selected Pods: hand-written addresses (a remote Prometheus) are gone on the next sync. An object the
        // controller itself wrote (exported from a cluster) carries its trigger-time annotation.
        if (isSelectorless(service) || writtenByController(endpoints)) continue;
        report({
          resource: endpoints,
          pointer: '/metadata/name',
          level: 'warning',
          message:
            `Endpoints "${endpoints.name}" is written by hand, but Service "${service.name}" has a selector, so the endpoints controller ` +
            `replaces its addresses with those of the selected Pods; remove the Service's selector to keep hand-written endpoints for a remote target, or drop this Endpoints object`,
          related: [{ resource: service, pointer: '/spec/selector', message: `selector of Service "${service.name}"` }],
        });
        continue;
      }
      reportOrphan(
        endpoints,
        endpoints.name,
        '/metadata/name',
        `Endpoints "${endpoints.name}" has no Service of the same name in namespace "${endpoints.namespace}"`,
      );
    }

    for (const slice of graph.all('EndpointSlice')) {
      const owner = labelsOf(slice.body.metadata)[SERVICE_NAME_LABEL];
      if (owner === undefined || owner === '') {
        const candidate = ownerByName(slice, graph.servicesIn(slice.namespace));
        report({
          resource: slice,
          pointer: '/metadata/labels',
          message:
            `EndpointSlice "${slice.name}" has no ${SERVICE_NAME_LABEL} label, so no Service uses its endpoints; ` +
            (candidate ? `add the label ${SERVICE_NAME_LABEL}: ${candidate.name}` : `label it with the name of its Service`),
          related: candidate ? [{ resource: candidate, pointer: '/metadata/name', message: `Service "${candidate.name}"` }] : [],
        });
        continue;
      }
      if (graph.serviceOf(slice)) continue;
      reportOrphan(
        slice,
        owner,
        LABEL_POINTER,
        `EndpointSlice "${slice.name}" is labelled ${SERVICE_NAME_LABEL}: ${owner}, but there is no Service "${owner}" in namespace "${slice.namespace}"`,
      );
    }

    for (const service of graph.all('Service')) {
      if (!isSelectorless(service) || graph.endpointsOf(service) || graph.slicesOf(service).length > 0) continue;
      const monitors = graph.monitorsSelecting(service);
      if (monitors.length === 0) continue;
      // Names that were meant for some Service in this namespace: Endpoints names and EndpointSlice labels.
      const candidates = [
        ...graph.all('Endpoints').filter((e) => e.namespace === service.namespace).map((e) => e.name),
        ...graph
          .all('EndpointSlice')
          .filter((s) => s.namespace === service.namespace)
          .map((s) => labelsOf(s.body.metadata)[SERVICE_NAME_LABEL])
          .filter((owner): owner is string => owner !== undefined && owner !== ''),
      ];
      const suggestion = closestName(service.name, candidates);
      const elsewhere = graph.all('Endpoints').find((e) => e.name === service.name && e.namespace !== service.namespace);
      const hint = elsewhere
        ? `; Endpoints "${service.name}" exists in namespace "${elsewhere.namespace}": move one of them so that the namespaces agree`
        : suggestion !== undefined
          ? `; did you mean "${suggestion}"?`
          : '; add an Endpoints object of the same name listing the target addresses';
      const why = spec(service).type === 'ExternalName' ? 'is of type ExternalName' : 'has no selector';
      report({
        resource: service,
        pointer: '/metadata/name',
        message:
          `Service "${service.name}" ${why} and is selected by ServiceMonitor "${monitors[0]!.name}", but has no Endpoints ` +
          `named "${service.name}" or EndpointSlice labelled ${SERVICE_NAME_LABEL}: ${service.name} in namespace "${service.namespace}"${hint}`,
        related: monitors.map((monitor) => ({
          resource: monitor,
          pointer: '/spec/selector',
          message: `ServiceMonitor "${monitor.name}" selects this Service`,
        })),
      });
    }

    // A selectorless Service whose addresses are only in EndpointSlices: Prometheus discovers ServiceMonitor targets
    // through Endpoints objects unless serviceDiscoveryRole says EndpointSlice (on the Prometheus or the monitor), and
    // nothing mirrors a hand-written EndpointSlice back into an Endpoints object.
    const prometheus = prometheusIndex(graph);
    if (prometheus.servers.length === 0) return;
    for (const service of graph.all('Service')) {
      const slices = graph.slicesOf(service);
      if (!isSelectorless(service) || graph.endpointsOf(service) || slices.length === 0) continue;
      for (const monitor of graph.monitorsSelecting(service)) {
        if (spec(monitor).serviceDiscoveryRole === 'EndpointSlice') continue;
        // A MonitoringStack does not say which role its Prometheus uses: left alone.
        const blind = prometheus.selecting(monitor).find((server) => server.kind !== 'MonitoringStack' && discoveryRole(server.resource) === 'Endpoints');
        if (!blind) continue;
        const role = spec(blind.resource).serviceDiscoveryRole;
        const setting = role === undefined || role === null ? 'serviceDiscoveryRole is not set, so Endpoints' : `serviceDiscoveryRole: ${String(role)}`;
        report({
          resource: service,
          pointer: '/metadata/name',
          message:
            `Service "${service.name}" has no selector and its addresses are only in EndpointSlice "${slices[0]!.name}", but ` +
            `${describeServer(blind)} discovers the targets of ServiceMonitor "${monitor.name}" through Endpoints objects (${setting}), ` +
            `so it finds none; set serviceDiscoveryRole: EndpointSlice on the ${blind.kind} or the ServiceMonitor, or add an Endpoints object named "${service.name}"`,
          related: [
            { resource: blind.resource, pointer: '/spec/serviceDiscoveryRole', message: `serviceDiscoveryRole of ${describeServer(blind)}` },
            { resource: monitor, pointer: '/spec/selector', message: `ServiceMonitor "${monitor.name}" selects this Service` },
          ],
        });
        break;
      }
    }
  },
});

/**
 * Renaming an Endpoints object (or an EndpointSlice's service-name label) to the suggested Service is a fix only when
 * that Service is the one closest name and, for Endpoints, has no selector, has no Endpoints yet and no other orphan
 * would take the same name (a Service has one Endpoints object).
 */
function renameToService(graph: Graph, resource: Resource, wanted: string, suggested: Resource, namePointer: string): Fix | undefined {
  const names = graph.servicesIn(resource.namespace).map((service) => service.name);
  if (singleClosestName(wanted, names, suggested.name) === undefined) return undefined;
  if (resource.kind === 'EndpointSlice')
    return { kind: 'set', pointer: namePointer, value: suggested.name, description: `set label ${SERVICE_NAME_LABEL}: ${suggested.name}` };
  // Hand-written Endpoints only last for a Service without a selector (else the controller owns the name).
  if (!isSelectorless(suggested) || graph.endpointsOf(suggested)) return undefined;
  const rivals = graph
    .all('Endpoints')
    .filter((other) => other !== resource && other.namespace === resource.namespace && !graph.serviceOf(other) && closestName(other.name, names) === suggested.name);
  if (rivals.length > 0) return undefined;
  return { kind: 'set', pointer: namePointer, value: suggested.name, description: `rename Endpoints "${wanted}" to "${suggested.name}"` };
}

/** The Service an unlabelled EndpointSlice is most likely for: its own name, or the longest `<service>-…` prefix. */
function ownerByName(slice: Resource, services: Resource[]): Resource | undefined {
  let best: Resource | undefined;
  for (const service of services) {
    if (service.name === '') continue;
    if (slice.name !== service.name && !slice.name.startsWith(`${service.name}-`)) continue;
    if (!best || service.name.length > best.name.length) best = service;
  }
  return best;
}

/** The endpoints controller stamps the Endpoints it writes; hand-written ones lack the stamp. */
const CONTROLLER_ANNOTATION = 'endpoints.kubernetes.io/last-change-trigger-time';

function writtenByController(endpoints: Resource): boolean {
  const metadata = endpoints.body.metadata;
  return isObject(metadata) && isObject(metadata.annotations) && CONTROLLER_ANNOTATION in metadata.annotations;
}
