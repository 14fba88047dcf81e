// The audit cache is a speed-up, never a source of truth: a pack that was
// edited, committed from another machine, or signed with a key others can
// read is ignored; the key lives outside the workspace; .agents/cache is
// gitignored; a symlinked cache folder carries no write out of the workspace.
import assert from "node:assert/strict";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, beforeEach, describe, test } from "node:test";
import { CacheStore } from "../../src/engines/security-audit/cache.js";
import { machineKeyPath } from "../../src/engines/security-audit/cache-key.js";
import { runAudit } from "../../src/engines/security-audit/index.js";
import type { EngineContext, EngineResult } from "../../src/engines/types.js";

const temps: string[] = [];
after(() => temps.forEach((d) => rmSync(d, { recursive: true, force: true })));

function temp(prefix: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), prefix));
  temps.push(dir);
  return dir;
}

const VULN_PY = 'from flask import Flask, request\nimport os\napp = Flask(__name__)\n@app.route("/a")\ndef a():\n    os.system("ping " + request.args["h"])\n';

function workspace(): string {
  const root = temp("bgr-cache-ws-");
  writeFileSync(path.join(root, "app.py"), VULN_PY);
  return root;
}

const cacheDirOf = (root: string): string => path.join(root, ".agents", "cache", "security-audit");
const packOf = (root: string): string => path.join(cacheDirOf(root), "pack-v1.bin");

async function audit(root: string, scope: string[] = []): Promise<{ findings: number; cached: number; result: EngineResult }> {
  const ctx: EngineContext = {
    root,
    scope,
    task: "Security audit",
    instructions: "",
    options: {},
    signal: new AbortController().signal,
    log: () => {},
    progress: () => {},
    cacheDir: cacheDirOf(root),
  };
  const result = await runAudit(ctx);
  return { findings: result.findings.length, cached: (result.data as { cachedFiles: number }).cachedFiles, result };
}

