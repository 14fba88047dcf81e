// The pool's scheduler: each thread gets one run of the files in path order
// (so a module and the files that import it tend to share a thread), and a
// thread whose run is done takes from the far end of the largest run left.
import { test } from "node:test";
import assert from "node:assert/strict";
import type { FileJob } from "../../src/engines/security-audit/job.js";
import { BatchQueues } from "../../src/engines/security-audit/schedule.js";

const job = (file: string, size: number): FileJob => ({ file, abs: `/w/${file}`, language: "python", size });
/** Batches of two, so the tests can count them. */
const pairs = (jobs: FileJob[]): FileJob[][] => {
  const out: FileJob[][] = [];
  for (let i = 0; i < jobs.length; i += 2) out.push(jobs.slice(i, i + 2));
  return out;
};
const names = (batch: FileJob[] | undefined) => batch?.map((j) => j.file);

test("each thread starts on its own run of files in path order, runs of about equal size", () => {
  const jobs = ["b/2.py", "a/1.py", "c/1.py", "a/2.py", "b/1.py", "c/2.py", "d/1.py", "d/2.py"].map((f) => job(f, 100));
  const queues = new BatchQueues(jobs, 2, pairs, 10_000);
  assert.equal(queues.size, 4);
  assert.deepEqual(names(queues.take(0)), ["a/1.py", "a/2.py"]);
  assert.deepEqual(names(queues.take(1)), ["c/1.py", "c/2.py"]);
  assert.deepEqual(names(queues.take(0)), ["b/1.py", "b/2.py"]);
  assert.deepEqual(names(queues.take(1)), ["d/1.py", "d/2.py"]);
  assert.equal(queues.size, 0);
  assert.equal(queues.take(0), undefined);
});

test("a thread whose run is done takes from the far end of the largest run left, and every file goes out once", () => {
  // Thread 0's run is one big file; thread 1's is many small ones.
  const jobs = [job("a/big.py", 1000), ...Array.from({ length: 10 }, (_, i) => job(`b/${String(i).padStart(2, "0")}.py`, 100))];
  const queues = new BatchQueues(jobs, 2, pairs, 10_000);
  assert.deepEqual(names(queues.take(0)), ["a/big.py"]);
  assert.deepEqual(names(queues.take(1)), ["b/00.py", "b/01.py"]);
  // Thread 0 has nothing of its own left: it takes the end of thread 1's run, not the files thread 1 works next to.
  assert.deepEqual(names(queues.take(0)), ["b/08.py", "b/09.py"]);
  assert.deepEqual(names(queues.take(1)), ["b/02.py", "b/03.py"]);
  const rest: string[] = [];
  for (let batch = queues.take(0); batch; batch = queues.take(0)) rest.push(...names(batch)!);
  assert.deepEqual(rest.sort(), ["b/04.py", "b/05.py", "b/06.py", "b/07.py"]);
  assert.equal(queues.size, 0);
});

test("more threads than files, and one thread, both hand out every file once", () => {
  for (const threads of [1, 3, 8]) {
    const jobs = ["x.py", "y.py", "z.py"].map((f, i) => job(f, 10 * (i + 1)));
    const queues = new BatchQueues(jobs, threads, pairs, 10_000);
    const seen: string[] = [];
    for (let round = 0; queues.size > 0 && round < 20; round++) {
      for (let t = 0; t < threads; t++) seen.push(...(names(queues.take(t)) ?? []));
    }
    assert.deepEqual(seen.sort(), ["x.py", "y.py", "z.py"], `${threads} threads`);
  }
});

test("files as big as a batch go first, biggest first, to whichever thread asks", () => {
  const jobs = [job("a/1.py", 100), job("a/big.py", 600), job("b/1.py", 100), job("z/bigger.py", 900), job("b/2.py", 100)];
  const queues = new BatchQueues(jobs, 2, pairs, 500);
  assert.equal(queues.size, 4);
  assert.deepEqual(names(queues.take(1)), ["z/bigger.py"]);
  assert.deepEqual(names(queues.take(1)), ["a/big.py"]);
  assert.deepEqual(names(queues.take(0)), ["a/1.py", "b/1.py"]);
  assert.deepEqual(names(queues.take(1)), ["b/2.py"]);
  assert.equal(queues.size, 0);
});
