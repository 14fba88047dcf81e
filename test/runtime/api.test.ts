// The programmatic API the MCP server builds on, used in-process.
import { test } from "node:test";
import assert from "node:assert/strict";
import { bgr, makeWorkspace, readText, SESSION } from "../cli/helpers.js";
import { ackReport, cancelRun, checkReport, getStatus, listAgents, listReports, listRuns, spawnRun, waitRuns, InputError } from "../../src/runtime/api.js";
import { findSessionEntry } from "../../src/protocol/session.js";

test("spawnRun → waitRuns → listRuns → listReports → checkReport → ackReport", async () => {
  const root = await makeWorkspace();
  const spawned = await spawnRun(
    { prompt: "Analyze coverage of src\n\nFiles:\n- `src/a.js`\n", session: SESSION, timeout: "2m" },
    { cwd: root },
  );
  assert.match(spawned.id, /^bg-\d{8}-\d{6}-analyze-coverage-src$/);
  assert.equal(spawned.session, SESSION);
  assert.equal(findSessionEntry(await readText(root, SESSION), spawned.id)?.status, "running");

  const waited = await waitRuns(root, [spawned.id], { timeoutSec: 120 });
  assert.equal(waited.status, "completed");
  const status = await getStatus(root, spawned.id);
  assert.deepEqual(
    Object.keys(status).slice(0, 9),
    ["id", "agent", "task", "kind", "status", "result_location", "pid", "started", "ended"],
  );
  assert.equal(status.kind, "coverage-analysis");
  assert.equal(status.result_location, spawned.report);
  assert.deepEqual((await listRuns(root, { session: SESSION })).map((r) => r.id), [spawned.id]);
  assert.deepEqual(await listRuns(root, { status: "running" }), []);

  const reports = await listReports(root, { status: "unprocessed" });
  assert.deepEqual(reports.map((r) => [r.path, r.id, r.partial]), [[spawned.report, spawned.id, false]]);
  const checked = await checkReport(root, spawned.report);
  assert.equal(checked.ok, true, JSON.stringify(checked.items));
  const acked = await ackReport(root, spawned.report);
  assert.equal(acked.status, "processed");
  assert.deepEqual(await listReports(root, { status: "unprocessed" }), []);
  // Cancelling a finished run changes nothing.
  assert.equal((await cancelRun(root, spawned.id)).status, "completed");
  await assert.rejects(waitRuns(root, []), InputError);
  await assert.rejects(getStatus(root, "bg-20260101-000000-none"), /no run with id/);
});

test("the prompt can come from stdin; listAgents reports the built-in", async () => {
  const root = await makeWorkspace();
  const result = await bgr(["spawn", "-", "--json"], { cwd: root, input: "Analyze coverage\n\nFiles:\n- src/a.js\n" });
  assert.equal(result.code, 0, result.stderr);
  const { id } = JSON.parse(result.stdout) as { id: string };
  assert.equal((await waitRuns(root, [id], { timeoutSec: 120 })).status, "completed");
  // Reports live under .agents/reports/ only: a prompt asking for docs/ is refused before a run exists.
  const custom = await bgr(["run", "Analyze coverage\n\nFiles:\n- src/a.js\n\nWrite report to: docs/coverage.md", "--json"], { cwd: root });
  assert.equal(custom.code, 2, custom.stderr);
  assert.match(custom.stderr, /must be a \.md file under \.agents\/reports\//);
  const named = await bgr(["run", "Analyze coverage\n\nFiles:\n- src/a.js\n\nWrite report to: .agents/reports/custom/coverage.md", "--json"], { cwd: root });
  assert.equal(named.code, 0, named.stderr);
  assert.ok((await listReports(root)).some((r) => r.path === ".agents/reports/custom/coverage.md" && r.status === "unprocessed"));
  const agents = await listAgents(root);
  assert.deepEqual(agents.agents.map((a) => a.name), ["background-runner"]);
  assert.deepEqual(agents.invalid, []);
});
