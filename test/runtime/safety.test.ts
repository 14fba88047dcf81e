// The runtime's safety nets (issue 9): the watchdog ends a run whose event
// loop is stuck, status/list/wait put back a session entry that another
// writer undid, errno codes become sentences, and long timeouts stay long.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { makeWorkspace, SESSION, SESSION_TEXT } from "../cli/helpers.js";
import { registerRun } from "../../src/runtime/register.js";
import { emptyResult, settleRun } from "../../src/runtime/settle.js";
import { getStatus, listRuns, waitRuns } from "../../src/runtime/status.js";
import { readRunRecord, describeErrno, WorkspaceWriteError } from "../../src/runtime/store.js";
import { readSessionEntries } from "../../src/protocol/session.js";
import { MAX_TIMER_MS, setLongTimeout } from "../../src/runtime/timing.js";

const CHILD = fileURLToPath(new URL("./watchdog-child.js", import.meta.url));

test("a run whose event loop is stuck is settled and killed by its watchdog thread", async () => {
  const root = await makeWorkspace();
  const child = spawn(process.execPath, [CHILD, root, "300"], { stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  child.stdout.on("data", (chunk: Buffer) => (out += chunk.toString()));
  const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve) => child.on("exit", (c, s) => resolve([c, s])));
  assert.equal(signal, "SIGKILL", `exit ${code}`);
  const record = await readRunRecord(root, out.trim());
  assert.equal(record?.status, "failed");
  assert.match(record?.error ?? "", /timed out after 300ms \(--timeout\); the run did not stop within 1s of its timeout and its process was ended/);
  assert.ok(record?.result_location?.endsWith("-partial.md"));
});

async function settledRun(root: string): Promise<string> {
  const record = await registerRun(root, { task: "Security audit", kind: "security-audit", files: ["src/auth/token.py"], session: SESSION }, process.pid, false);
  await settleRun(root, record.id, { status: "completed", result: emptyResult("done") });
  return record.id;
}

test("status, list and wait repair a session entry that an editor's stale save set back or dropped", async () => {
  const root = await makeWorkspace();
  const file = path.join(root, SESSION);
  const id = await settledRun(root);
  const settledText = await readFile(file, "utf8");
  const entry = readSessionEntries(settledText).find((e) => e.id === id)!;
  assert.equal(entry.status, "completed");

  // An editor that loaded the file while the run was running saves it back.
  await writeFile(file, settledText.replace(/(status: )completed(\n\s+result_location: "\.agents\/reports\/\d{8}-\d{6}-security-audit\.md")/, "$1running"));
  await writeFile(file, (await readFile(file, "utf8")).replace(/\n\s+result_location: "\.agents\/reports\/\d{8}-\d{6}-security-audit\.md"/, "") + "a person's line\n");
  assert.equal(readSessionEntries(await readFile(file, "utf8")).find((e) => e.id === id)?.status, "running");
  await getStatus(root, id);
  const repaired = await readFile(file, "utf8");
  assert.deepEqual(readSessionEntries(repaired).find((e) => e.id === id), entry);
  assert.ok(repaired.endsWith("a person's line\n"));

  // An editor that never saw the entry drops it; list puts it back, wait too.
  await writeFile(file, SESSION_TEXT + "another line\n");
  await listRuns(root);
  assert.deepEqual(readSessionEntries(await readFile(file, "utf8")).find((e) => e.id === id), entry);
  await writeFile(file, SESSION_TEXT);
  assert.equal((await waitRuns(root, [id], { timeoutSec: 5 })).status, "completed");
  const final = await readFile(file, "utf8");
  assert.deepEqual(readSessionEntries(final).find((e) => e.id === id), entry);
  assert.ok(final.startsWith(SESSION_TEXT.slice(0, SESSION_TEXT.indexOf("notes: keep me"))));
});

test("errno codes become sentences that say what to do", () => {
  const rofs = new WorkspaceWriteError(".agents/reports/x.md", Object.assign(new Error("EROFS: read-only file system"), { code: "EROFS" }));
  assert.equal(rofs.message, "cannot write .agents/reports/x.md: the file system is read-only (EROFS); run bgr on a writable copy of the workspace, or pass --cwd to one");
  assert.match(new WorkspaceWriteError("x", Object.assign(new Error(), { code: "ENOSPC" })).message, /no space left on the device \(ENOSPC\); free some disk space/);
  assert.doesNotMatch(describeErrno("ENOSPC").what + describeErrno("EROFS").what, /out of memory|killed/);
});

test("a timer longer than 2^31 ms does not fire at once", async () => {
  let fired = false;
  const timer = setLongTimeout(() => (fired = true), MAX_TIMER_MS * 2 + 5);
  await new Promise((resolve) => setImmediate(resolve));
  await new Promise((resolve) => setTimeout(resolve, 20));
  timer.clear();
  assert.equal(fired, false);
  // setLongTimeout unrefs its timers like the ones it replaces; a ref'd one keeps this test alive meanwhile.
  const keepAlive = setInterval(() => undefined, 1000);
  let short = false;
  await new Promise<void>((resolve) => setLongTimeout(() => { short = true; resolve(); }, 5));
  clearInterval(keepAlive);
  assert.equal(short, true);
});
