import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import { rm, symlink, writeFile } from "node:fs/promises";
import path from "node:path";
import { runTool } from "../../src/tools/index.js";
import { makeWorkspace, readOnlyContext, type TempWorkspace } from "./workspace.js";

describe("Grep", () => {
  let ws: TempWorkspace;
  before(async () => {
    ws = await makeWorkspace({
      ".gitignore": "ignored/\n",
      "src/auth/token.py": ["import jwt", "", "SECRET = 'hunter2'", "", "def sign(p):", "    return jwt.encode(p, SECRET)", ""].join("\n"),
      "src/auth/endpoints.py": ["from .token import sign", "password = request.args['password']", "PASSWORD_MIN = 8", ""].join("\n"),
      "src/web/login.ts": ["const password = req.body.password;", "export {};", ""].join("\n"),
      "ignored/leak.py": "password = 'x'\n",
      "many.txt": Array.from({ length: 50 }, (_, i) => `hit ${i + 1}`).join("\n"),
    });
    await ws.write("blob.bin", new Uint8Array([0x70, 0x61, 0x73, 0x73, 0x77, 0x6f, 0x72, 0x64, 0x00]));
    await writeFile(path.join(ws.outside, "outside.py"), "password = 'outside'\n");
    await symlink(path.join(ws.outside, "outside.py"), path.join(ws.root, "src/outside-link.py"));
  });
  after(() => ws.cleanup());
  const grep = (input: unknown) => runTool("Grep", input, readOnlyContext(ws.root));

  it("lists files with matches by default, skipping ignored, binary and escaping files", async () => {
    assert.deepEqual(await grep({ pattern: "password" }), {
      ok: true,
      text: "src/auth/endpoints.py\nsrc/web/login.ts",
    });
  });

  it("shows content with line numbers and context blocks", async () => {
    const out = await grep({ pattern: "SECRET", path: "src/auth/token.py", output_mode: "content", context: 1 });
    assert.deepEqual(out.text.split("\n"), [
      "src/auth/token.py-2-",
      "src/auth/token.py:3:SECRET = 'hunter2'",
      "src/auth/token.py-4-",
      "src/auth/token.py-5-def sign(p):",
      "src/auth/token.py:6:    return jwt.encode(p, SECRET)",
    ]);
    const apart = await grep({ pattern: "SECRET|password", path: "src/auth", output_mode: "content" });
    assert.deepEqual(apart.text.split("\n"), [
      "src/auth/endpoints.py:2:password = request.args['password']",
      "--",
      "src/auth/token.py:3:SECRET = 'hunter2'",
      "--",
      "src/auth/token.py:6:    return jwt.encode(p, SECRET)",
    ]);
    const afterOnly = await grep({ pattern: "^import", path: "src", output_mode: "content", after: 2 });
    assert.equal(afterOnly.text, "src/auth/token.py:1:import jwt\nsrc/auth/token.py-2-\nsrc/auth/token.py-3-SECRET = 'hunter2'");
  });

  it("counts, ignores case and filters with include globs", async () => {
    const count = await grep({ pattern: "password", case_insensitive: true, output_mode: "count" });
    assert.equal(count.text, "src/auth/endpoints.py:2\nsrc/web/login.ts:1");
    const onlyTs = await grep({ pattern: "password", include: "*.ts" });
    assert.equal(onlyTs.text, "src/web/login.ts");
    const several = await grep({ pattern: "password", include: ["auth/**/*.py", "*.md"], path: "src" });
    assert.equal(several.text, "src/auth/endpoints.py");
  });

  it("bounds output with max_matches and max_files, saying how to narrow", async () => {
    const limited = await grep({ pattern: "^hit", output_mode: "content", max_matches: 3 });
    assert.deepEqual(limited.text.split("\n"), [
      "many.txt:1:hit 1",
      "many.txt:2:hit 2",
      "many.txt:3:hit 3",
      "(stopped after 3 matching lines: narrow the pattern or path, or raise max_matches)",
    ]);
    const files = await grep({ pattern: "a", max_files: 1 });
    assert.deepEqual(files.text.split("\n"), [
      "src/auth/endpoints.py",
      "(stopped after 1 files with matches: narrow path or include, or raise max_files)",
    ]);
  });

  it("reports no matches, bad regexes and paths outside", async () => {
    assert.deepEqual(await grep({ pattern: "eval\\(" }), { ok: true, text: 'No matches for "eval\\\\("' });
    const bad = await grep({ pattern: "(unclosed" });
    assert.equal(bad.ok, false);
    assert.match(bad.text, /^invalid regular expression "\(unclosed": missing closing \)/);
    const outside = await grep({ pattern: "x", path: "../outside" });
    assert.equal(outside.ok, false);
    assert.match(outside.text, /is outside the workspace/);
    const missing = await grep({ pattern: "x", path: "nope" });
    assert.deepEqual(missing, { ok: false, text: "nope does not exist: give a directory inside the workspace" });
  });

  it("runs on a linear-time engine: a catastrophic pattern returns, lookaround and backreferences are refused by name", async () => {
    const lines = `${"a".repeat(41)}!\n`.repeat(2000);
    const file = path.join(ws.root, "src", "redos.txt");
    await writeFile(file, lines);
    try {
    const redos = await grep({ pattern: "(a+)+$", path: "src/redos.txt", output_mode: "count" });
    assert.deepEqual(redos, { ok: true, text: 'No matches for "(a+)+$"' });
    const look = await grep({ pattern: "(?<=a)b" });
    assert.equal(look.ok, false);
    assert.match(look.text, /cannot run on the linear-time engine: lookahead and lookbehind/);
    const back = await grep({ pattern: "(a)\\1" });
    assert.match(back.text, /backreferences/);
    const unicode = await grep({ pattern: "\\u0061{41}!", path: "src/redos.txt", output_mode: "count" });
    assert.deepEqual(unicode, { ok: true, text: "src/redos.txt:2000" });
    } finally {
      await rm(file, { force: true });
    }
  });

  it("stops when the run is cancelled", async () => {
    const controller = new AbortController();
    controller.abort();
    const out = await runTool("Grep", { pattern: "x" }, { ...readOnlyContext(ws.root), signal: controller.signal });
    assert.deepEqual(out, { ok: false, text: "search cancelled" });
  });
});
