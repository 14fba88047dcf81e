// A session caught in the middle of an in-place save (truncate, then write)
// is a prefix of whole pages that can look complete. These tests stand in for
// a stalled editor: it holds the file open, and finishes writing only after
// bgr has read the prefix — the interleaving that lost a person's edit in the
// concurrency fuzz on a loaded machine.
import { test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import { syncBuiltinESMExports } from "node:module";
import { readFile, realpath } from "node:fs/promises";
import path from "node:path";
import { makeWorkspace, SESSION } from "../cli/helpers.js";
import { writeSessionEntry } from "../../src/runtime/session-store.js";
import { readSessionEntries } from "../../src/protocol/session.js";

const ENTRY = { id: "bg-20260123-150000-prefix", agent: "background-runner", task: "Prefix", status: "running" } as const;

/** A session of exactly `pages` 4 KiB pages whose first `pages` pages are `head`, padded in its body. */
function pageSizedSession(pages: number): Buffer {
  const head = "---\ntitle: \"Prefix\"\n---\n\n# Body\n\n";
  const size = pages * 4096;
  return Buffer.from(head + "x".repeat(size - head.length - 1) + "\n");
}

/** Calls `onFirstOpen` once, right after bgr first opens `file` (the snapshot that sees the prefix). */
function watchOpens(file: string, onFirstOpen: () => void): () => void {
  const original = fs.openSync;
  let seen = false;
  fs.openSync = ((p: fs.PathLike, ...rest: unknown[]) => {
    const fd = (original as (...args: unknown[]) => number)(p, ...rest);
    if (!seen && String(p) === file) {
      seen = true;
      setImmediate(onFirstOpen);
    }
    return fd;
  }) as typeof fs.openSync;
  syncBuiltinESMExports();
  return () => {
    fs.openSync = original;
    syncBuiltinESMExports();
  };
}

test("a session read mid-save at a page boundary waits for the writer: the tail it writes afterwards is kept", async () => {
  const root = await makeWorkspace();
  const file = path.join(await realpath(root), SESSION);
  const prefix = pageSizedSession(2);
  const tail = Buffer.from("person's edit after the page boundary\n");
  // The editor has truncated and written two pages, and is stalled before the rest.
  const editorFd = fs.openSync(file, "w");
  fs.writeSync(editorFd, prefix);
  process.env.BGR_SESSION_PREFIX_SETTLE_MS = "600000"; // only the writer finishing may end the wait
  const restore = watchOpens(file, () => {
    fs.writeSync(editorFd, tail, 0, tail.length, prefix.length);
    fs.closeSync(editorFd);
  });
  try {
    await writeSessionEntry(root, SESSION, ENTRY);
  } finally {
    restore();
    delete process.env.BGR_SESSION_PREFIX_SETTLE_MS;
  }
  const bytes = await readFile(file);
  assert.ok(bytes.includes(tail), "the editor's tail was lost");
  assert.ok(bytes.includes(prefix.subarray(40)), "the editor's pages were lost");
  assert.equal(readSessionEntries(bytes.toString("utf8")).find((e) => e.id === ENTRY.id)?.status, "running");
});

test("a session at rest whose size is a whole number of pages is still updated once it holds still", async () => {
  const root = await makeWorkspace();
  const file = path.join(await realpath(root), SESSION);
  const session = pageSizedSession(1);
  fs.writeFileSync(file, session);
  process.env.BGR_SESSION_PREFIX_SETTLE_MS = "30";
  try {
    await writeSessionEntry(root, SESSION, ENTRY);
  } finally {
    delete process.env.BGR_SESSION_PREFIX_SETTLE_MS;
  }
  const text = await readFile(file, "utf8");
  assert.ok(text.endsWith(session.subarray(30).toString("utf8")));
  assert.equal(readSessionEntries(text).find((e) => e.id === ENTRY.id)?.status, "running");
});
