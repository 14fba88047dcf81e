// One coverage model for every format. Readers hand over one file at a time
// with keyed hit counts (statement ids, branch arms, line numbers) so that the
// same file seen in several reports (test shards, several runners) merges the
// way the producing tool merges: by summing hits per key. Once a file is
// added it is packed into typed arrays, which keeps memory proportional to
// the number of coverage items, not to the size of the report text.
import { GENERIC, type PercentStyle, sameStyle } from "./percent.js";

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

/** Sorted keys with their hit counts. */
export interface HitTable {
  keys: Float64Array;
  hits: Float64Array;
}

export interface FileCoverage {
  /** Workspace-relative path once mapped, else the report's path. */
  file: string;
  reportPaths: string[];
  lines: HitTable;
  statements?: HitTable;
  branches?: HitTable;
  functions?: FunctionHit[];
  /** What the totals count: derived from the tables, or stated by the report. */
  counters: Partial<Record<Metric, Counter>>;
  /** Only the counts the report stated outright (summary files, coverage.py's own numbers). */
  stated: Partial<Record<Metric, Counter>>;
  style: PercentStyle;
}

export function tableFromMap(map: Map<number, number>): HitTable {
  const keys = new Float64Array(map.size);
  let i = 0;
  let sorted = true;
  for (const key of map.keys()) {
    if (i > 0 && key < keys[i - 1]!) sorted = false;
    keys[i++] = key;
  }
  // Reports list items in order almost always; sorting only when not saves most of the work.
  if (!sorted) keys.sort();
  const hits = new Float64Array(keys.length);
  for (let j = 0; j < keys.length; j++) hits[j] = map.get(keys[j]!)!;
  return { keys, hits };
}

function mergeTables(a: HitTable, b: HitTable): HitTable {
  const keys: number[] = [];
  const hits: number[] = [];
  let i = 0;
  let j = 0;
  while (i < a.keys.length || j < b.keys.length) {
    const ka = i < a.keys.length ? a.keys[i]! : Infinity;
    const kb = j < b.keys.length ? b.keys[j]! : Infinity;
    if (ka === kb) {
      keys.push(ka);
      hits.push(a.hits[i++]! + b.hits[j++]!);
    } else if (ka < kb) {
      keys.push(ka);
      hits.push(a.hits[i++]!);
    } else {
      keys.push(kb);
      hits.push(b.hits[j++]!);
    }
  }
  return { keys: Float64Array.from(keys), hits: Float64Array.from(hits) };
}

function countTable(table: HitTable): Counter {
  let covered = 0;
  for (let i = 0; i < table.hits.length; i++) if (table.hits[i]! > 0) covered++;
  return { covered, total: table.keys.length };
}

function mergeFunctions(a: FunctionHit[], b: FunctionHit[]): FunctionHit[] {
  const byKey = new Map<string, FunctionHit>();
  for (const fn of [...a, ...b]) {
    const key = `${fn.name}@${fn.line}`;
    const seen = byKey.get(key);
    if (seen) seen.hits += fn.hits;
    else byKey.set(key, { ...fn });
  }
  return [...byKey.values()].sort((x, y) => x.line - y.line || x.name.localeCompare(y.name));
}

/**
 * Counters derived from item data win, except for lines: a report that states
 * its line/statement count (coverage.py's num_statements) knows better than a
 * table that may hold executed non-statement lines such as docstrings.
 */
function deriveCounters(file: FileCoverage): void {
  const counters: Partial<Record<Metric, Counter>> = { ...file.stated };
  if (!counters.lines) counters.lines = countTable(file.lines);
  if (file.statements) counters.statements = countTable(file.statements);
  if (file.branches) counters.branches = countTable(file.branches);
  if (file.functions) {
    counters.functions = { covered: file.functions.filter((f) => f.hits > 0).length, total: file.functions.length };
  }
  file.counters = counters;
}

export function packFile(raw: RawFileCoverage, file: string): FileCoverage {
  const packed: FileCoverage = {
    file,
    reportPaths: [raw.reportPath],
    lines: tableFromMap(raw.lines),
    statements: raw.statements && tableFromMap(raw.statements),
    branches: raw.branches && tableFromMap(raw.branches),
    functions: raw.functions && [...raw.functions].sort((x, y) => x.line - y.line || x.name.localeCompare(y.name)),
    counters: {},
    stated: { ...raw.counters },
    style: raw.style,
  };
  deriveCounters(packed);
  return packed;
}

function mergeOptional(a: HitTable | undefined, b: HitTable | undefined): HitTable | undefined {
  if (a && b) return mergeTables(a, b);
  return a ?? b;
}

/** The same source file from a second report: hits add up per key, as the tools merge. */
export function mergeFile(into: FileCoverage, other: FileCoverage): FileCoverage {
  const merged: FileCoverage = {
    file: into.file,
    reportPaths: [...into.reportPaths, ...other.reportPaths],
    lines: mergeTables(into.lines, other.lines),
    statements: mergeOptional(into.statements, other.statements),
    branches: mergeOptional(into.branches, other.branches),
    functions: into.functions && other.functions ? mergeFunctions(into.functions, other.functions) : (into.functions ?? other.functions),
    counters: {},
    stated: {},
    style: sameStyle(into.style, other.style) ? into.style : GENERIC,
  };
  for (const metric of METRICS) {
    const a = into.stated[metric];
    const b = other.stated[metric];
    // Stated counts cannot be merged item by item; the larger total is the better guess.
    if (a || b) merged.stated[metric] = !a ? b! : !b ? a : a.total >= b.total ? a : b;
  }
  deriveCounters(merged);
  return merged;
}

export function addCounters(target: Partial<Record<Metric, Counter>>, source: Partial<Record<Metric, Counter>>): void {
  for (const metric of METRICS) {
    const add = source[metric];
    if (!add) continue;
    const current = target[metric] ?? { covered: 0, total: 0 };
    target[metric] = { covered: current.covered + add.covered, total: current.total + add.total };
  }
}

/** Line hits as a lookup for diff coverage and range listing. */
export function lineHits(file: FileCoverage): Map<number, number> {
  const map = new Map<number, number>();
  for (let i = 0; i < file.lines.keys.length; i++) map.set(file.lines.keys[i]!, file.lines.hits[i]!);
  return map;
}

/**
 * Uncovered lines as ranges, merged across lines that carry no code (blank
 * lines, comments) the way coverage.py's "Missing" column does: 3-5 covers 4
 * even when 4 is blank, but never spans an executed line.
 */
export function uncoveredRanges(file: FileCoverage): Array<[number, number]> {
  const ranges: Array<[number, number]> = [];
  let open: [number, number] | undefined;
  for (let i = 0; i < file.lines.keys.length; i++) {
    const line = file.lines.keys[i]!;
    if (file.lines.hits[i]! > 0) {
      open = undefined;
      continue;
    }
    if (open) open[1] = line;
    else {
      open = [line, line];
      ranges.push(open);
    }
  }
  return ranges;
}

export function formatRanges(ranges: Array<[number, number]>, limit = Infinity): string {
  const shown = ranges.slice(0, limit).map(([a, b]) => (a === b ? `${a}` : `${a}-${b}`));
  if (ranges.length > limit) shown.push(`… ${ranges.length - limit} more`);
  return shown.join(", ");
}
