// Big coverage JSON files (istanbul's coverage-final.json reaches hundreds of
// MB) are one object whose members are per-file objects. Rather than parse the
// whole text at once, this scans the bytes for the top-level members and hands
// each member's text to JSON.parse: the native parser does the real work,
// memory holds one member at a time, and a syntax error still gets a line.
import { createReadStream } from "node:fs";
import { CoverageParseError, READ_CHUNK_BYTES, throwIfAborted } from "./common.js";

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const NEWLINE = 0x0a;
const COMMA = 0x2c;

// Byte classes outside strings: one table lookup lets the common byte (a
// digit, a letter, a colon) cost a single compare.
const PLAIN = 0;
const STRUCTURAL = 1;
const CLASS = new Uint8Array(256);
for (const byte of [QUOTE, OPEN_BRACE, CLOSE_BRACE, OPEN_BRACKET, CLOSE_BRACKET, NEWLINE, COMMA]) CLASS[byte] = STRUCTURAL;

export interface JsonEntry {
  key: string;
  value: unknown;
  /** 1-based line where the member's value starts. */
  line: number;
}

function positionToLine(text: string, position: number): number {
  let line = 0;
  for (let i = text.indexOf("\n"); i !== -1 && i < position; i = text.indexOf("\n", i + 1)) line++;
  return line;
}

function parseMember(display: string, text: string, startLine: number): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    const message = (error as Error).message;
    const position = /position (\d+)/.exec(message);
    const line = position ? startLine + positionToLine(text, Number(position[1])) : startLine;
    throw new CoverageParseError(display, line, `invalid JSON: ${message.replace(/ in JSON at position \d+.*$/, "")}`);
  }
}

/**
 * Finds top-level members in chunks of bytes. Kept as a plain class with the
 * hot loop on local variables: inside an async generator the same loop runs
 * an order of magnitude slower.
 */
class MemberScanner {
  private depth = 0;
  private inString = false;
  private escaped = false;
  line = 1;
  sawTopLevel = false;
  topLevelClosed = false;
  private keyPieces: Buffer[] | undefined;
  private key: string | undefined;
  private valuePieces: Buffer[] | undefined;
  private valueStartLine = 0;

  constructor(private readonly display: string) {}

  get complete(): boolean {
    return this.topLevelClosed && this.depth === 0 && !this.inString;
  }

  push(chunk: Buffer, ready: JsonEntry[]): void {
    let { depth, inString, escaped, line } = this;
    let pieceStart = 0;
    const length = chunk.length;
    for (let i = 0; i < length; i++) {
      const byte = chunk[i]!;
      if (inString) {
        if (escaped) escaped = false;
        else if (byte === BACKSLASH) escaped = true;
        else if (byte === QUOTE) {
          inString = false;
          if (depth === 1 && this.keyPieces && this.key === undefined) {
            this.keyPieces.push(chunk.subarray(pieceStart, i + 1));
            this.key = JSON.parse(Buffer.concat(this.keyPieces).toString("utf8")) as string;
            this.keyPieces = undefined;
          }
        }
        continue;
      }
      if (CLASS[byte] === PLAIN) continue;
      if (byte === NEWLINE) {
        line++;
      } else if (byte === QUOTE) {
        inString = true;
        if (depth === 1 && this.key === undefined && !this.valuePieces) {
          this.keyPieces = [];
          pieceStart = i;
        }
      } else if (byte === OPEN_BRACE || byte === OPEN_BRACKET) {
        if (depth === 0) {
          if (this.sawTopLevel || byte !== OPEN_BRACE) {
            throw new CoverageParseError(this.display, line, "expected one JSON object at the top level");
          }
          this.sawTopLevel = true;
        } else if (depth === 1) {
          if (this.key === undefined) throw new CoverageParseError(this.display, line, "a value without a key in the top-level object");
          this.valuePieces = [];
          pieceStart = i;
          this.valueStartLine = line;
        }
        depth++;
      } else if (byte === CLOSE_BRACE || byte === CLOSE_BRACKET) {
        depth--;
        if (depth < 0) throw new CoverageParseError(this.display, line, "unbalanced closing bracket");
        if (depth === 1 && this.valuePieces) {
          this.valuePieces.push(chunk.subarray(pieceStart, i + 1));
          const text = this.valuePieces.length === 1 ? this.valuePieces[0]!.toString("utf8") : Buffer.concat(this.valuePieces).toString("utf8");
          ready.push({ key: this.key!, value: parseMember(this.display, text, this.valueStartLine), line: this.valueStartLine });
          this.valuePieces = undefined;
          this.key = undefined;
        } else if (depth === 0) {
          this.topLevelClosed = true;
        }
      } else if (byte === COMMA && depth === 1 && this.key !== undefined && !this.valuePieces) {
        // A scalar member ("version": 3) is skipped: coverage data lives in objects.
        this.key = undefined;
      }
    }
    if (this.valuePieces) this.valuePieces.push(chunk.subarray(pieceStart));
    else if (this.keyPieces) this.keyPieces.push(chunk.subarray(pieceStart));
    this.depth = depth;
    this.inString = inString;
    this.escaped = escaped;
    this.line = line;
  }
}

/**
 * Streams the members of a top-level JSON object whose values are objects or
 * arrays; scalar members are skipped.
 */
export async function* jsonObjectEntries(file: string, display: string, signal: AbortSignal): AsyncGenerator<JsonEntry> {
  const stream = createReadStream(file, { highWaterMark: READ_CHUNK_BYTES });
  const scanner = new MemberScanner(display);
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    throwIfAborted(signal);
    const ready: JsonEntry[] = [];
    scanner.push(chunk, ready);
    yield* ready;
  }
  if (!scanner.sawTopLevel) throw new CoverageParseError(display, scanner.line, "empty file: expected a JSON object");
  if (!scanner.complete) throw new CoverageParseError(display, scanner.line, "truncated: the JSON ends before its closing brace");
}
