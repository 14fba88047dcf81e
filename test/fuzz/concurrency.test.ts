// Spawns racing a person's editor on one session file (issue 9): runs
// registering and settling from several processes at once while an editor
// saves the file both ways (temp + rename, truncate + rewrite). Afterwards
// every edit of the person's is in the file, and — once `bgr list` has
// repaired what the editor's stale saves undid — every run's entry says
// completed with its report. Figures go to the log for the closing note.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { listRuns } from "../../src/runtime/status.js";
import { readSessionEntries } from "../../src/protocol/session.js";
import { fuzzWorkspace, SESSION_REL } from "./harness.js";

const WRITERS = fileURLToPath(new URL("./session-writers.js", import.meta.url));
const PROCESSES = 4;
const RUNS_EACH = 40;
const EDITS = 150;

function child(args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [WRITERS, ...args], { maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`${args[0]} failed: ${stderr || error.message}`));
      else resolve(stdout);
    });
  });
}

test(`${PROCESSES * RUNS_EACH} concurrent runs and ${EDITS} editor saves on one session: no edit lost, no entry lost`, async () => {
  const ws = await fuzzWorkspace();
  const runners = Array.from({ length: PROCESSES }, (_, i) => child(["runner", ws.root, SESSION_REL, String(RUNS_EACH), `p${i}`]));
  const editor = child(["editor", ws.root, SESSION_REL, String(EDITS), "15"]);
  const outcomes = (await Promise.all(runners)).flatMap((out) => JSON.parse(out) as Array<{ id?: string; status?: string; result_location?: string; error?: string }>);
  await editor;

  const registered = outcomes.filter((o) => o.id);
  const failures = outcomes.filter((o) => o.error).map((o) => o.error);
  const text = await readFile(path.join(ws.root, SESSION_REL), "utf8");
  const keptEdits = Array.from({ length: EDITS }, (_, k) => text.includes(`person's edit ${k}\n`)).filter(Boolean).length;
  const beforeRepair = new Map(readSessionEntries(text).map((e) => [e.id, e]));
  const settledBeforeRepair = registered.filter((o) => beforeRepair.get(o.id)?.status === "completed").length;

  await listRuns(ws.root); // the repair path: settled runs whose entry an editor's stale save undid
  const repaired = await readFile(path.join(ws.root, SESSION_REL), "utf8");
  const entries = new Map(readSessionEntries(repaired).map((e) => [e.id, e]));
  const complete = registered.filter((o) => entries.get(o.id)?.status === "completed" && entries.get(o.id)?.result_location === o.result_location).length;
  const keptAfterRepair = Array.from({ length: EDITS }, (_, k) => repaired.includes(`person's edit ${k}\n`)).filter(Boolean).length;
  console.log(
    `concurrency: ${registered.length}/${outcomes.length} runs registered, ${keptAfterRepair}/${EDITS} person's edits kept, ` +
      `${settledBeforeRepair} entries settled before repair, ${complete} after${failures.length ? `; failures: ${failures.join(" / ")}` : ""}`,
  );
  assert.deepEqual(failures, []);
  assert.equal(registered.length, PROCESSES * RUNS_EACH);
  assert.equal(keptEdits, EDITS, "a person's edit was lost");
  assert.equal(keptAfterRepair, EDITS, "the repair lost a person's edit");
  assert.equal(complete, registered.length, "a run's entry was lost");
  // The orchestrator's own keys and the old entry survive every writer.
  assert.match(repaired, /^---\n# the orchestrator's comment\ntitle: "Feature"\n/);
  assert.ok(entries.get("bg-20260123-141000-old"));
  assert.match(repaired, /bytes \uFFFD\uFFFD stay\n/);
  await ws.cleanup();
});
