// The seed's Example Task, verbatim, end to end through the real CLI.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { bgr, bgrJson, makeWorkspace, readText, SEED_PROMPT, SESSION, SESSION_TEXT } from "../cli/helpers.js";
import { readSessionEntries } from "../../src/protocol/session.js";
import { parseReport } from "../../src/protocol/report-parse.js";

const REQUESTED = ".agents/reports/20260123-143000-auth-security.md";
const PARTIAL = ".agents/reports/20260123-143000-auth-security-partial.md";
const ID = "bg-20260123-143000-auth-security";

test("spawn with the seed's Example Task: entry, id, report path, session reference; every other session byte kept", async () => {
  const root = await makeWorkspace();
  await writeFile(path.join(root, "prompt.txt"), SEED_PROMPT);
  const spawned = await bgrJson<{ id: string; report: string; session: string; pid: number }>(["spawn", "--prompt-file", "prompt.txt"], { cwd: root });
  assert.equal(spawned.id, ID);
  assert.equal(spawned.report, REQUESTED);
  assert.equal(spawned.session, SESSION);
  assert.ok(Number.isInteger(spawned.pid) && spawned.pid > 0);

  const waited = await bgr(["wait", ID, "--timeout", "60", "--json"], { cwd: root });
  const { runs } = JSON.parse(waited.stdout) as { runs: Array<{ status: string; result_location: string; kind: string }> };
  const run = runs[0]!;
  assert.equal(run.kind, "security-audit");
  // Whether the security engine is in this build or not, the run settles one of the seed's two ways.
  const expectedReport = run.status === "completed" ? REQUESTED : PARTIAL;
  assert.equal(waited.code, run.status === "completed" ? 0 : 1);
  assert.equal(run.result_location, expectedReport);

  const session = await readText(root, SESSION);
  const entries = readSessionEntries(session);
  assert.deepEqual(entries[1], {
    id: ID, agent: "background-runner", task: "Run security audit on auth module.", status: run.status, result_location: expectedReport,
  });
  // Byte-identical but for our entry, which sits after the other one.
  const ours = `  - id: "${ID}"\n    agent: background-runner\n    task: "Run security audit on auth module."\n    status: ${run.status}\n    result_location: "${expectedReport}"\n`;
  assert.equal(session, SESSION_TEXT.replace("notes: keep me\n", `${ours}notes: keep me\n`));

  const report = parseReport(await readText(root, expectedReport));
  assert.equal(report.meta?.background_agent_id, ID);
  assert.equal(report.meta?.session_reference, "20260123-140000-auth-feature.md");
  assert.equal(report.meta?.type, "background-agent-output");
  assert.equal(report.meta?.status, "unprocessed");
  assert.match(String(report.meta?.created), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  assert.equal(report.title, "Run security audit on auth module");
  assert.deepEqual(report.sections.slice(0, 2), ["Summary", "Findings"]);
  assert.ok(report.sections.includes("Recommendations") && report.sections.includes("Files Analyzed"));
  const written = await readdir(path.join(root, ".agents/reports"));
  assert.ok(written.includes(path.basename(expectedReport)));
  assert.ok(written.includes(path.basename(expectedReport).replace(/\.md$/, ".json")));
});

test("the same prompt as arguments with a flag that wins: --kind coverage-analysis completes and `check` passes", async () => {
  const root = await makeWorkspace();
  const prompt = SEED_PROMPT.replace("- src/auth/token.py", "- src/a.js").replace("Run security audit on auth module.", "Analyze coverage of the auth module.");
  const result = await bgr(["run", prompt, "--kind", "coverage-analysis", "--files", "src/a.js", "--json"], { cwd: root });
  const outcome = JSON.parse(result.stdout) as { status: string; report: string; id: string };
  assert.equal(result.code, 0, result.stderr);
  assert.equal(outcome.status, "completed");
  assert.equal(outcome.id, ID);
  assert.equal(outcome.report, REQUESTED);
  const check = await bgr(["check", REQUESTED], { cwd: root });
  assert.equal(check.code, 0, check.stdout);
  assert.equal((check.stdout.match(/^\[x\]/gm) ?? []).length, 6);
  // ack flips only the status value.
  const before = await readText(root, REQUESTED);
  assert.equal((await bgr(["ack", ID], { cwd: root })).code, 0);
  assert.equal(await readText(root, REQUESTED), before.replace("status: unprocessed", "status: processed"));
  const reports = await bgrJson<Array<{ path: string }>>(["reports", "--status", "unprocessed"], { cwd: root });
  assert.deepEqual(reports, []);
});
