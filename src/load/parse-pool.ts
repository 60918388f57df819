// Parses many files on worker threads. Composing YAML is most of a large lint's time and every file is parsed on
// its own, so a big repository's files are spread over one worker per core in batches; the main thread turns the
// plain results into Resources in input order, so the output is the same whichever thread parsed what. Small inputs
// (a pre-commit run, an editor) are parsed on the main thread: starting a worker and loading `yaml` in it costs
// about 60 ms.

import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { type ParseOptions, type ParseResult, type ParsedText, parseText, resourcesOf } from './parse.js';
import { PACKAGE_ROOT } from '../meta.js';
import type { Finding, Resource, RuleFailure, SourceFile } from '../types.js';

/** Below this much YAML, threads cost more than they save (measured: neutral at 4 MB on 2 cores, a loss at 2 MB). */
const MIN_BYTES_FOR_WORKERS = 4_000_000;
/** One message's worth of files: large enough to amortise a round trip, small enough to keep every worker busy. */
const BATCH_BYTES = 200_000;
/** Below the main thread's stack (see parseOnWorkers); plenty for real manifests, which nest a few dozen levels at most. */
const WORKER_STACK_MB = 0.5;
/** Batches sent ahead to each worker, so that it never waits for the main thread between two. */
const BATCHES_IN_FLIGHT = 2;

export interface PoolOptions extends ParseOptions {
  defaultNamespace: string;
  /** Worker threads to parse on (at most one per core); 0 parses on the main thread. Default: one per core for large inputs, else none. */
  workers?: number;
}

/** What a worker is started with (structured-cloneable: a Set is sent as an array). */
export interface WorkerSetup {
  readKinds?: string[];
}
export interface WorkerBatch {
  batch: number;
  files: { text: string; displayPath: string }[];
}
/** `parsed: null`: the worker could not parse or send this batch; the main thread parses it. */
export interface WorkerAnswer {
  batch: number;
  parsed: ParsedText[] | null;
}

export async function parseSources(sources: SourceFile[], options: PoolOptions): Promise<ParseResult> {
  const parseOptions: ParseOptions = options.readKinds ? { readKinds: options.readKinds } : {};
  const threads = threadCount(sources, options.workers);
  const script = threads > 0 ? workerScript() : undefined;
  const parsed = script
    ? await parseOnWorkers(sources, threads, script, parseOptions)
    : sources.map((source) => parseText(source.text, source.displayPath, parseOptions));
  const resources: Resource[] = [];
  const findings: Finding[] = [];
  const failures: RuleFailure[] = [];
  sources.forEach((source, index) => {
    // Every slot is filled by a worker or by parseOnWorkers' fallback; a hole would be a pool bug, still not a lost file.
    const text = parsed[index] ?? parseText(source.text, source.displayPath, parseOptions);
    const result = resourcesOf(source, text, options.defaultNamespace);
    for (const resource of result.resources) resources.push(resource);
    for (const finding of result.findings) findings.push(finding);
    for (const failure of result.failures) failures.push(failure);
  });
  return { resources, findings, failures };
}

/** Never more threads than cores: parsing is all CPU, and each thread holds its own heap. */
function threadCount(sources: SourceFile[], requested: number | undefined): number {
  if (requested !== undefined) return Math.min(Math.max(0, Math.floor(requested)), availableParallelism());
  let bytes = 0;
  for (const source of sources) bytes += source.text.length;
  if (bytes < MIN_BYTES_FOR_WORKERS) return 0;
  return Math.min(availableParallelism(), Math.ceil(bytes / MIN_BYTES_FOR_WORKERS), 8);
}

/**
 * The worker's file beside this module: the compiled `.js` in dist/, the GitHub Action's bundled `.cjs`
 * (scripts/build-action.ts), or the `.ts` source when run through tsx (the tests; a worker inherits the `--import tsx`
 * of its process); else the compiled one in dist/. Without one, files are parsed on the main thread.
 */
function workerScript(): URL | undefined {
  return [
    ...['./parse-worker.js', './parse-worker.cjs', './parse-worker.ts'].map((name) => new URL(name, import.meta.url)),
    // The command line's bundle (dist/fedlint.cjs) has no worker of its own: it starts the tsc-built one.
    new URL('dist/src/load/parse-worker.js', PACKAGE_ROOT),
  ].find((url) => url.protocol === 'file:' && existsSync(url));
}

/**
 * Every file's ParsedText, by index. Batches a worker cannot handle, or left by a worker that died, are parsed here.
 * Exported for the tests, which give it a worker script that fails on purpose.
 */
export function parseOnWorkers(sources: SourceFile[], threads: number, script: URL, options: ParseOptions): Promise<ParsedText[]> {
  const batches = batchesOf(sources);
  if (batches.length === 0) return Promise.resolve([]);
  const results: ParsedText[] = new Array(sources.length);
  const parseHere = (batch: number[]) => {
    for (const index of batch) results[index] = parseText(sources[index]!.text, sources[index]!.displayPath, options);
  };
  const setup: WorkerSetup = options.readKinds ? { readKinds: [...options.readKinds] } : {};
  let next = 0;
  let pending = batches.length;
  let live = 0;
  return new Promise((resolve) => {
    const done = () => {
      if (--pending === 0) resolve(results);
    };
    const start = () => {
      // A smaller stack than the main thread's (V8's default is just under 1 MB): a document nested too deep for the
      // worker is handed back (parse-worker.ts), so only the main thread's limit decides what is too deep.
      const worker = new Worker(script, { workerData: setup, resourceLimits: { stackSizeMb: WORKER_STACK_MB } });
      live++;
      const inFlight = new Set<number>();
      let gone = false;
      const feed = () => {
        while (inFlight.size < BATCHES_IN_FLIGHT && next < batches.length) {
          const batch = next++;
          inFlight.add(batch);
          worker.postMessage({
            batch,
            files: batches[batch]!.map((index) => ({ text: sources[index]!.text, displayPath: sources[index]!.displayPath })),
          } satisfies WorkerBatch);
        }
        if (inFlight.size === 0) void worker.terminate();
      };
      worker.on('message', ({ batch, parsed }: WorkerAnswer) => {
        // Node may deliver a message the worker posted before it failed after the failure: abandon() has parsed
        // that batch here already, and the worker takes no more.
        if (gone || !inFlight.delete(batch)) return;
        if (parsed) batches[batch]!.forEach((index, position) => (results[index] = parsed[position]!));
        else parseHere(batches[batch]!);
        feed();
        done();
      });
      // A worker that fails to start or dies leaves its batches to the main thread, and when none is left, the rest.
      const abandon = () => {
        if (gone) return;
        gone = true;
        live--;
        const left = [...inFlight];
        inFlight.clear();
        if (live === 0) while (next < batches.length) left.push(next++);
        for (const batch of left) {
          parseHere(batches[batch]!);
          done();
        }
      };
      worker.on('error', abandon);
      worker.on('exit', abandon);
      feed();
    };
    for (let thread = 0; thread < Math.min(threads, batches.length); thread++) start();
  });
}

/** Consecutive files grouped into batches of about BATCH_BYTES, as lists of indexes into `sources`. */
function batchesOf(sources: SourceFile[]): number[][] {
  const batches: number[][] = [];
  let current: number[] = [];
  let bytes = 0;
  sources.forEach((source, index) => {
    current.push(index);
    bytes += source.text.length;
    if (bytes >= BATCH_BYTES) {
      batches.push(current);
      current = [];
      bytes = 0;
    }
  });
  if (current.length > 0) batches.push(current);
  return batches;
}
