// The compact store against a plain reference: every count, uncovered range
// and uncovered function must be what summing hits per key (the way coverage
// tools merge) gives, whatever the key order, size, or number of merges.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { type Counter, type FunctionHit, type Metric, type RawFileCoverage } from "../../src/engines/coverage-analysis/model.js";
import { GENERIC, ISTANBUL } from "../../src/engines/coverage-analysis/percent.js";
import { CoverageStore } from "../../src/engines/coverage-analysis/store.js";
import { analyze, makeProject, totalsOf } from "./helpers.js";

/** The model the store replaced: hit maps summed per key, functions summed per name@line. */
class Reference {
  lines = new Map<number, number>();
  statements?: Map<number, number>;
  branches?: Map<number, number>;
  functions?: Map<string, FunctionHit>;

  add(raw: RawFileCoverage): void {
    const sum = (into: Map<number, number>, from: Map<number, number>) => {
      for (const [k, v] of from) into.set(k, (into.get(k) ?? 0) + v);
    };
    sum(this.lines, raw.lines);
    if (raw.statements) sum((this.statements ??= new Map()), raw.statements);
    if (raw.branches) sum((this.branches ??= new Map()), raw.branches);
    if (raw.functions) {
      this.functions ??= new Map();
      for (const fn of raw.functions) {
        const key = `${fn.name}@${fn.line}`;
        const seen = this.functions.get(key);
        if (seen) seen.hits += fn.hits;
        else this.functions.set(key, { ...fn });
      }
    }
  }

  counters(): Partial<Record<Metric, Counter>> {
    const count = (m: Map<number, number>) => ({ covered: [...m.values()].filter((h) => h > 0).length, total: m.size });
    const counters: Partial<Record<Metric, Counter>> = { lines: count(this.lines) };
    if (this.statements) counters.statements = count(this.statements);
    if (this.branches) counters.branches = count(this.branches);
    if (this.functions) {
      const fns = [...this.functions.values()];
      counters.functions = { covered: fns.filter((f) => f.hits > 0).length, total: fns.length };
    }
    return counters;
  }

  uncoveredRanges(): Array<[number, number]> {
    const ranges: Array<[number, number]> = [];
    let open: [number, number] | undefined;
    for (const line of [...this.lines.keys()].sort((a, b) => a - b)) {
      if (this.lines.get(line)! > 0) open = undefined;
      else if (open) open[1] = line;
      else ranges.push((open = [line, line]));
    }
    return ranges;
  }

  uncoveredFunctions(): Array<{ name: string; line: number }> {
    return [...(this.functions?.values() ?? [])]
      .filter((f) => f.hits === 0)
      .map(({ name, line }) => ({ name, line }))
      .sort((x, y) => x.line - y.line || x.name.localeCompare(y.name));
  }
}

