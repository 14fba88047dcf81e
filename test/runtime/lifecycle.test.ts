// Runs that do not end on their own: kill -9, --timeout, cancel, wait's
// timeout, logs --follow. The busy workload is real: the coverage engine
// running the workspace's own test suite (--allow-exec), which sleeps.
import { test } from "node:test";
import assert from "node:assert/strict";
import { rm, writeFile, mkdir } from "node:fs/promises";
import path from "node:path";
import { bgr, bgrJson, isAlive, killProcessesMentioning, makeWorkspace, readText, SESSION, waitUntil } from "../cli/helpers.js";
import { findSessionEntry } from "../../src/protocol/session.js";
import { parseReport } from "../../src/protocol/report-parse.js";

interface Status {
  id: string;
  status: string;
  pid: number;
  result_location: string | null;
  error?: string;
}

const FAST_ENV = { BGR_STOP_GRACE_MS: "2000", BGR_CANCEL_GRACE_MS: "4000", BGR_HEARTBEAT_MS: "500" };

/** A workspace whose test suite takes 30 s: a coverage run with --allow-exec stays busy until stopped. */
async function busyWorkspace(): Promise<string> {
  const root = await makeWorkspace("bgr-busy-");
  await rm(path.join(root, "coverage"), { recursive: true });
  await writeFile(path.join(root, "package.json"), JSON.stringify({ name: "busy", private: true, type: "module" }));
  await mkdir(path.join(root, "test"), { recursive: true });
  await writeFile(path.join(root, "test/slow.test.js"), "import { test } from 'node:test';\ntest('slow', () => new Promise((r) => setTimeout(r, 30000)));\n");
  return root;
}

const BUSY = ["--task", "Analyze coverage", "--kind", "coverage-analysis", "--allow-exec", "--session", SESSION];

async function spawnBusy(root: string): Promise<{ id: string; pid: number }> {
  const spawned = await bgrJson<{ id: string; pid: number }>(["spawn", ...BUSY], { cwd: root, env: FAST_ENV });
  // Busy = the engine has started the test suite.
  await waitUntil("the runner to start the test suite", async () =>
    /running: /.test(await readText(root, `.agents/runs/${spawned.id}.log`).catch(() => "")) ? true : undefined,
  );
  return spawned;
}

async function assertSettledFailed(root: string, status: Status, blocker: RegExp): Promise<void> {
  assert.equal(status.status, "failed");
  assert.match(status.result_location ?? "", /-partial\.md$/);
  const report = parseReport(await readText(root, status.result_location!));
  assert.equal(report.meta?.background_agent_id, status.id);
  assert.ok(report.blockers.some((b) => blocker.test(b)), `no blocker matching ${blocker} in ${JSON.stringify(report.blockers)}`);
  const entry = findSessionEntry(await readText(root, SESSION), status.id);
  assert.equal(entry?.status, "failed");
  assert.equal(entry?.result_location, status.result_location);
}

test("kill -9 of a running run: status notices the dead pid and settles it failed with a partial report", async () => {
  const root = await busyWorkspace();
  const { id, pid } = await spawnBusy(root);
  assert.equal((await bgrJson<Status>(["status", id], { cwd: root })).status, "running");
  process.kill(pid, "SIGKILL");
  await waitUntil("the runner to die", async () => (isAlive(pid) ? undefined : true));
  const status = await bgrJson<Status>(["status", id], { cwd: root });
  await assertSettledFailed(root, status, /runner process \(pid \d+\) ended without settling the run/);
  // The partial report ends with the log's last lines: what the runner was doing when it died.
  const partial = await readText(root, status.result_location!);
  assert.match(partial, /\n## Run Log \(last lines\)\n\n```text\n[\s\S]*running: [\s\S]*\n```/);
  // Settled once: a second look changes nothing.
  const again = await bgrJson<Status>(["status", id], { cwd: root });
  assert.deepEqual(again, status);
  const listed = await bgrJson<Status[]>(["list", "--status", "failed", "--session", SESSION], { cwd: root });
  assert.deepEqual(listed.map((r) => r.id), [id]);
  // The test suite the killed runner had started is an orphan now; do not leave it behind.
  await killProcessesMentioning(root);
});

test("--timeout stops the run, which ends failed with a partial report saying so; a live foreground run is not taken for dead", async () => {
  const root = await busyWorkspace();
  const id = "bg-20260101-000000-foreground";
  const running = bgr(["run", ...BUSY, "--id", id, "--timeout", "4s", "--json"], { cwd: root, env: FAST_ENV });
  await waitUntil("the foreground run to start its test suite", async () =>
    /running: /.test(await readText(root, `.agents/runs/${id}.log`).catch(() => "")) ? true : undefined,
  );
  assert.equal((await bgrJson<Status>(["status", id], { cwd: root })).status, "running");
  const result = await running;
  assert.equal(result.code, 1, result.stderr);
  const outcome = JSON.parse(result.stdout) as { id: string; status: string; report: string };
  const status = await bgrJson<Status>(["status", outcome.id], { cwd: root });
  await assertSettledFailed(root, status, /timed out after 4s/);
});

test("cancel: SIGTERM to the run's process group; it ends failed, cancelled, and wait reports the failure", async () => {
  const root = await busyWorkspace();
  const { id, pid } = await spawnBusy(root);
  const waitTimeout = await bgr(["wait", id, "--timeout", "0.5"], { cwd: root });
  assert.equal(waitTimeout.code, 124);
  const cancelled = await bgr(["cancel", id, "--json"], { cwd: root, env: FAST_ENV });
  assert.equal(cancelled.code, 0, cancelled.stderr);
  const status = JSON.parse(cancelled.stdout) as Status;
  await assertSettledFailed(root, status, /cancel/);
  await waitUntil("the runner to exit", async () => (isAlive(pid) ? undefined : true));
  assert.equal((await bgr(["wait", id], { cwd: root })).code, 1);
  // Cancelling a finished run is a no-op that says where it ended.
  const again = await bgrJson<Status & { cancelled: boolean }>(["cancel", id], { cwd: root });
  assert.equal(again.result_location, status.result_location);
  assert.equal(again.cancelled, false);
  assert.equal((JSON.parse(cancelled.stdout) as { cancelled: boolean }).cancelled, true);
  const text = await bgr(["cancel", id], { cwd: root });
  assert.equal(text.code, 0, text.stderr);
  assert.equal(text.stdout, `${id} had already ended (failed): nothing to cancel; report ${status.result_location}\n`);
});

test("logs --follow streams the log until the run ends", async () => {
  const root = await makeWorkspace();
  const { id } = await bgrJson<{ id: string }>(["spawn", "--task", "Analyze coverage", "--files", "src/a.js"], { cwd: root });
  const followed = await bgr(["logs", id, "--follow"], { cwd: root });
  assert.equal(followed.code, 0, followed.stderr);
  assert.match(followed.stdout, new RegExp(`run ${id}: coverage-analysis`));
  assert.match(followed.stdout, /settled: completed/);
  const json = await bgrJson<{ lines: string[] }>(["logs", id], { cwd: root });
  assert.ok(json.lines.some((l) => l.includes("settled: completed")));
});
