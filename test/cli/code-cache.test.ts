// The bundles run through V8's code cache (src/cli/code-cache.ts): a first
// run writes the cache into bgr's own folder, the next one runs from it, a
// rebuilt script never runs from an older build's cache, and a cache folder
// others can write is not trusted.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { chmod, mkdir, mkdtemp, readdir, readFile, rm, stat, utimes, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { promisify } from "node:util";

const CODE_CACHE = pathToFileURL(fileURLToPath(new URL("../../src/cli/code-cache.js", import.meta.url))).href;
const TIERING = pathToFileURL(fileURLToPath(new URL("../../src/runtime/tiering.js", import.meta.url))).href;
const BUNDLES = fileURLToPath(new URL("../../src/bundle/", import.meta.url));

const SCRIPT = 'module.exports.answer = [1, 2, 3].map((n) => n * 2).join(",");\nprocess.stdout.write(`ran ${module.exports.answer} ${typeof require} ${require("node:path").basename(__filename)}\\n`);\n';

/** A script, a runner that runs it through the cache, and a cache home and a working folder side by side (the cache must not sit inside the folder bgr runs in). */
async function scratch(): Promise<{ dir: string; cacheHome: string; cwd: string; script: string; runner: string }> {
  const dir = await mkdtemp(path.join(tmpdir(), "bgr-code-cache-"));
  const cwd = path.join(dir, "work");
  await mkdir(cwd);
  const script = path.join(dir, "work.cjs");
  await writeFile(script, SCRIPT);
  const runner = path.join(dir, "runner.mjs");
  await writeFile(runner, `import { runCachedScript } from ${JSON.stringify(CODE_CACHE)};\nconst use = runCachedScript(new URL(${JSON.stringify(pathToFileURL(script).href)}), "work");\nprocess.stdout.write(use + "\\n");\n`);
  return { dir, cacheHome: path.join(dir, "cache-home"), cwd, script, runner };
}

async function run(runner: string, cacheHome: string, cwd: string): Promise<string[]> {
  const { stdout } = await promisify(execFile)(process.execPath, [runner], { cwd, env: { ...process.env, XDG_CACHE_HOME: cacheHome, BGR_CODE_CACHE: "" } });
  return stdout.trim().split("\n");
}

