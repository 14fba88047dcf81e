import { describe, it, before, after, beforeEach, afterEach } from "node:test";
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { llmEngine } from "../../src/engines/llm/index.js";
import { loadBuiltinAgent, parseAgentDefinition, type AgentDefinition } from "../../src/protocol/agent.js";
import { makeWorkspace, type TempWorkspace } from "../tools/workspace.js";
import { clearModelEnv, engineContext } from "./context.js";
import { lastNote, offeredTools, startFakeProvider, toolResultsIn, wireError, type FakeProvider, type Step, type Wire } from "./fake-provider.js";

const TOKEN_PY = ["import jwt", "", "SECRET = 'hunter2'", "", "def sign(payload):", "    return jwt.encode(payload, SECRET)", ""].join("\n");
const REPORT = ".agents/reports/20260123-143000-auth-security.md";

const goodFinding = {
  ruleId: "hardcoded-secret",
  title: "Hard-coded JWT signing secret",
  severity: "High",
  file: "src/auth/token.py",
  line: 3,
  message: "The JWT signing key is a literal in the source.",
  recommendation: "Load the key from the environment or a secret store.",
  cwe: 798,
  owasp: "A07:2021",
};

const goodReport = {
  title: "Security audit: auth module",
  summary: "One hard-coded secret in the token module.",
  findings: [goodFinding],
  recommendations: ["Move the JWT secret out of the source."],
};

