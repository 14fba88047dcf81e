import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import { symlink, writeFile } from "node:fs/promises";
import path from "node:path";
import { runTool } from "../../src/tools/index.js";
import { READ_MAX_FILE_BYTES } from "../../src/tools/read.js";
import { makeWorkspace, readOnlyContext, type TempWorkspace } from "./workspace.js";

describe("Read", () => {
  let ws: TempWorkspace;
  before(async () => {
    ws = await makeWorkspace({
      "src/app.py": "import os\n\ndef main():\n    return os.getcwd()\n",
      "empty.txt": "",
      "crlf.txt": "one\r\ntwo\r\nthree",
      "long.txt": Array.from({ length: 30 }, (_, i) => `line ${i + 1}`).join("\n") + "\n",
    });
  });
  after(() => ws.cleanup());
  const read = (input: unknown) => runTool("Read", input, readOnlyContext(ws.root));

  it("numbers lines like cat -n", async () => {
    const out = await read({ file_path: "src/app.py" });
    assert.equal(out.ok, true);
    assert.equal(out.text, ["     1\timport os", "     2\t", "     3\tdef main():", "     4\t    return os.getcwd()"].join("\n"));
  });

  it("accepts an absolute path inside the workspace", async () => {
    const out = await read({ file_path: path.join(ws.root, "src/app.py"), limit: 1 });
    assert.equal(out.ok, true);
    assert.match(out.text, /^ {5}1\timport os\n\(lines 1-1 of 4 in src\/app\.py; continue with offset 2\)$/);
  });

  it("honours offset and limit and says where to continue", async () => {
    const out = await read({ file_path: "long.txt", offset: 10, limit: 3 });
    assert.equal(out.ok, true);
    assert.deepEqual(out.text.split("\n"), [
      "    10\tline 10",
      "    11\tline 11",
      "    12\tline 12",
      "(lines 10-12 of 30 in long.txt; continue with offset 13)",
    ]);
    const tail = await read({ file_path: "long.txt", offset: 29 });
    assert.equal(tail.text, "    29\tline 29\n    30\tline 30");
  });

  it("refuses an offset past the end", async () => {
    const out = await read({ file_path: "long.txt", offset: 31 });
    assert.equal(out.ok, false);
    assert.equal(out.text, "offset 31 is past the end of long.txt, which has 30 lines");
  });

  it("splits CRLF lines and reports empty files", async () => {
    assert.equal((await read({ file_path: "crlf.txt" })).text, "     1\tone\n     2\ttwo\n     3\tthree");
    assert.deepEqual(await read({ file_path: "empty.txt" }), { ok: true, text: "(empty.txt is empty)" });
  });

  it("truncates very long lines", async () => {
    await ws.write("wide.txt", "x".repeat(5000));
    const out = await read({ file_path: "wide.txt" });
    assert.equal(out.ok, true);
    assert.match(out.text, /^ {5}1\tx{2000}… \[line truncated, 5000 chars\]$/);
  });

  it("refuses binary files, directories and missing files", async () => {
    await ws.write("logo.png", new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x00, 0x01, 0x02]));
    assert.deepEqual(await read({ file_path: "logo.png" }), {
      ok: false,
      text: "logo.png is a binary file: only text files can be read",
    });
    assert.deepEqual(await read({ file_path: "src" }), { ok: false, text: "src is a directory: list its files with Glob" });
    assert.deepEqual(await read({ file_path: "src/nope.py" }), {
      ok: false,
      text: "src/nope.py does not exist: check the path with Glob",
    });
  });

  it("refuses files over the size cap", async () => {
    await ws.write("big.log", Buffer.alloc(READ_MAX_FILE_BYTES + 1, 0x61));
    const out = await read({ file_path: "big.log" });
    assert.equal(out.ok, false);
    assert.match(out.text, /^big\.log is 10485761 bytes, over the 10485760-byte read limit: search it with Grep instead$/);
  });

  it("refuses paths that leave the workspace", async () => {
    await writeFile(path.join(ws.outside, "secret.txt"), "top secret\n");
    await symlink(path.join(ws.outside, "secret.txt"), path.join(ws.root, "link.txt"));
    await symlink(ws.outside, path.join(ws.root, "linkdir"));
    for (const file_path of ["../outside/secret.txt", path.join(ws.outside, "secret.txt"), "/etc/passwd"]) {
      const out = await read({ file_path });
      assert.equal(out.ok, false, file_path);
      assert.match(out.text, /is outside the workspace/);
    }
    for (const file_path of ["link.txt", "linkdir/secret.txt"]) {
      const out = await read({ file_path });
      assert.equal(out.ok, false, file_path);
      assert.match(out.text, /leads outside the workspace through a symbolic link/);
      assert.doesNotMatch(out.text, /top secret/);
    }
  });

  it("rejects malformed input with the field named", async () => {
    assert.deepEqual(await read({ path: "src/app.py" }), {
      ok: false,
      text: 'invalid input for Read: file_path: Invalid input: expected string, received undefined; input: Unrecognized key: "path"',
    });
    const negative = await read({ file_path: "long.txt", offset: 0 });
    assert.equal(negative.ok, false);
    assert.match(negative.text, /^invalid input for Read: offset: /);
  });
});
