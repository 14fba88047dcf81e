// Coverage items (lines, statements, branch arms, functions) packed as bytes.
// Counting and merging only ever ask "is this item covered?", so an item is a
// sorted key plus one bit, written as a varint of (delta from the previous key
// × 2 + bit): most items take one or two bytes. Every file's streams live in
// large shared chunks, so a file costs its bytes, not a typed array (and its
// ~200-byte ArrayBuffer bookkeeping) per metric.

/** New chunks are this big unless one file needs more. */
const CHUNK_BYTES = 1 << 20;
/** A varint of a value below 2^53 never takes more than 8 bytes. */
export const MAX_VARINT_BYTES = 8;
const TWO_POW_31 = 2 ** 31;

/**
 * Append-only byte chunks. Space is reserved up front for a worst case, then
 * the cursor `pos` advances over what was actually written.
 */
export class ByteArena {
  bytes = new Uint8Array(0);
  pos = 0;
  /** Bytes handed out since the arena was created (live or not). */
  used = 0;

  /** Makes room for `maxBytes` at `this.pos` in `this.bytes`. */
  reserve(maxBytes: number): void {
    if (this.bytes.length - this.pos >= maxBytes) return;
    // The tail of the old chunk is given up: at most one file's worst case, per megabyte.
    this.bytes = new Uint8Array(Math.max(CHUNK_BYTES, maxBytes));
    this.pos = 0;
  }

  /** Records that the bytes since `start` belong to someone. */
  commit(start: number): void {
    this.used += this.pos - start;
  }

  writeVarint(value: number): void {
    const bytes = this.bytes;
    let pos = this.pos;
    let v = value;
    // Above 2^31 bit operators would wrap; plain arithmetic stays exact up to 2^53.
    while (v >= TWO_POW_31) {
      bytes[pos++] = (v % 128) | 128;
      v = Math.floor(v / 128);
    }
    while (v >= 128) {
      bytes[pos++] = (v & 127) | 128;
      v >>>= 7;
    }
    bytes[pos++] = v;
    this.pos = pos;
  }

  /** UTF-8 bytes of `text`, preceded by their count. Reserve 3 bytes per UTF-16 unit plus a varint. */
  writeText(text: string): void {
    const length = text.length;
    let ascii = true;
    for (let i = 0; i < length; i++) {
      if (text.charCodeAt(i) > 127) {
        ascii = false;
        break;
      }
    }
    if (ascii) {
      this.writeVarint(length);
      const bytes = this.bytes;
      const pos = this.pos;
      for (let i = 0; i < length; i++) bytes[pos + i] = text.charCodeAt(i);
      this.pos = pos + length;
      return;
    }
    const encoded = Buffer.from(text, "utf8");
    this.writeVarint(encoded.length);
    this.bytes.set(encoded, this.pos);
    this.pos += encoded.length;
  }

  copy(from: Uint8Array, start: number, end: number): void {
    this.bytes.set(from.subarray(start, end), this.pos);
    this.pos += end - start;
  }
}

const decoder = new TextDecoder();

/** Walks one item stream. Fields are public so hot loops read them without calls. */
export class ItemCursor {
  pos: number;
  key = 0;
  covered = false;
  /** For streams with names: where the current uncovered item's name bytes are. */
  nameStart = 0;
  nameEnd = 0;

  constructor(
    readonly bytes: Uint8Array,
    start: number,
    readonly end: number,
    private readonly withNames: boolean,
  ) {
    this.pos = start;
  }

  /** A plain varint at the cursor (headers use these). */
  readVarint(): number {
    const bytes = this.bytes;
    let pos = this.pos;
    let value = 0;
    let scale = 1;
    for (;;) {
      const byte = bytes[pos++]!;
      value += (byte & 127) * scale;
      if (byte < 128) break;
      scale *= 128;
    }
    this.pos = pos;
    return value;
  }

  next(): boolean {
    if (this.pos >= this.end) return false;
    const packed = this.readVarint();
    this.covered = packed % 2 === 1;
    this.key += Math.floor(packed / 2);
    if (this.withNames && !this.covered) {
      const length = this.readVarint();
      this.nameStart = this.pos;
      this.nameEnd = this.pos + length;
      this.pos = this.nameEnd;
    }
    return true;
  }

  name(): string {
    return decoder.decode(this.bytes.subarray(this.nameStart, this.nameEnd));
  }
}

export interface StreamCount {
  covered: number;
  total: number;
}

export function countStream(bytes: Uint8Array, start: number, end: number, withNames: boolean): StreamCount {
  const cursor = new ItemCursor(bytes, start, end, withNames);
  let covered = 0;
  let total = 0;
  while (cursor.next()) {
    total++;
    if (cursor.covered) covered++;
  }
  return { covered, total };
}

/**
 * Writes the union of two sorted streams into the arena; an item is covered
 * when either side covered it. Equal keys pair up one to one, so a key listed
 * twice on one side (two same-named functions on a line) stays two items.
 * Returns nothing: the caller measures the written length from `arena.pos`.
 */
export function mergeStreams(arena: ByteArena, a: ItemCursor, b: ItemCursor, withNames: boolean): void {
  let previous = 0;
  let hasA = a.next();
  let hasB = b.next();
  while (hasA || hasB) {
    let from: ItemCursor;
    let covered: boolean;
    if (hasA && hasB && a.key === b.key) {
      covered = a.covered || b.covered;
      from = a.covered ? b : a; // an uncovered side carries the name
      writeItem(arena, from.key - previous, covered, withNames, from);
      previous = from.key;
      hasA = a.next();
      hasB = b.next();
      continue;
    }
    from = !hasB || (hasA && a.key < b.key) ? a : b;
    writeItem(arena, from.key - previous, from.covered, withNames, from);
    previous = from.key;
    if (from === a) hasA = a.next();
    else hasB = b.next();
  }
}

function writeItem(arena: ByteArena, delta: number, covered: boolean, withNames: boolean, from: ItemCursor): void {
  arena.writeVarint(delta * 2 + (covered ? 1 : 0));
  if (withNames && !covered) {
    arena.writeVarint(from.nameEnd - from.nameStart);
    arena.copy(from.bytes, from.nameStart, from.nameEnd);
  }
}
