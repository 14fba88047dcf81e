// Where `bgr run` takes its prompt from: a file named as the only argument,
// a file given with -p, or the arguments themselves; and engine flags that
// reach the engine untouched.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { writeFile } from "node:fs/promises";
import path from "node:path";
import { bgr, makeWorkspace, readText, SEED_PROMPT } from "./helpers.js";

test("a single argument naming a file is the prompt file, from the current directory or the workspace", async () => {
  const root = await makeWorkspace();
  await writeFile(path.join(root, "task.md"), SEED_PROMPT);
  const inWorkspace = await bgr(["run", "--cwd", root, "task.md", "--json"], { cwd: path.dirname(root) });
  assert.equal(inWorkspace.code, 0, inWorkspace.stderr);
  assert.equal(JSON.parse(inWorkspace.stdout).id, "bg-20260123-143000-auth-security");
  assert.match(await readText(root, ".agents/reports/20260123-143000-auth-security.md"), /## Files Analyzed\n\n- `src\/auth\/endpoints\.py`\n- `src\/auth\/token\.py`/);

  const fromCwd = await bgr(["run", "--cwd", root, path.join(path.basename(root), "task.md"), "--id", "bg-20260123-143001-again", "--output", ".agents/reports/20260123-143001-again.md", "--json"], { cwd: path.dirname(root) });
  assert.equal(fromCwd.code, 0, fromCwd.stderr);
  assert.equal(JSON.parse(fromCwd.stdout).id, "bg-20260123-143001-again");
});

test("words that name no file are the prompt itself", async () => {
  const root = await makeWorkspace();
  const run = await bgr(["run", "--cwd", root, "--kind", "security-audit", "--files", "src/auth/token.py", "--json", "task.md"], { cwd: root });
  assert.equal(run.code, 0, run.stderr);
  const status = JSON.parse((await bgr(["status", JSON.parse(run.stdout).id, "--cwd", root, "--json"], { cwd: root })).stdout);
  assert.equal(status.task, "task.md");
});

test("--head reaches the review engine: an unknown ref fails the run with a partial report naming it", async () => {
  const root = await makeWorkspace();
  const git = (...args: string[]) => execFileSync("git", ["-c", "user.name=t", "-c", "user.email=t@example.com", ...args], { cwd: root });
  git("init", "-q", "-b", "main");
  git("add", "-A");
  git("commit", "-qm", "init");
  const run = await bgr(["run", "--cwd", root, "--kind", "code-review", "--task", "Review the branch", "--head", "no-such-branch", "--json"], { cwd: root });
  assert.equal(run.code, 1, run.stderr);
  const report = await readText(root, JSON.parse(run.stdout).report);
  assert.match(report, /## Blockers\n\n- [^\n]*no-such-branch/);
});

test("patterns in the Files list name the files they match; one that matches nothing is listed", async () => {
  const root = await makeWorkspace();
  const run = await bgr(["run", "--cwd", root, "Security audit of the auth module\n\nFiles:\n- src/auth/*.py\n- lib/**/*.js\n", "--json"], { cwd: root });
  assert.equal(run.code, 0, run.stderr);
  const report = await readText(root, JSON.parse(run.stdout).report);
  assert.match(report, /## Files Analyzed\n\n- `src\/auth\/endpoints\.py`\n- `src\/auth\/token\.py`\n/);
  assert.match(report, /`lib\/\*\*\/\*\.js`: a pattern in the task's Files\/scope that matches no file in the workspace/);
});
