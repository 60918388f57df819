// Shared data shapes that flow between the pipeline stages (discover → parse →
// graph → rules → engine → reporters), and the library's options and result, so
// that no stage imports index.ts. Plain data only: no stage reaches back into
// another stage's internals.

export type Level = 'error' | 'warning' | 'note';
export type Setting = Level | 'off';

/** 1-based, inclusive start; end column is one past the last character, as SARIF wants. */
export interface Region {
  startLine: number;
  startColumn: number;
  endLine: number;
  endColumn: number;
}

/** One input file's text, after BOM removal, with a fast offset → line/column map. */
export interface SourceFile {
  /** Path as given on the command line or found by discovery (absolute or relative). */
  path: string;
  /** Path relative to the working directory, with forward slashes: what reports show. */
  displayPath: string;
  text: string;
  lineStarts: number[];
}

/**
 * One Kubernetes object. `body` is plain JSON-like data; `locate` turns a
 * JSON pointer relative to the object into a source region (see parse.ts).
 */
export interface Resource {
  file: SourceFile;
  /** Index of the YAML document in its file (0-based). */
  documentIndex: number;
  /** Offsets [start, end) of the file's text that parses back to this object's document on its own (parse.ts). */
  documentSource: [number, number];
  /** JSON pointer of this object inside its document: '' or '/items/3' for `kind: List`. */
  basePointer: string;
  apiVersion: string;
  /** API group ('' for core/v1). */
  group: string;
  kind: string;
  name: string;
  /** Effective namespace: metadata.namespace or the configured default. */
  namespace: string;
  body: Record<string, any>;
  /** `at: 'key'` shows the key of the mapping entry the pointer names (an unknown field), not its value. */
  locate(pointer: string, at?: 'key'): Region;
}

export interface RelatedLocation {
  resource: Resource;
  pointer: string;
  message: string;
}

/** What a rule hands to `report`. */
export interface Report {
  resource: Resource;
  /** JSON pointer relative to the resource; the deepest existing node is used when the path is absent. */
  pointer: string;
  message: string;
  /** Show the key of the entry rather than its value (for a field that should not be there). */
  at?: 'key';
  /** Lower than the rule's own level for findings of this rule that are only advisory (e.g. a note). */
  level?: Level;
  /**
   * Characters [start, end) of the string value at `pointer` to show instead of the whole value (a bad token inside a
   * PromQL selector); the whole value when the source does not map character by character (see scalar-offsets.ts).
   */
  span?: { start: number; end: number };
  related?: RelatedLocation[];
  /** The edit that resolves the finding, when there is exactly one (`--fix`, SARIF `fixes`); applied by src/check/fix.ts. */
  fix?: Fix;
}

/**
 * A small declarative edit of a resource's YAML, its pointer relative to the resource. `set` replaces the scalar at
 * `pointer`, or adds the key to the mapping that holds it when absent; `rename-key` renames the key of the mapping
 * entry at `pointer`. Everything else in the file stays byte for byte.
 */
export type Fix = { description: string } & (
  | { kind: 'set'; pointer: string; value: string | boolean }
  | { kind: 'rename-key'; pointer: string; to: string }
);

/**
 * A fix as a finding carries it: the pointer is inside the file's document `documentIndex`, like `Finding.pointer`,
 * whose own text is `documentSource` (Resource.documentSource): fix.ts edits and checks that document alone.
 */
export type DocumentFix = Fix & { documentIndex: number; documentSource: [number, number] };

export interface Location {
  file: SourceFile;
  region: Region;
}

export interface Finding {
  ruleId: string;
  level: Level;
  message: string;
  location: Location;
  /** JSON pointer inside the file's document (file-level findings: ''). Used for fingerprints. */
  pointer: string;
  /** `Kind/namespace/name` of the resource, or '' for file-level findings. */
  resourceKey: string;
  /** `resourceKey`: the other resource's `Kind/namespace/name` (the Action's summary names both sides of a broken link). */
  related: { location: Location; message: string; resourceKey?: string }[];
  fix?: DocumentFix;
  /**
   * Set when a `# fedlint-disable-…` comment or a `fedlint.dev/ignore` annotation (at `location`) covers the finding:
   * kept for SARIF, left out of other reports and of the exit code (src/check/suppressions.ts).
   */
  suppressed?: { kind: 'inSource'; justification: string; location?: Location };
  /** Set when linting against a baseline (`--baseline`): `unchanged` findings are in it and do not count (src/check/baseline.ts). */
  baselineState?: 'new' | 'unchanged';
}

