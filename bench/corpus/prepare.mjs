// Builds the benchmark corpora from code that is already on the machine
// because the registries installed it: Django's sources from the Debian
// package python3-django, and JS/TS sources of packages in node_modules.
// Nothing is fetched at bench time. Each corpus is copied into a plain
// folder (no node_modules/dist path segments) so that bgr's walker, Bandit
// and ESLint all see the same files; the file list every tool gets comes from
// bgr's own walker.
import { cpSync, existsSync, mkdirSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
const NODE_MODULES = path.join(REPO_ROOT, "node_modules");

/** The OWASP Benchmark for Python: $BGR_OWASP_DIR, else the nearest shared/benchmarks/BenchmarkPython above this checkout. */
export function owaspBenchmarkDir() {
  if (process.env.BGR_OWASP_DIR) return process.env.BGR_OWASP_DIR;
  for (let dir = REPO_ROOT; ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, "shared", "benchmarks", "BenchmarkPython");
    if (existsSync(candidate)) return candidate;
    if (path.dirname(dir) === dir) return undefined;
  }
}

export const DJANGO_SOURCE = "/usr/lib/python3/dist-packages/django";

/** What to install when a corpus source or a peer tool is missing. */
export const INSTALL_HINT =
  "run `bash bench/corpus/install.sh` (as root: apt-get install -y bandit python3-django time) and `npm install` for the devDependencies eslint, eslint-plugin-security, typescript-eslint";

// [copy from, copy to inside the corpus]: app-like server code (the Express
// stack, Hono, the MCP SDK), a large CommonJS code base (ESLint's lib), and
// TypeScript sources shipped as .ts (Zod, Ajv).
const JS_TS_SOURCES = [
  ...["express", "router", "body-parser", "send", "serve-static", "finalhandler", "cookie", "cookie-signature",
    "content-disposition", "proxy-addr", "qs", "raw-body", "cors", "http-errors", "type-is", "accepts", "negotiator"]
    .map((pkg) => [`${pkg}`, `express-stack/${pkg}`]),
  ["hono/dist", "hono"],
  ["@modelcontextprotocol/sdk/dist/esm", "mcp-sdk"],
  ["eslint/lib", "eslint/lib"],
  ["zod/src", "zod"],
  ["ajv/lib", "ajv"],
];

// Build flavours and type declarations that would double-count the same code.
const SKIPPED_NAMES = new Set(["node_modules", "__pycache__", "cjs", "types", "locales", "tests", "test", "__tests__"]);
const SKIPPED_FILE = /\.(?:d\.[cm]?ts|map|min\.js)$/;

const PYTHON_EXTENSIONS = [".py"];
const JS_TS_EXTENSIONS = [".js", ".mjs", ".cjs", ".ts", ".mts", ".cts", ".tsx"];

// Only the corpus language's own files are copied: Django ships .js assets
// that bgr would audit and Bandit would not, and the tools must see the same files.
function copyTree(from, to, extensions) {
  cpSync(from, to, {
    recursive: true,
    dereference: true,
    filter: (source) => {
      const name = path.basename(source);
      if (source === from) return true;
      if (SKIPPED_NAMES.has(name) || SKIPPED_FILE.test(name)) return false;
      return statSync(source).isDirectory() || extensions.some((ext) => name.endsWith(ext));
    },
  });
}

function missing(what) {
  return new Error(`bench corpus: ${what} is missing; ${INSTALL_HINT}`);
}

async function listWithBgrWalker(root, extensions) {
  const walk = path.join(REPO_ROOT, "dist", "src", "tools", "walk.js");
  if (!existsSync(walk)) throw new Error("bench corpus: dist/ is missing; build first with `npx tsc -p .` (npm run bench does)");
  const { listFiles } = await import(pathToFileURL(walk).href);
  return listFiles(root, { extensions });
}

/**
 * Copies both corpora under baseDir (fresh each time) and returns
 * { python: { root, files }, jsts: { root, files } } with workspace-relative files.
 */
export async function prepareCorpora(baseDir) {
  if (!existsSync(DJANGO_SOURCE)) throw missing(`Django's source (${DJANGO_SOURCE}, Debian package python3-django)`);
  for (const [from] of JS_TS_SOURCES) {
    if (!existsSync(path.join(NODE_MODULES, from))) throw missing(`node_modules/${from}`);
  }
  rmSync(baseDir, { recursive: true, force: true });
  const pythonRoot = path.join(baseDir, "python");
  const jstsRoot = path.join(baseDir, "jsts");
  mkdirSync(pythonRoot, { recursive: true });
  mkdirSync(jstsRoot, { recursive: true });

  copyTree(DJANGO_SOURCE, path.join(pythonRoot, "django"), PYTHON_EXTENSIONS);
  for (const [from, to] of JS_TS_SOURCES) {
    const source = path.join(NODE_MODULES, from);
    if (statSync(source).isDirectory()) copyTree(source, path.join(jstsRoot, to), JS_TS_EXTENSIONS);
  }

  const python = await listWithBgrWalker(pythonRoot, PYTHON_EXTENSIONS);
  const jsts = await listWithBgrWalker(jstsRoot, JS_TS_EXTENSIONS);
  return { python: { root: pythonRoot, files: python }, jsts: { root: jstsRoot, files: jsts } };
}

// `node bench/corpus/prepare.mjs [DIR]`: build the corpora and say what is in them.
if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const baseDir = path.resolve(process.argv[2] ?? path.join(tmpdir(), "bgr-bench-corpus"));
  const corpora = await prepareCorpora(baseDir);
  for (const [name, corpus] of Object.entries(corpora)) {
    console.log(`${name}: ${corpus.files.length} files in ${corpus.root}`);
  }
}