describe("audit cache integrity", () => {
  beforeEach(() => {
    // A private machine key per test: the real ~/.cache is not touched.
    process.env.XDG_CACHE_HOME = temp("bgr-cache-home-");
  });

  test("a warm run is answered from the pack; the key is 0600 outside the workspace; .agents/cache is gitignored", async () => {
    const root = workspace();
    assert.deepEqual([(await audit(root)).cached, (await audit(root)).cached], [0, 1]);
    const key = machineKeyPath();
    assert.ok(key.startsWith(process.env.XDG_CACHE_HOME!), key);
    assert.equal(statSync(key).mode & 0o777, 0o600);
    assert.equal(readFileSync(path.join(root, ".agents", "cache", ".gitignore"), "utf8").split("\n").filter((l) => l && !l.startsWith("#")).join(), "*");
  });

  test("an edited pack (findings emptied, MAC kept) is ignored and the file re-analysed", async () => {
    const root = workspace();
    const first = await audit(root);
    assert.equal(first.findings, 1);
    const pack = readFileSync(packOf(root), "utf8");
    const forged = pack.replace(/"findings":\[.*?\],"errors"/s, '"findings":[],"errors"');
    assert.notEqual(forged, pack, "the pack should hold the finding");
    writeFileSync(packOf(root), forged);
    const second = await audit(root);
    assert.deepEqual([second.cached, second.findings], [0, 1]);
  });

  test("a pack signed on another machine (a committed cache) is not trusted", async () => {
    const root = workspace();
    await audit(root);
    process.env.XDG_CACHE_HOME = temp("bgr-cache-home-other-");
    const other = await audit(root);
    assert.deepEqual([other.cached, other.findings], [0, 1]);
  });

  test("a key that others can read is not used, and no cache is trusted with it", async () => {
    const root = workspace();
    await audit(root);
    chmodSync(machineKeyPath(), 0o644);
    // A fresh process would read the key again; the store is opened the same way.
    assert.equal(CacheStore.open(cacheDirOf(root), root)?.keys("analysis").length ?? 0, 0);
  });

  test("a key location inside the workspace disables the cache instead of signing with a committed key", async () => {
    const root = workspace();
    process.env.XDG_CACHE_HOME = path.join(root, "cache-home");
    const run = await audit(root);
    assert.deepEqual([run.cached, run.findings], [0, 1]);
    assert.equal(existsSync(path.join(root, "cache-home")), false);
    assert.equal(existsSync(packOf(root)), false);
  });

  test("a .agents/cache symlinked outside the workspace gets no writes", async () => {
    const root = workspace();
    const outside = temp("bgr-cache-outside-");
    mkdirSync(path.join(root, ".agents"));
    symlinkSync(outside, path.join(root, ".agents", "cache"), "dir");
    const run = await audit(root);
    assert.equal(run.findings, 1);
    const written = readdirSync(outside, { recursive: true, encoding: "utf8" }).filter((f) => !statSync(path.join(outside, f)).isDirectory());
    assert.deepEqual(written, []);
  });

  test("a cached analysis that read another module is redone when that module changes, even if the file did not", async () => {
    const root = temp("bgr-cache-deps-");
    writeFileSync(path.join(root, "helper.py"), 'from flask import request\n\ndef get_host():\n    return request.args["h"]\n');
    writeFileSync(path.join(root, "app.py"), 'import os\nfrom flask import Flask\nfrom helper import get_host\napp = Flask(__name__)\n@app.route("/a")\ndef a():\n    os.system("ping " + get_host())\n');
    const first = await audit(root);
    assert.deepEqual(first.result.findings.map((f) => `${f.file}:${f.line}`), ["app.py:7"]);
    assert.equal((await audit(root)).cached, 2);
    writeFileSync(path.join(root, "helper.py"), 'from flask import request\nimport shlex\n\ndef get_host():\n    return shlex.quote(request.args["h"])\n');
    const after = await audit(root);
    assert.deepEqual(after.result.findings, []);
    assert.equal(after.cached, 0, "app.py must be re-analysed: the module it read changed");
  });

  test("a module outside the audit's scope is read to check it: a change there redoes its importer", async () => {
    const root = temp("bgr-cache-deps-scope-");
    writeFileSync(path.join(root, "helper.py"), 'import shlex\nfrom flask import request\n\ndef get_host():\n    return shlex.quote(request.args["h"])\n');
    writeFileSync(path.join(root, "app.py"), 'import os\nfrom flask import Flask\nfrom helper import get_host\napp = Flask(__name__)\n@app.route("/a")\ndef a():\n    os.system("ping " + get_host())\n');
    assert.deepEqual((await audit(root, ["app.py"])).result.findings, []);
    assert.equal((await audit(root, ["app.py"])).cached, 1);
    // helper.py is never in this audit's file list, so no stat of it vouches for it: it must be read and hashed.
    writeFileSync(path.join(root, "helper.py"), 'from flask import request\n\ndef get_host():\n    return request.args["h"]\n');
    const after = await audit(root, ["app.py"]);
    assert.equal(after.cached, 0);
    assert.deepEqual(after.result.findings.map((f) => `${f.file}:${f.line}`), ["app.py:7"]);
  });

  test("namespaces share one pack: an engine's summaries and analyses are kept apart and survive a save", () => {
    const root = workspace();
    const dir = cacheDirOf(root);
    const store = CacheStore.open(dir, root)!;
    store.set("analysis", "k1", { findings: [], errors: [] });
    store.set("summary", "k1", { exports: ["f"] });
    store.save();
    const again = CacheStore.open(dir, root)!;
    assert.deepEqual(again.get("summary", "k1"), { exports: ["f"] });
    assert.deepEqual(again.get("analysis", "k1"), { findings: [], errors: [] });
    assert.equal(again.get("summary", "k2"), undefined);
  });
});
