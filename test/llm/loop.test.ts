import { describe, it, afterEach } from "node:test";
import assert from "node:assert/strict";
import type { ChatMessage } from "../../src/engines/llm/chat.js";
import { llmEngine } from "../../src/engines/llm/index.js";
import { KEEP_RECENT_TOOL_TURNS, trimOldToolResults } from "../../src/engines/llm/loop.js";
import { makeWorkspace, type TempWorkspace } from "../tools/workspace.js";
import { clearModelEnv, engineContext } from "./context.js";
import { startFakeProvider, type FakeProvider } from "./fake-provider.js";

const toolTurn = (text: string): ChatMessage => ({ role: "tool", results: [{ callId: "c", name: "Read", text, isError: false }] });

describe("context trimming", () => {
  it("cuts only results older than the recent tool turns, once", () => {
    const long = "x".repeat(5000);
    const messages: ChatMessage[] = [{ role: "user", text: "task" }];
    for (let i = 0; i < KEEP_RECENT_TOOL_TURNS + 2; i++) {
      messages.push({ role: "assistant", text: "", toolCalls: [{ id: "c", name: "Read", input: {} }] }, toolTurn(long));
    }
    messages.push({ role: "assistant", text: "", toolCalls: [] }, toolTurn("short"));
    trimOldToolResults(messages);
    trimOldToolResults(messages);
    const texts = messages.filter((m) => m.role === "tool").map((m) => (m as { results: Array<{ text: string }> }).results[0]!.text);
    assert.equal(texts.length, KEEP_RECENT_TOOL_TURNS + 3);
    const trimmed = `${"x".repeat(1500)}\n[… 3500 more chars of this earlier Read result elided]`;
    assert.deepEqual(texts.slice(0, 3), [trimmed, trimmed, trimmed]);
    assert.deepEqual(texts.slice(3, -1), Array(KEEP_RECENT_TOOL_TURNS - 1).fill(long));
    assert.equal(texts.at(-1), "short");
  });

  describe("in a long run", () => {
    let ws: TempWorkspace;
    let server: FakeProvider;
    afterEach(async () => {
      await server.close();
      await ws.cleanup();
    });

    it("sends early file dumps shortened and recent ones whole", async () => {
      clearModelEnv();
      const big = Array.from({ length: 200 }, (_, i) => `line ${i} ${"y".repeat(30)}`).join("\n") + "\n";
      ws = await makeWorkspace({ "big.txt": big });
      const read = { calls: [{ name: "Read", input: { file_path: "big.txt" } }] };
      server = await startFakeProvider("openai", [
        ...Array(KEEP_RECENT_TOOL_TURNS + 2).fill(read),
        { calls: [{ name: "submit_report", input: { title: "t", summary: "s", findings: [], recommendations: [] } }] },
      ]);
      const result = await llmEngine.run(engineContext(ws.root, { model: "m", provider: "openai", baseUrl: server.baseUrl }));
      assert.equal(result.blockers, undefined);
      const last = server.requests.at(-1)!.body.messages as Array<{ role: string; content: string }>;
      const tools = last.filter((m) => m.role === "tool").map((m) => m.content);
      assert.equal(tools.length, KEEP_RECENT_TOOL_TURNS + 2);
      assert.match(tools[0]!, /\n\[… \d+ more chars of this earlier Read result elided\]$/);
      assert.match(tools[1]!, /elided\]$/);
      for (const whole of tools.slice(2)) assert.match(whole, /^ {5}1\tline 0 y+\n[\s\S]*\n {3}200\tline 199 y+$/);
    });
  });
});
