// `bgr audit`, `review` and `coverage` exit as soon as their output is flushed
// (src/cli/cli.ts), not when Node's event loop drains: a report bigger than a
// pipe's buffer, read by a consumer that is slow to start, must still arrive whole.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { existsSync, watch } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { once } from "node:events";
import { tmpdir } from "node:os";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { BGR } from "./helpers.js";

test("a report larger than the pipe buffer reaches a slow reader whole before bgr audit exits", async () => {
  const root = await mkdtemp(path.join(tmpdir(), "bgr-exit-flush-"));
  try {
    const lines = ["import os", "from flask import Flask, request", "app = Flask(__name__)"];
    for (let i = 0; i < 400; i++) lines.push(`@app.route("/r${i}")`, `def r${i}():`, `    os.system("ping " + request.args["h${i}"])`);
    await writeFile(path.join(root, "app.py"), `${lines.join("\n")}\n`);
    const sarif = path.join(root, "out.sarif");
    // The SARIF file is written after the report went to stdout: once it exists, bgr is on its way out.
    const written = new Promise<void>((resolve) => {
      const watcher = watch(root, () => {
        if (existsSync(sarif)) {
          watcher.close();
          resolve();
        }
      });
    });
    const child = spawn(process.execPath, [BGR, "audit", "--cwd", root, "--no-cache", "--format", "json", "--sarif", sarif], { stdio: ["ignore", "pipe", "ignore"] });
    const closed = once(child, "close");
    child.stdout.pause();
    await written;
    // Not a timing the test depends on: a bgr that waits for its reader passes however long this is;
    // one that exits with output still queued is caught as long as it gets there within this pause.
    await sleep(500);
    const chunks: Buffer[] = [];
    child.stdout.on("data", (chunk: Buffer) => chunks.push(chunk));
    child.stdout.resume();
    const [code] = (await closed) as [number];
    const text = Buffer.concat(chunks).toString("utf8");
    assert.ok(text.length > 256 * 1024, `a report of ${text.length} bytes is too small to fill a pipe`);
    assert.equal((JSON.parse(text) as { findings: unknown[] }).findings.length, 400);
    assert.equal(code, 0);
  } finally {
    await rm(root, { recursive: true, force: true });
  }
});
