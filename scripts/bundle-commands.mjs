// Build step after tsc: bundle bgr's command families into dist/src/bundle/
// (esbuild; the non-spawn entries share chunks through code splitting):
//   spawn.mjs  `bgr spawn`, what an orchestrator waits on (one file, no chunks)
//   cli.mjs    every other command; each command's modules load as chunks when it runs
//   worker.mjs the audit's analysis thread (chunks shared with cli.mjs)
// so start-up reads a few files instead of resolving and linking hundreds.
// The folder sits one level under dist/src like dist/src/cli, so paths the
// modules compute from import.meta.url (../cli/main.js, the package root) stay right.
// A failed bundle fails the build: a silent fallback would hide a slow start.
import { rmSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const dist = path.join(root, "dist/src");
const outdir = path.join(dist, "bundle");
rmSync(outdir, { recursive: true, force: true });

const common = {
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node20",
  logLevel: "warning",
  outExtension: { ".js": ".mjs" },
  // Native addons load through their own require at run time.
  external: ["tree-sitter", "tree-sitter-*", "sql.js"],
  // Modules that find siblings by path (the audit's worker) ask whether they run bundled.
  define: { BGR_BUNDLED: "true" },
  // Less text to read and compile on every start (measured: ~10 ms of CPU per spawn); error
  // classes carry explicit names, so the exit-code mapping survives minifying.
  minify: true,
  // Bundled CommonJS dependencies (proper-lockfile, graceful-fs, write-file-atomic)
  // call require() for node built-ins and read __filename.
  banner: {
    js: [
      "import { createRequire as __bgrCreateRequire } from 'node:module';",
      "import { fileURLToPath as __bgrFileURLToPath } from 'node:url';",
      "const require = __bgrCreateRequire(import.meta.url);",
      "const __filename = __bgrFileURLToPath(import.meta.url);",
      "const __dirname = __bgrFileURLToPath(new URL('.', import.meta.url));",
    ].join(" "),
  },
};

// Modules spawn reaches only through a rare dynamic import (a stale compiled rule set
// behind a failed spawn's settle): left out of its file and imported from tsc's output
// if ever needed. rules.js alone carries zod (~450 KB of the ~775 KB spawn file), which
// every spawn would otherwise read and compile. They hold no state the bundle shares.
const SPAWN_LAZY = ["engines/security-audit/rules.js"].map((rel) => path.join(dist, rel));
const lazyForSpawn = {
  name: "bgr-lazy-for-spawn",
  setup(b) {
    b.onResolve({ filter: /\.js$/ }, (args) => {
      if (args.kind !== "dynamic-import" || !args.path.startsWith(".")) return undefined;
      const target = path.resolve(args.resolveDir, args.path);
      if (!SPAWN_LAZY.includes(target)) return undefined;
      const rel = path.relative(outdir, target).split(path.sep).join("/");
      return { path: rel.startsWith(".") ? rel : `./${rel}`, external: true };
    });
  },
};

// spawn is one file: an orchestrator waits on it, and every extra chunk is another module to resolve and compile.
await build({ ...common, entryPoints: { spawn: path.join(dist, "cli/spawn-entry.js") }, outdir, plugins: [lazyForSpawn] });
// The rest share chunks, so a command loads its own code and the shared code once.
await build({
  ...common,
  entryPoints: { cli: path.join(dist, "cli/cli.js"), worker: path.join(dist, "engines/security-audit/worker.js") },
  outdir,
  splitting: true,
  chunkNames: "chunk-[hash]",
});
