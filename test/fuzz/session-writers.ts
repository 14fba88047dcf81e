// The two kinds of writer that race on one session file in concurrency.test.ts,
// run as separate processes (as they are in life):
//   node session-writers.js runner ROOT SESSION COUNT TAG  — COUNT runs registered and settled at once
//   node session-writers.js editor ROOT SESSION EDITS PACE_MS — a person's editor saving EDITS times,
//     alternately by temp file + rename and by truncating and rewriting in place
import { readFileSync, renameSync, writeFileSync } from "node:fs";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { registerRun } from "../../src/runtime/register.js";
import { emptyResult, settleRun } from "../../src/runtime/settle.js";

async function runner(root: string, session: string, count: number, tag: string): Promise<void> {
  const outcomes = await Promise.all(
    Array.from({ length: count }, async (_, i) => {
      try {
        const record = await registerRun(root, { task: `Concurrent ${tag} ${i}`, kind: "security-audit", files: ["src/app.py"], session }, process.pid, false);
        const settled = await settleRun(root, record.id, { status: "completed", result: emptyResult("concurrency") });
        return { id: record.id, status: settled.status, result_location: settled.result_location };
      } catch (error) {
        return { error: (error as Error).message.split("\n")[0] };
      }
    }),
  );
  process.stdout.write(JSON.stringify(outcomes));
}

function readRetrying(file: string): Buffer {
  // A bgr swap leaves the path empty for microseconds; an editor's reload retries too.
  for (let i = 0; ; i++) {
    try {
      return readFileSync(file);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "ENOENT" || i > 10_000) throw error;
    }
  }
}

async function editor(root: string, session: string, edits: number, paceMs: number): Promise<void> {
  const file = path.join(root, session);
  for (let k = 0; k < edits; k++) {
    let bytes = readRetrying(file);
    // bgr leaves a session it catches mid-rewrite alone; so does a person who reopens it.
    while (bytes.length === 0) bytes = readRetrying(file);
    const next = Buffer.concat([bytes, Buffer.from(`person's edit ${k}\n`)]);
    if (k % 2 === 0) {
      const temp = path.join(path.dirname(file), `.${path.basename(file)}.swp${k}`);
      writeFileSync(temp, next);
      renameSync(temp, file);
    } else {
      writeFileSync(file, next); // O_TRUNC, then the new bytes: the in-place save
    }
    await sleep(Math.random() * paceMs * 2);
  }
  process.stdout.write(JSON.stringify({ edits }));
}

const [mode, root, session, n, extra] = process.argv.slice(2);
if (mode === "runner") await runner(root!, session!, Number(n), extra ?? "r");
else if (mode === "editor") await editor(root!, session!, Number(n), Number(extra ?? 20));
else throw new Error(`usage: session-writers.js runner|editor ROOT SESSION N [TAG|PACE_MS]`);
