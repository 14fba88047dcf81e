// Every bad input gets one clear line on stderr, exit 2, and loses nothing.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdir, readdir, stat, utimes, writeFile } from "node:fs/promises";
import { createHash } from "node:crypto";
import path from "node:path";
import { bgr, bgrJson, makeWorkspace, readText, SEED_PROMPT, SESSION } from "./helpers.js";

function assertUsage(result: { code: number; stderr: string }, pattern: RegExp): void {
  assert.equal(result.code, 2, `expected exit 2, got ${result.code}: ${result.stderr}`);
  const lines = result.stderr.trimEnd().split("\n");
  assert.equal(lines.length, 1, `expected one line, got: ${result.stderr}`);
  assert.match(lines[0]!, /^bgr: /);
  assert.match(lines[0]!, pattern);
}

async function runsDir(root: string): Promise<string[]> {
  return (await readdir(path.join(root, ".agents/runs")).catch(() => [] as string[])).filter((f) => f.endsWith(".json"));
}

test("prompts without a task, unknown kinds, bad ids, paths outside the workspace", async () => {
  const root = await makeWorkspace();
  assertUsage(await bgr(["spawn", "Files:\n- src/a.js\n\nSession: " + SESSION], { cwd: root }), /no task: the prompt's first line \(or --task\)/);
  assertUsage(await bgr(["spawn"], { cwd: root, input: "\n\n" }), /no task/);
  assertUsage(await bgr(["run", "--task", "x", "--kind", "fuzzing"], { cwd: root }), /unknown kind "fuzzing": use one of security-audit, coverage-analysis, code-review, llm/);
  assertUsage(await bgr(["spawn", "--task", "x", "--id", "bg-../../etc/passwd"], { cwd: root }), /invalid run id .*no path characters/);
  assertUsage(await bgr(["spawn", "Audit\nBackground Agent ID: ../x"], { cwd: root }), /invalid run id "\.\.\/x"/);
  assertUsage(await bgr(["status", "../../x"], { cwd: root }), /invalid run id/);
  assertUsage(await bgr(["spawn", "--task", "x", "--output", "../outside.md"], { cwd: root }), /report path "\.\.\/outside\.md".*outside the workspace/);
  assertUsage(await bgr(["spawn", "--task", "x", "--output", "/etc/report.md"], { cwd: root }), /outside the workspace/);
  assertUsage(await bgr(["spawn", "--task", "x", "--output", ".agents/reports/x.txt"], { cwd: root }), /must be a \.md file under \.agents\/reports\//);
  assertUsage(await bgr(["spawn", "--task", "x", "--files", "../../etc/passwd"], { cwd: root }), /path "\.\.\/\.\.\/etc\/passwd" in Files\/scope.*outside the workspace/);
  assertUsage(await bgr(["spawn", "--task", "x", "--session", ".agents/sessions/missing.md"], { cwd: root }), /session file ".agents\/sessions\/missing.md" does not exist/);
  assertUsage(await bgr(["spawn", "--task", "x", "--timeout", "soon"], { cwd: root }), /--timeout "soon": give a positive duration/);
  assertUsage(await bgr(["spawn", "--task", "x", "--cwd", path.join(root, "nope")], { cwd: root }), /--cwd .*no such directory/);
  assertUsage(await bgr(["spawn", "--bogus"], { cwd: root }), /unknown option '--bogus'/);
  assertUsage(await bgr(["list", "--status", "done"], { cwd: root }), /--status "done": use one of running, completed, failed/);
  assertUsage(await bgr(["spawn", "--task", "x", "--agent", "nobody"], { cwd: root }), /no agent definition named "nobody".*known: background-runner/);
  assertUsage(await bgr(["status", "bg-20260101-000000-nothing"], { cwd: root }), /no run with id bg-20260101-000000-nothing/);
  assertUsage(await bgr(["run", "--task", "x", "--kind", "llm", "--model", "m", "--provider", "bogus"], { cwd: root }), /--provider "bogus": use anthropic or openai/);
  assertUsage(await bgr(["spawn", "--task", "x", "--kind", "llm", "--model", "m", "--base-url", "localhost:11434"], { cwd: root }), /--base-url "localhost:11434": give an http\(s\) URL/);
  assertUsage(await bgr(["spawn", "--task", "x", "--kind", "coverage-analysis", "--report", "coverage/nope.info"], { cwd: root }), /--report "coverage\/nope\.info": no such file/);
  assertUsage(await bgr(["run", "--task", "x", "--kind", "coverage-analysis", "--report", "../lcov.info"], { cwd: root }), /--report "\.\.\/lcov\.info".*outside the workspace/);
  assertUsage(await bgr(["wait", "--timeout", "-5", "bg-20260101-000000-nothing"], { cwd: root }), /--timeout "-5": give a positive duration such as 90, 90s, 30m or 1h/);
  assertUsage(await bgr(["check", "../x.md"], { cwd: root }), /outside the workspace/);
  assertUsage(await bgr(["ack", ".agents/reports/none.md"], { cwd: root }), /does not exist/);
  // Nothing was reserved or written by any of them.
  assert.deepEqual(await runsDir(root), []);
  assert.equal(await readText(root, SESSION), (await import("./helpers.js")).SESSION_TEXT);
});

test("a symlink leading out of the workspace is refused as a report path", async () => {
  const root = await makeWorkspace();
  const outside = await makeWorkspace("bgr-outside-");
  await (await import("node:fs/promises")).symlink(outside, path.join(root, "escape"));
  assertUsage(await bgr(["spawn", "--task", "x", "--output", "escape/r.md"], { cwd: root }), /symbolic link/);
});

test("a session file with broken YAML is never rewritten and the run is refused", async () => {
  const root = await makeWorkspace();
  const broken = "---\ntitle: [unclosed\nbackground_agents:\n---\nbody\n";
  await writeFile(path.join(root, SESSION), broken);
  const before = await stat(path.join(root, SESSION));
  for (const command of ["spawn", "run"]) {
    assertUsage(await bgr([command, "--task", "Analyze coverage", "--session", SESSION], { cwd: root }), /front matter is not valid YAML.*bgr will not rewrite it/);
  }
  assert.equal(await readText(root, SESSION), broken);
  assert.equal((await stat(path.join(root, SESSION))).mtimeMs, before.mtimeMs);
  assert.deepEqual(await runsDir(root), []);
});

test("a session lock left by a crashed process is broken once stale; the run goes through", async () => {
  const root = await makeWorkspace();
  const lockName = createHash("sha1").update(path.join(root, SESSION)).digest("hex").slice(0, 20);
  const lockDir = path.join(root, ".agents/runs/locks", `${lockName}.lock`);
  await mkdir(lockDir, { recursive: true });
  const old = new Date(Date.now() - 60_000);
  await utimes(lockDir, old, old);
  const result = await bgr(["run", "--task", "Analyze coverage", "--files", "src/a.js", "--session", SESSION, "--json"], { cwd: root });
  assert.equal(result.code, 0, result.stderr);
  assert.equal((JSON.parse(result.stdout) as { status: string }).status, "completed");
  assert.match(await readText(root, SESSION), /status: completed/);
});

test("missing files in the Files list are listed in the report, not fatal", async () => {
  const root = await makeWorkspace();
  const result = await bgr(["run", "Analyze coverage\n\nFiles:\n- src/a.js\n- src/gone.js\n", "--json"], { cwd: root });
  assert.equal(result.code, 0, result.stderr);
  const outcome = JSON.parse(result.stdout) as { report: string };
  const report = await readText(root, outcome.report);
  assert.match(report, /`src\/gone\.js`: listed in the task's Files\/scope but does not exist/);
  // Only missing files: nothing to analyse is a blocker, not a whole-workspace run.
  const none = await bgr(["run", "Analyze coverage\n\nFiles:\n- src/gone.js\n", "--json"], { cwd: root });
  assert.equal(none.code, 1);
  const failed = JSON.parse(none.stdout) as { status: string; report: string };
  assert.equal(failed.status, "failed");
  assert.match(await readText(root, failed.report), /## Blockers\n\n- none of the requested paths exist in the workspace: `src\/gone\.js`/);
});

test("an unwritable .agents/ is one clear error", async () => {
  const root = await makeWorkspace();
  // Tests may run as root, which ignores permission bits: a file where .agents/runs must be is unwritable for everyone.
  await writeFile(path.join(root, ".agents/runs"), "not a directory\n");
  const result = await bgr(["spawn", "--task", "Analyze coverage"], { cwd: root });
  assert.equal(result.code, 2, result.stderr);
  assert.match(result.stderr.trim(), /^bgr: \.agents\/runs exists and is not a folder: move it away/);
  assert.equal(result.stderr.trim().split("\n").length, 1);
});

test("bgr spawn from inside a run is refused", async () => {
  const root = await makeWorkspace();
  assertUsage(await bgr(["spawn", "--task", "x"], { cwd: root, env: { BGR_RUN_ID: "bg-20260101-000000-outer" } }), /cannot spawn from inside run bg-20260101-000000-outer/);
  const listed = await bgrJson<unknown[]>(["list"], { cwd: root });
  assert.deepEqual(listed, []);
});

test("engine commands: a path that does not exist, an unreadable report, no git repository are usage errors", async () => {
  const root = await makeWorkspace();
  assertUsage(await bgr(["audit", "src/nope"], { cwd: root }), /path "src\/nope" does not exist in the workspace/);
  // --timeout takes the same durations as bgr run.
  assertUsage(await bgr(["audit", "--timeout", "-5"], { cwd: root }), /--timeout "-5": give a positive duration such as 90, 90s, 30m or 1h/);
  const withUnit = await bgr(["audit", "src/auth", "--timeout", "30m", "--format", "json"], { cwd: root });
  assert.equal(withUnit.code, 0, withUnit.stderr);
  assertUsage(await bgr(["coverage", "lib"], { cwd: root }), /path "lib" does not exist in the workspace/);
  await writeFile(path.join(root, "broken.info"), "garbage{{{\n");
  assertUsage(await bgr(["coverage", "--report", "broken.info", "--format", "json"], { cwd: root }), /broken\.info:1: unrecognized coverage format/);
  // The temp workspace is not a git repository.
  assertUsage(await bgr(["review"], { cwd: root }), /not inside a git work tree, so there is no change to review: run the review in a git repository/);
  // A readable report still gives a report, under the engine's own heading.
  const ok = await bgr(["coverage", "--report", "coverage/lcov.info"], { cwd: root });
  assert.equal(ok.code, 0, ok.stderr);
  assert.match(ok.stdout, /^# Coverage analysis\n/);
  assert.match(ok.stdout, /\*\*Recommendation\*\*: Write tests that reach line 3\./);
});

test("a report location that holds another run's report is refused, and that report is kept", async () => {
  const root = await makeWorkspace();
  const first = await bgr(["run", SEED_PROMPT, "--json"], { cwd: root });
  assert.equal(first.code, 0, first.stderr);
  const report = ".agents/reports/20260123-143000-auth-security.md";
  const before = await readText(root, report);
  assertUsage(
    await bgr(["run", SEED_PROMPT, "--id", "bg-20260123-143001-auth-security"], { cwd: root }),
    /report path \.agents\/reports\/20260123-143000-auth-security\.md already holds the report of run bg-20260123-143000-auth-security: pass another --out \(or "Write report to:"\)/,
  );
  assert.equal(await readText(root, report), before);
  // Its own id may write there again once its run record is gone (a deliberate re-run).
  await (await import("node:fs/promises")).rm(path.join(root, ".agents/runs"), { recursive: true });
  const again = await bgr(["run", SEED_PROMPT, "--json"], { cwd: root });
  assert.equal(again.code, 0, again.stderr);
});
