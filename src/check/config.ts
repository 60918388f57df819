// .fedlint.yaml: find it (the working directory, else the git root; or the file --config names), read it, validate
// it against schemas/config.schema.json, and turn it into lint options whose paths are resolved against the config
// file's folder. `mergeOptions` is the one place where the file meets the command line: flags win.
//
// Every mistake in the file is a UsageError of one line: `file:line:col: key.path: what is wrong; how to fix it`.

import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { hasMagic } from 'glob';
import { gitRoot, isInside, repositoryRoot } from '../load/boundary.js';
import { isIgnored, outside, relativePath } from '../load/discover.js';
import { isWithin } from '../safe-write.js';
import { UsageError } from '../errors.js';
import { PACKAGE_ROOT } from '../meta.js';
import { type YamlFile, readYamlFile } from './yaml-file.js';
import type { LintOptions } from '../types.js';
import { closestName, didYouMean } from '../lang/suggest.js';
import type { FederationDetection, Setting } from '../types.js';

export const CONFIG_NAMES = ['.fedlint.yaml', '.fedlint.yml'] as const;

/** A validated config file, with what it says resolved against its folder. */
export interface Config {
  /** Absolute path of the file. */
  file: string;
  /** Its folder: `include`, `exclude` and `rulesets` are relative to it. */
  dir: string;
  /** Files, folders and globs to lint when no path is given, relative to `dir`. */
  include?: string[];
  /** Globs to skip, relative to `dir`. */
  exclude: string[];
  rules: Record<string, Setting>;
  clusterLabel?: string;
  defaultNamespace?: string;
  substitutionLevel?: Setting;
  /** Absolute paths. */
  rulesets: string[];
  federation?: Partial<FederationDetection>;
  /** `file:line:col: key.path` of a key in the file (the deepest that exists), the start of every message about it. */
  where(path: readonly (string | number)[], at?: 'key' | 'value'): string;
}

/** The raw shape the schema admits. */
interface ConfigData {
  include?: string[];
  exclude?: string[];
  rules?: Record<string, Setting>;
  clusterLabel?: string;
  defaultNamespace?: string;
  substitutionLevel?: Setting;
  rulesets?: string[];
  federation?: Partial<FederationDetection>;
}

/**
 * The config that applies to a run: `choice` is a path (given with --config: it must exist), false (--no-config), or
 * undefined to look for .fedlint.yaml / .fedlint.yml in `cwd`, else in the git root above it. `confine`: even a named
 * config must be inside the repository (the Action's `config` input names a file the pull request controls).
 */
export async function loadConfig(cwd: string, choice: string | false | undefined, options: { confine?: boolean } = {}): Promise<Config | undefined> {
  if (choice === false) return undefined;
  const root = repositoryRoot(cwd);
  if (choice !== undefined) {
    if (choice.trim() === '') throw new UsageError('--config needs a file name');
    const named = resolve(cwd, choice);
    if (!options.confine) return readConfig(named, choice);
    if (existsSync(named) && !isInside(root, named)) throw new UsageError(`config file ${choice}: ${outside(named, root)}; fedlint does not read it`);
    return readConfig(named, choice, root);
  }
  const found = findConfig(cwd);
  if (found === undefined) return undefined;
  // Found, not named: it comes with the repository, which decides what it is (a link to any file on the machine).
  const display = relativePath(cwd, found);
  if (!isInside(root, found)) throw new UsageError(`${display}: ${outside(found, root)}; fedlint does not read it (name a config file with --config)`);
  return readConfig(found, display, root);
}

/** .fedlint.yaml or .fedlint.yml in `cwd`, else in the nearest folder above it that holds `.git`; absolute. */
export function findConfig(cwd: string): string | undefined {
  const start = resolve(cwd);
  const here = configIn(start);
  if (here !== undefined) return here;
  const root = gitRoot(start);
  return root === undefined || root === start ? undefined : configIn(root);
}

