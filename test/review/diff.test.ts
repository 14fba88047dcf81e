import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { looksBinary, parseRawDiff, parseUnifiedDiff, splitLines, wholeFileAdded } from "../../src/engines/code-review/diff.js";

describe("parseRawDiff", () => {
  it("reads statuses, modes and rename pairs from NUL-separated output", () => {
    const raw = [
      ":000000 100644 0000000 1111111 A", "new file.ts",
      ":100644 100644 2222222 3333333 R087", "old/name.py", "new/name.py",
      ":100644 000000 4444444 0000000 D", "gone.js",
      ":160000 160000 5555555 6666666 M", "vendor/sub",
      "",
    ].join("\0");
    const entries = parseRawDiff(raw);
    assert.deepEqual(
      entries.map((entry) => [entry.status, entry.oldPath, entry.newPath, entry.similarity]),
      [
        ["added", "new file.ts", "new file.ts", undefined],
        ["renamed", "old/name.py", "new/name.py", 87],
        ["deleted", "gone.js", "gone.js", undefined],
        ["modified", "vendor/sub", "vendor/sub", undefined],
      ],
    );
    assert.equal(entries[3]!.newMode, "160000");
  });
});

describe("parseUnifiedDiff", () => {
  const patch = [
    "diff --git a/a.js b/a.js",
    "index 1..2 100644",
    "--- a/a.js",
    "+++ b/a.js",
    "@@ -2 +2,2 @@ function f() {",
    "-  old();",
    "+  fresh();",
    "+  more();",
    "@@ -10,2 +11,0 @@",
    "-gone1",
    "-gone2",
    "@@ -20,0 +21 @@",
    "+tail",
    "\\ No newline at end of file",
    "diff --git a/img.png b/img.png",
    "Binary files a/img.png and b/img.png differ",
    "diff --git a/x b/y",
    "similarity index 100%",
    "rename from x",
    "rename to y",
    "",
  ].join("\n");

  it("maps added lines to new-side numbers and deleted lines to old-side numbers", () => {
    const [text] = parseUnifiedDiff(patch);
    assert.deepEqual([...text!.addedLines], [2, 3, 21]);
    assert.deepEqual([...text!.deletedLines], [2, 10, 11]);
    assert.equal(text!.additions, 3);
    assert.equal(text!.deletions, 3);
    assert.equal(text!.addedText.get(21), "tail");
    assert.equal(text!.hunks.length, 3);
  });

  it("keeps one entry per file, marking binaries and pure renames", () => {
    const patches = parseUnifiedDiff(patch);
    assert.equal(patches.length, 3);
    assert.equal(patches[1]!.binary, true);
    assert.equal(patches[2]!.addedLines.size, 0);
    assert.equal(patches[2]!.binary, false);
  });

  it("does not mistake an added line that starts with 'diff --git' for a header", () => {
    const [only, ...rest] = parseUnifiedDiff("diff --git a/n b/n\n@@ -0,0 +1 @@\n+diff --git a/z b/z\n");
    assert.equal(rest.length, 0);
    assert.deepEqual([...only!.addedLines], [1]);
  });
});

describe("line helpers", () => {
  it("counts lines the way git does", () => {
    assert.deepEqual(splitLines("a\nb\n"), ["a", "b"]);
    assert.deepEqual(splitLines("a\r\nb"), ["a", "b"]);
    assert.deepEqual(splitLines(""), []);
    assert.deepEqual([...wholeFileAdded("x\ny\n").addedLines], [1, 2]);
  });

  it("detects binary content by a NUL byte", () => {
    assert.equal(looksBinary(Buffer.from([0x50, 0x4e, 0x00, 0x47])), true);
    assert.equal(looksBinary(Buffer.from("plain text")), false);
  });
});