test("a script runs with module, require and __filename; its second run comes from the cache the first wrote", async () => {
  const { dir, cacheHome, cwd, runner } = await scratch();
  try {
    assert.deepEqual(await run(runner, cacheHome, cwd), ["ran 2,4,6 function work.cjs", "miss"]);
    const files = await readdir(path.join(cacheHome, "bgr", "code-cache"));
    assert.equal(files.length, 1);
    assert.match(files[0]!, /-work-[0-9a-f]{16}\.bin$/);
    assert.deepEqual(await run(runner, cacheHome, cwd), ["ran 2,4,6 function work.cjs", "hit"]);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test("a rebuilt script of the same length runs its new code, and the old build's cache is removed", async () => {
  const { dir, cacheHome, cwd, script, runner } = await scratch();
  try {
    await run(runner, cacheHome, cwd);
    const rebuilt = 'process.stdout.write("new code\\n");'.padEnd(SCRIPT.length - 1, " ") + "\n";
    assert.equal(rebuilt.length, SCRIPT.length);
    await writeFile(script, rebuilt);
    const later = new Date(Date.now() + 5_000);
    await utimes(script, later, later);
    assert.deepEqual(await run(runner, cacheHome, cwd), ["new code", "miss"]);
    assert.equal((await readdir(path.join(cacheHome, "bgr", "code-cache"))).length, 1);
    assert.deepEqual(await run(runner, cacheHome, cwd), ["new code", "hit"]);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test("writing a cache removes other bundles' caches untouched for two weeks and keeps recent ones", async () => {
  const { dir, cacheHome, cwd, runner } = await scratch();
  try {
    const folder = path.join(cacheHome, "bgr", "code-cache");
    await mkdir(folder, { recursive: true, mode: 0o700 });
    const old = path.join(folder, "000000000000-cli-run-0000000000000000.bin");
    const recent = path.join(folder, "111111111111-cli-run-1111111111111111.bin");
    await writeFile(old, "stale");
    await writeFile(recent, "recent");
    const longAgo = new Date(Date.now() - 20 * 24 * 3600 * 1000);
    await utimes(old, longAgo, longAgo);
    await run(runner, cacheHome, cwd);
    const left = await readdir(folder);
    assert.ok(!left.includes(path.basename(old)), left.join(", "));
    assert.ok(left.includes(path.basename(recent)), left.join(", "));
    assert.equal(left.length, 2);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test("a cache folder others can write is neither read nor written", async () => {
  const { dir, cacheHome, cwd, runner } = await scratch();
  try {
    const folder = path.join(cacheHome, "bgr", "code-cache");
    await mkdir(folder, { recursive: true });
    await chmod(folder, 0o777);
    assert.deepEqual(await run(runner, cacheHome, cwd), ["ran 2,4,6 function work.cjs", "miss"]);
    assert.deepEqual(await readdir(folder), []);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test("no cache is written inside the folder bgr runs in, nor with BGR_CODE_CACHE=off", async () => {
  const { dir, cwd, runner } = await scratch();
  try {
    const inside = path.join(cwd, "cache-home");
    assert.deepEqual(await run(runner, inside, cwd), ["ran 2,4,6 function work.cjs", "off"]);
    const { stdout } = await promisify(execFile)(process.execPath, [runner], { cwd: dir, env: { ...process.env, XDG_CACHE_HOME: path.join(dir, "elsewhere"), BGR_CODE_CACHE: "off" } });
    assert.equal(stdout.trim().split("\n").at(-1), "off");
    await assert.rejects(readdir(path.join(inside, "bgr")), { code: "ENOENT" });
    await assert.rejects(readdir(path.join(dir, "elsewhere")), { code: "ENOENT" });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test("a command that changes V8's flags while it runs (an audit's threads) leaves a cache its next start accepts", async () => {
  const { dir, cacheHome, cwd, script } = await scratch();
  try {
    // As main.ts starts `bgr audit`: baseline code first; the work then turns TurboFan back on and limits its inlining.
    await writeFile(script, `${SCRIPT}const t = require(${JSON.stringify(fileURLToPath(TIERING))}); t.limitInlining(); t.optimize();\n`);
    const runner = path.join(dir, "audit-runner.mjs");
    await writeFile(
      runner,
      `import { useBaseline } from ${JSON.stringify(TIERING)};\nuseBaseline();\nconst { runCachedScript } = await import(${JSON.stringify(CODE_CACHE)});\nprocess.stdout.write(runCachedScript(new URL(${JSON.stringify(pathToFileURL(script).href)}), "work") + "\\n");\n`,
    );
    const runAs = async (command: string) =>
      (await promisify(execFile)(process.execPath, [runner, command], { cwd, env: { ...process.env, XDG_CACHE_HOME: cacheHome, BGR_CODE_CACHE: "" } })).stdout.trim().split("\n").at(-1);
    assert.equal(await runAs("audit"), "miss");
    assert.equal(await runAs("audit"), "hit");
    assert.equal(await runAs("audit"), "hit");
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test("every file a bundle names relative to itself (worker threads, the CLI entry) exists", async () => {
  const entries = (await readdir(BUNDLES)).filter((f) => /\.(c|m)js$/.test(f));
  assert.ok(["cli.cjs", "spawn.cjs", "audit.cjs", "worker.mjs"].every((name) => entries.includes(name)), entries.join(", "));
  let checked = 0;
  for (const entry of entries) {
    const text = await readFile(path.join(BUNDLES, entry), "utf8");
    for (const match of text.matchAll(/new URL\("([^"]+)",\s*(?:import\.meta\.url|__bgrImportMetaUrl)\)/g)) {
      const target = fileURLToPath(new URL(match[1]!, pathToFileURL(path.join(BUNDLES, entry))));
      await stat(target).catch(() => assert.fail(`${entry} refers to ${match[1]}, which resolves to ${target}: no such file`));
      checked++;
    }
  }
  assert.ok(checked >= 3, `only ${checked} relative file references found`);
});
