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

  it("takes the model from the session file's front matter over the config file's, and completes", async () => {
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
    // The config's model ranks after the session's (SPEC order: --model, BGR_MODEL, session, config).
    ws = await makeWorkspace({
      "docs/api.md": "# API\nCall getUser(id).\n",
      [SESSION]: "---\ntitle: docs\nmodel: session-model\n---\nBody\n",
      ".agents/config.yaml": "model: config-model\n",
    });
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

  it("--triage hands the security engine's findings to the model; dismissed ones stay listed", async () => {
    server = await startFakeProvider("openai", [
      {
        calls: [{
          name: "submit_report",
          input: {
            title: "Triage", summary: "The injection is real; the MD5 is an ETag.",
            verdicts: [
              { id: "F1", verdict: "confirmed", reason: "name comes straight from the query string" },
              { id: "F2", verdict: "dismissed", reason: "MD5 only names a cache entry" },
            ],
            recommendations: ["Parameterize the lookup."],
          },
        }],
      },
    ]);
    ws = await makeWorkspace({
      "app.py": [
        "import hashlib",
        "import sqlite3",
        "from flask import Flask, request",
        "app = Flask(__name__)",
        "",
        "@app.route('/user')",
        "def user():",
        "    name = request.args.get('name')",
        "    sqlite3.connect('db').execute(\"SELECT * FROM users WHERE name = '\" + name + \"'\")",
        "    return 'ok'",
        "",
        "def password_digest(password):",
        "    return hashlib.md5(password.encode()).hexdigest()",
        "",
      ].join("\n"),
      [SESSION]: "---\ntitle: audit\n---\n",
    });
    const run = await bgr([
      "run", "--cwd", ws.root, "--kind", "security-audit", "--task", "Security audit of app.py", "--files", "app.py",
      "--session", SESSION, "--triage", "--model", "m", "--provider", "openai", "--base-url", server.baseUrl, "--json",
    ]);
    assert.equal(run.code, 0, `${run.stdout}\n${run.stderr}`);
    assert.equal(server.requests.length, 1);
    const prompt = JSON.stringify(server.requests[0]!.body.messages);
    assert.match(prompt, /F1\. \[High\] [^\n]*sql/i);
    const out = JSON.parse(run.stdout);
    const report = await readFile(path.join(ws.root, out.report), "utf8");
    assert.match(report, /## Triage\n\n2 engine findings: 1 confirmed, 1 dismissed/);
    assert.match(report, /### Finding \d: Dismissed: [^\n]+\n\*\*Severity\*\*: Info/);
    assert.match(report, /Confirmed by triage: name comes straight from the query string/);
  });
});
