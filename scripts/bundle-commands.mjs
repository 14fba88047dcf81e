// Build step after tsc: bundle bgr's command families into dist/src/bundle/
// (esbuild) so start-up reads a few files instead of resolving and linking hundreds:
//   spawn.cjs  `bgr spawn`, what an orchestrator waits on
//   audit.cjs  `bgr audit`, run most often on a warm cache, where start-up is most of the
//              time: only the audit engine (the CLI bundle carries all four), so there is
//              less to read, deserialise and initialise (measured: see docs/performance.md)
//   cli.cjs    every other command (each command's modules initialise only when it runs)
//   worker.mjs the audit's analysis thread (an ES module; Node >= 22 compile-caches it)
// spawn and cli are classic scripts so that V8 can keep their compiled code
// between runs (src/cli/code-cache.ts; Node 20 has no module compile cache
// and V8 caches no ES module); main.js runs them through that cache itself.
// The folder sits one level under dist/src like dist/src/cli, so paths the
// modules compute from import.meta.url (../cli/main.js, the package root) stay right.
// A failed bundle fails the build: a silent fallback would hide a slow start.
import { builtinModules } from "node:module";
import { chmodSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import { asciiBundle } from "./ascii-bundle.mjs";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const dist = path.join(root, "dist/src");
const outdir = path.join(dist, "bundle");
rmSync(outdir, { recursive: true, force: true });

const common = {
  bundle: true,
  platform: "node",
  target: "node20",
  logLevel: "warning",
  // Native addons load through their own require at run time.
  external: ["tree-sitter", "tree-sitter-*", "sql.js"],
  // Less text to read and compile on a start without a code cache (measured: ~10 ms of CPU per
  // spawn); error classes carry explicit names, so the exit-code mapping survives minifying.
  minify: true,
};

// A classic script run through vm has no module loader behind it, so no import() may be
// left in it: a dependency's `await import("node:fs")` becomes a require of the built-in.
const builtinImports = {
  name: "bgr-builtin-imports",
  setup(b) {
    const builtins = new Set(builtinModules.flatMap((m) => [m, `node:${m}`]));
    b.onResolve({ filter: /^[a-z:_/]+$/ }, (args) =>
      args.kind === "dynamic-import" && builtins.has(args.path) ? { path: args.path, namespace: "bgr-builtin" } : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: "bgr-builtin" }, (args) => ({ contents: `module.exports = require(${JSON.stringify(args.path)});`, loader: "js" }));
  },
};

// fdir looks for picomatch with its own require() when it loads (for a glob option bgr
// does not use), which reads and compiles picomatch from node_modules on every start,
// outside any cache. The bundle gives it the bundled copy; if fdir changes, the build fails.
const fdirPicomatch = {
  name: "bgr-fdir-picomatch",
  setup(b) {
    b.onLoad({ filter: /[\\/]node_modules[\\/]fdir[\\/]dist[\\/]index\.mjs$/ }, async (args) => {
      const { readFile } = await import("node:fs/promises");
      const text = await readFile(args.path, "utf8");
      const lookup = '__require.resolve("picomatch");\n\tpm = __require("picomatch");';
      if (!text.includes(lookup)) throw new Error(`${args.path}: fdir no longer looks up picomatch as this build expects; update bgr-fdir-picomatch`);
      return { contents: `import __bgrPicomatch from "picomatch";\n${text.replace(lookup, "pm = __bgrPicomatch;")}`, loader: "js" };
    });
  },
};

// Two dependencies load a built-in at their top level that most commands never use: commander
// loads child_process (for git-style executable subcommands, which bgr has none of) and
// write-file-atomic loads worker_threads (for the thread id in its temporary names). Each costs
// 2.5–3 ms of a start (a warm audit needs neither). commander's loads on first use. The thread
// id only keeps two threads of one process that write the same file at the same count of
// writes apart, so write-file-atomic gets a number drawn once per thread instead (each
// isolate seeds its own Math.random), and worker_threads is not loaded for it at all: a warm
// audit writes its report with write-file-atomic and would load it just for that. If the
// text changes, the build fails, as for fdir.
const LAZY_BUILTINS = [
  {
    file: /[\\/]node_modules[\\/]commander[\\/]lib[\\/]command\.js$/,
    text: "const childProcess = require('node:child_process');",
    lazy: "let __bgrChildProcess; const childProcess = new Proxy({}, { get: (_, key) => (__bgrChildProcess ??= require('node:child_process'))[key] });",
  },
  {
    file: /[\\/]node_modules[\\/]write-file-atomic[\\/]lib[\\/]index\.js$/,
    text: "const threadId = (function getId () {",
    lazy: "const threadId = String(Math.random()).slice(2); (function unused () {",
    // The IIFE stays, uncalled, so the text around it is untouched.
    end: ["  }\n})()\n", "  }\n});\n"],
  },
];
const lazyBuiltins = {
  name: "bgr-lazy-builtins",
  setup(b) {
    for (const { file, text, lazy, end } of LAZY_BUILTINS) {
      b.onLoad({ filter: file }, async (args) => {
        const { readFile } = await import("node:fs/promises");
        let source = await readFile(args.path, "utf8");
        if (!source.includes(text) || (end && !source.includes(end[0]))) throw new Error(`${args.path}: no longer loads its built-in as bgr-lazy-builtins expects; update it`);
        source = source.replace(text, lazy);
        if (end) source = source.replace(end[0], end[1]);
        return { contents: source, loader: "js" };
      });
    }
  },
};

