import { describe, it, beforeEach, afterEach } from "node:test";
import assert from "node:assert/strict";
import { llmEngine, triageEngineResult } from "../../src/engines/llm/index.js";
import type { EngineResult } from "../../src/engines/types.js";
import type { Finding } from "../../src/protocol/finding.js";
import { makeWorkspace, type TempWorkspace } from "../tools/workspace.js";
import { clearModelEnv, engineContext } from "./context.js";
import { startFakeProvider, toolResultsIn, type FakeProvider } from "./fake-provider.js";

const sqli: Finding = {
  ruleId: "py/sql-injection", title: "SQL injection", severity: "High", file: "app.py", line: 3, endLine: 3,
  message: "User input reaches cursor.execute.", recommendation: "Use parameters.", cwe: 89,
};
const weakHash: Finding = {
  ruleId: "py/weak-hash", title: "MD5 used", severity: "Medium", file: "app.py", line: 5, endLine: 5,
  message: "hashlib.md5 is weak.", recommendation: "Use SHA-256.",
};
const APP = ["import hashlib", "def find(cur, name):", "    cur.execute(f\"SELECT * FROM u WHERE n='{name}'\")", "def etag(data):", "    return hashlib.md5(data).hexdigest()", ""].join("\n");

describe("llm triage", () => {
  let ws: TempWorkspace;
  let server: FakeProvider | undefined;
  beforeEach(async () => {
    clearModelEnv();
    ws = await makeWorkspace({ "app.py": APP });
  });
  afterEach(async () => {
    await server?.close();
    server = undefined;
    await ws.cleanup();
  });

  const verdicts = [
    { id: "F1", verdict: "confirmed", reason: "name comes from the request unescaped", explanation: "Any user can dump the table." },
    { id: "F2", verdict: "dismissed", reason: "MD5 is used for an ETag, not for security" },
  ];

  it("confirms and dismisses, keeping every finding listed", async () => {
    server = await startFakeProvider("anthropic", [
      { calls: [{ name: "Read", input: { file_path: "app.py" } }] },
      { calls: [{ name: "submit_report", input: { title: "Triage", summary: "One real issue.", verdicts, recommendations: ["Parameterize the query."] } }] },
    ]);
    const ctx = engineContext(ws.root, { model: "claude-test", baseUrl: server.baseUrl, triage: true, findings: [weakHash, sqli] });
    const result = await llmEngine.run(ctx);
    assert.equal(result.blockers, undefined);
    const prompt = server.requests[0]!.body.messages[0].content[0].text as string;
    assert.match(prompt, /F1\. \[High\] py\/sql-injection: SQL injection\n {4}at app\.py:3\n/);
    assert.match(prompt, /F2\. \[Medium\] py\/weak-hash: MD5 used\n {4}at app\.py:5\n/);
    assert.deepEqual(result.findings.map((f) => [f.title, f.severity]), [["SQL injection", "High"], ["Dismissed: MD5 used", "Info"]]);
    assert.deepEqual(result.findings[1]!.properties, {
      triage: { verdict: "dismissed", reason: "MD5 is used for an ETag, not for security", originalSeverity: "Medium" },
    });
    assert.equal(result.findings[1]!.message, "Dismissed by triage: MD5 is used for an ETag, not for security (was Medium: hashlib.md5 is weak.)");
    assert.equal(result.findings[0]!.message, "User input reaches cursor.execute. Confirmed by triage: name comes from the request unescaped Any user can dump the table.");
    assert.equal(result.sections![0]!.heading, "Triage");
    assert.match(result.sections![0]!.body, /^2 engine findings: 1 confirmed, 1 dismissed; 0 added by the model\./);
    assert.match(result.sections![0]!.body, /\| F2 \| dismissed \| MD5 used \(`app\.py:5`\) \| MD5 is used for an ETag, not for security \|/);
    assert.deepEqual(result.filesAnalyzed, ["app.py"]);
  });

  it("sends a verdict list with gaps back for repair", async () => {
    server = await startFakeProvider("openai", [
      { calls: [{ name: "submit_report", input: { title: "T", summary: "S", verdicts: [verdicts[0], { ...verdicts[0] }, { ...verdicts[1], id: "F7" }], recommendations: [] } }] },
      { calls: [{ name: "submit_report", input: { title: "T", summary: "S", verdicts, recommendations: [] } }] },
    ]);
    const ctx = engineContext(ws.root, { model: "m", provider: "openai", baseUrl: server.baseUrl, triage: true, findings: [sqli, weakHash] });
    const result = await llmEngine.run(ctx);
    assert.equal(result.blockers, undefined);
    assert.equal(
      toolResultsIn("openai", server.requests[1]!)[0]!.text,
      "submit_report rejected: verdicts: F1 has more than one verdict; verdicts: F7 is not in the list (F1 to F2); verdicts: no verdict for F2",
    );
  });

  it("merges into the engine's own result, and blocks without losing it when no model is set", async () => {
    const base: EngineResult = {
      title: "Security audit", summary: "Two findings.", findings: [sqli, weakHash], filesAnalyzed: ["app.py", "lib.py"],
      errors: [{ file: "bad.py", message: "syntax error" }], recommendations: ["Fix the SQL."], sections: [{ heading: "Stats", body: "x" }],
      data: { rules: 2 },
    };
    const blocked = await triageEngineResult(engineContext(ws.root, {}), base);
    assert.deepEqual(blocked.findings, base.findings.map((f) => f));
    assert.deepEqual([blocked.summary, blocked.filesAnalyzed, blocked.errors, blocked.recommendations], [base.summary, base.filesAnalyzed, base.errors, base.recommendations]);
    assert.equal(blocked.blockers!.length, 1);
    assert.match(blocked.blockers![0]!, /^No model is configured/);

    server = await startFakeProvider("anthropic", [
      { calls: [{ name: "submit_report", input: { title: "T", summary: "One real issue.", verdicts, recommendations: ["Parameterize."] } }] },
    ]);
    const merged = await triageEngineResult(engineContext(ws.root, { model: "claude-test", baseUrl: server.baseUrl }), base);
    assert.equal(merged.blockers, undefined);
    assert.equal(merged.title, "Security audit");
    assert.equal(merged.summary, "Two findings.\n\nOne real issue.");
    assert.equal(merged.findings.length, 2);
    assert.deepEqual(merged.sections!.map((s) => s.heading), ["Stats", "Triage"]);
    assert.deepEqual(merged.recommendations, ["Parameterize."]);
    assert.equal((merged.data as { rules: number }).rules, 2);
    assert.equal(((merged.data as { triage: { triage: { dismissed: number } } }).triage.triage.dismissed), 1);
  });
});
