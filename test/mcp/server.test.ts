// End to end: the SDK's client spawns the built `bgr mcp` over stdio and
// drives real background runs on a copy of the bundled example.
import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, readFile, realpath, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { connectBgr, type BgrClient } from "./client.js";
import { startFakeProvider, type FakeProvider } from "../llm/fake-provider.js";
import { copyExample } from "../security/example-workspace.js";

const REPORT = ".agents/reports/20260123-143000-auth-security.md";
const SESSION = ".agents/sessions/20260123-140000-auth-feature.md";

describe("bgr mcp over stdio", () => {
  let parent: string;
  let root: string;
  let bgr: BgrClient;
  const servers: FakeProvider[] = [];
  before(async () => {
    parent = await realpath(await mkdtemp(path.join(tmpdir(), "bgr-mcp-")));
    root = path.join(parent, "auth-app");
    copyExample(root);
    bgr = await connectBgr(root);
  });
  after(async () => {
    await bgr?.close();
    for (const server of servers) await server.close();
    await rm(parent, { recursive: true, force: true });
  });

  it("lists the nine tools with their schemas", async () => {
    const { tools } = await bgr.client.listTools();
    assert.deepEqual(tools.map((t) => t.name), [
      "spawn_background_agent", "get_background_agent", "list_background_agents", "wait_background_agent",
      "cancel_background_agent", "list_reports", "read_report", "mark_report_processed", "check_report",
    ]);
    const spawn = tools[0]!;
    assert.equal(spawn.inputSchema.type, "object");
    assert.ok(spawn.inputSchema.properties && "prompt" in spawn.inputSchema.properties && "files" in spawn.inputSchema.properties);
  });

  it("spawns the example audit, waits, reads, checks and acks the report", async () => {
    const prompt = await readFile(path.join(root, "task.md"), "utf8");
    const spawned = await bgr.json("spawn_background_agent", { prompt });
    assert.equal(spawned.id, "bg-20260123-143000-auth-security");
    assert.equal(spawned.report, REPORT);
    assert.equal(spawned.session, SESSION);
    assert.equal(typeof spawned.pid, "number");

    const waited = await bgr.json("wait_background_agent", { ids: spawned.id, timeout_seconds: 170 });
    assert.equal(waited.status, "completed", JSON.stringify(waited));
    assert.equal(waited.runs[0].result_location, REPORT);

    const report = await bgr.call("read_report", { report: spawned.id });
    assert.equal(report.isError, false);
    assert.match(report.text, /^---\nreport:\n {2}title: "[^"]+"\n {2}type: background-agent-output\n {2}status: unprocessed\n/);
    assert.match(report.text, /background_agent_id: "bg-20260123-143000-auth-security"/);
    assert.match(report.text, /\n## Findings\n\n### Finding 1: /);
    assert.match(report.text, /\n## Files Analyzed\n\n(?:- `[^`]+`\n)*- `src\/auth\/token\.py`/);

    const status = await bgr.json("get_background_agent", { id: spawned.id });
    assert.equal(status.status, "completed");
    const session = await readFile(path.join(root, SESSION), "utf8");
    assert.match(session, /id: "?bg-20260123-143000-auth-security"?\n\s+agent: background-runner\n[\s\S]*?status: completed\n\s+result_location: "?\.agents\/reports\/20260123-143000-auth-security\.md"?/);

    const check = await bgr.json("check_report", { report: REPORT });
    assert.equal(check.ok, true, JSON.stringify(check.items, null, 2));
    assert.equal(check.items.length, 6);

    const unprocessed = await bgr.json("list_reports", { status: "unprocessed" });
    assert.ok(unprocessed.some((r: { path: string }) => r.path === REPORT));
    const acked = await bgr.json("mark_report_processed", { report: REPORT });
    assert.equal(acked.status, "processed");
    const after = await bgr.json("list_reports", { status: "unprocessed" });
    assert.equal(after.some((r: { path: string }) => r.path === REPORT), false);
  });

  it("runs a model-driven task against a local OpenAI-compatible server", async () => {
    const server = await startFakeProvider("openai", [
      { calls: [{ name: "Read", input: { file_path: "src/auth/token.py" } }] },
      {
        calls: [{
          name: "submit_report",
          input: {
            title: "Error handling in the token module",
            summary: "read_legacy_token accepts unsigned tokens.",
            findings: [{
              title: "Unsigned tokens accepted", severity: "High", file: "src/auth/token.py", line: 23,
              message: "Signature verification is disabled.", recommendation: "Drop the legacy path or sign legacy tokens.",
            }],
            recommendations: ["Remove read_legacy_token."],
          },
        }],
      },
    ]);
    servers.push(server);
    const spawned = await bgr.json("spawn_background_agent", {
      task: "Summarize error handling in src/auth.", kind: "llm", files: ["src/auth/token.py"],
      model: "local-model", provider: "openai", baseUrl: server.baseUrl,
    });
    const waited = await bgr.json("wait_background_agent", { ids: [spawned.id], timeoutSeconds: 170 });
    assert.equal(waited.status, "completed", JSON.stringify(waited));
    const report = await bgr.call("read_report", { report: spawned.report });
    // The runtime titles reports after the task; the model's own words land in the summary.
    assert.match(report.text, /\n## Summary\n\nread_legacy_token accepts unsigned tokens\.\n/);
    assert.match(report.text, /### Finding 1: Unsigned tokens accepted\n\*\*Severity\*\*: High\n\*\*Location\*\*: `src\/auth\/token\.py:23`/);
    assert.equal(server.requests.length, 2);
    assert.equal(server.requests[0]!.body.model, "local-model");
  });

  it("cancels a run that is waiting on its model; the partial report says so", async () => {
    let release!: () => void;
    const stuck = new Promise<void>((resolve) => (release = resolve));
    const server = await startFakeProvider("openai", [async () => { await stuck; return { text: "too late" }; }]);
    servers.push(server);
    const spawned = await bgr.json("spawn_background_agent", {
      task: "Describe the project layout.", kind: "llm", model: "m", provider: "openai", baseUrl: server.baseUrl,
    });
    for (let i = 0; i < 600 && server.requests.length === 0; i++) await new Promise((r) => setTimeout(r, 100));
    assert.equal(server.requests.length, 1, "the runner never reached the model");
    const cancelled = await bgr.json("cancel_background_agent", { id: spawned.id });
    release();
    assert.equal(cancelled.status, "failed");
    assert.match(cancelled.result_location, /-partial\.md$/);
    const report = await bgr.call("read_report", { report: spawned.id });
    assert.match(report.text, /\n## Blockers\n\n- [^\n]*cancel/i);
  });

  it("starts a missing session file only when asked (createSession), and only under .agents/sessions/", async () => {
    const missing = await bgr.call("spawn_background_agent", { task: "Audit src/auth for security issues", session: ".agents/sessions/mcp-new.md" });
    assert.equal(missing.isError, true);
    assert.match(missing.text, /does not exist: .*createSession: true/);
    const outside = await bgr.call("spawn_background_agent", { task: "Audit src/auth for security issues", session: "docs/mcp-new.md", createSession: true });
    assert.equal(outside.isError, true);
    assert.match(outside.text, /creates session files only under \.agents\/sessions\//);

    const spawned = await bgr.json("spawn_background_agent", {
      task: "Audit src/auth for security issues", files: ["src/auth/token.py"], session: ".agents/sessions/mcp-new.md", createSession: true, id: "bg-20260123-150000-mcp-created",
    });
    assert.equal(spawned.session, ".agents/sessions/mcp-new.md");
    const waited = await bgr.json("wait_background_agent", { ids: spawned.id, timeout_seconds: 170 });
    assert.equal(waited.status, "completed", JSON.stringify(waited));
    const session = await readFile(path.join(root, ".agents/sessions/mcp-new.md"), "utf8");
    assert.match(session, /^---\n/);
    assert.match(session, /id: "?bg-20260123-150000-mcp-created"?[\s\S]*?status: completed/);
  });

  it("turns bad input into MCP tool errors with one-line messages", async () => {
    const cases: Array<[string, Record<string, unknown>, RegExp]> = [
      ["spawn_background_agent", {}, /^give either prompt \(the free-form task prompt\) or task \(what to do\)$/],
      ["spawn_background_agent", { task: "Audit", output: "../elsewhere.md" }, /outside the workspace/],
      ["get_background_agent", { id: "bg-20990101-000000-missing" }, /^no run with id bg-20990101-000000-missing/],
      ["read_report", { report: ".agents/reports/nope.md" }, /does not exist/],
      ["wait_background_agent", { ids: "../../etc" }, /^invalid run id "\.\.\/\.\.\/etc": expected bg-YYYYMMDD-HHMMSS-<slug>/],
      ["wait_background_agent", {}, /^ids: required \(one run id/],
      ["wait_background_agent", { ids: 5 }, /^ids: expected one run id, or a list of them, as returned by spawn_background_agent \(got number 5\)$/],
      ["list_background_agents", { status: "sleeping" }, /^status: use one of running, completed, failed \(got "sleeping"\)$/],
      ["spawn_background_agent", { task: "Audit", maxTurns: "many" }, /^maxTurns: expected number, got "many"$/],
      ["spawn_background_agent", { task: "Audit", max_turns: 3 }, /^max_turns: not a field of this tool: did you mean maxTurns\?$/],
      ["spawn_background_agent", { task: "Audit", timeout: "soon" }, /^timeout "soon": give a positive duration/],
    ];
    for (const [tool, args, message] of cases) {
      const result = await bgr.call(tool, args);
      assert.equal(result.isError, true, `${tool} ${JSON.stringify(args)} → ${result.text}`);
      assert.match(result.text, message, tool);
      assert.equal(result.text.includes("\n"), false, `one line: ${result.text}`);
    }
  });
});