// zod's namespace export `z.locales` keeps all 40-odd translations of its error messages in
// every bundle that uses zod (259 KB of spawn's 778 KB), though bgr reports in English only
// and never reads z.locales. Its locale index here exports English alone; zod configures
// English itself. The build fails if the layout it expects moves.
const zodEnglishOnly = {
  name: "bgr-zod-english-only",
  setup(b) {
    b.onResolve({ filter: /^\.\.\/locales\/index\.js$/ }, async (args) => {
      if (!/[\\/]node_modules[\\/]zod[\\/]/.test(args.importer)) return undefined;
      const english = path.join(path.dirname(args.importer), "..", "locales", "en.js");
      const { existsSync } = await import("node:fs");
      if (!existsSync(english)) throw new Error(`${english}: zod's English locale is not where bgr-zod-english-only expects it; update the plugin`);
      return { path: english, namespace: "bgr-zod-locales" };
    });
    b.onLoad({ filter: /.*/, namespace: "bgr-zod-locales" }, (args) => ({
      contents: `export { default as en } from ${JSON.stringify(args.path)};`,
      resolveDir: path.dirname(args.path),
      loader: "js",
    }));
  },
};

const scripts = { spawn: "cli/spawn-entry.js", audit: "cli/audit-entry.js", cli: "cli/cli.js" };
const result = await build({
  ...common,
  entryPoints: Object.fromEntries(Object.entries(scripts).map(([name, entry]) => [name, path.join(dist, entry)])),
  outdir,
  format: "cjs",
  outExtension: { ".js": ".cjs" },
  plugins: [builtinImports, fdirPicomatch, lazyBuiltins, zodEnglishOnly],
  metafile: true,
  // Modules that find siblings by path (the audit's worker, the watchdog) ask whether they
  // run bundled; import.meta.url is the script's own file URL, as it is for an ES module.
  define: { BGR_BUNDLED: "true", "import.meta.url": "__bgrImportMetaUrl" },
  banner: { js: '"use strict";var __bgrImportMetaUrl=require("node:url").pathToFileURL(__filename).href;' },
});
for (const [file, output] of Object.entries(result.metafile.outputs)) {
  const left = output.imports.filter((i) => i.kind === "dynamic-import");
  if (left.length) throw new Error(`${file} still imports ${left.map((i) => i.path).join(", ")} dynamically; a code-cached script cannot`);
}
// The audit's worker threads stay an ES module: one file, compile-cached by Node >= 22.
await build({
  ...common,
  entryPoints: { worker: path.join(dist, "engines/security-audit/worker.js") },
  outdir,
  format: "esm",
  outExtension: { ".js": ".mjs" },
  define: { BGR_BUNDLED: "true" },
  // Bundled CommonJS dependencies call require() for node built-ins and read __filename.
  banner: {
    js: [
      "import { createRequire as __bgrCreateRequire } from 'node:module';",
      "import { fileURLToPath as __bgrFileURLToPath } from 'node:url';",
      "const require = __bgrCreateRequire(import.meta.url);",
      "const __filename = __bgrFileURLToPath(import.meta.url);",
      "const __dirname = __bgrFileURLToPath(new URL('.', import.meta.url));",
    ].join(" "),
  },
});

// The package's bin, dist/src/cli/main.cjs: main.js and its two imports bundled as one
// CommonJS file. Node starts an ES module entry through its ES module loader, which loads
// and initialises some twenty internal modules (fs/promises, readline, streams …) before
// main.js runs; a CommonJS entry needs none of them (measured: docs/performance.md).
// If a later `tsc` left main.js newer than this file, the launcher runs main.js itself.
const LAUNCHER = [
  'const { statSync } = require("node:fs");',
  'const { pathToFileURL } = require("node:url");',
  'const compiled = require("node:path").join(__dirname, "main.js");',
  "if ((statSync(compiled, { throwIfNoEntry: false })?.mtimeMs ?? 0) > statSync(__filename).mtimeMs) import(pathToFileURL(compiled).href);",
  'else require("./main.js");',
].join("\n");
await build({
  ...common,
  stdin: { contents: LAUNCHER, resolveDir: path.join(dist, "cli"), sourcefile: "main-launcher.cjs", loader: "js" },
  outfile: path.join(dist, "cli", "main.cjs"),
  format: "cjs",
  define: { "import.meta.url": "__bgrImportMetaUrl" },
  banner: { js: '#!/usr/bin/env node\n"use strict";var __bgrImportMetaUrl=require("node:url").pathToFileURL(__filename).href;' },
});
chmodSync(path.join(dist, "cli", "main.cjs"), 0o755);

// One-byte source strings for V8: scripts/ascii-bundle.mjs says why and how it stays exact.
for (const name of readdirSync(outdir)) {
  const file = path.join(outdir, name);
  const text = readFileSync(file, "utf8");
  const ascii = asciiBundle(text, path.relative(root, file));
  if (ascii !== text) writeFileSync(file, ascii);
}
