#!/usr/bin/env node
// The `fedlint` command: runs dist/fedlint.cjs, the command line bundled into one file (scripts/build-cli.ts), with
// V8's compiled code kept between runs. A one-file run (the pre-commit case) spends much of its time compiling
// JavaScript; with the code cache that compilation is read back instead. Behaviour is exactly that of
// `node dist/src/cli/main.js`: same output, exit code and standard input, since the bundle is the same program.
//
// - Node ≥ 22.1 has this built in: module.enableCompileCache().
// - Node 20: the bundle is compiled with vm.Script and V8 code cache data from a per-user folder. The data is made
//   when the process exits, not right after compiling (as v8-compile-cache does), so it holds the functions V8
//   compiles lazily while fedlint runs, most of the compile time; see cacheIsThin for when it is made again.
// - FEDLINT_NO_COMPILE_CACHE=1 runs the bundle with no cache. Any cache failure (read-only or missing home, a folder
//   that is not ours) is silent and the bundle runs uncached.
'use strict';

const fs = require('node:fs');
const Module = require('node:module');
const os = require('node:os');
const path = require('node:path');

const BUNDLE = path.join(__dirname, '..', 'dist', 'fedlint.cjs');
/** How long a cache file nobody writes stays (removeStaleCaches). */
const STALE_MS = 30 * 24 * 60 * 60 * 1000;

if (cacheDisabled()) require(BUNDLE);
else if (typeof Module.enableCompileCache === 'function') {
  const folder = cacheFolder();
  if (folder) Module.enableCompileCache(path.join(folder, 'node-compile-cache'));
  require(BUNDLE);
} else runWithCodeCache(BUNDLE);

function cacheDisabled() {
  const value = process.env.FEDLINT_NO_COMPILE_CACHE;
  return value !== undefined && !['', '0', 'false'].includes(value);
}

/** $XDG_CACHE_HOME/fedlint or ~/.cache/fedlint, made private to this user; undefined when it cannot be. */
function cacheFolder() {
  try {
    // The XDG spec says a relative XDG_CACHE_HOME is invalid and to be ignored.
    const xdg = process.env.XDG_CACHE_HOME;
    const base = xdg && path.isAbsolute(xdg) ? xdg : os.homedir() && path.join(os.homedir(), '.cache');
    if (!base) return undefined;
    const folder = path.join(base, 'fedlint');
    fs.mkdirSync(folder, { recursive: true, mode: 0o700 });
    // Code cache data is code that V8 runs: use none from a folder that someone else can write to.
    const stat = fs.statSync(folder);
    if (typeof process.getuid === 'function' && (stat.uid !== process.getuid() || (stat.mode & 0o022) !== 0)) return undefined;
    return folder;
  } catch {
    return undefined;
  }
}

function runWithCodeCache(bundle) {
  const vm = require('node:vm');
  const v8 = require('node:v8');
  const source = fs.readFileSync(bundle, 'utf8');
  const cacheFile = codeCacheFile(bundle);
  let cachedData;
  if (cacheFile) {
    try {
      cachedData = fs.readFileSync(cacheFile);
    } catch {}
  }
  const bytecodeBefore = bytecodeSize(v8);
  // Wrapped as Node wraps a CommonJS module. The bundle starts with a #! line, a syntax error inside the wrapper:
  // made a comment of the same length, so positions in stack traces stay right.
  const body = source.startsWith('#!') ? `//${source.slice(2)}` : source;
  const script = new vm.Script(`(function (exports, require, module, __filename, __dirname) { ${body}\n});`, {
    filename: bundle,
    cachedData,
    importModuleDynamically: vm.constants && vm.constants.USE_MAIN_CONTEXT_DEFAULT_LOADER,
  });
  const bytecodeFromCache = bytecodeSize(v8) - bytecodeBefore;
  if (cacheFile) {
    process.once('exit', () => {
      try {
        const compiledSince = bytecodeSize(v8) - bytecodeBefore - bytecodeFromCache;
        if (!cachedData || script.cachedDataRejected || cacheIsThin(bytecodeFromCache, compiledSince)) writeCache(cacheFile, script);
      } catch {}
    });
  }
  const bundleModule = new Module(bundle, module);
  bundleModule.filename = bundle;
  const compiled = script.runInThisContext();
  compiled.call(bundleModule.exports, bundleModule.exports, Module.createRequire(bundle), bundleModule, bundle, path.dirname(bundle));
}

/**
 * The cache file for this Node, CPU and bundle file. V8 rejects data made by another V8 build, but of the source it
 * checks only the length: data made for another build of the bundle with the same length would be accepted and run
 * that build's code. So the name must change whenever the file does. Size and modification time do not suffice
 * (npm packs every file with the same time, 1985-10-26, so two git installs of one version differ in content only);
 * the inode and its change time, which the kernel sets whenever the file is written or replaced, do.
 */
function codeCacheFile(bundle) {
  try {
    const folder = cacheFolder();
    if (!folder) return undefined;
    const { size, mtimeMs, ctimeMs, ino } = fs.statSync(bundle);
    const file = [process.version, process.arch, size, Math.trunc(mtimeMs), Math.trunc(ctimeMs), ino].join('-');
    return path.join(folder, `v8-${file}.cache`);
  } catch {
    return undefined;
  }
}

function bytecodeSize(v8) {
  return v8.getHeapCodeStatistics().bytecode_and_metadata_size;
}

/**
 * Whether this run compiled more bytecode than the cache gave it: the cache was made by a run that used little of
 * fedlint (`fedlint --version`, or files of kinds that need no Spectral) and this run needed much more. Data made now
 * holds both, so the cache grows to cover what is used instead of staying thin. A run the cache covers compiles
 * only what is never cached (schema validators, code ajv generates): a fraction of the cache's bytecode.
 */
function cacheIsThin(fromCache, compiledSince) {
  return compiledSince > fromCache;
}

/** Written whole or not at all (temporary file, then rename), so a concurrent run never reads half a file. */
function writeCache(cacheFile, script) {
  // The pid alone could repeat across containers that share a home folder.
  const temporary = `${cacheFile}.${process.pid}-${require('node:crypto').randomBytes(4).toString('hex')}.tmp`;
  try {
    fs.writeFileSync(temporary, script.createCachedData(), { mode: 0o600, flag: 'wx' });
    fs.renameSync(temporary, cacheFile);
    removeStaleCaches(path.dirname(cacheFile), cacheFile);
  } catch {
    try {
      fs.unlinkSync(temporary);
    } catch {}
  }
}

/**
 * Caches of other fedlint builds or Node versions would pile up: remove those not written for a month. A cache still
 * in use may go too (a cache that works is only read, never written again); the next run makes it again.
 */
function removeStaleCaches(folder, keep) {
  for (const name of fs.readdirSync(folder)) {
    const file = path.join(folder, name);
    // Temporary files too: a run killed between writing and renaming leaves one.
    if (file === keep || !/^v8-.*\.(cache|tmp)$/.test(name)) continue;
    try {
      if (Date.now() - fs.statSync(file).mtimeMs > STALE_MS) fs.unlinkSync(file);
    } catch {}
  }
}
