import { knownKind } from '../src/model/graph.js';
import { parsePointer, pointerSegment } from '../src/load/parse.js';
import { hasPlaceholder } from '../src/lang/placeholders.js';
import { defineRule } from '../src/check/rule.js';
import { type JsonSchema, type SchemaError, schemaAt, schemaEntry, servedVersions, validateBody } from '../src/check/schema-check.js';
import { closestName, quoteList } from '../src/lang/suggest.js';
import type { Resource } from '../src/types.js';
import { PATCH_DIRECTIVE, hasPatchDirective } from '../src/load/kustomize.js';

export default defineRule({
  id: 'schema',
  level: 'error',
  perResource: true,
  summary: 'Services, Endpoints, EndpointSlices and Prometheus Operator resources match their API schema',
  help:
    'Every Service, Endpoints, EndpointSlice, ServiceMonitor, PodMonitor, Probe, ScrapeConfig and Prometheus is ' +
    'validated against its schema: the Prometheus Operator CRDs (v0.93.0, for monitoring.coreos.com and ' +
    "monitoring.rhobs) and the Kubernetes API reference. A field the schema does not know (`honorlabels` for " +
    '`honorLabels`, `matchLabel`, a relabeling\'s `targetLabel` written on the endpoint itself) is dropped by the API ' +
    'server, or refused under strict field validation, so the setting silently does nothing: the finding points at the ' +
    'key and names the field that was probably meant. A value of the wrong type (`\'match[]\': \'{job="x"}\'` where a ' +
    'list of selectors belongs, `endpoints: 5`) makes the API server reject the whole object: the finding points at ' +
    'the value and says what type is expected. Missing required fields are shown at the mapping that lacks them, values ' +
    'outside an enumeration list the allowed ones, and an apiVersion that the API does not serve for the kind (a ' +
    'ScrapeConfig is still monitoring.coreos.com/v1alpha1) is an error too. Fix the manifest as the message says; ' +
    'values that YAML reads as numbers or booleans (`version: 1.0`, `yes`) must be quoted where a string belongs. A few ' +
    "shapes are left to the rule that explains them in the field's own terms: a ServiceMonitor's or PodMonitor's " +
    'selector (selector-matches-service, selector-matches-pods), a numeric endpoint port (monitor-port-exists), ' +
    'durations (scrape-timeout) and template placeholders (placeholder-value). A file that is plainly a partial patch ' +
    '(a strategic-merge-patch directive, or none of the required fields) is not told what it lacks.',
  check({ graph, report }) {
    for (const resource of graph.resources) {
      if (!knownKind(resource)) continue;
      const entry = schemaEntry(resource.kind, resource.apiVersion);
      if (!entry) {
        const served = servedVersions(resource.kind, resource.group);
        // A kind fedlint reads but has no schema for at all (PrometheusAgent) is not this rule's business.
        if (served.length === 0) continue;
        report({ resource, pointer: '/apiVersion', message: apiVersionMessage(resource, served) });
        continue;
      }
      for (const problem of schemaProblems(resource, entry.schema, validateBody(entry, resource.body)))
        report({ resource, ...problem });
    }
  },
});

/** Fields whose Prometheus durations scrape-timeout checks (it names the mistake and the fix in duration terms). */
const DURATION_FIELDS: Record<string, RegExp> = {
  ServiceMonitor: /^\/spec\/endpoints\/\d+\/(?:interval|scrapeTimeout)$/,
  PodMonitor: /^\/spec\/podMetricsEndpoints\/\d+\/(?:interval|scrapeTimeout)$/,
  ScrapeConfig: /^\/spec\/(?:scrapeInterval|scrapeTimeout)$/,
  Probe: /^\/spec\/(?:interval|scrapeTimeout)$/,
  Prometheus: /^\/spec\/(?:scrapeInterval|scrapeTimeout)$/,
  // No PrometheusAgent schema is generated yet; when one is, its durations stay scrape-timeout's too.
  PrometheusAgent: /^\/spec\/(?:scrapeInterval|scrapeTimeout)$/,
};

