// Shared by the coverage tests: real projects in temp dirs, the engine run
// the way the runtime runs it.
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, realpathSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import path from "node:path";
import { coverageAnalysisEngine } from "../../src/engines/coverage-analysis/index.js";
import type { EngineOptions, EngineResult } from "../../src/engines/types.js";

export function makeProject(files: Record<string, string>): string {
  const root = realpathSync(mkdtempSync(path.join(tmpdir(), "bgr-cov-")));
  writeFiles(root, files);
  return root;
}

export function writeFiles(root: string, files: Record<string, string>): void {
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
    writeFileSync(path.join(root, rel), text);
  }
}

export async function analyze(root: string, options: EngineOptions = {}, scope: string[] = [], task = "Coverage analysis"): Promise<EngineResult> {
  return coverageAnalysisEngine.run({
    root,
    scope,
    task,
    instructions: "",
    options,
    signal: new AbortController().signal,
    log: () => undefined,
    progress: () => undefined,
    cacheDir: path.join(root, ".agents", "cache", "coverage-analysis"),
  });
}

export type Totals = Record<string, { covered: number; total: number; pct: number }>;

export function totalsOf(result: EngineResult): Totals {
  return (result.data?.totals ?? {}) as Totals;
}

/** c8's CLI from bgr's devDependencies: resolving it throws (and fails the test) when it is missing. */
export function c8Bin(): string {
  const require = createRequire(import.meta.url);
  return path.join(path.dirname(require.resolve("c8/package.json")), "bin", "c8.js");
}

/** Debian's python3 with coverage.py (python3-coverage); the pyenv python3 on PATH does not have it. */
export const SYSTEM_PYTHON = "/usr/bin/python3";

/** The environment of a child that runs its own test suite: node:test's parent marker removed, or the nested run reports to us. */
export function childEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, ...extra, NO_COLOR: "1", FORCE_COLOR: "0" };
  delete env.NODE_TEST_CONTEXT;
  delete env.NODE_V8_COVERAGE;
  return env;
}

export function run(file: string, args: string[], cwd: string, env: Record<string, string> = {}): string {
  return execFileSync(file, args, { cwd, env: childEnv(env), encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
}

/** Runs and returns stdout even when the command exits non-zero (coverage.py's fail_under does). */
export function runAllowingFailure(file: string, args: string[], cwd: string): string {
  try {
    return run(file, args, cwd);
  } catch (error) {
    const failed = error as { stdout?: string; status?: number; stderr?: string };
    if (failed.status === undefined || failed.status === null) throw error;
    return failed.stdout ?? "";
  }
}

export function git(root: string, ...args: string[]): string {
  return run("git", ["-c", "user.email=t@example.com", "-c", "user.name=t", "-c", "commit.gpgsign=false", ...args], root);
}