/** Deterministic pseudo-random numbers, so a failure can be replayed. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    return state / 2 ** 32;
  };
}

function randomRaw(next: () => number, keySpan: number): RawFileCoverage {
  const hits = () => (next() < 0.4 ? 0 : Math.floor(next() * 5) + 1);
  const map = (n: number, span: number) => {
    const m = new Map<number, number>();
    // Shuffled insertion: readers usually emit in order, the store must not depend on it.
    for (let i = 0; i < n; i++) m.set(Math.floor(next() * span), hits());
    return m;
  };
  const names = ["run", "stop", "ça_marche", "λ", "(anonymous_0)", "a,b"];
  const functions: FunctionHit[] = [];
  const seen = new Set<string>();
  for (let i = 0; i < 8; i++) {
    const fn = { name: names[Math.floor(next() * names.length)]!, line: Math.floor(next() * 40), hits: hits() };
    if (seen.has(`${fn.name}@${fn.line}`)) continue;
    seen.add(`${fn.name}@${fn.line}`);
    functions.push(fn);
  }
  return {
    reportPath: "x",
    lines: map(Math.floor(next() * 60), 80),
    statements: next() < 0.8 ? map(40, 200) : undefined,
    branches: next() < 0.8 ? map(30, keySpan) : undefined,
    functions: next() < 0.8 ? functions : undefined,
    style: ISTANBUL,
  };
}

describe("coverage store", () => {
  it("matches the reference for random files merged across up to five reports, keys up to 2^52", () => {
    const next = random(7);
    for (let round = 0; round < 200; round++) {
      const store = new CoverageStore();
      const reference = new Reference();
      const reports = 1 + Math.floor(next() * 5);
      for (let r = 0; r < reports; r++) {
        const raw = randomRaw(next, round % 2 === 0 ? 300 : 2 ** 52);
        store.add(raw, "src/a.js");
        reference.add(raw);
      }
      const file = store.files.get("src/a.js")!;
      assert.deepEqual(file.counters(), reference.counters(), `round ${round}`);
      assert.deepEqual(file.uncoveredRanges(), reference.uncoveredRanges(), `round ${round}`);
      assert.deepEqual(file.uncoveredFunctions(), reference.uncoveredFunctions(), `round ${round}`);
      const executed = file.executedLines();
      assert.deepEqual([...executed.keys()].sort((a, b) => a - b), [...reference.lines.keys()].sort((a, b) => a - b));
      for (const [line, hits] of reference.lines) assert.equal(executed.get(line), hits > 0);
    }
  });

  it("keeps metrics a report lacks absent, and a function covered in either report covered", () => {
    const store = new CoverageStore();
    store.add({ reportPath: "a", lines: new Map([[1, 0], [2, 3]]), functions: [{ name: "f", line: 1, hits: 0 }, { name: "g", line: 5, hits: 0 }], style: ISTANBUL }, "a.js");
    let file = store.files.get("a.js")!;
    assert.deepEqual(file.counters(), { lines: { covered: 1, total: 2 }, functions: { covered: 0, total: 2 } });
    store.add({ reportPath: "./a", lines: new Map([[1, 1]]), branches: new Map([[4, 0]]), functions: [{ name: "f", line: 1, hits: 2 }], style: GENERIC }, "a.js");
    file = store.files.get("a.js")!;
    assert.deepEqual(file.counters(), { lines: { covered: 2, total: 2 }, branches: { covered: 0, total: 1 }, functions: { covered: 1, total: 2 } });
    assert.deepEqual(file.uncoveredFunctions(), [{ name: "g", line: 5 }]);
    assert.equal(file.style, GENERIC, "mixed producers fall back to neutral rounding");
  });

  it("counts two same-named functions on one line twice, as istanbul does, and merges them pairwise", () => {
    const store = new CoverageStore();
    const twins = (a: number, b: number): RawFileCoverage => ({
      reportPath: "t",
      lines: new Map(),
      functions: [{ name: "(anonymous)", line: 3, hits: a }, { name: "(anonymous)", line: 3, hits: b }],
      style: ISTANBUL,
    });
    store.add(twins(0, 0), "t.js");
    assert.deepEqual(store.files.get("t.js")!.counters().functions, { covered: 0, total: 2 });
    store.add(twins(1, 0), "t.js");
    assert.deepEqual(store.files.get("t.js")!.counters().functions, { covered: 1, total: 2 });
    assert.deepEqual(store.files.get("t.js")!.uncoveredFunctions(), [{ name: "(anonymous)", line: 3 }]);
  });

  it("keeps the report's stated counts for summary files and takes the larger total on merge", () => {
    const store = new CoverageStore();
    store.add({ reportPath: "s", lines: new Map(), counters: { lines: { covered: 3, total: 4 } }, style: ISTANBUL }, "s.js");
    store.add({ reportPath: "s", lines: new Map(), counters: { lines: { covered: 5, total: 9 } }, style: ISTANBUL }, "s.js");
    assert.deepEqual(store.files.get("s.js")!.counters(), { lines: { covered: 5, total: 9 } });
  });

  it("copies live files out when merges leave more dead bytes than live ones, and loses nothing", () => {
    const store = new CoverageStore();
    const reference = new Reference();
    for (let shard = 0; shard < 40; shard++) {
      const lines = new Map<number, number>();
      for (let line = 1; line <= 100_000; line++) lines.set(line, line % 40 === shard ? 1 : 0);
      const raw: RawFileCoverage = { reportPath: "big", lines, style: ISTANBUL };
      store.add(raw, "big.js");
      store.add({ reportPath: "small", lines: new Map([[shard + 1, shard % 2]]), style: ISTANBUL }, "small.js");
      reference.add(raw);
    }
    assert.deepEqual(store.files.get("big.js")!.counters(), reference.counters());
    assert.deepEqual(store.files.get("small.js")!.counters().lines, { covered: 20, total: 40 });
    // 40 shards of ~200 KB each were written; compaction keeps the dead share below the 4 MiB floor or the live size.
    assert.ok(store.garbageBytes < Math.max(4 << 20, store.liveBytes), `garbage ${store.garbageBytes} vs live ${store.liveBytes}`);
  });

  it("refuses a key it cannot store exactly, naming it", () => {
    const store = new CoverageStore();
    assert.throws(() => store.add({ reportPath: "n", lines: new Map([[-1, 1]]), style: ISTANBUL }, "n.js"), /key -1 is not a whole number/);
    assert.throws(() => store.add({ reportPath: "n", lines: new Map([[2 ** 53, 1]]), style: ISTANBUL }, "n.js"), /not a whole number from 0 to 2\^52/);
  });
});

describe("merging reports in the engine", () => {
  it("recounts a file two test shards cover differently, and a second TN block of the same tracefile", async () => {
    const shard1 = ["TN:unit", "SF:src/cart.js", "FN:1,add", "FN:5,drop", "FNDA:1,add", "FNDA:0,drop", "DA:1,1", "DA:2,1", "DA:5,0", "DA:6,0", "BRDA:2,0,0,1", "BRDA:2,0,1,0", "end_of_record",
      // The same file again under another test name: lcov sums it.
      "TN:slow", "SF:src/cart.js", "DA:6,0", "DA:7,0", "end_of_record", ""].join("\n");
    const shard2 = ["TN:e2e", "SF:/ci/build/src/cart.js", "FN:5,drop", "FNDA:4,drop", "DA:5,4", "DA:6,0", "BRDA:2,0,1,2", "end_of_record", ""].join("\n");
    const root = makeProject({ "src/cart.js": "1\n2\n3\n4\n5\n6\n7\n", "shard1.info": shard1, "shard2.info": shard2 });
    const result = await analyze(root, { reports: ["shard1.info", "shard2.info"] });
    const totals = totalsOf(result);
    assert.deepEqual(totals.lines, { covered: 3, total: 5, pct: 60 });
    assert.deepEqual(totals.functions, { covered: 2, total: 2, pct: 100 });
    assert.deepEqual(totals.branches, { covered: 2, total: 2, pct: 100 });
    const files = (result.data as { files: Array<{ file: string; missingLines: string; uncoveredFunctions: unknown[] }> }).files;
    assert.deepEqual(files.map((f) => [f.file, f.missingLines, f.uncoveredFunctions.length]), [["src/cart.js", "6-7", 0]]);
  });
});
