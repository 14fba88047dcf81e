#!/usr/bin/env node
// bgr's entry point, kept free of heavy imports: it runs the build's bundle
// of the command family asked for (scripts/bundle-commands.mjs: `spawn`, what
// an orchestrator waits on, or every other command; each through V8's code
// cache, code-cache.ts), falling back to the plain modules when the bundle
// is absent (a bare `tsc` build) or stale. The build also bundles this file
// into main.cjs, the package's bin: a CommonJS entry starts without Node's
// ES module loader (scripts/bundle-commands.mjs says what that saves), so
// nothing here may await at the top level.
import { statSync } from "node:fs";
import * as nodeModule from "node:module";
import { startsInBaseline, useBaseline } from "../runtime/tiering.js";
import { nodeCompileCacheDir, runCachedScript } from "./code-cache.js";

// Before anything else compiles: an audit runs faster on baseline code (runtime/tiering.ts).
if (startsInBaseline(process.argv[2])) useBaseline();

// Node >= 22.1 also keeps the compiled code of the ES modules (the audit's
// worker bundle, the plain modules of a bare build). Feature-detected, never required.
const enableCompileCache = (nodeModule as { enableCompileCache?: (dir?: string) => unknown }).enableCompileCache;
const compileCacheDir = typeof enableCompileCache === "function" ? nodeCompileCacheDir() : undefined;
if (compileCacheDir) {
  try {
    enableCompileCache!(compileCacheDir);
  } catch {
    // A cache folder that cannot be made only costs start-up time.
  }
}

/**
 * The bundle, unless a later `tsc` (which rewrites every module, the
 * entry's own included) left it stale: bgr must never run older code than its modules.
 */
function freshBundle(name: string, compiled: string): URL | undefined {
  const bundle = new URL(`../bundle/${name}`, import.meta.url);
  const bundledAt = statSync(bundle, { throwIfNoEntry: false })?.mtimeMs;
  const compiledAt = statSync(new URL(compiled, import.meta.url), { throwIfNoEntry: false })?.mtimeMs;
  return bundledAt !== undefined && compiledAt !== undefined && bundledAt >= compiledAt ? bundle : undefined;
}

// The bundle runs straight from here, not through an ES module of its own: each module the
// loader resolves, reads, compiles and links before the command starts is start-up time.
// `spawn` and `audit` have bundles of their own (scripts/bundle-commands.mjs says why).
// The code cache is per command (`spawn`, `audit`, `cli-run` …): each holds what its own runs compile.
const OWN_BUNDLES: Record<string, [bundle: string, entry: string]> = {
  spawn: ["spawn.cjs", "./spawn-entry.js"],
  audit: ["audit.cjs", "./audit-entry.js"],
};
const command = process.argv[2] ?? "";
const [bundleName, entry, cacheName] = Object.hasOwn(OWN_BUNDLES, command) ? [...OWN_BUNDLES[command]!, command] : ["cli.cjs", "./cli.js", `cli-${command}`];
const bundle = freshBundle(bundleName, entry);
if (bundle) runCachedScript(bundle, cacheName);
else void import(entry);