export interface RuleMeta {
  id: string;
  level: Level;
  summary: string;
  /** The user documentation: why it matters and how to fix it. */
  help: string;
  /** The ruleset file a user's rule comes from (as given); fedlint's own rules have none. */
  ruleset?: string;
  /** Where the rule is documented, when not in fedlint's rule reference (a user rule's `documentationUrl`). */
  helpUri?: string;
}

export interface LintSettings {
  /** Label that identifies the source cluster on federated series. */
  clusterLabel: string;
  /** Namespace for resources without metadata.namespace. */
  defaultNamespace: string;
  /**
   * Level for `${VAR}` substitutions (Flux postBuild, envsubst) that placeholder-value finds: real repositories
   * use them on purpose, so they are a note unless configured otherwise.
   */
  substitutionLevel: Setting;
  /** Which scrape endpoints are federation endpoints (config `federation`); absent: the default detection. */
  federation?: FederationDetection;
}

/** How fedlint recognises a federation endpoint, besides a path whose last segment is `federate`. */
export interface FederationDetection {
  /** More paths that mark one (a proxy route to /federate), compared ignoring leading and trailing slashes. */
  paths: string[];
  /** Whether a `match[]` param alone marks one, whatever the path (default true). */
  matchParams: boolean;
}

/** A rule that threw: a bug in fedlint, kept apart so that the other rules' findings still reach the user. */
export interface RuleFailure {
  ruleId: string;
  message: string;
}

export interface LintOptions {
  /** Files, directories and globs; `-` is standard input. Default: the working directory. */
  paths?: string[];
  cwd?: string;
  /** minimatch patterns, relative to cwd, for files and folders to skip. */
  ignore?: string[];
  /** Text of standard input, when `-` is among the paths. */
  stdinText?: string;
  /** The name standard input goes by in reports. */
  stdinFilename?: string;
  /** Namespace of resources without metadata.namespace (default `default`). */
  namespace?: string;
  /** Label naming the source cluster on federated series (default `cluster`). */
  clusterLabel?: string;
  /** Rule id → level or `off`. */
  rules?: Record<string, Setting>;
  /** Level of `${VAR}` substitutions found by placeholder-value (default note). */
  substitutionLevel?: Setting;
  /** Spectral ruleset files (YAML/JSON) whose rules run beside fedlint's own. */
  rulesets?: string[];
  /** Files larger than this many bytes are reported, not read (default 10 MB). */
  maxFileSize?: number;
  /** A SARIF file fedlint wrote (`--write-baseline`): findings whose fingerprint is in it are `unchanged` and do not count. */
  baseline?: string;
  /**
   * Context mode (the CLI's default, off here unless asked for): when every path names a file (pre-commit passes the
   * changed ones), the rest of the repository is loaded as well, for the other side of cross-resource checks, and only
   * findings located in the named files are reported. See src/load/context.ts.
   */
  context?: boolean;
  /** What "the rest of the repository" is in context mode (a config file's `include`); default: git's YAML files. */
  contextPaths?: string[];
  /** A .fedlint.yaml to use (relative to cwd), or false for none; default: found in cwd, else at the git root. */
  config?: string | false;
  /** Which scrape endpoints are federation endpoints (default: path ending in `federate`, or a `match[]` param). */
  federation?: Partial<FederationDetection>;
  /** Worker threads to parse YAML on: 0 parses on the main thread; default one per core for inputs over 4 MB (parse-pool.ts). */
  workers?: number;
  /**
   * Read only files inside the repository, even those `paths` names (src/load/boundary.ts): for callers whose paths
   * are not a person's own choice, such as the GitHub Action on a pull request. Otherwise only files fedlint finds
   * itself (in folders, globs, the config's include, context) are kept inside it.
   */
  confine?: boolean;
}

export interface LintResult {
  findings: Finding[];
  /** Rules that crashed (a fedlint bug): their findings may be incomplete. */
  failures: RuleFailure[];
  files: SourceFile[];
  resourceCount: number;
  rules: RuleMeta[];
  /** The config file that applied (absolute path), if any. */
  config?: string;
  /** What the run chose not to do and the user should know, one line each (files outside the repository left unread). */
  notices?: string[];
}