/**
 * Problems that a more specific rule reports with a better message, because it knows what the field means: the
 * shape of a ServiceMonitor's or PodMonitor's spec.selector (selector-matches-service, selector-matches-pods: labels
 * beside matchLabels, operators, the missing selector), an endpoint's numeric `port` (monitor-port-exists names the
 * port that has that number), a duration that does not parse (scrape-timeout), and a template placeholder or
 * `${VAR}` substitution where a number or an enumerated value belongs (placeholder-value: substituted before apply).
 */
export function leftToOtherRules(resource: Pick<Resource, 'kind' | 'body'>, error: SchemaError): boolean {
  const { kind } = resource;
  const path = error.instancePath;
  if (kind === 'ServiceMonitor' || kind === 'PodMonitor') {
    if (path === '/spec/selector' || path.startsWith('/spec/selector/')) return true;
    if (error.keyword === 'required' && path === '/spec' && error.params.missingProperty === 'selector') return true;
  }
  if (kind === 'ServiceMonitor' && error.keyword === 'type' && /^\/spec\/endpoints\/\d+\/port$/.test(path)) return true;
  if (error.keyword === 'pattern' && DURATION_FIELDS[kind]?.test(path)) return true;
  if (VALUE_KEYWORDS.has(error.keyword)) {
    const value = valueAt(resource.body, parsePointer(path));
    if (typeof value === 'string' && hasPlaceholder(value)) return true;
  }
  return false;
}


/**
 * A fragment to merge into another object rather than an object of its own (a kustomize patch that no loaded
 * kustomization.yaml names): it carries a strategic-merge-patch directive, or it lacks every field its schema
 * requires at some level (a ServiceMonitor with metadata only, or with neither selector nor endpoints). Its missing
 * fields are the point of it, so they are not reported; everything it does say is still checked.
 */
function isPartialPatch(body: unknown, schemaFile: string, errors: SchemaError[]): boolean {
  if (hasPatchDirective(body)) return true;
  return ['', '/spec'].some((instancePath) => {
    const missing = errors.filter((error) => error.keyword === 'required' && error.instancePath === instancePath).length;
    return missing > 0 && missing === (schemaAt(schemaFile, parsePointer(instancePath))?.required?.length ?? 0);
  });
}

export interface SchemaProblem {
  pointer: string;
  at?: 'key';
  message: string;
}

function apiVersionMessage(resource: Resource, served: string[]): string {
  const who = describeResource(resource);
  const use = `use ${quoteList(served, 'or')}`;
  if (resource.apiVersion === '') return `${who} has no apiVersion; ${use}`;
  return `${who} has apiVersion "${resource.apiVersion}", which the API server does not serve for ${resource.kind}; ${use}`;
}

function describeResource(resource: Pick<Resource, 'kind' | 'name'>): string {
  return resource.name === '' ? `${resource.kind} without metadata.name` : `${resource.kind} "${resource.name}"`;
}

/**
 * ajv's errors for one resource → one problem each, at the node a person fixes. `schemaFile` is the JSON schema (path
 * under schemas/) the errors come from; it is read only to name fields and types.
 */
