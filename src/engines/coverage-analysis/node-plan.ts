// Which command measures a Node project's coverage the way its maintainers
// do: a c8/nyc invocation in its own scripts (with its flags), else its test
// command (`npm test`) under the project's c8, else under bgr's own c8. The
// report goes to bgr's cache folder, never to the project's coverage/.
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { parse as parseYaml } from "yaml";

export interface Step {
  file: string;
  args: string[];
  env?: Record<string, string>;
  /** What the user would type for this step, when it differs from file + args (bgr's own c8 is `c8`). */
  shown?: string[];
}

export class ProduceError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ProduceError";
  }
}

const NPM_DEFAULT_TEST = /no test specified/;
/** Scripts projects name their coverage run, tried in this order after `test`. */
const COVERAGE_SCRIPTS = ["coverage", "test:coverage", "test:cov", "test-cov", "cov", "test-coverage", "test:ci", "test-ci"];
/** A script with any of these is more than one command: it is run as `npm test`, not taken apart. */
const SHELL_SYNTAX = /[;&|<>`$()"'\\]/;
/** c8 and nyc flags that take no value; every other `--flag` without `=` takes the next word. */
const BOOLEAN_FLAGS = new Set([
  "all", "check-coverage", "per-file", "100", "clean", "exclude-after-remap", "skip-full", "allowExternal", "allow-external",
  "exclude-node-modules", "omit-relative", "merge-async", "experimental-monocart", "cache", "silent", "instrument", "source-map",
  "produce-source-map", "hook-require", "hook-run-in-context", "hook-run-in-this-context", "show-process-tree", "skip-empty", "es-modules",
  "use-spawn-wrap", "h", "help", "v", "version",
]);
/** Where the project's flags send output or set a gate: bgr sets these itself (its cache folder, no gate). */
const OVERRIDDEN_FLAGS = new Set([
  "reporter", "r", "reports-dir", "report-dir", "o", "temp-directory", "temp-dir", "t", "check-coverage", "lines", "branches",
  "functions", "statements", "per-file", "100", "clean", "cache", "skip-full", "watermarks",
]);
/** The options of a project's c8/nyc config that decide which files count. */
const SELECTION_KEYS = ["include", "exclude", "all", "src", "extension", "exclude-node-modules", "excludeNodeModules", "exclude-after-remap", "excludeAfterRemap", "allowExternal", "omit-relative"];

interface PackageJson {
  scripts?: Record<string, string>;
  c8?: Record<string, unknown>;
  nyc?: Record<string, unknown>;
}

export function readPackageJson(root: string): PackageJson | undefined {
  const manifest = path.join(root, "package.json");
  if (!existsSync(manifest)) return undefined;
  try {
    return JSON.parse(readFileSync(manifest, "utf8")) as PackageJson;
  } catch {
    throw new ProduceError("package.json: invalid JSON: fix it so its test script can run");
  }
}

interface CoverageInvocation {
  tool: "c8" | "nyc";
  /** The project's own flags, minus where output goes and the gate. */
  flags: string[];
  command: string[];
  script: string;
}

/** `c8 --include=src mocha test/` → tool, selection flags, the command it wraps; undefined when the script is not that simple. */
export function parseCoverageScript(script: string, name: string): CoverageInvocation | undefined {
  if (SHELL_SYNTAX.test(script)) return undefined;
  const words = script.trim().split(/\s+/);
  const tool = words[0];
  if (tool !== "c8" && tool !== "nyc") return undefined;
  const flags: string[] = [];
  let i = 1;
  while (i < words.length && words[i]!.startsWith("-")) {
    const word = words[i]!;
    const bare = word.replace(/^-+/, "");
    const [flagName] = bare.split("=", 1);
    const takesValue = !bare.includes("=") && !bare.startsWith("no-") && !BOOLEAN_FLAGS.has(flagName!);
    const group = takesValue && i + 1 < words.length ? [word, words[i + 1]!] : [word];
    i += group.length;
    if (!OVERRIDDEN_FLAGS.has(flagName!.replace(/^no-/, ""))) flags.push(...group);
  }
  const command = words.slice(i);
  // `c8 report` and `nyc check-coverage` read an earlier run; they run no tests.
  if (command.length === 0 || ["report", "check-coverage", "merge", "instrument"].includes(command[0]!)) return undefined;
  return { tool, flags, command, script: name };
}

function bgrC8(): string {
  const require = createRequire(import.meta.url);
  return path.join(path.dirname(require.resolve("c8/package.json")), "bin", "c8.js");
}

/** A project that configures nyc (package.json `nyc`, .nycrc.yml) but not c8: its file selection, as a c8 config file. */
function nycSelectionConfig(root: string, pkg: PackageJson, outDir: string): string[] {
  // c8 itself reads .c8rc, .c8rc.json, .nycrc, .nycrc.json and package.json `c8`.
  const c8Reads = [".c8rc", ".c8rc.json", ".nycrc", ".nycrc.json"].some((f) => existsSync(path.join(root, f)));
  if (c8Reads || pkg.c8) return [];
  let options: Record<string, unknown> | undefined = pkg.nyc;
  for (const name of [".nycrc.yml", ".nycrc.yaml"]) {
    if (options || !existsSync(path.join(root, name))) continue;
    const parsed = parseYaml(readFileSync(path.join(root, name), "utf8")) as unknown;
    if (parsed && typeof parsed === "object") options = parsed as Record<string, unknown>;
  }
  if (!options) return [];
  const selection = Object.fromEntries(SELECTION_KEYS.filter((k) => k in options!).map((k) => [k, options![k]]));
  if (Object.keys(selection).length === 0) return [];
  const file = path.join(outDir, "c8rc.json");
  writeFileSync(file, `${JSON.stringify(selection, null, 2)}\n`);
  return [`--config=${file}`];
}

function c8Outputs(outDir: string): string[] {
  return ["--reporter=json", "--reporter=text-summary", `--reports-dir=${outDir}`, `--temp-directory=${path.join(outDir, "v8")}`, "--check-coverage=false", "--clean=true"];
}

function nycOutputs(outDir: string): string[] {
  return ["--reporter=json", "--reporter=text-summary", `--report-dir=${outDir}`, `--temp-dir=${path.join(outDir, "nyc")}`, "--check-coverage=false", "--cache=false"];
}

/** bin/ folders of the project and its ancestors, as npm puts them on PATH for a script. */
function scriptPath(root: string): string {
  const bins: string[] = [];
  for (let dir = root; ; dir = path.dirname(dir)) {
    bins.push(path.join(dir, "node_modules", ".bin"));
    if (path.dirname(dir) === dir) break;
  }
  return [...bins, process.env.PATH ?? ""].join(path.delimiter);
}

/**
 * tap measures coverage itself and points NODE_V8_COVERAGE at its own folder,
 * so c8 around it would see nothing (and tap fails below 100%): its own
 * coverage is turned off (`--disable-coverage` since tap 18, `--no-coverage` before).
 */
function tapWithoutItsCoverage(root: string, testScript: string): string[] {
  const words = testScript.trim().split(/\s+/);
  if (words[0] !== "tap" || words.some((w) => w === "--disable-coverage" || w === "--no-coverage" || w === "--coverage=false")) return [];
  let major = 18;
  try {
    const version = (JSON.parse(readFileSync(path.join(root, "node_modules", "tap", "package.json"), "utf8")) as { version?: string }).version;
    major = Number(version?.split(".")[0]) || major;
  } catch {
    // not installed where we look: assume a current tap
  }
  return ["--", major >= 18 ? "--disable-coverage" : "--no-coverage"];
}

export function nodePlan(root: string, outDir: string): Step[] | undefined {
  const pkg = readPackageJson(root);
  if (!pkg) return undefined;
  const scripts = pkg.scripts ?? {};
  const testScript = scripts.test && !NPM_DEFAULT_TEST.test(scripts.test) ? scripts.test : undefined;
  const local = (tool: string) => path.join(root, "node_modules", ".bin", tool);

  // The project's own coverage invocation: the test script itself, or a coverage script.
  for (const name of ["test", ...COVERAGE_SCRIPTS]) {
    const script = scripts[name];
    const invocation = script === undefined ? undefined : parseCoverageScript(script, name);
    if (!invocation || !existsSync(local(invocation.tool))) continue;
    const outputs = invocation.tool === "c8" ? c8Outputs(outDir) : nycOutputs(outDir);
    return [
      {
        file: local(invocation.tool),
        args: [...invocation.flags, ...outputs, ...invocation.command],
        env: { PATH: scriptPath(root) },
        shown: [invocation.tool, ...invocation.flags, ...invocation.command],
      },
    ];
  }

  // Otherwise the test command under c8: the project's, else bgr's own (the same V8 coverage and conversion).
  const command = testScript ? ["npm", "test", ...tapWithoutItsCoverage(root, testScript)] : [process.execPath, "--test"];
  const shownCommand = testScript ? command : ["node", "--test"];
  const selection = nycSelectionConfig(root, pkg, outDir);
  if (existsSync(local("c8"))) {
    return [{ file: local("c8"), args: [...selection, ...c8Outputs(outDir), ...command], shown: ["c8", ...shownCommand] }];
  }
  return [{ file: process.execPath, args: [bgrC8(), ...selection, ...c8Outputs(outDir), ...command], shown: ["c8", ...shownCommand] }];
}
