// Shared by the runtime and CLI tests: real workspaces in temp folders, the
// real `bgr` binary in child processes, and a fake OpenAI-compatible model
// server for runs that must stay busy (cancel, timeout, kill -9).
import { execFile, spawn } from "node:child_process";
import { createServer, type Server } from "node:http";
import { mkdir, mkdtemp, readFile, realpath, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { setTimeout as sleep } from "node:timers/promises";

export const BGR = fileURLToPath(new URL("../../src/cli/main.js", import.meta.url));

export const SEED_PROMPT = `Run security audit on auth module.

Files:
- src/auth/endpoints.py
- src/auth/token.py

Check for OWASP Top 10 vulnerabilities.

Write report to: .agents/reports/20260123-143000-auth-security.md

Session: .agents/sessions/20260123-140000-auth-feature.md
Background Agent ID: bg-20260123-143000-auth-security`;

export const SESSION_TEXT = `---
# Opened by the PM agent.
title: "Auth feature"   # keep this comment
created: 2026-01-23T14:00:00Z
background_agents:
  - id: "bg-20260123-141000-coverage"
    agent: background-runner
    task: "Coverage analysis"
    status: completed
    result_location: ".agents/reports/20260123-141000-coverage.md"
notes: keep me
---

# Auth feature

Body text.
`;

export const SESSION = ".agents/sessions/20260123-140000-auth-feature.md";

/** A workspace with the seed's auth module, a session file, and an LCOV report (for quick, completing coverage runs). */
export async function makeWorkspace(prefix = "bgr-ws-"): Promise<string> {
  const root = await realpath(await mkdtemp(path.join(tmpdir(), prefix)));
  const files: Record<string, string> = {
    "src/auth/endpoints.py": "import sqlite3\n\ndef login(db, user):\n    return db.execute(\"SELECT * FROM users WHERE name = '%s'\" % user)\n",
    "src/auth/token.py": "import hashlib\n\ndef token(secret):\n    return hashlib.md5(secret.encode()).hexdigest()\n",
    "src/a.js": "export function a(x) {\n  if (x) return 1;\n  return 2;\n}\n",
    "coverage/lcov.info": "TN:\nSF:src/a.js\nFN:1,a\nFNDA:1,a\nFNF:1\nFNH:1\nDA:1,1\nDA:2,1\nDA:3,0\nLF:3\nLH:2\nend_of_record\n",
    [SESSION]: SESSION_TEXT,
  };
  for (const [rel, text] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(root, rel)), { recursive: true });
    await writeFile(path.join(root, rel), text);
  }
  return root;
}

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export function bgr(args: string[], opts: { cwd: string; env?: Record<string, string>; input?: string }): Promise<CliResult> {
  return new Promise((resolve) => {
    const child = execFile(
      process.execPath,
      [BGR, ...args],
      { cwd: opts.cwd, env: { ...process.env, BGR_RUN_ID: "", ...opts.env }, maxBuffer: 16 * 1024 * 1024 },
      (error, stdout, stderr) => {
        const code = error ? (typeof (error as { code?: unknown }).code === "number" ? ((error as { code: number }).code) : 1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
    child.stdin?.end(opts.input ?? "");
  });
}

export async function bgrJson<T>(args: string[], opts: { cwd: string; env?: Record<string, string> }): Promise<T> {
  const result = await bgr([...args, "--json"], opts);
  if (result.code !== 0 && !result.stdout.trim().startsWith("{") && !result.stdout.trim().startsWith("[")) {
    throw new Error(`bgr ${args.join(" ")} exited ${result.code}: ${result.stderr}`);
  }
  return JSON.parse(result.stdout) as T;
}

export async function readText(root: string, rel: string): Promise<string> {
  return readFile(path.join(root, rel), "utf8");
}

export async function waitUntil<T>(what: string, probe: () => Promise<T | undefined>, limitMs = 90_000): Promise<T> {
  const deadline = Date.now() + limitMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what}`);
    await sleep(50);
  }
}

/**
 * An OpenAI-compatible chat endpoint that holds every request open until
 * closed: a model "thinking" forever, so a run stays busy until it is
 * cancelled, times out or is killed.
 */
export async function startSilentModelServer(): Promise<{ baseUrl: string; requests: () => number; close: () => Promise<void> }> {
  let count = 0;
  const open = new Set<import("node:http").ServerResponse>();
  const server: Server = createServer((req, res) => {
    count++;
    req.resume();
    open.add(res);
    res.on("close", () => open.delete(res));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as { port: number }).port;
  return {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    requests: () => count,
    close: async () => {
      for (const res of open) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

export { spawn };

/** SIGKILLs every process whose command line mentions `root` (what a killed runner leaves behind, e.g. its test suite). */
export async function killProcessesMentioning(root: string): Promise<void> {
  const { readdir: list } = await import("node:fs/promises");
  for (const entry of await list("/proc")) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    const cmdline = await readFile(`/proc/${entry}/cmdline`, "utf8").catch(() => "");
    if (cmdline.includes(root)) {
      try {
        process.kill(Number(entry), "SIGKILL");
      } catch {
        // already gone
      }
    }
  }
}