export function schemaProblems(
  resource: Pick<Resource, 'kind' | 'name' | 'body'>,
  schemaFile: string,
  errors: SchemaError[],
): SchemaProblem[] {
  if (errors.length === 0) return [];
  const who = describeResource(resource);
  const problems: SchemaProblem[] = [];
  const patch = isPartialPatch(resource.body, schemaFile, errors);
  const patchGap = (error: SchemaError) =>
    error.keyword === 'required' || (error.keyword === 'additionalProperties' && PATCH_DIRECTIVE.test(String(error.params.additionalProperty)));
  const kept = mostSpecific(errors).filter((error) => !leftToOtherRules(resource, error) && !(patch && patchGap(error)));
  // A misspelt required field is one problem, not two: the unknown-field finding names the field it was meant to be.
  const suggested = new Set<string>();
  const unknownFields = new Map<SchemaError, { suggestion: string | undefined; hint: string }>();
  for (const error of kept) {
    if (error.keyword !== 'additionalProperties') continue;
    const parent = schemaAt(schemaFile, parsePointer(error.instancePath));
    const hint = unknownFieldHint(String(error.params.additionalProperty), parent);
    unknownFields.set(error, hint);
    if (hint.suggestion !== undefined) suggested.add(`${error.instancePath}\u0000${hint.suggestion}`);
  }
  for (const error of kept) {
    const segments = parsePointer(error.instancePath);
    const path = displayPath(resource.body, segments);
    const value = valueAt(resource.body, segments);
    switch (error.keyword) {
      case 'additionalProperties': {
        const field = String(error.params.additionalProperty);
        problems.push({
          pointer: `${error.instancePath}/${pointerSegment(field)}`,
          at: 'key',
          message: `${who} has unknown field "${field}"${path === '' ? '' : ` in ${path}`}${unknownFields.get(error)!.hint}`,
        });
        break;
      }
      case 'required': {
        const field = String(error.params.missingProperty);
        if (suggested.has(`${error.instancePath}\u0000${field}`)) break;
        problems.push({
          pointer: error.instancePath,
          message: `${who} lacks the required field "${field}"${path === '' ? '' : ` in ${path}`}; add it`,
        });
        break;
      }
      case 'type': {
        const schema = schemaAt(schemaFile, segments);
        const expected = describeType(String(error.params.type), schema);
        problems.push({
          pointer: error.instancePath,
          message: `${who} sets ${path} to ${describeValue(value)}, but it must be ${expected}${typeHint(value, String(error.params.type), schema)}`,
        });
        break;
      }
      case 'enum': {
        const allowed = (error.params.allowedValues as unknown[]).map((option) => String(option));
        const near =
          typeof value === 'string'
            ? (allowed.find((option) => option.toLowerCase() === value.toLowerCase()) ?? closestName(value, allowed))
            : undefined;
        problems.push({
          pointer: error.instancePath,
          message: `${who} sets ${path} to ${showValue(value)}, which is not one of ${quoteList(allowed, 'or')}${near === undefined ? '' : `; did you mean "${near}"?`}`,
        });
        break;
      }
      default:
        problems.push({ pointer: error.instancePath, message: `${who} sets ${path} to ${showValue(value)}, but ${limitMessage(error)}` });
    }
  }
  return problems;
}

// ------------------------------------------------------------------ choosing errors

const VALUE_KEYWORDS = new Set(['type', 'enum', 'const', 'pattern', 'format', 'minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum', 'multipleOf', 'minLength', 'maxLength']);

/**
 * One error per problem. ajv reports an anyOf/oneOf failure once for the combinator and again for every branch:
 * keep only the branch that got furthest into the value (the one the author meant). At one value, an enum error
 * (which lists the allowed values) beats a type or pattern error, and a type error beats the rest.
 */
