// What counts as "the change" in each repository situation, on real repos.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { collectChange } from "../../src/engines/code-review/change.js";
import { repo } from "./helpers.js";


function paths(change: Awaited<ReturnType<typeof collectChange>>): string[] {
  return change.files.map((file) => `${file.status}:${file.path}`);
}

describe("choosing the change", () => {
  it("defaults to the merge-base with the default branch on a feature branch", async () => {
    const r = repo();
    r.write("a.txt", "one\n").commit("base");
    r.git("checkout", "-q", "-b", "feature");
    r.write("a.txt", "one\ntwo\n").commit("feature work");
    r.git("checkout", "-q", "main");
    r.write("main-only.txt", "later\n").commit("main moves on");
    r.git("checkout", "-q", "feature");
    const change = await collectChange({ root: r.root, scope: [] });
    assert.equal(change.mode, "range");
    assert.match(change.baseLabel, /^main \(merge-base /);
    assert.deepEqual(paths(change), ["modified:a.txt"], "main's later commit is not part of the change");
    assert.deepEqual([...change.files[0]!.patch.addedLines], [2]);
  });

  it("reviews uncommitted work (untracked files included) on the default branch", async () => {
    const r = repo();
    r.write("a.txt", "one\n").commit("base");
    r.write("a.txt", "one\nchanged\n").write("new.txt", "fresh\nfile\n");
    const change = await collectChange({ root: r.root, scope: [] });
    assert.equal(change.mode, "worktree");
    assert.deepEqual(paths(change), ["modified:a.txt", "added:new.txt"]);
    assert.deepEqual([...change.files[1]!.patch.addedLines], [1, 2]);
    assert.equal(await change.readNew(change.files[1]!), "fresh\nfile\n");
  });

  it("falls back to the last commit on a clean default branch, and to the empty tree for a first commit", async () => {
    const r = repo();
    r.write("a.txt", "one\n").commit("first");
    const first = await collectChange({ root: r.root, scope: [] });
    assert.match(first.baseLabel, /empty tree/);
    assert.deepEqual(paths(first), ["added:a.txt"]);
    r.write("b.txt", "two\n").commit("second");
    const second = await collectChange({ root: r.root, scope: [] });
    assert.match(second.baseLabel, /^HEAD\^/);
    assert.deepEqual(paths(second), ["added:b.txt"]);
  });

  it("reviews the index alone with staged", async () => {
    const r = repo();
    r.write("a.txt", "one\n").commit("base");
    r.write("a.txt", "one\nstaged\n");
    r.git("add", "a.txt");
    r.write("a.txt", "one\nstaged\nnot staged\n");
    const change = await collectChange({ root: r.root, scope: [], staged: true });
    assert.equal(change.mode, "staged");
    assert.deepEqual([...change.files[0]!.patch.addedLines], [2]);
    assert.equal(await change.readNew(change.files[0]!), "one\nstaged\n");
  });

  it("works in a repository with no commits yet", async () => {
    const r = repo();
    r.write("first.py", "x = 1\n");
    const change = await collectChange({ root: r.root, scope: [] });
    assert.equal(change.mode, "worktree");
    assert.deepEqual(paths(change), ["added:first.py"]);
  });

  it("works on a detached HEAD, and in a repository with no main/master", async () => {
    const r = repo("trunk");
    r.write("a.txt", "one\n").commit("base");
    const second = r.write("a.txt", "one\ntwo\n").commit("second");
    r.git("checkout", "-q", "--detach", second);
    const change = await collectChange({ root: r.root, scope: [] });
    assert.match(change.headLabel, /detached at/);
    assert.deepEqual(paths(change), ["modified:a.txt"]);
    const explicit = await collectChange({ root: r.root, scope: [], base: "trunk~1" });
    assert.deepEqual([...explicit.files[0]!.patch.addedLines], [2]);
  });

  it("refuses an unknown --base with a message naming it", async () => {
    const r = repo();
    r.write("a.txt", "one\n").commit("base");
    await assert.rejects(collectChange({ root: r.root, scope: [], base: "no-such-branch" }), /--base "no-such-branch" does not name a commit/);
  });

  it("refuses a directory that is not a git work tree", async () => {
    const r = repo();
    r.remove(".git");
    await assert.rejects(collectChange({ root: r.root, scope: [] }), /not inside a git work tree/);
  });
});

describe("files in the change", () => {
  it("follows a rename and marks only the edited lines as changed", async () => {
    const r = repo();
    const body = Array.from({ length: 20 }, (_, i) => `line ${i}`).join("\n") + "\n";
    r.write("old/name.js", body).commit("base");
    r.git("checkout", "-q", "-b", "feature");
    r.remove("old/name.js").write("new/name.js", body.replace("line 5\n", "line five\n")).commit("move");
    const change = await collectChange({ root: r.root, scope: [] });
    assert.equal(change.files.length, 1);
    const [file] = change.files;
    assert.equal(file!.status, "renamed");
    assert.equal(file!.oldPath, "old/name.js");
    assert.equal(file!.path, "new/name.js");
    assert.deepEqual([...file!.patch.addedLines], [6]);
    assert.match((await change.readOld(file!))!, /line 5\n/);
  });

  it("marks binary files and never reads them as text", async () => {
    const r = repo();
    r.write("a.txt", "one\n").commit("base");
    r.git("checkout", "-q", "-b", "feature");
    r.write("logo.png", Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x00, 0x01, 0x02])).commit("logo");
    const change = await collectChange({ root: r.root, scope: [] });
    assert.equal(change.files[0]!.binary, true);
    assert.equal(await change.readNew(change.files[0]!), undefined);
  });

  it("reports a submodule pointer change as a submodule entry", async () => {
    const lib = repo();
    lib.write("lib.txt", "v1\n").commit("v1");
    const r = repo();
    r.write("a.txt", "one\n").commit("base");
    r.git("-c", "protocol.file.allow=always", "submodule", "add", "-q", lib.root, "deps/lib");
    r.commit("add submodule");
    r.git("checkout", "-q", "-b", "feature");
    lib.write("lib.txt", "v2\n").commit("v2");
    r.git("-C", "deps/lib", "-c", "protocol.file.allow=always", "pull", "-q", "origin", "main");
    r.commit("bump");
    const change = await collectChange({ root: r.root, scope: [] });
    const entry = change.files.find((file) => file.path === "deps/lib");
    assert.ok(entry, `submodule listed: ${paths(change).join(", ")}`);
    assert.equal(entry.submodule, true);
    assert.equal(await change.readNew(entry), undefined);
  });

  it("limits the change to the given paths", async () => {
    const r = repo();
    r.write("src/a.js", "1\n").write("docs/b.md", "1\n").commit("base");
    r.write("src/a.js", "1\n2\n").write("docs/b.md", "1\n2\n");
    const change = await collectChange({ root: r.root, scope: ["src"] });
    assert.deepEqual(paths(change), ["modified:src/a.js"]);
  });
});
