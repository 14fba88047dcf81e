// What MCP clients expect beyond calling tools: annotations, output schemas
// with structured results (the SDK's client validates each result against
// its tool's outputSchema), reports as resources, camelCase fields with the
// old names as aliases, and a server that survives an oversized message.
import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtemp, readFile, realpath, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { connectBgr, type BgrClient } from "./client.js";
import { copyExample } from "../security/example-workspace.js";

const CLI_MAIN = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../src/cli/main.js");

describe("bgr mcp as MCP clients expect", () => {
  let parent: string;
  let root: string;
  let bgr: BgrClient;
  before(async () => {
    parent = await realpath(await mkdtemp(path.join(tmpdir(), "bgr-mcp-protocol-")));
    root = path.join(parent, "auth-app");
    copyExample(root);
    bgr = await connectBgr(root);
  });
  after(async () => {
    await bgr?.close();
    await rm(parent, { recursive: true, force: true });
  });

  it("annotates every tool and gives each an outputSchema", async () => {
    const { tools } = await bgr.client.listTools();
    assert.equal(tools.length, 9);
    for (const tool of tools) {
      const hints = tool.annotations ?? {};
      for (const hint of ["readOnlyHint", "destructiveHint", "idempotentHint", "openWorldHint"] as const) {
        assert.equal(typeof hints[hint], "boolean", `${tool.name} ${hint}`);
      }
      assert.equal(tool.outputSchema?.type, "object", `${tool.name} outputSchema`);
      assert.equal(tool.inputSchema.type, "object");
    }
    const byName = new Map(tools.map((t) => [t.name, t]));
    assert.equal(byName.get("read_report")!.annotations!.readOnlyHint, true);
    assert.equal(byName.get("cancel_background_agent")!.annotations!.destructiveHint, true);
    assert.equal(byName.get("spawn_background_agent")!.annotations!.readOnlyHint, false);
    const spawnSchema = byName.get("spawn_background_agent")!.inputSchema as { description?: string; properties: Record<string, unknown> };
    assert.match(spawnSchema.description ?? "", /`prompt`.*or `task`.*required/);
    assert.match(byName.get("spawn_background_agent")!.description ?? "", /one of the two is required/);
    // One naming style: camelCase fields, no snake_case besides the documented alias.
    const wait = byName.get("wait_background_agent")!.inputSchema as { properties: Record<string, unknown> };
    assert.ok("timeoutSeconds" in wait.properties);
    for (const tool of tools) {
      for (const key of Object.keys((tool.inputSchema as { properties?: object }).properties ?? {})) {
        assert.ok(/^[a-z][A-Za-z]*$/.test(key) || key === "timeout_seconds", `${tool.name}.${key}`);
      }
    }
  });

  it("returns structuredContent that matches the outputSchema, with the text block kept", async () => {
    const spawned = await bgr.call("spawn_background_agent", {
      task: "Security audit of src/auth/token.py", out: ".agents/reports/20260301-120000-token.md",
    });
    assert.equal(spawned.isError, false, spawned.text);
    assert.equal(spawned.structured?.report, ".agents/reports/20260301-120000-token.md");
    assert.deepEqual(JSON.parse(spawned.text).id, spawned.structured?.id);

    const waited = await bgr.call("wait_background_agent", { ids: spawned.structured!.id, timeout_seconds: 170 });
    assert.equal(waited.structured?.status, "completed", waited.text);

    const listed = await bgr.call("list_background_agents", {});
    assert.ok(Array.isArray(JSON.parse(listed.text)), "the text block stays the plain list");
    assert.equal((listed.structured!.runs as unknown[]).length, 1);

    const reports = await bgr.call("list_reports", {});
    assert.ok((reports.structured!.reports as Array<{ path: string }>).some((r) => r.path === ".agents/reports/20260301-120000-token.md"));

    const read = await bgr.call("read_report", { report: spawned.structured!.id as string });
    assert.match(read.text, /^---\nreport:/);
    assert.equal(read.structured?.markdown, read.text);
    assert.equal(read.structured?.report, ".agents/reports/20260301-120000-token.md");

    const checked = await bgr.call("check_report", { report: spawned.structured!.id as string });
    assert.equal(typeof checked.structured?.ok, "boolean");
    const acked = await bgr.call("mark_report_processed", { report: spawned.structured!.id as string });
    assert.equal(acked.structured?.status, "processed");
    const cancelled = await bgr.call("cancel_background_agent", { id: spawned.structured!.id as string });
    assert.equal(cancelled.structured?.cancelled, false);
    const status = await bgr.call("get_background_agent", { id: spawned.structured!.id as string });
    assert.equal(status.structured?.status, "completed");

    // Reports are resources too: listed and read without a tool call.
    const { resources } = await bgr.client.listResources();
    const resource = resources.find((r) => r.uri === `bgr://reports/${String(spawned.structured!.id)}`);
    assert.ok(resource, JSON.stringify(resources));
    assert.equal(resource.mimeType, "text/markdown");
    const contents = await bgr.client.readResource({ uri: resource.uri });
    const text = (contents.contents[0] as { text: string }).text;
    assert.equal(text, await readFile(path.join(root, ".agents/reports/20260301-120000-token.md"), "utf8"));
    const { resourceTemplates } = await bgr.client.listResourceTemplates();
    assert.equal(resourceTemplates[0]?.uriTemplate, "bgr://reports/{id}");
    await assert.rejects(bgr.client.readResource({ uri: "bgr://reports/bg-20990101-000000-none" }), /bg-20990101-000000-none/);
  });

  it("accepts `output` as an alias of `out`, and names MCP fields in refusals", async () => {
    const spawned = await bgr.call("spawn_background_agent", { task: "Security audit", output: "../x.md" });
    assert.equal(spawned.isError, true);
    assert.match(spawned.text, /outside the workspace/);
    const turns = await bgr.call("spawn_background_agent", { task: "Summarize", kind: "llm", reports: ["nope.info"] });
    assert.equal(turns.isError, true);
    assert.match(turns.text, /^reports "nope\.info": no such file/);
    assert.doesNotMatch(turns.text, /--report/);
    const url = await bgr.call("spawn_background_agent", { task: "Summarize", kind: "llm", baseUrl: "ftp://x" });
    assert.match(url.text, /^baseUrl "ftp:\/\/x": give an http\(s\) URL/);

    // A run's blockers name MCP fields too: no coverage report here, and the fix is a field, not --run-tests.
    const coverage = await bgr.call("spawn_background_agent", { task: "Coverage analysis", kind: "coverage-analysis" });
    assert.equal(coverage.isError, false, coverage.text);
    const waited = await bgr.call("wait_background_agent", { ids: coverage.structured!.id, timeoutSeconds: 170 });
    assert.equal(waited.structured?.status, "failed");
    const partial = await bgr.call("read_report", { report: coverage.structured!.id as string });
    assert.match(partial.text, /pass reports: \[F\], or let bgr run the project's test command under coverage with allowExec: true/);
    assert.doesNotMatch(partial.text, /--allow-exec|--report/);
  });
});

describe("bgr mcp and an oversized message", () => {
  it("answers a 20 MB message with an error, says why on stderr, and keeps serving", async () => {
    const root = await realpath(await mkdtemp(path.join(tmpdir(), "bgr-mcp-big-")));
    const child = spawn(process.execPath, [CLI_MAIN, "mcp", "--cwd", root], { cwd: root, stdio: ["pipe", "pipe", "pipe"] });
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    const answers = createInterface({ input: child.stdout });
    const pending = new Map<unknown, (message: any) => void>();
    answers.on("line", (line) => {
      const message = JSON.parse(line) as { id?: unknown };
      pending.get(message.id)?.(message);
    });
    const answer = (id: unknown) => new Promise<any>((resolve) => pending.set(id, resolve));
    const send = (message: object) => child.stdin.write(`${JSON.stringify(message)}\n`);
    try {
      const init = answer(1);
      send({ jsonrpc: "2.0", id: 1, method: "initialize", params: { protocolVersion: "2025-06-18", capabilities: {}, clientInfo: { name: "t", version: "1" } } });
      assert.ok((await init).result);
      send({ jsonrpc: "2.0", method: "notifications/initialized" });

      const big = answer(2);
      const prompt = "x".repeat(20 * 1024 * 1024);
      send({ jsonrpc: "2.0", id: 2, method: "tools/call", params: { name: "spawn_background_agent", arguments: { prompt } } });
      const refused = await big;
      assert.equal(refused.error.code, -32600);
      assert.match(refused.error.message, /exceeds bgr's limit/);

      const garbage = answer(null);
      child.stdin.write("{not json\n");
      assert.equal((await garbage).error.code, -32700);

      const listed = answer(3);
      send({ jsonrpc: "2.0", id: 3, method: "tools/list" });
      assert.equal((await listed).result.tools.length, 9);
      assert.match(stderr, /bgr mcp: dropped a message of \d+ bytes/);
      assert.equal(child.exitCode, null, "still serving");
    } finally {
      child.stdin.end();
      await new Promise((resolve) => child.once("close", resolve));
      await rm(root, { recursive: true, force: true });
    }
  });
});