for (const wire of ["anthropic", "openai"] as const) {
  describe(`llm engine over ${wire}`, () => {
    let ws: TempWorkspace;
    let server: FakeProvider | undefined;
    let agent: AgentDefinition;
    before(async () => {
      agent = await loadBuiltinAgent();
    });
    beforeEach(async () => {
      clearModelEnv();
      ws = await makeWorkspace({ "src/auth/token.py": TOKEN_PY, "src/auth/endpoints.py": "from .token import sign\n" });
    });
    afterEach(async () => {
      await server?.close();
      server = undefined;
      await ws.cleanup();
    });

    const run = async (script: Step[], options: Record<string, unknown> = {}) => {
      await server?.close();
      server = await startFakeProvider(wire, script);
      process.env[wire === "anthropic" ? "ANTHROPIC_API_KEY" : "OPENAI_API_KEY"] = "sk-test";
      const ctx = engineContext(ws.root, { agent, model: "test-model", provider: wire, baseUrl: server.baseUrl, reportPath: REPORT, ...options });
      return { ctx, result: await llmEngine.run(ctx) };
    };

    it("reads with Grep and Read, then submits a report", async () => {
      const { result, ctx } = await run([
        { text: "Looking for secrets.", calls: [{ name: "Grep", input: { pattern: "SECRET", output_mode: "content" } }] },
        { calls: [{ name: "Read", input: { file_path: "src/auth/token.py" } }] },
        { calls: [{ name: "submit_report", input: { ...goodReport, filesAnalyzed: ["src/auth/endpoints.py"] } }] },
      ]);
      assert.equal(result.blockers, undefined);
      assert.equal(result.title, "Security audit: auth module");
      assert.deepEqual(result.findings, [{ ...goodFinding, endLine: 3 }]);
      assert.deepEqual(result.filesAnalyzed, ["src/auth/endpoints.py", "src/auth/token.py"]);
      assert.deepEqual(result.recommendations, ["Move the JWT secret out of the source."]);
      assert.deepEqual(result.data, { model: "test-model", provider: wire, turns: 3, toolCalls: 3, usage: { inputTokens: 300, outputTokens: 60 } });

      const [first, second, third] = server!.requests;
      assert.equal(server!.requests.length, 3);
      assert.deepEqual(offeredTools(wire, first!), { names: ["Read", "Edit", "Glob", "Grep", "submit_report"] });
      const system = wire === "anthropic" ? first!.body.system : first!.body.messages[0].content;
      assert.match(system, /^# Background Runner/);
      assert.match(system, new RegExp(`bgr renders the report at ${REPORT.replace(/\./g, "\\.")}`));
      const firstUser = wire === "anthropic" ? first!.body.messages[0].content[0].text : first!.body.messages[1].content;
      assert.equal(firstUser, "Run security audit on auth module.\n\nScope: the whole workspace.\n\nCheck for OWASP Top 10 vulnerabilities.");
      if (wire === "anthropic") assert.equal(first!.headers["x-api-key"], "sk-test");
      else assert.equal(first!.headers.authorization, "Bearer sk-test");
      assert.deepEqual(toolResultsIn(wire, second!), [
        { text: "src/auth/token.py:3:SECRET = 'hunter2'\n--\nsrc/auth/token.py:6:    return jwt.encode(payload, SECRET)", isError: false },
      ]);
      assert.match(toolResultsIn(wire, third!)[0]!.text, /^ {5}1\timport jwt\n/);
      assert.ok(ctx.logs.some((l) => l.startsWith("turn 2/40: Read(src/auth/token.py)")), ctx.logs.join("\n"));
    });

    it("refuses an Edit outside the report and tells the model why", async () => {
      const sidecar = REPORT.replace(/\.md$/, ".notes.txt");
      const { result } = await run([
        {
          calls: [
            { name: "Edit", input: { file_path: "src/auth/token.py", old_string: "SECRET = 'hunter2'", new_string: "SECRET = ''" } },
            { name: "Edit", input: { file_path: sidecar, old_string: "", new_string: "scratch\n" } },
          ],
        },
        { calls: [{ name: "submit_report", input: goodReport }] },
      ]);
      assert.equal(result.blockers, undefined);
      assert.equal(await readFile(path.join(ws.root, "src/auth/token.py"), "utf8"), TOKEN_PY);
      assert.equal(await readFile(path.join(ws.root, sidecar), "utf8"), "scratch\n");
      const results = toolResultsIn(wire, server!.requests[1]!);
      assert.deepEqual(results[0], {
        isError: true,
        text: `Edit refused: src/auth/token.py is read-only for this run, which may write only the report ${REPORT} and its sidecars (.agents/reports/20260123-143000-auth-security.*)`,
      });
      assert.deepEqual(results[1], { isError: false, text: `Created ${sidecar} (1 lines)` });
    });

    it("repairs an invalid submission once, then succeeds", async () => {
      const { result } = await run([
        { calls: [{ name: "submit_report", input: { ...goodReport, findings: [{ ...goodFinding, severity: "Critical" }, { ...goodFinding, line: 99 }, { ...goodFinding, file: "../etc/passwd" }] } }] },
        { calls: [{ name: "submit_report", input: goodReport }] },
      ]);
      assert.equal(result.blockers, undefined);
      assert.equal(result.findings.length, 1);
      const repair = server!.requests[1]!;
      assert.deepEqual(offeredTools(wire, repair), { names: ["submit_report"], forced: "submit_report" });
      assert.deepEqual(repair.body.tool_choice, wire === "anthropic" ? { type: "tool", name: "submit_report" } : "required");
      const [rejected] = toolResultsIn(wire, repair);
      assert.equal(rejected!.isError, true);
      assert.match(rejected!.text, /^submit_report rejected: findings\.0\.severity: Invalid option: expected one of "High"\|"Medium"\|"Low"\|"Info"$/);
      const second = await run([
        { calls: [{ name: "submit_report", input: { ...goodReport, findings: [{ ...goodFinding, line: 99 }, { ...goodFinding, file: "../etc/passwd" }] } }] },
        { calls: [{ name: "submit_report", input: goodReport }] },
      ]);
      assert.equal(second.result.blockers, undefined);
      assert.match(toolResultsIn(wire, server!.requests[1]!)[0]!.text, /findings\.0\.line: 99 is past the end of src\/auth\/token\.py \(6 lines\); findings\.1\.file: path "\.\.\/etc\/passwd" is outside the workspace/);
      assert.match(lastNote(wire, server!.requests[1]!)!, /Call submit_report now with the complete report/);
    });

    it("fails with blockers when the repair turn brings no report either", async () => {
      const { result } = await run([{ text: "Everything looks fine to me." }, { text: "Still fine." }]);
      assert.equal(server!.requests.length, 2);
      assert.deepEqual(offeredTools(wire, server!.requests[1]!), { names: ["submit_report"], forced: "submit_report" });
      assert.deepEqual(result.blockers, ["No valid report from the model: the model ended its turn without calling submit_report, also after the repair turn."]);
      assert.match(result.summary, /did not hand in a valid report.*Its last message: "Still fine\."/);
      assert.deepEqual(result.findings, []);
    });

    it("retries a 429 (honouring retry-after) and a 503, then succeeds", async () => {
      const { result, ctx } = await run([
        wireError(wire, 429, "rate limited", { "retry-after": "0" }),
        wireError(wire, 503, "overloaded"),
        { calls: [{ name: "submit_report", input: goodReport }] },
      ]);
      assert.equal(result.blockers, undefined);
      assert.equal(server!.requests.length, 3);
      assert.ok(ctx.logs.some((l) => /HTTP 429: rate limited; retrying in 0\.0s \(retry 1\/4\)/.test(l)), ctx.logs.join("\n"));
      assert.ok(ctx.logs.some((l) => /HTTP 503: overloaded; retrying/.test(l)), ctx.logs.join("\n"));
    });

    it("does not retry a 401 and names the problem", async () => {
      const { result } = await run([wireError(wire, 401, "invalid api key")]);
      assert.equal(server!.requests.length, 1);
      assert.equal(result.blockers!.length, 1);
      assert.match(result.blockers![0]!, new RegExp(`the model provider failed on turn 1: ${wire}: http://127\\.0\\.0\\.1:\\d+/v1/\\S+ refused the request \\(HTTP 401: invalid api key\\)`));
    });

    it("asks for a wrap-up when maxTurns runs out and marks the report partial", async () => {
      const { result } = await run(
        [
          { calls: [{ name: "Glob", input: { pattern: "**/*.py" } }] },
          { calls: [{ name: "Read", input: { file_path: "src/auth/token.py" } }] },
          { calls: [{ name: "submit_report", input: goodReport }] },
        ],
        { maxTurns: 2 },
      );
      const wrapUp = server!.requests[2]!;
      assert.deepEqual(offeredTools(wire, wrapUp), { names: ["submit_report"], forced: "submit_report" });
      assert.match(lastNote(wire, wrapUp)!, /^You have reached maxTurns \(2\) for this run\. Stop investigating and call submit_report now/);
      assert.equal(result.findings.length, 1);
      assert.deepEqual(result.blockers, [
        "The model reached maxTurns (2) before finishing; this report holds what it had when asked to submit. Raise maxTurns (agent definition or --max-turns) or the token budget to let it finish.",
      ]);
    });

    it("wraps up when the token budget is spent, and accepts project-wide findings", async () => {
      const projectWide = { title: "No security policy", severity: "Low", file: "", line: 0, message: "There is no SECURITY.md.", recommendation: "Add one." };
      const { result } = await run(
        [
          { calls: [{ name: "Glob", input: { pattern: "*" } }], usage: { input: 100, output: 20 } },
          { calls: [{ name: "Glob", input: { pattern: "**/*.py" } }], usage: { input: 100, output: 20 } },
          { calls: [{ name: "submit_report", input: { ...goodReport, findings: [projectWide] } }] },
        ],
        { tokenBudget: 200 },
      );
      assert.match(lastNote(wire, server!.requests[2]!)!, /^You have reached the token budget \(200 tokens\) for this run\./);
      assert.deepEqual(result.findings.map((f) => [f.file, f.line, f.ruleId]), [["", 0, "llm/no-security-policy"]]);
      assert.match(result.blockers![0]!, /^The model reached the token budget \(200 tokens\) before finishing/);
    });

    it("fails cleanly when the model keeps exploring past maxTurns", async () => {
      const explore = { calls: [{ name: "Glob", input: { pattern: "*" } }] };
      const { result } = await run([explore, explore, explore], { maxTurns: 1 });
      assert.equal(server!.requests.length, 3);
      assert.equal(result.blockers![0], "No valid report from the model: the model did not call submit_report when asked to (repair turn).");
      assert.match(result.blockers![1]!, /^The model reached maxTurns \(1\)/);
    });

    it("offers exactly the agent's tools and refuses others", async () => {
      const readOnly = parseAgentDefinition("---\nname: reader\ntools: Read, Bash\n---\nYou read.\n", ".agents/agents/reader.md");
      const { result, ctx } = await run(
        [{ calls: [{ name: "Grep", input: { pattern: "x" } }] }, { calls: [{ name: "submit_report", input: goodReport }] }],
        { agent: readOnly },
      );
      assert.equal(result.blockers, undefined);
      assert.deepEqual(offeredTools(wire, server!.requests[0]!).names, ["Read", "submit_report"]);
      assert.deepEqual(toolResultsIn(wire, server!.requests[1]!), [{ isError: true, text: "tool Grep is not available to this agent: use Read, submit_report" }]);
      assert.ok(ctx.logs[0]!.includes("tools: Read (not available here: Bash)"), ctx.logs[0]);
    });

    it("stops when the run is cancelled mid-conversation", async () => {
      let ctxRef: ReturnType<typeof engineContext> | undefined;
      server = await startFakeProvider(wire, [
        () => {
          ctxRef!.controller.abort(new Error("cancelled by bgr cancel"));
          return { calls: [{ name: "Glob", input: { pattern: "*" } }] };
        },
      ]);
      ctxRef = engineContext(ws.root, { agent, model: "m", provider: wire, baseUrl: server.baseUrl });
      const result = await llmEngine.run(ctxRef);
      assert.match(result.blockers![0]!, /^No valid report from the model: the run was stopped \(.*\) after 0 turns\.$/);
    });
  });
}

describe("llm engine without a model", () => {
  let ws: TempWorkspace;
  beforeEach(async () => {
    clearModelEnv();
    ws = await makeWorkspace({ "a.py": "x = 1\n" });
  });
  afterEach(() => ws.cleanup());

  it("fails the seed's way, saying exactly what to set, without calling anything", async () => {
    const result = await llmEngine.run(engineContext(ws.root, { agent: await loadBuiltinAgent() }));
    assert.equal(result.blockers!.length, 1);
    const blocker = result.blockers![0]!;
    assert.match(blocker, /^No model is configured for this model-driven run \(agent "background-runner" has model: inherit\)/);
    for (const hint of ["--model", "BGR_MODEL", "session file's front matter", ".agents/config.yaml", "--provider anthropic|openai", "ANTHROPIC_API_KEY"]) {
      assert.ok(blocker.includes(hint), hint);
    }
  });

  it("picks the model up from .agents/config.yaml and then needs the key", async () => {
    await ws.write(".agents/config.yaml", "model: claude-sonnet-4-5\n");
    const result = await llmEngine.run(engineContext(ws.root, {}));
    assert.deepEqual(result.blockers, [
      'Model "claude-sonnet-4-5" uses the anthropic API but ANTHROPIC_API_KEY is not set: export ANTHROPIC_API_KEY, or point --base-url / BGR_BASE_URL at an OpenAI-compatible server that needs no key.',
    ]);
  });

  it("keeps another engine's findings when triage cannot run", async () => {
    const finding = { ruleId: "r", title: "t", severity: "Low" as const, file: "a.py", line: 1, endLine: 1, message: "m", recommendation: "r" };
    const result = await llmEngine.run(engineContext(ws.root, { triage: true, findings: [finding] }));
    assert.deepEqual(result.findings, [finding]);
    assert.equal(result.blockers!.length, 1);
  });
});