function configIn(dir: string): string | undefined {
  const present = CONFIG_NAMES.map((name) => join(dir, name)).filter(existsSync);
  // Two configs side by side would leave one silently unused.
  if (present.length > 1) throw new UsageError(`both ${CONFIG_NAMES.join(' and ')} are in ${dir}; keep one of them`);
  // A FIFO or a folder by that name is not taken for "no config": the run would silently lint without it.
  if (present[0] !== undefined && !isFile(present[0])) throw new UsageError(`${present[0]} is not a regular file (a folder, FIFO, socket or device); make it a file or remove it`);
  return present[0];
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/**
 * Reads and validates one config file; `display` is how messages name it. `root`: the repository the file came with,
 * whose rulesets must be inside it (a config named with --config is the user's own, and so are its rulesets).
 */
export async function readConfig(file: string, display: string, root?: string): Promise<Config> {
  const { data, offsetOf, where } = readYamlFile(file, display, 'config file');
  const invalid = await firstSchemaError(data ?? {}, offsetOf); // an empty file (or only comments) configures nothing
  if (invalid) throw new UsageError(`${where(invalid.path, invalid.at)}: ${invalid.reason}`);
  return resolveConfig((data ?? {}) as ConfigData, file, where, root);
}

function resolveConfig(data: ConfigData, file: string, where: Config['where'], root: string | undefined): Config {
  const dir = dirname(file);
  // Outside the repository by name, an entry is neither looked at nor said to be missing (that would tell what the
  // runner's disk holds): discovery skips it and says so.
  const beyond = (path: string) => root !== undefined && !isWithin(root, path);
  data.include?.forEach((entry, index) => {
    if (!hasMagic(entry, { magicalBraces: true }) && !beyond(resolve(dir, entry)) && !existsSync(resolve(dir, entry)))
      throw new UsageError(`${where(['include', index])}: no such file or directory "${entry}" (paths are relative to the config file's folder)`);
  });
  const rulesets = (data.rulesets ?? []).map((entry, index) => {
    const path = resolve(dir, entry);
    if (root !== undefined && (beyond(path) || (existsSync(path) && !isInside(root, path))))
      throw new UsageError(`${where(['rulesets', index], 'value')}: "${entry}" ${beyond(path) ? `is outside the repository (${root})` : outside(path, root).replace(/^it /, '')}; a repository's config may name only its own rulesets (name others with --ruleset)`);
    if (!existsSync(path)) throw new UsageError(`${where(['rulesets', index])}: no such file "${entry}" (paths are relative to the config file's folder)`);
    if (!isFile(path)) throw new UsageError(`${where(['rulesets', index])}: "${entry}" is not a regular file (a folder, FIFO, socket or device)`);
    return path;
  });
  return {
    file,
    dir,
    include: data.include,
    exclude: data.exclude ?? [],
    rules: data.rules ?? {},
    clusterLabel: data.clusterLabel,
    defaultNamespace: data.defaultNamespace,
    substitutionLevel: data.substitutionLevel,
    rulesets,
    federation: data.federation,
    where,
  };
}

/**
 * The options of a run: the caller's (the command line's) where given, the config file's otherwise. Lists the command
 * line extends (--ignore, --ruleset) add to the file's; `rules` merge per id, the caller's level winning; positional
 * paths replace `include`.
 */
export function mergeOptions(given: LintOptions, config: Config | undefined, cwd: string): LintOptions {
  if (!config) return given;
  const fromConfig = (path: string): string => relativePath(cwd, resolve(config.dir, path)) || '.';
  const noPaths = given.paths === undefined || given.paths.length === 0;
  return {
    ...given,
    paths: noPaths && config.include ? config.include.map(fromConfig) : given.paths,
    contextPaths: given.contextPaths ?? config.include?.map(fromConfig),
    namespace: given.namespace ?? config.defaultNamespace,
    clusterLabel: given.clusterLabel ?? config.clusterLabel,
    substitutionLevel: given.substitutionLevel ?? config.substitutionLevel,
    rules: { ...config.rules, ...given.rules },
    // The same file named twice (in the config and with --ruleset) would define its rules twice.
    rulesets: unique([...config.rulesets.map((path) => relativePath(cwd, path)), ...(given.rulesets ?? [])], (path) => resolve(cwd, path)),
    federation: { ...config.federation, ...given.federation },
  };
}

/** Whether the config skips a discovered file: its `exclude` (relative to the config's folder), and the file itself. */
export function isExcludedByConfig(config: Config | undefined, file: string): boolean {
  if (!config || file === '-') return false;
  const absolute = resolve(file);
  if (absolute === config.file) return true; // a config file is not a Kubernetes manifest
  return isIgnored(relativePath(config.dir, absolute), config.exclude.map(normalizeGlob));
}

/** `./vendor/` and `vendor/` both mean the folder `vendor`, as --ignore reads them. */
function normalizeGlob(pattern: string): string {
  const normalized = pattern.replace(/^(\.\/)+/, '');
  return normalized.length > 1 ? normalized.replace(/\/+$/, '') : normalized;
}

/** Rule ids under `rules:` must name a rule: fedlint's, or one of the rulesets' (known only once they are loaded). */
export function checkConfigRules(config: Config | undefined, knownIds: string[]): void {
  if (!config) return;
  for (const id of Object.keys(config.rules)) {
    if (knownIds.includes(id)) continue;
    const hint = closestName(id, knownIds);
    throw new UsageError(
      `${config.where(['rules', id])}: unknown rule id${hint ? `; did you mean "${hint}"?` : '; run "fedlint rules" to list the rule ids'}`,
    );
  }
}

// --- validation -------------------------------------------------------------------------------------------------

type JsonSchema = Record<string, any>;
interface AjvError {
  instancePath: string;
  keyword: string;
  params: Record<string, any>;
  parentSchema?: JsonSchema;
  data?: unknown;
}
type Validate = ((data: unknown) => boolean) & { errors?: AjvError[] | null };

let validator: Promise<Validate> | undefined;

/** Compiled on first use, once per process: a run without a config file never loads ajv. */
function configValidator(): Promise<Validate> {
  validator ??= (async () => {
    const { default: ajvModule } = await import('ajv');
    const Ajv = (ajvModule as unknown as { default: typeof ajvModule }).default ?? ajvModule;
    const ajv = new (Ajv as any)({ allErrors: true, verbose: true, strict: true });
    return ajv.compile(readSchema()) as Validate;
  })();
  return validator;
}

export function configSchemaPath(): string {
  const found = new URL('schemas/config.schema.json', PACKAGE_ROOT);
  if (!existsSync(found)) throw new Error(`${fileURLToPath(found)} not found`);
  // A file path, not the URL's percent-encoded pathname (a space in the install path, or Windows, would break it).
  return fileURLToPath(found);
}

function readSchema(): JsonSchema {
  return JSON.parse(readFileSync(configSchemaPath(), 'utf8')) as JsonSchema;
}

/** The first schema error in the file, as a person reads it top to bottom (one line per run), or undefined. */
async function firstSchemaError(
  data: unknown,
  offsetOf: YamlFile['offsetOf'],
): Promise<{ path: (string | number)[]; at: 'key' | 'value'; reason: string } | undefined> {
  const check = await configValidator();
  if (check(data)) return undefined;
  const located = (check.errors ?? []).map((error) => {
    // An unknown key is shown at the key; a wrong value at the value.
    const at: 'key' | 'value' = error.keyword === 'additionalProperties' ? 'key' : 'value';
    const path = errorPath(error);
    return { error, path, at, offset: offsetOf(path, at) };
  });
  located.sort((a, b) => a.offset - b.offset);
  const first = located[0];
  return first ? { path: first.path, at: first.at, reason: describeError(first.error) } : { path: [], at: 'key', reason: 'invalid configuration' };
}

/** The key path an error is about: for an unknown key, the key itself. */
function errorPath(error: AjvError): (string | number)[] {
  const path = error.instancePath
    .split('/')
    .slice(1)
    .map((segment) => segment.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((segment) => (/^\d+$/.test(segment) ? Number(segment) : segment));
  return error.keyword === 'additionalProperties' ? [...path, error.params.additionalProperty as string] : path;
}

/** What patterns mean, in words (draft-07 has no error messages of its own). */
const PATTERN_MEANINGS: Record<string, string> = {
  '^[a-zA-Z_][a-zA-Z0-9_]*$': 'a Prometheus label name (letters, digits and _, not starting with a digit)',
  '^[a-z0-9]([-a-z0-9]*[a-z0-9])?$': 'a Kubernetes namespace name (lowercase letters, digits and -, starting and ending with a letter or digit)',
  '^/': 'an HTTP path starting with /',
};

/** Keys people carry over from the command line or other tools, too far from the real name for edit distance. */
const KEY_ALIASES: Record<string, string> = { ignore: 'exclude', paths: 'include', files: 'include', ruleset: 'rulesets' };

const TYPE_NAMES: Record<string, string> = { array: 'a list', object: 'a mapping', string: 'a string', boolean: 'true or false', number: 'a number' };

function describeError(error: AjvError): string {
  const schema = error.parentSchema ?? {};
  switch (error.keyword) {
    case 'additionalProperties': {
      const key = String(error.params.additionalProperty);
      const keys = Object.keys(schema.properties ?? {}).filter((name) => name !== '$schema');
      const hint = (error.instancePath === '' && Object.hasOwn(KEY_ALIASES, key) ? KEY_ALIASES[key] : undefined) ?? closestName(key, keys);
      return `unknown key${hint ? `; did you mean "${hint}"?` : `; the keys here are ${keys.join(', ')}`}`;
    }
    case 'type':
      return `must be ${TYPE_NAMES[String(error.params.type)] ?? String(error.params.type)}, not ${describeValue(error.data)}`;
    case 'enum': {
      const allowed = (error.params.allowedValues as unknown[]).map(String);
      const given = describeValue(error.data);
      return `must be ${allowed.slice(0, -1).join(', ')} or ${allowed[allowed.length - 1]}, not ${given}${typeof error.data === 'string' ? didYouMean(error.data, allowed) : ''}`;
    }
    case 'pattern':
      return `must be ${PATTERN_MEANINGS[String(error.params.pattern)] ?? `a string matching ${String(error.params.pattern)}`}, not ${describeValue(error.data)}`;
    case 'minLength':
      return 'must not be empty';
    case 'maxLength':
      return `must be at most ${String(error.params.limit)} characters long`;
    case 'minItems':
      return 'must list at least one entry (or leave the key out)';
    default:
      return `is invalid (${error.keyword})`;
  }
}

function describeValue(value: unknown): string {
  if (value === null || value === undefined) return 'empty';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  if (typeof value === 'string') return JSON.stringify(value);
  return `${typeof value} ${String(value)}`;
}

function unique<T>(items: T[], key: (item: T) => string): T[] {
  const seen = new Set<string>();
  return items.filter((item) => {
    const id = key(item);
    if (seen.has(id)) return false;
    seen.add(id);
    return true;
  });
}
