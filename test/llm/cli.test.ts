// The llm kind through the real CLI and runtime: `bgr run` in a child process.
import { describe, it, afterEach } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { makeWorkspace, type TempWorkspace } from "../tools/workspace.js";
import { startFakeProvider, type FakeProvider } from "./fake-provider.js";

const CLI_MAIN = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../src/cli/main.js");
const SESSION = ".agents/sessions/20260123-140000-docs.md";

function bgr(args: string[], env: Record<string, string> = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI_MAIN, ...args], {
      env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "/tmp", ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk) => (stdout += chunk));
    child.stderr.on("data", (chunk) => (stderr += chunk));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

describe("bgr run --kind llm", () => {
  let ws: TempWorkspace;
  let server: FakeProvider | undefined;
  afterEach(async () => {
    await server?.close();
    await ws.cleanup();
  });

  it("without a model, fails the seed's way: partial report with Blockers, session entry failed", async () => {
    ws = await makeWorkspace({ "docs/api.md": "# API\n", [SESSION]: "---\ntitle: docs\n---\nBody\n" });
    const run = await bgr(["run", "--cwd", ws.root, "--kind", "llm", "--task", "Audit our docs for stale API references", "--session", SESSION, "--json"]);
    assert.equal(run.code, 1, run.stderr);
    const out = JSON.parse(run.stdout);
    assert.equal(out.status, "failed");
    assert.match(out.report, /-partial\.md$/);
    const report = await readFile(path.join(ws.root, out.report), "utf8");
    assert.match(report, /\n## Blockers\n\n- No model is configured for this model-driven run \(agent "background-runner" has model: inherit\): set one of: --model/);
    const session = await readFile(path.join(ws.root, SESSION), "utf8");
    assert.match(session, /status: failed\n\s+result_location: "?\.agents\/reports\/[^\n]*-partial\.md"?/);
  });

  it("takes the model from the session file's front matter and completes", async () => {
    server = await startFakeProvider("openai", [
      { calls: [{ name: "Grep", input: { pattern: "getUser", path: "docs" } }] },
      {
        calls: [{
          name: "submit_report",
          input: {
            title: "Stale API references", summary: "docs/api.md names getUser, which no longer exists.",
            findings: [{ title: "Stale reference to getUser", severity: "Low", file: "docs/api.md", line: 2, message: "getUser was renamed.", recommendation: "Say fetchUser." }],
            recommendations: ["Update docs/api.md."], filesAnalyzed: ["docs/api.md"],
          },
        }],
      },
    ]);
    ws = await makeWorkspace({ "docs/api.md": "# API\nCall getUser(id).\n", [SESSION]: "---\ntitle: docs\nmodel: session-model\n---\nBody\n" });
    const run = await bgr(
      ["run", "--cwd", ws.root, "--kind", "llm", "--task", "Audit our docs for stale API references", "--session", SESSION, "--provider", "openai", "--base-url", server.baseUrl, "--json"],
    );
    assert.equal(run.code, 0, `${run.stdout}\n${run.stderr}`);
    assert.equal(server.requests[0]!.body.model, "session-model");
    const out = JSON.parse(run.stdout);
    const report = await readFile(path.join(ws.root, out.report), "utf8");
    assert.match(report, /### Finding 1: Stale reference to getUser\n\*\*Severity\*\*: Low\n\*\*Location\*\*: `docs\/api\.md:2`/);
    const log = await readFile(path.join(ws.root, ".agents/runs", `${out.id}.log`), "utf8");
    assert.match(log, /model session-model \(from session front matter\) via openai at http:\/\/127\.0\.0\.1:\d+\/v1/);
    assert.match(log, /turn 1\/40: Grep\(getUser\); 120 tokens so far/);
  });
});
