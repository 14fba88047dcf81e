import { describe, it, before, beforeEach, afterEach } from "node:test";
import assert from "node:assert/strict";
import { llmEngine } from "../../src/engines/llm/index.js";
import { loadBuiltinAgent, type AgentDefinition } from "../../src/protocol/agent.js";
import { makeWorkspace, type TempWorkspace } from "../tools/workspace.js";
import { clearModelEnv, engineContext } from "./context.js";
import { startFakeProvider, toolResultsIn, wireStream, type FakeProvider, type Step } from "./fake-provider.js";

const report = {
  title: "Layout", summary: "Two modules.",
  findings: [{ title: "Secret in source", severity: "Medium", file: "src/a.py", line: 1, message: "A literal key.", recommendation: "Use the environment." }],
  recommendations: ["Move the key."],
};

for (const wire of ["anthropic", "openai"] as const) {
  describe(`streamed responses over ${wire}`, () => {
    let ws: TempWorkspace;
    let server: FakeProvider | undefined;
    let agent: AgentDefinition;
    before(async () => {
      agent = await loadBuiltinAgent();
    });
    beforeEach(async () => {
      clearModelEnv();
      ws = await makeWorkspace({ "src/a.py": "KEY = 'abc'\n", "src/b.py": "import a\n" });
    });
    afterEach(async () => {
      await server?.close();
      await ws.cleanup();
    });
    const run = async (script: Step[]) => {
      server = await startFakeProvider(wire, script);
      const ctx = engineContext(ws.root, { agent, model: "m", provider: wire, baseUrl: server.baseUrl, stream: true });
      return { ctx, result: await llmEngine.run(ctx) };
    };

    it("assembles text and tool calls from deltas", async () => {
      const { result } = await run([
        { text: "Let me look around first.", calls: [{ name: "Glob", input: { pattern: "src/*.py" } }, { name: "Read", input: { file_path: "src/a.py" } }] },
        { calls: [{ name: "submit_report", input: report }] },
      ]);
      assert.equal(result.blockers, undefined);
      assert.equal(result.findings[0]!.title, "Secret in source");
      assert.deepEqual(result.filesAnalyzed, ["src/a.py"]);
      assert.deepEqual(result.data!.usage, { inputTokens: 200, outputTokens: 40 });
      const first = server!.requests[0]!.body;
      assert.equal(first.stream, true);
      if (wire === "openai") assert.deepEqual(first.stream_options, { include_usage: true });
      assert.deepEqual(toolResultsIn(wire, server!.requests[1]!), [
        { text: "src/a.py\nsrc/b.py", isError: false },
        { text: "     1\tKEY = 'abc'", isError: false },
      ]);
      const replayed = server!.requests[1]!.body.messages;
      const assistant = wire === "anthropic" ? replayed[1].content[0] : replayed[2];
      assert.deepEqual(wire === "anthropic" ? assistant : assistant.content, wire === "anthropic" ? { type: "text", text: "Let me look around first." } : "Let me look around first.");
    });

    it("retries a stream that breaks off before its end", async () => {
      const whole = wireStream(wire, { calls: [{ name: "submit_report", input: report }] });
      const cut = whole.slice(0, whole.indexOf(wire === "anthropic" ? "event: message_delta" : '"finish_reason":"tool_calls"'));
      const { result, ctx } = await run([{ sse: wire === "openai" ? cut.slice(0, cut.lastIndexOf("data:")) : cut }, { calls: [{ name: "submit_report", input: report }] }]);
      assert.equal(result.blockers, undefined);
      assert.equal(server!.requests.length, 2);
      assert.ok(ctx.logs.some((l) => /the stream ended before/.test(l)), ctx.logs.join("\n"));
    });

    it("retries an overload reported mid-stream and stops on a request error", async () => {
      const errorEvent = (type: string, message: string) =>
        wire === "anthropic"
          ? `event: message_start\ndata: {"type":"message_start","message":{"usage":{"input_tokens":5}}}\n\nevent: error\ndata: {"type":"error","error":{"type":"${type}","message":"${message}"}}\n\n`
          : `data: {"error":{"message":"${message}"}}\n\n`;
      if (wire === "anthropic") {
        const { result, ctx } = await run([{ sse: errorEvent("overloaded_error", "Overloaded") }, { calls: [{ name: "submit_report", input: report }] }]);
        assert.equal(result.blockers, undefined);
        assert.ok(ctx.logs.some((l) => l.includes("stream error overloaded_error: Overloaded")), ctx.logs.join("\n"));
        await server!.close();
      }
      const { result } = await run([{ sse: errorEvent("invalid_request_error", "prompt is too long") }]);
      assert.equal(server!.requests.length, 1);
      assert.match(result.blockers![0]!, new RegExp(`${wire}: http://127\\.0\\.0\\.1:\\d+/v1/\\S+ sent an error mid-stream \\(.*prompt is too long\\)`));
    });
  });
}
