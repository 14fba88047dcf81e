#!/usr/bin/env node
// bgr's entry point, kept free of static imports: `bgr spawn` is what an
// orchestrator waits on, so it runs from the single pre-bundled file the
// build makes (scripts/bundle-spawn.mjs), falling back to the plain modules
// when that file is absent (a bare `tsc` build).
import { existsSync } from "node:fs";

if (process.argv[2] === "spawn") {
  const bundle = new URL("./spawn.bundle.mjs", import.meta.url);
  await import(existsSync(bundle) ? bundle.href : "./spawn-entry.js");
} else {
  await import("./cli.js");
}
