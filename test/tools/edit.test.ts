import { describe, it, beforeEach, afterEach } from "node:test";
import assert from "node:assert/strict";
import { readFile, symlink, writeFile } from "node:fs/promises";
import path from "node:path";
import { runTool } from "../../src/tools/index.js";
import { makeWorkspace, readOnlyContext, writableContext, type TempWorkspace } from "./workspace.js";

describe("Edit", () => {
  let ws: TempWorkspace;
  beforeEach(async () => {
    ws = await makeWorkspace({ "src/config.py": "DEBUG = True\nSECRET = 'abc'\nDEBUG_SQL = True\n" });
  });
  afterEach(() => ws.cleanup());
  const edit = (input: unknown, allowed?: (p: string) => boolean) => runTool("Edit", input, writableContext(ws.root, allowed));
  const content = (relative: string) => readFile(path.join(ws.root, relative), "utf8");

  it("replaces a unique exact match", async () => {
    const out = await edit({ file_path: "src/config.py", old_string: "SECRET = 'abc'", new_string: "SECRET = os.environ['SECRET']" });
    assert.deepEqual(out, { ok: true, text: "Edited src/config.py: 1 replacement" });
    assert.equal(await content("src/config.py"), "DEBUG = True\nSECRET = os.environ['SECRET']\nDEBUG_SQL = True\n");
  });

  it("refuses an ambiguous match unless replace_all", async () => {
    const ambiguous = await edit({ file_path: "src/config.py", old_string: "True", new_string: "False" });
    assert.deepEqual(ambiguous, {
      ok: false,
      text: "old_string occurs 2 times in src/config.py: add surrounding lines to make it unique, or set replace_all to true",
    });
    assert.equal(await content("src/config.py"), "DEBUG = True\nSECRET = 'abc'\nDEBUG_SQL = True\n");
    const all = await edit({ file_path: "src/config.py", old_string: "True", new_string: "False", replace_all: true });
    assert.deepEqual(all, { ok: true, text: "Edited src/config.py: 2 replacements" });
    assert.equal(await content("src/config.py"), "DEBUG = False\nSECRET = 'abc'\nDEBUG_SQL = False\n");
  });

  it("explains a missing match, with a CRLF hint when that is the cause", async () => {
    const missing = await edit({ file_path: "src/config.py", old_string: "DEBUG=True", new_string: "x" });
    assert.deepEqual(missing, {
      ok: false,
      text: "old_string was not found in src/config.py: Read the file again and copy the text exactly, whitespace included",
    });
    await ws.write("win.txt", "a\r\nb\r\n");
    const crlf = await edit({ file_path: "win.txt", old_string: "a\nb", new_string: "c" });
    assert.equal(crlf.ok, false);
    assert.match(crlf.text, /uses CRLF line endings/);
  });

  it("keeps replacement patterns literal", async () => {
    await edit({ file_path: "src/config.py", old_string: "'abc'", new_string: "'$&$1$$'" });
    assert.match(await content("src/config.py"), /SECRET = '\$&\$1\$\$'/);
  });

  it("refuses a no-op edit", async () => {
    const out = await edit({ file_path: "src/config.py", old_string: "DEBUG = True\n", new_string: "DEBUG = True\n" });
    assert.deepEqual(out, { ok: false, text: "old_string and new_string are identical: nothing to change" });
  });

  it("refuses paths outside the write set and says why, leaving the file alone", async () => {
    const ctx = { ...readOnlyContext(ws.root), writableDescription: ".agents/reports/20260123-143000-audit.md" };
    const out = await runTool("Edit", { file_path: "src/config.py", old_string: "True", new_string: "False", replace_all: true }, ctx);
    assert.deepEqual(out, {
      ok: false,
      text: "Edit refused: src/config.py is read-only for this run, which may write only .agents/reports/20260123-143000-audit.md",
    });
    assert.equal(await content("src/config.py"), "DEBUG = True\nSECRET = 'abc'\nDEBUG_SQL = True\n");
  });

  it("creates a new file only where allowed", async () => {
    const allowed = (p: string) => p.startsWith(".agents/reports/");
    const created = await edit({ file_path: ".agents/reports/r.md", old_string: "", new_string: "# Report\n\nok\n" }, allowed);
    assert.deepEqual(created, { ok: true, text: "Created .agents/reports/r.md (3 lines)" });
    assert.equal(await content(".agents/reports/r.md"), "# Report\n\nok\n");
    const refused = await edit({ file_path: "src/new.py", old_string: "", new_string: "x = 1\n" }, allowed);
    assert.equal(refused.ok, false);
    assert.match(refused.text, /^Edit refused: src\/new\.py is read-only for this run/);
    const needsEmpty = await edit({ file_path: ".agents/reports/other.md", old_string: "x", new_string: "y" }, allowed);
    assert.deepEqual(needsEmpty, {
      ok: false,
      text: ".agents/reports/other.md does not exist: to create it, pass an empty old_string and the content as new_string",
    });
    const overwrite = await edit({ file_path: "src/config.py", old_string: "", new_string: "x" });
    assert.deepEqual(overwrite, {
      ok: false,
      text: "old_string is empty but src/config.py already has content: quote the exact text to replace",
    });
  });

  it("refuses escapes even when the write check would allow them", async () => {
    await writeFile(path.join(ws.outside, "victim.txt"), "safe\n");
    await symlink(path.join(ws.outside, "victim.txt"), path.join(ws.root, "victim-link.txt"));
    for (const file_path of ["../outside/victim.txt", path.join(ws.outside, "victim.txt"), "victim-link.txt"]) {
      const out = await edit({ file_path, old_string: "safe", new_string: "owned" });
      assert.equal(out.ok, false, file_path);
      assert.match(out.text, /outside the workspace/);
    }
    assert.equal(await readFile(path.join(ws.outside, "victim.txt"), "utf8"), "safe\n");
  });
});
