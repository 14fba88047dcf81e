// Folds each file a reader emits into a compact FileCoverage the moment it
// arrives, so memory follows the number of coverage items (a byte or two
// each), never the report's text or the readers' per-file maps. A file seen
// again (another report, another test name in the same LCOV, another spelling
// of its path) merges item by item.
import { ByteArena, ItemCursor, MAX_VARINT_BYTES, mergeStreams } from "./items.js";
import { type Counter, FileCoverage, type FunctionHit, FUNCTIONS, functionKey, METRICS, type Metric, type RawFileCoverage, STREAMS } from "./model.js";
import { ownString } from "./own-string.js";
import { GENERIC, type PercentStyle, sameStyle } from "./percent.js";

/** Keys are whole numbers below this; doubled (for the covered bit) they stay exact in a double. */
const KEY_LIMIT = 2 ** 52;
/** Merges leave dead bytes behind; below this much it is not worth copying the live ones out. */
const COMPACT_FLOOR = 4 << 20;
/** A header is four varints of stream lengths. */
const HEADER_BYTES = STREAMS * 5;

function mergeStated(
  a: Partial<Record<Metric, Counter>> | undefined,
  b: Partial<Record<Metric, Counter>> | undefined,
): Partial<Record<Metric, Counter>> | undefined {
  if (!a || !b) return a ?? b;
  const merged: Partial<Record<Metric, Counter>> = {};
  for (const metric of METRICS) {
    const x = a[metric];
    const y = b[metric];
    // Stated counts cannot be merged item by item; the larger total is the better guess.
    if (x || y) merged[metric] = !x ? y! : !y ? x : x.total >= y.total ? x : y;
  }
  return merged;
}

export class CoverageStore {
  readonly files = new Map<string, FileCoverage>();
  private arena = new ByteArena();
  /** Bytes in the arena no file points at any more (merged away). */
  private garbage = 0;
  private keys = new Float64Array(1024);
  private bits = new Uint8Array(1024);
  private readonly styles = new Map<string, PercentStyle>();

  /** Adds one reader's file under its workspace path, merging with what is already there. */
  add(raw: RawFileCoverage, file: string): FileCoverage {
    const existing = this.files.get(file);
    const packed = this.pack(raw, existing?.file ?? ownString(file));
    if (!existing) {
      this.files.set(packed.file, packed);
      return packed;
    }
    const merged = this.merge(existing, packed);
    this.files.set(merged.file, merged);
    if (this.garbage >= COMPACT_FLOOR && this.garbage >= this.arena.used - this.garbage) this.compact();
    return merged;
  }

  /** Bytes of item data held for live files (for tests and benchmarks). */
  get liveBytes(): number {
    return this.arena.used - this.garbage;
  }

  /** Bytes merged away and not yet compacted. */
  get garbageBytes(): number {
    return this.garbage;
  }

  private internStyle(style: PercentStyle): PercentStyle {
    const key = style.kind === "coverage.py" ? `${style.kind}:${style.precision}` : style.kind;
    let shared = this.styles.get(key);
    if (!shared) {
      shared = { ...style };
      this.styles.set(key, shared);
    }
    return shared;
  }

  private pack(raw: RawFileCoverage, file: string): FileCoverage {
    const arena = this.arena;
    let reserve = HEADER_BYTES + MAX_VARINT_BYTES * (raw.lines.size + (raw.statements?.size ?? 0) + (raw.branches?.size ?? 0));
    for (const fn of raw.functions ?? []) reserve += 2 * MAX_VARINT_BYTES + 3 * fn.name.length;
    arena.reserve(reserve);
    const start = arena.pos;
    const lengths = [
      this.writeHits(raw.lines),
      raw.statements ? this.writeHits(raw.statements) : -1,
      raw.branches ? this.writeHits(raw.branches) : -1,
      raw.functions ? this.writeFunctions(raw.functions) : -1,
    ];
    const at = arena.pos;
    for (const length of lengths) arena.writeVarint(length + 1);
    arena.commit(start);
    const stated = raw.counters && Object.keys(raw.counters).length > 0 ? { ...raw.counters } : undefined;
    return new FileCoverage(file, this.internStyle(raw.style), arena.bytes, at, stated);
  }

