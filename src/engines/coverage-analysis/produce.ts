// When no report exists and the run may execute the project's code
// (--allow-exec), run the project's own tests under coverage: Node as
// node-plan.ts decides (its c8/nyc script, else its test command under c8),
// Python through coverage.py over pytest or unittest. The output lands in the
// engine's cache folder, never in the project's own coverage/ folder.
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, rm } from "node:fs/promises";
import path from "node:path";
import { ensureCacheDir } from "../cache-dir.js";
import { nodePlan, ProduceError, type Step } from "./node-plan.js";

export { ProduceError };

export interface ProducedReport {
  /** The command line, as a user would type it. */
  command: string;
  exitCode: number | null;
  /** Last lines of the combined output, for the report. */
  output: string;
  /** Absolute paths of the reports written. */
  reports: string[];
}

const OUTPUT_TAIL_LINES = 15;

/** The project's tests run as their own suite: a test-runner marker inherited from a parent would redirect their output. */
function childEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, ...extra, CI: "1", FORCE_COLOR: "0" };
  delete env.NODE_TEST_CONTEXT;
  delete env.NODE_V8_COVERAGE;
  return env;
}

function display(step: Step): string {
  const env = Object.entries(step.env ?? {}).filter(([k]) => k !== "PATH").map(([k, v]) => `${k}=${v}`);
  return [...env, ...(step.shown ?? [step.file, ...step.args])].map((part) => (/[\s"']/.test(part) ? JSON.stringify(part) : part)).join(" ");
}

/** Runs one step in its own process group so a timeout or cancel kills the whole test tree. */
function runStep(step: Step, cwd: string, signal: AbortSignal, log: (m: string) => void): Promise<{ code: number | null; tail: string[] }> {
  return new Promise((resolve, reject) => {
    log(`running: ${[step.file, ...step.args].join(" ")}`);
    const child = spawn(step.file, step.args, {
      cwd,
      env: childEnv(step.env),
      stdio: ["ignore", "pipe", "pipe"],
      detached: process.platform !== "win32",
    });
    const tail: string[] = [];
    const collect = (chunk: Buffer) => {
      for (const line of chunk.toString("utf8").split("\n")) {
        if (line.trim() === "") continue;
        tail.push(line);
        if (tail.length > OUTPUT_TAIL_LINES) tail.shift();
      }
    };
    child.stdout.on("data", collect);
    child.stderr.on("data", collect);
    const kill = () => {
      try {
        if (child.pid !== undefined) process.kill(process.platform === "win32" ? child.pid : -child.pid, "SIGKILL");
      } catch {
        // already gone
      }
    };
    signal.addEventListener("abort", kill, { once: true });
    child.on("error", (error) => {
      signal.removeEventListener("abort", kill);
      reject(new ProduceError(`cannot start ${step.file}: ${error.message}`));
    });
    child.on("close", (code) => {
      signal.removeEventListener("abort", kill);
      if (signal.aborted) reject(signal.reason instanceof Error ? signal.reason : new Error("cancelled"));
      else resolve({ code, tail });
    });
  });
}

function canRun(file: string, args: string[]): Promise<boolean> {
  return new Promise((resolve) => {
    const child = spawn(file, args, { stdio: "ignore" });
    child.on("error", () => resolve(false));
    child.on("close", (code) => resolve(code === 0));
  });
}

async function pythonPlan(root: string, outDir: string): Promise<Step[] | undefined> {
  const markers = ["pyproject.toml", "setup.py", "setup.cfg", "requirements.txt", "pytest.ini", "tox.ini", "tests", "test"];
  if (!markers.some((m) => existsSync(path.join(root, m)))) return undefined;
  let python: string | undefined;
  for (const candidate of ["python3", "/usr/bin/python3", "python"]) {
    if (await canRun(candidate, ["-c", "import coverage"])) {
      python = candidate;
      break;
    }
  }
  if (!python) throw new ProduceError("coverage.py is not installed for any python3 on PATH: install it (pip install coverage, or apt-get install python3-coverage)");
  // No .pytest_cache or __pycache__ left in the project: bgr writes only under .agents/.
  const env = { COVERAGE_FILE: path.join(outDir, ".coverage"), PYTHONDONTWRITEBYTECODE: "1" };
  const runner = (await canRun(python, ["-c", "import pytest"])) ? ["-m", "pytest", "-p", "no:cacheprovider"] : ["-m", "unittest", "discover"];
  return [
    { file: python, args: ["-m", "coverage", "run", ...runner], env },
    { file: python, args: ["-m", "coverage", "json", "-o", path.join(outDir, "coverage.json")], env },
  ];
}

export async function produceCoverage(
  root: string,
  cacheDir: string,
  signal: AbortSignal,
  log: (message: string) => void,
): Promise<ProducedReport> {
  const outDir = path.join(cacheDir, "produced");
  // The folder (and .agents/cache/.gitignore) only inside the workspace; a symlink out of it is refused.
  if (!ensureCacheDir(cacheDir, root)) throw new ProduceError(`${path.relative(root, cacheDir)} resolves outside the workspace; remove that symlink`);
  await rm(outDir, { recursive: true, force: true });
  await mkdir(outDir, { recursive: true });
  const plan = nodePlan(root, outDir) ?? (await pythonPlan(root, outDir));
  if (!plan) {
    throw new ProduceError("no package.json or Python project files found: bgr knows how to run Node and Python tests under coverage only; pass --report F instead");
  }
  let exitCode: number | null = 0;
  let tail: string[] = [];
  for (const [index, step] of plan.entries()) {
    const result = await runStep(step, root, signal, log);
    // Failing tests still leave coverage behind; only the first step (the tests) says how the tests went.
    if (index === 0) {
      exitCode = result.code;
      tail = result.tail;
    } else if (result.code !== 0) tail = result.tail;
  }
  const reports = ["coverage-final.json", "lcov.info", "coverage.json"].map((name) => path.join(outDir, name)).filter((file) => existsSync(file));
  return { command: plan.map(display).join(" && "), exitCode, output: tail.join("\n"), reports };
}
