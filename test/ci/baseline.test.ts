// `--baseline`: only what a branch added, against a git revision (its
// merge-base analysed from a private checkout) or an earlier JSON output.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, realpath, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { bgr } from "../cli/helpers.js";
import { repo } from "../review/helpers.js";

const VIEW = (name: string) => `\ndef ${name}():\n    return str(eval(request.args["expr"]))\n`;
const APP = `from flask import request\n${VIEW("calc")}`;

function findings(stdout: string): Array<{ ruleId: string; file: string; line: number }> {
  return JSON.parse(stdout).findings;
}

test("--baseline REF reports only findings new since the merge-base, leaving the repository untouched", async () => {
  const r = repo();
  r.write("app/views.py", APP).write("app/old.py", APP).commit("base");
  r.git("checkout", "-q", "-b", "feature");
  // An edit above the old finding moves it; an identical second line in the same file and a new file are new.
  r.write("app/views.py", `from flask import request\n# moved down\n${VIEW("calc")}${VIEW("calc_again")}`)
    .write("app/new.py", APP)
    .commit("feature");
  r.git("checkout", "-q", "main");
  r.write("app/main_only.py", APP).commit("main moves on");
  r.git("checkout", "-q", "feature");
  r.write("app/uncommitted.py", APP);

  const full = await bgr(["audit", "--json"], { cwd: r.root });
  assert.equal(full.code, 0, full.stderr);
  assert.equal(findings(full.stdout).length, 5);
  const statusBefore = r.git("status", "--porcelain");

  const out = await bgr(["audit", "--json", "--baseline", "main"], { cwd: r.root });
  assert.equal(out.code, 0, out.stderr);
  const fresh = findings(out.stdout).map((f) => `${f.file}:${f.line}`).sort();
  assert.deepEqual(fresh, ["app/new.py:4", "app/uncommitted.py:4", "app/views.py:8"]);
  const data = JSON.parse(out.stdout);
  assert.equal(data.baseline.known, 2);
  assert.match(data.baseline.source, /^main \(merge-base [0-9a-f]{12}\)$/);
  assert.match(data.summary, /Baseline main \(merge-base [0-9a-f]{12}\): 3 new findings reported, 2 already present there left out\./);

  assert.equal(r.git("status", "--porcelain"), statusBefore);
  assert.equal(r.git("worktree", "list").trim().split("\n").length, 1);

  // The SARIF of the filtered run keeps each survivor's fingerprint from the full run.
  const sarifFull = JSON.parse((await bgr(["audit", "--format", "sarif"], { cwd: r.root })).stdout);
  const sarifNew = JSON.parse((await bgr(["audit", "--format", "sarif", "--baseline", "main"], { cwd: r.root })).stdout);
  const printOf = (log: any): Map<string, string> => new Map(log.runs[0].results.map((x: any) => [`${x.locations[0].physicalLocation.artifactLocation.uri}:${x.locations[0].physicalLocation.region.startLine}`, x.partialFingerprints["bgr/v1"]]));
  const all = printOf(sarifFull);
  for (const [where, print] of printOf(sarifNew)) assert.equal(print, all.get(where), where);
});

test("--baseline FILE takes an earlier --format json output; the same analysis against itself reports nothing", async () => {
  const r = repo();
  r.write("app/views.py", APP).commit("base");
  const before = await bgr(["audit", "--format", "json", "--out", "before.json"], { cwd: r.root });
  assert.equal(before.code, 0, before.stderr);
  r.write("app/views.py", `${APP}${VIEW("again")}`);
  const out = await bgr(["audit", "--json", "--baseline", "before.json", "--fail-on", "high"], { cwd: r.root });
  assert.equal(out.code, 1, "the new High finding still fails the build");
  assert.deepEqual(findings(out.stdout).map((f) => f.line), [7]);
  r.write("app/views.py", APP);
  const same = await bgr(["audit", "--json", "--baseline", "before.json", "--fail-on", "high"], { cwd: r.root });
  assert.equal(same.code, 0, same.stderr);
  assert.deepEqual(findings(same.stdout), []);
  // A SARIF file from bgr works as a baseline too.
  await bgr(["audit", "--format", "sarif", "--out", "before.sarif"], { cwd: r.root });
  const fromSarif = await bgr(["audit", "--json", "--baseline", "before.sarif"], { cwd: r.root });
  assert.deepEqual(findings(fromSarif.stdout), []);
});

test("bad baselines are usage errors naming the input", async () => {
  const r = repo();
  r.write("app/views.py", APP).commit("base");
  const cases: Array<[string[], RegExp]> = [
    [["audit", "--baseline", "no-such-branch"], /^bgr: --baseline no-such-branch: neither a file nor a git revision: name a branch, tag or commit/],
    [["coverage", "--baseline", "main"], /^bgr: --baseline main: no such file: give an earlier `bgr coverage --format json` output; a git revision as baseline is for `bgr audit`/],
    [["review", "--baseline", "main"], /^bgr: --baseline main: no such file \(a review already covers only the change since --base\)/],
  ];
  await writeFile(path.join(r.root, "notes.txt"), "hello\n");
  cases.push([["audit", "--baseline", "notes.txt"], /^bgr: --baseline notes\.txt: not JSON: give the output of an earlier `bgr … --format json`/]);
  await writeFile(path.join(r.root, "other.json"), "{\"items\": []}\n");
  cases.push([["audit", "--baseline", "other.json"], /^bgr: --baseline other\.json: neither bgr's JSON/]);
  for (const [args, pattern] of cases) {
    const out = await bgr(args, { cwd: r.root });
    assert.equal(out.code, 2, `${args.join(" ")}: ${out.stderr}`);
    assert.match(out.stderr, pattern);
    assert.equal(out.stderr.trimEnd().split("\n").length, 1);
  }
  const plain = await realpath(await mkdtemp(path.join(tmpdir(), "bgr-nogit-")));
  await writeFile(path.join(plain, "a.py"), APP);
  const noGit = await bgr(["audit", "--baseline", "main"], { cwd: plain, env: { GIT_CEILING_DIRECTORIES: path.dirname(plain) } });
  assert.equal(noGit.code, 2);
  assert.match(noGit.stderr, /--baseline main: .* is not in a git repository and no file has that name/);
});
