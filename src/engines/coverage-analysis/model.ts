// One coverage model for every format. Readers hand over one file at a time
// with keyed hit counts (statement ids, branch arms, line numbers); the store
// (store.ts) folds each into a compact FileCoverage at once: per metric, the
// sorted item keys with one covered bit each, packed as bytes (items.ts), plus
// the names of functions no test ran. That is all the report needs, and all a
// second report of the same file needs to merge exactly the way the producing
// tool merges (an item is covered when any run covered it).
import { countStream, ItemCursor } from "./items.js";
import type { PercentStyle } from "./percent.js";

export const METRICS = ["lines", "statements", "branches", "functions"] as const;
export type Metric = (typeof METRICS)[number];

export interface Counter {
  covered: number;
  total: number;
}

export interface FunctionHit {
  name: string;
  line: number;
  hits: number;
}

/** What a reader produces for one source file of one report. */
export interface RawFileCoverage {
  /** The path exactly as the report wrote it (absolute, relative, import path…). */
  reportPath: string;
  lines: Map<number, number>;
  /** Keyed hits; the key only has to be stable for the same file across reports of one tool. */
  statements?: Map<number, number>;
  branches?: Map<number, number>;
  functions?: FunctionHit[];
  /** Totals the report states outright when it carries no per-item data (summary files). */
  counters?: Partial<Record<Metric, Counter>>;
  style: PercentStyle;
}

/** Stream order inside a file's bytes. */
export const STREAMS = 4;
export const LINES = 0;
export const FUNCTIONS = 3;

/** Where each stream of a file sits in its chunk; start -1 means the report had no such data. */
export interface StreamBounds {
  starts: number[];
  ends: number[];
  /** First byte of the file's region (its first stream). */
  regionStart: number;
  /** One past the header: the end of the file's region. */
  regionEnd: number;
}

/**
 * A source file's coverage. Its bytes are laid out as the four streams
 * (lines, statements, branches, functions) followed by a header of four
 * varints, each a stream's length + 1 (0 when absent); `at` is the header.
 */
export class FileCoverage {
  constructor(
    /** Workspace-relative path once mapped, else the report's path. */
    readonly file: string,
    public style: PercentStyle,
    public bytes: Uint8Array,
    public at: number,
    /** Only the counts the report stated outright (summary files, coverage.py's own numbers). */
    public stated: Partial<Record<Metric, Counter>> | undefined,
  ) {}

  bounds(): StreamBounds {
    const lengths: number[] = [];
    const header = new ItemCursor(this.bytes, this.at, this.bytes.length, false);
    let total = 0;
    for (let i = 0; i < STREAMS; i++) {
      const length = header.readVarint() - 1;
      lengths.push(length);
      if (length > 0) total += length;
    }
    const starts: number[] = [];
    const ends: number[] = [];
    let pos = this.at - total;
    const regionStart = pos;
    for (const length of lengths) {
      starts.push(length < 0 ? -1 : pos);
      if (length > 0) pos += length;
      ends.push(length < 0 ? -1 : pos);
    }
    return { starts, ends, regionStart, regionEnd: header.pos };
  }

  private cursor(stream: number, bounds = this.bounds()): ItemCursor | undefined {
    const start = bounds.starts[stream]!;
    return start < 0 ? undefined : new ItemCursor(this.bytes, start, bounds.ends[stream]!, stream === FUNCTIONS);
  }

  /**
   * What the totals count. Counts from item data win, except for lines: a
   * report that states its line/statement count (coverage.py's
   * num_statements) knows better than a table that may hold executed
   * non-statement lines such as docstrings.
   */
  counters(): Partial<Record<Metric, Counter>> {
    const bounds = this.bounds();
    const counters: Partial<Record<Metric, Counter>> = { ...this.stated };
    METRICS.forEach((metric, stream) => {
      const start = bounds.starts[stream]!;
      if (start < 0 || (stream === LINES && counters.lines)) return;
      counters[metric] = countStream(this.bytes, start, bounds.ends[stream]!, stream === FUNCTIONS);
    });
    return counters;
  }

  /** Instrumented lines and whether any test executed them, for diff coverage. */
  executedLines(): Map<number, boolean> {
    const map = new Map<number, boolean>();
    const cursor = this.cursor(LINES)!;
    while (cursor.next()) map.set(cursor.key, cursor.covered);
    return map;
  }

  /**
   * Uncovered lines as ranges, merged across lines that carry no code (blank
   * lines, comments) the way coverage.py's "Missing" column does: 3-5 covers 4
   * even when 4 is blank, but never spans an executed line.
   */
  uncoveredRanges(): Array<[number, number]> {
    const ranges: Array<[number, number]> = [];
    let open: [number, number] | undefined;
    const cursor = this.cursor(LINES)!;
    while (cursor.next()) {
      if (cursor.covered) {
        open = undefined;
        continue;
      }
      if (open) open[1] = cursor.key;
      else {
        open = [cursor.key, cursor.key];
        ranges.push(open);
      }
    }
    return ranges;
  }

  uncoveredFunctions(): Array<{ name: string; line: number }> {
    const cursor = this.cursor(FUNCTIONS);
    const found: Array<{ name: string; line: number }> = [];
    if (!cursor) return found;
    while (cursor.next()) if (!cursor.covered) found.push({ name: cursor.name(), line: functionLine(cursor.key) });
    return found.sort((x, y) => x.line - y.line || x.name.localeCompare(y.name));
  }
}

// A function's key is its line and a hash of its name, so same-named functions
// on different lines stay apart and a function merges with itself across
// reports. Two different names on one line collide with odds of 1 in 2^21.
const NAME_HASH_SPAN = 2 ** 21;

export function functionKey(name: string, line: number): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < name.length; i++) hash = Math.imul(hash ^ name.charCodeAt(i), 0x01000193);
  const safeLine = Number.isInteger(line) && line > 0 && line < 2 ** 31 ? line : 0;
  return safeLine * NAME_HASH_SPAN + ((hash >>> 0) % NAME_HASH_SPAN);
}

function functionLine(key: number): number {
  return Math.floor(key / NAME_HASH_SPAN);
}

export function addCounters(target: Partial<Record<Metric, Counter>>, source: Partial<Record<Metric, Counter>>): void {
  for (const metric of METRICS) {
    const add = source[metric];
    if (!add) continue;
    const current = target[metric] ?? { covered: 0, total: 0 };
    target[metric] = { covered: current.covered + add.covered, total: current.total + add.total };
  }
}

export function formatRanges(ranges: Array<[number, number]>, limit = Infinity): string {
  const shown = ranges.slice(0, limit).map(([a, b]) => (a === b ? `${a}` : `${a}-${b}`));
  if (ranges.length > limit) shown.push(`… ${ranges.length - limit} more`);
  return shown.join(", ");
}
