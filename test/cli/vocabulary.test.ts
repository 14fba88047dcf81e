// One vocabulary across commands: --out (with --output kept on run/spawn),
// durations for every --timeout, only bgr's own severities for --fail-on,
// -p relative to where the user typed it, and config mistakes caught before a
// run exists; plus the scope a task line names.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdir, readFile, readdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { bgr, bgrJson, makeWorkspace } from "./helpers.js";

function assertUsage(result: { code: number; stderr: string }, pattern: RegExp): void {
  assert.equal(result.code, 2, `expected exit 2, got ${result.code}: ${result.stderr}`);
  assert.equal(result.stderr.trimEnd().split("\n").length, 1, `one line: ${result.stderr}`);
  assert.match(result.stderr, pattern);
}

test("--out on run and spawn, --output and -o as aliases; both disagreeing is refused", async () => {
  const root = await makeWorkspace();
  const out = await bgrJson<{ report: string }>(["run", "--task", "Security audit", "--files", "src/auth/token.py", "--out", ".agents/reports/20260301-100000-a.md", "--json"], { cwd: root });
  assert.equal(out.report, ".agents/reports/20260301-100000-a.md");
  const short = await bgrJson<{ report: string }>(["run", "--task", "Security audit", "--files", "src/auth/token.py", "-o", ".agents/reports/20260301-100001-b.md", "--json"], { cwd: root });
  assert.equal(short.report, ".agents/reports/20260301-100001-b.md");
  const alias = await bgrJson<{ report: string }>(["spawn", "--task", "Security audit", "--files", "src/auth/token.py", "--output", ".agents/reports/20260301-100002-c.md", "--json"], { cwd: root });
  assert.equal(alias.report, ".agents/reports/20260301-100002-c.md");
  assertUsage(await bgr(["spawn", "--task", "x", "--out", ".agents/reports/a.md", "--output", ".agents/reports/b.md"], { cwd: root }), /--output is an alias of --out, give one/);
  const help = (await bgr(["spawn", "--help"], { cwd: root })).stdout.replace(/\s+/g, " ");
  assert.match(help, /-o, --out <report\.md>/);
  assert.match(help, /relative to the directory you run bgr in, not --cwd/);
});

test("bgr wait --timeout takes durations like every other --timeout", async () => {
  const root = await makeWorkspace();
  const spawned = await bgrJson<{ id: string }>(["spawn", "--task", "Security audit", "--files", "src/auth/token.py", "--json"], { cwd: root });
  const waited = await bgr(["wait", spawned.id, "--timeout", "3m"], { cwd: root });
  assert.equal(waited.code, 0, waited.stderr);
  assert.equal((await bgr(["wait", spawned.id, "--timeout", "0"], { cwd: root })).code, 0);
  assertUsage(await bgr(["wait", spawned.id, "--timeout", "soon"], { cwd: root }), /--timeout "soon": give a positive duration such as 90, 90s, 30m or 1h/);
});

test("--fail-on takes bgr's severities in any case and refuses other words with the list", async () => {
  const root = await makeWorkspace();
  assertUsage(await bgr(["audit", "--fail-on", "Critical"], { cwd: root }), /--fail-on Critical: unknown severity: use one of High, Medium, Low, Info or none/);
  const high = await bgr(["audit", "--fail-on", "medium"], { cwd: root });
  assert.equal(high.code, 1, "the workspace's SQL injection is High");
});

test("-p is relative to the directory bgr runs in, not --cwd", async () => {
  const root = await makeWorkspace();
  await writeFile(path.join(root, "task.md"), "Security audit\n\nFiles:\n- src/auth/token.py\n");
  const fromParent = await bgr(["run", "--cwd", root, "-p", path.join(path.basename(root), "task.md"), "--json"], { cwd: path.dirname(root) });
  assert.equal(fromParent.code, 0, fromParent.stderr);
  const wrong = await bgr(["run", "--cwd", root, "-p", "task.md"], { cwd: path.dirname(root) });
  assertUsage(wrong, /--prompt-file task\.md: no such file in .* \(the path is relative to the directory you run bgr in, not --cwd\)/);
});

test("a broken config is refused before a run exists, with file:line, exit 2", async () => {
  const root = await makeWorkspace();
  await mkdir(path.join(root, ".agents"), { recursive: true });
  for (const [text, message] of [
    ["exclde: [tests/]\n", /\.agents\/config\.yaml:1: exclde: unknown key: did you mean exclude\?/],
    ["rules:\n  disable: [py.nope-rule]\n", /\.agents\/config\.yaml:2: rules\.disable: py\.nope-rule is not a rule/],
    ["coverage:\n  thresholds:\n    lines: 101\n", /\.agents\/config\.yaml:3: coverage\.thresholds\.lines: expected a percentage from 0 to 100/],
  ] as const) {
    await writeFile(path.join(root, ".agents/config.yaml"), text);
    assertUsage(await bgr(["spawn", "--task", "Security audit"], { cwd: root }), message);
    assertUsage(await bgr(["audit"], { cwd: root }), message);
    assertUsage(await bgr(["config"], { cwd: root }), message);
  }
  assert.deepEqual(await readdir(path.join(root, ".agents/runs")).catch(() => []), []);
  await writeFile(path.join(root, ".agents/config.yaml"), "exclude: [legacy/]\nreview:\n  maxNesting: 3\n");
  const shown = await bgr(["config"], { cwd: root });
  assert.equal(shown.code, 0, shown.stderr);
  assert.match(shown.stdout, /^exclude +\["legacy\/"\] +\(\.agents\/config\.yaml:1\)$/m);
  assert.match(shown.stdout, /^review\.maxNesting +3 +\(\.agents\/config\.yaml:3\)$/m);
  assert.match(shown.stdout, /^review\.maxParams +5 +\(default\)$/m);
  const json = await bgrJson<{ source: string; settings: Array<{ key: string; from: string }> }>(["config", "--json"], { cwd: root });
  assert.equal(json.source, ".agents/config.yaml");
});

test("paths named in the task line are the scope when there is no Files: list", async () => {
  const root = await makeWorkspace();
  await mkdir(path.join(root, "web/src/auth"), { recursive: true });
  await writeFile(path.join(root, "web/src/auth/login.py"), "import os\n\ndef run(cmd):\n    os.system(cmd)\n");
  const run = await bgrJson<{ report: string }>(["run", "Security audit of web/src/auth", "--json"], { cwd: root });
  const report = await readFile(path.join(root, run.report), "utf8");
  const analyzed = report.slice(report.indexOf("## Files Analyzed"));
  assert.match(analyzed, /- `web\/src\/auth\/login\.py`/);
  assert.doesNotMatch(analyzed, /src\/auth\/token\.py/, "the rest of the workspace is out of scope");

  const missing = await bgr(["run", "Security audit of web/src/payments", "--json"], { cwd: root });
  assert.equal(missing.code, 1, "a named path that does not exist fails the run, it does not widen it");
  const partial = await readFile(path.join(root, JSON.parse(missing.stdout).report), "utf8");
  assert.match(partial, /none of the requested paths exist in the workspace: `web\/src\/payments`/);
});
