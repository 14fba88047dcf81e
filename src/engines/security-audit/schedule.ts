// Which thread analyses which small file. A thread parses and lowers every
// project module its files import, once (modules.ts); a module imported from
// two threads is parsed in both. Files next to each other import each other
// most, so each thread gets one run of the files in path order, of about equal
// size; a thread whose run is done takes batches from the far end of the
// largest run left, so the threads still finish together. Files as big as a
// whole batch go first, biggest first, to whichever thread asks: one of them
// met at the end of a run would keep its thread busy while the others wait.
import type { FileJob } from "./job.js";

export class BatchQueues {
  private readonly queues: FileJob[][][];
  private readonly bytesLeft: number[];
  /** Files of at least `bigBytes`, one a batch, biggest first. */
  private readonly big: FileJob[][];
  private batchesLeft = 0;

  constructor(jobs: readonly FileJob[], threads: number, batches: (jobs: FileJob[]) => FileJob[][], bigBytes: number) {
    this.big = jobs.filter((job) => job.size >= bigBytes).sort((a, b) => b.size - a.size).map((job) => [job]);
    const sorted = jobs.filter((job) => job.size < bigBytes).sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
    const total = sorted.reduce((n, job) => n + job.size, 0);
    const runs: FileJob[][] = Array.from({ length: threads }, () => []);
    let run = 0;
    let bytes = 0;
    for (const job of sorted) {
      if (run < threads - 1 && bytes >= (total * (run + 1)) / threads) run++;
      runs[run]!.push(job);
      bytes += job.size;
    }
    this.queues = runs.map((r) => batches(r));
    this.bytesLeft = runs.map((r) => r.reduce((n, job) => n + job.size, 0));
    this.batchesLeft = this.big.length;
    for (const queue of this.queues) this.batchesLeft += queue.length;
  }

  get size(): number {
    return this.batchesLeft;
  }

  /** Thread `thread`'s next batch: a big file, else the front of its own run, else the back of the largest run left. */
  take(thread: number): FileJob[] | undefined {
    const big = this.big.shift();
    if (big) {
      this.batchesLeft--;
      return big;
    }
    let from = thread;
    let fromBack = false;
    if (this.queues[thread]!.length === 0) {
      let largest = -1;
      for (let k = 0; k < this.queues.length; k++) {
        if (this.queues[k]!.length > 0 && (largest < 0 || this.bytesLeft[k]! > this.bytesLeft[largest]!)) largest = k;
      }
      if (largest < 0) return undefined;
      from = largest;
      fromBack = true;
    }
    const queue = this.queues[from]!;
    const batch = fromBack ? queue.pop() : queue.shift();
    if (!batch) return undefined;
    this.batchesLeft--;
    this.bytesLeft[from] = this.bytesLeft[from]! - batch.reduce((n, job) => n + job.size, 0);
    return batch;
  }
}
