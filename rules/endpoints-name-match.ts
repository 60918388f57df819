import { isSelectorless } from '../src/graph.js';
import { defineRule } from '../src/rule.js';
import { didYouMean } from '../src/suggest.js';

export default defineRule({
  id: 'endpoints-name-match',
  level: 'error',
  summary: 'Endpoints and their Service share a name and namespace; a selected selectorless Service has Endpoints',
  help:
    'Kubernetes joins a Service to its Endpoints object only by identical name and namespace, and Prometheus discovers ' +
    'targets through that join. An Endpoints object with no Service of its name is never scraped; a Service without a ' +
    'selector (or of type ExternalName) that a ServiceMonitor selects has no targets until an Endpoints object (or an ' +
    'EndpointSlice labelled kubernetes.io/service-name) of the same name lists the remote addresses. Rename one side so ' +
    'that the names and namespaces agree.',
  check({ graph, report }) {
    for (const endpoints of graph.all('Endpoints')) {
      if (graph.serviceOf(endpoints)) continue;
      const sameNamespace = graph.servicesIn(endpoints.namespace).map((service) => service.name);
      const elsewhere = graph.all('Service').filter((service) => service.name === endpoints.name);
      const hint =
        didYouMean(endpoints.name, sameNamespace) ||
        (elsewhere.length > 0
          ? `; a Service "${endpoints.name}" exists in namespace "${elsewhere[0]!.namespace}": move one of them so that the namespaces agree`
          : '; create the Service or rename the Endpoints to match it');
      report({
        resource: endpoints,
        pointer: '/metadata/name',
        message: `Endpoints "${endpoints.name}" has no Service of the same name in namespace "${endpoints.namespace}"${hint}`,
        related: elsewhere.slice(0, 1).map((service) => ({
          resource: service,
          pointer: '/metadata/name',
          message: `Service "${service.name}" in namespace "${service.namespace}"`,
        })),
      });
    }

    for (const service of graph.all('Service')) {
      if (!isSelectorless(service) || graph.endpointsOf(service) || graph.slicesOf(service).length > 0) continue;
      const monitors = graph.monitorsSelecting(service);
      if (monitors.length === 0) continue;
      const endpointNames = graph.all('Endpoints').filter((e) => e.namespace === service.namespace).map((e) => e.name);
      const hint = didYouMean(service.name, endpointNames) || '; add an Endpoints object of the same name listing the target addresses';
      report({
        resource: service,
        pointer: '/metadata/name',
        message: `Service "${service.name}" has no selector, is selected by ServiceMonitor "${monitors[0]!.name}", but has no Endpoints or EndpointSlice named "${service.name}" in namespace "${service.namespace}"${hint}`,
        related: monitors.map((monitor) => ({
          resource: monitor,
          pointer: '/spec/selector',
          message: `ServiceMonitor "${monitor.name}" selects this Service`,
        })),
      });
    }
  },
});