  /** Writes a key → hits map as a sorted stream; returns its length in bytes. */
  private writeHits(map: Map<number, number>): number {
    const size = map.size;
    if (this.keys.length < size) {
      this.keys = new Float64Array(size * 2);
      this.bits = new Uint8Array(size * 2);
    }
    const keys = this.keys;
    const bits = this.bits;
    let i = 0;
    let sorted = true;
    for (const [key, hits] of map) {
      if (i > 0 && key < keys[i - 1]!) sorted = false;
      keys[i] = key;
      bits[i++] = hits > 0 ? 1 : 0;
    }
    // Reports list items in order almost always; sorting only when not saves most of the work.
    if (!sorted) {
      keys.subarray(0, size).sort();
      for (let j = 0; j < size; j++) bits[j] = map.get(keys[j]!)! > 0 ? 1 : 0;
    }
    const arena = this.arena;
    const start = arena.pos;
    let previous = 0;
    for (let j = 0; j < size; j++) {
      const key = keys[j]!;
      if (!(key >= 0 && key < KEY_LIMIT && Number.isInteger(key))) {
        throw new RangeError(`coverage item key ${key} is not a whole number from 0 to 2^52 (a reader produced it; please report this)`);
      }
      arena.writeVarint((key - previous) * 2 + bits[j]!);
      previous = key;
    }
    return arena.pos - start;
  }

  /** Functions keyed by line and name hash; only uncovered ones keep their name. */
  private writeFunctions(functions: FunctionHit[]): number {
    const keyed = functions.map((fn) => ({ key: functionKey(fn.name, fn.line), fn }));
    keyed.sort((x, y) => x.key - y.key || (x.fn.name < y.fn.name ? -1 : x.fn.name > y.fn.name ? 1 : 0));
    const arena = this.arena;
    const start = arena.pos;
    let previous = 0;
    for (const { key, fn } of keyed) {
      const covered = fn.hits > 0;
      arena.writeVarint((key - previous) * 2 + (covered ? 1 : 0));
      if (!covered) arena.writeText(fn.name);
      previous = key;
    }
    return arena.pos - start;
  }

  /** The same source file from a second report: an item is covered when either covered it. */
  private merge(a: FileCoverage, b: FileCoverage): FileCoverage {
    const arena = this.arena;
    const boundsA = a.bounds();
    const boundsB = b.bounds();
    const sizeA = boundsA.regionEnd - boundsA.regionStart;
    const sizeB = boundsB.regionEnd - boundsB.regionStart;
    // A merged item's delta never exceeds the delta it had on its own side, so the sum bounds the result.
    arena.reserve(sizeA + sizeB + HEADER_BYTES);
    const start = arena.pos;
    const lengths: number[] = [];
    for (let stream = 0; stream < STREAMS; stream++) {
      const startA = boundsA.starts[stream]!;
      const startB = boundsB.starts[stream]!;
      const streamStart = arena.pos;
      if (startA < 0 && startB < 0) {
        lengths.push(-1);
        continue;
      }
      if (startB < 0) arena.copy(a.bytes, startA, boundsA.ends[stream]!);
      else if (startA < 0) arena.copy(b.bytes, startB, boundsB.ends[stream]!);
      else {
        const withNames = stream === FUNCTIONS;
        mergeStreams(
          arena,
          new ItemCursor(a.bytes, startA, boundsA.ends[stream]!, withNames),
          new ItemCursor(b.bytes, startB, boundsB.ends[stream]!, withNames),
          withNames,
        );
      }
      lengths.push(arena.pos - streamStart);
    }
    const at = arena.pos;
    for (const length of lengths) arena.writeVarint(length + 1);
    arena.commit(start);
    this.garbage += sizeA + sizeB;
    const style = sameStyle(a.style, b.style) ? a.style : GENERIC;
    return new FileCoverage(a.file, style, arena.bytes, at, mergeStated(a.stated, b.stated));
  }

  /** Copies live files into fresh chunks so the merged-away bytes can be collected. */
  private compact(): void {
    const fresh = new ByteArena();
    for (const file of this.files.values()) {
      const bounds = file.bounds();
      fresh.reserve(bounds.regionEnd - bounds.regionStart);
      const start = fresh.pos;
      fresh.copy(file.bytes, bounds.regionStart, bounds.regionEnd);
      fresh.commit(start);
      file.at = start + (file.at - bounds.regionStart);
      file.bytes = fresh.bytes;
    }
    this.arena = fresh;
    this.garbage = 0;
  }
}
