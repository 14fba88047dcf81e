#!/usr/bin/env node
// bgr's entry point, kept free of static imports: `bgr spawn` is what an
// orchestrator waits on, so it runs from the single pre-bundled file the
// build makes (scripts/bundle-spawn.mjs), falling back to the plain modules
// when that file is absent (a bare `tsc` build).
import { statSync } from "node:fs";

/**
 * The bundle, unless a later `tsc` (which rewrites every module, spawn-entry.js
 * included) left it stale: spawn must never run older code than the rest of bgr.
 */
function freshBundle(): URL | undefined {
  const bundle = new URL("./spawn.bundle.mjs", import.meta.url);
  const bundledAt = statSync(bundle, { throwIfNoEntry: false })?.mtimeMs;
  const compiledAt = statSync(new URL("./spawn-entry.js", import.meta.url), { throwIfNoEntry: false })?.mtimeMs;
  return bundledAt !== undefined && compiledAt !== undefined && bundledAt >= compiledAt ? bundle : undefined;
}

if (process.argv[2] === "spawn") {
  await import(freshBundle()?.href ?? "./spawn-entry.js");
} else {
  await import("./cli.js");
}