export function mostSpecific(errors: SchemaError[]): SchemaError[] {
  let kept = [...errors];
  const combinators = kept
    .filter((error) => error.keyword === 'anyOf' || error.keyword === 'oneOf' || error.keyword === 'if')
    .sort((a, b) => a.schemaPath.length - b.schemaPath.length);
  for (const combinator of combinators) {
    if (!kept.includes(combinator)) continue;
    // `if` fails through its then/else schema, whose errors sit beside it (…/then/…): those say what is wrong.
    const prefix =
      combinator.keyword === 'if' ? `${combinator.schemaPath.replace(/\/if$/, '')}/${combinator.params.failingKeyword}/` : `${combinator.schemaPath}/`;
    const inside = kept.filter((error) => error.schemaPath.startsWith(prefix));
    // oneOf failing because two branches match has no branch errors: the combinator error is all there is.
    if (inside.length === 0) continue;
    if (combinator.keyword === 'if') {
      kept = kept.filter((error) => error !== combinator);
      continue;
    }
    const branches = new Map<string, SchemaError[]>();
    for (const error of inside) {
      const branch = error.schemaPath.slice(prefix.length).split('/')[0]!;
      branches.set(branch, [...(branches.get(branch) ?? []), error]);
    }
    const depth = (list: SchemaError[]) => Math.max(...list.map((error) => parsePointer(error.instancePath).length));
    const best = [...branches.values()].sort((a, b) => depth(b) - depth(a) || a.length - b.length)[0]!;
    kept = kept.filter((error) => error !== combinator && (!inside.includes(error) || best.includes(error)));
  }
  const byValue = new Map<string, SchemaError[]>();
  for (const error of kept) if (VALUE_KEYWORDS.has(error.keyword)) byValue.set(error.instancePath, [...(byValue.get(error.instancePath) ?? []), error]);
  const seen = new Set<string>();
  return kept.filter((error) => {
    if (VALUE_KEYWORDS.has(error.keyword)) {
      const atValue = byValue.get(error.instancePath)!;
      const winner = atValue.find((other) => other.keyword === 'enum') ?? atValue.find((other) => other.keyword === 'type') ?? error;
      if (winner.keyword !== error.keyword) return false;
    }
    const key = `${error.instancePath}\u0000${error.keyword}\u0000${JSON.stringify(error.params)}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

// ------------------------------------------------------------------ unknown fields

/**
 * The field an unknown one was meant to be: the same name in another case, the same name one level down (a
 * relabeling's targetLabel written on the endpoint, matchLabels written beside the selector instead of inside it),
 * or the closest name by edit distance.
 */
export function unknownFieldHint(field: string, parent: JsonSchema | undefined): { suggestion: string | undefined; hint: string } {
  const properties: Record<string, JsonSchema> = parent?.properties ?? {};
  const names = Object.keys(properties);
  const lower = field.toLowerCase();
  const sameName = names.find((name) => name.toLowerCase() === lower);
  if (sameName !== undefined) return { suggestion: sameName, hint: `; did you mean "${sameName}"?` };
  const lists: string[] = [];
  const objects: string[] = [];
  let spelt = field;
  for (const [name, child] of Object.entries(properties)) {
    const list = child.items !== undefined;
    const inner = list ? child.items : child;
    const match = Object.keys(inner?.properties ?? {}).find((key) => key.toLowerCase() === lower);
    if (match === undefined) continue;
    (list ? lists : objects).push(name);
    spelt = match;
  }
  const homes = [...(lists.length > 0 ? [`in an entry of ${orList(lists)}`] : []), ...(objects.length > 0 ? [`under ${orList(objects)}`] : [])];
  if (homes.length > 0 && lists.length + objects.length <= 3)
    return { suggestion: undefined, hint: `; it belongs ${homes.join(' or ')}${spelt === field ? '' : ` (as "${spelt}")`}` };
  const near = closestName(field, names);
  if (near !== undefined) return { suggestion: near, hint: `; did you mean "${near}"?` };
  return { suggestion: undefined, hint: '; remove it, or move it where the schema has it' };
}

function orList(items: string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} or ${items[items.length - 1]}`;
}

// ------------------------------------------------------------------ describing values and types

/** `spec.endpoints[0].params["match[]"]`, with list indexes where the value is a list. */
export function displayPath(body: unknown, segments: string[]): string {
  let path = '';
  let node: any = body;
  for (const segment of segments) {
    if (Array.isArray(node)) path += `[${segment}]`;
    else if (/^[A-Za-z_][\w-]*$/.test(segment)) path += path === '' ? segment : `.${segment}`;
    else path += `[${quote(segment)}]`;
    node = node?.[segment];
  }
  return path;
}

function valueAt(body: unknown, segments: string[]): unknown {
  let node: any = body;
  for (const segment of segments) node = node?.[segment];
  return node;
}

/** A string as a person would write it: '{job="x"}' rather than "{job=\"x\"}". */
function quote(text: string): string {
  return text.includes('"') && !text.includes("'") ? `'${text}'` : JSON.stringify(text);
}

function showValue(value: unknown): string {
  if (typeof value === 'string') return quote(value.length > 60 ? `${value.slice(0, 57)}...` : value);
  if (value instanceof Date) return quote(value.toISOString());
  if (Array.isArray(value)) return `a list of ${value.length} ${value.length === 1 ? 'item' : 'items'}`;
  if (typeof value === 'object' && value !== null) return 'an object';
  return String(value);
}

function describeValue(value: unknown): string {
  if (typeof value === 'string' || value instanceof Date) return `a string (${showValue(value)})`;
  if (typeof value === 'number') return `a number (${value})`;
  if (typeof value === 'boolean') return `a boolean (${value})`;
  // Only a list item can still be null here (null fields are dropped as the API server drops them).
  if (value === null) return 'an empty item (null)';
  if (Array.isArray(value)) return 'a list';
  return 'an object';
}

const SINGULAR: Record<string, string> = { string: 'a string', integer: 'an integer', number: 'a number', boolean: 'true or false', null: 'null' };
const PLURAL: Record<string, string> = { string: 'strings', integer: 'integers', number: 'numbers', boolean: 'booleans', null: 'nulls' };

/** What a schema wants, in words: `a list of strings`, `a map of strings`, `an integer or a string`. */
export function describeType(types: string, schema: JsonSchema | undefined): string {
  return types
    .split(',')
    .filter((type) => type !== 'null')
    .map((type) => typeInWords(type, schema, false))
    .join(' or ');
}

function typeInWords(type: string, schema: JsonSchema | undefined, plural: boolean): string {
  if (type === 'array') {
    const items = schema?.items as JsonSchema | undefined;
    const of = items && typeof items.type === 'string' ? ` of ${typeInWords(items.type, items, true)}` : '';
    return plural ? `lists${of}` : `a list${of}`;
  }
  if (type === 'object') {
    const values = schema?.additionalProperties;
    if (!schema?.properties && values && typeof values === 'object' && typeof values.type === 'string')
      return `${plural ? 'maps' : 'a map'} of ${typeInWords(values.type, values, true)}`;
    return plural ? 'objects' : 'an object';
  }
  return plural ? (PLURAL[type] ?? `${type}s`) : (SINGULAR[type] ?? type);
}

function typeHint(value: unknown, expected: string, schema: JsonSchema | undefined): string {
  const wanted = expected.split(',');
  // `'match[]': '{job="x"}'`: the one value that belongs in the list.
  const itemType = schema?.items?.type;
  const itemTypes = typeof itemType === 'string' ? [itemType] : Array.isArray(itemType) ? itemType : [];
  if (wanted.includes('array') && typeof value === 'string' && itemTypes.includes('string')) return '; write it as a one-item list';
  if (wanted.includes('string') && (typeof value === 'number' || typeof value === 'boolean')) return '; quote the value';
  return '';
}

function limitMessage(error: SchemaError): string {
  const { limit } = error.params;
  switch (error.keyword) {
    case 'minimum':
      return `it must be at least ${limit}`;
    case 'maximum':
      return `it must be at most ${limit}`;
    case 'exclusiveMinimum':
      return `it must be greater than ${limit}`;
    case 'exclusiveMaximum':
      return `it must be less than ${limit}`;
    case 'minLength':
      return limit === 1 ? 'it must not be empty' : `it must have at least ${limit} characters`;
    case 'maxLength':
      return `it must have at most ${limit} characters`;
    case 'minItems':
      return `it must have at least ${limit} ${limit === 1 ? 'entry' : 'entries'}`;
    case 'maxItems':
      return `it must have at most ${limit} ${limit === 1 ? 'entry' : 'entries'}`;
    case 'pattern':
      return `it does not match the pattern ${error.params.pattern} that the schema requires`;
    default:
      return `it ${error.message ?? 'is not valid'}`;
  }
}
