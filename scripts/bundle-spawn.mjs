// Build step after tsc: bundle `bgr spawn` into dist/src/cli/spawn.bundle.mjs.
// It sits beside main.js so every path its modules compute from
// import.meta.url (the CLI to start detached, the package root) stays right.
// A failed bundle fails the build: a silent fallback would hide a slow spawn.
import path from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

await build({
  entryPoints: [path.join(root, "dist/src/cli/spawn-entry.js")],
  outfile: path.join(root, "dist/src/cli/spawn.bundle.mjs"),
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node20",
  logLevel: "warning",
  // Less text to read and compile on every spawn (measured: ~10 ms of CPU); error
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
});
