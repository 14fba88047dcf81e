// 50 spawns at once on one session file: 50 distinct ids, 50 settled entries,
// the orchestrator's own bytes untouched.
import { test } from "node:test";
import assert from "node:assert/strict";
import { bgr, bgrJson, makeWorkspace, readText, SESSION, SESSION_TEXT } from "../cli/helpers.js";
import { readSessionEntries } from "../../src/protocol/session.js";

const RUNS = 50;

test(`${RUNS} concurrent spawns on one session file settle ${RUNS} entries and lose nothing`, async () => {
  const root = await makeWorkspace();
  // Same task, same second: the ids must still differ (-2, -3, …).
  const spawned = await Promise.all(
    Array.from({ length: RUNS }, () =>
      bgrJson<{ id: string; pid: number; log: string }>(["spawn", "--task", "Analyze coverage", "--files", "src/a.js", "--session", SESSION], { cwd: root }),
    ),
  );
  const ids = spawned.map((s) => s.id);
  // Each run has its own log, even when its id got a -N suffix.
  assert.deepEqual(spawned.map((s) => s.log), ids.map((id) => `.agents/runs/${id}.log`));
  assert.equal(new Set(ids).size, RUNS, "ids collided");
  for (const id of ids) assert.match(id, /^bg-\d{8}-\d{6}-analyze-coverage(-\d+)?$/);

  const waited = await bgr(["wait", ...ids, "--timeout", "300", "--json"], { cwd: root });
  const result = JSON.parse(waited.stdout) as { status: string; runs: Array<{ id: string; status: string; result_location: string }> };
  assert.equal(result.status, "completed", waited.stdout.slice(0, 2000));
  assert.equal(waited.code, 0);

  const text = await readText(root, SESSION);
  const entries = readSessionEntries(text);
  assert.equal(entries.length, RUNS + 1);
  const byId = new Map(entries.map((e) => [e.id, e]));
  for (const run of result.runs) {
    const entry = byId.get(run.id);
    assert.ok(entry, `entry ${run.id} lost`);
    assert.equal(entry.status, "completed");
    assert.equal(entry.result_location, run.result_location);
  }
  // The orchestrator's part of the file is byte-for-byte what it was.
  const head = SESSION_TEXT.slice(0, SESSION_TEXT.indexOf("notes: keep me"));
  assert.ok(text.startsWith(head));
  assert.ok(text.endsWith(SESSION_TEXT.slice(SESSION_TEXT.indexOf("notes: keep me"))));
});
