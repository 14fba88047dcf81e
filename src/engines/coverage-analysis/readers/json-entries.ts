// Big coverage JSON files (istanbul's coverage-final.json reaches hundreds of
// MB) are one object whose members are per-file objects. Rather than parse the
// whole text at once, this scans the bytes for the top-level members and hands
// each member's text to JSON.parse: the native parser does the real work,
// memory holds one member at a time, and a syntax error still gets a line.
import { createReadStream } from "node:fs";
import { CoverageParseError, throwIfAborted } from "./common.js";

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const NEWLINE = 0x0a;

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
 * Streams the members of a top-level JSON object whose values are objects or
 * arrays; scalar members are skipped.
 */
export async function* jsonObjectEntries(file: string, display: string, signal: AbortSignal): AsyncGenerator<JsonEntry> {
  const stream = createReadStream(file, { highWaterMark: 1 << 20 });
  let depth = 0;
  let inString = false;
  let escaped = false;
  let line = 1;
  let sawTopLevel = false;
  let topLevelClosed = false;
  // Key of the member being read, and the pieces of its value's text.
  let keyPieces: Buffer[] | undefined;
  let key: string | undefined;
  let valuePieces: Buffer[] | undefined;
  let valueStartLine = 0;

  for await (const chunk of stream as AsyncIterable<Buffer>) {
    throwIfAborted(signal);
    const ready: JsonEntry[] = [];
    let pieceStart = 0;
    for (let i = 0; i < chunk.length; i++) {
      const byte = chunk[i]!;
      if (byte === NEWLINE) line++;
      if (inString) {
        if (escaped) escaped = false;
        else if (byte === BACKSLASH) escaped = true;
        else if (byte === QUOTE) {
          inString = false;
          if (depth === 1 && keyPieces && key === undefined) {
            keyPieces.push(chunk.subarray(pieceStart, i + 1));
            key = JSON.parse(Buffer.concat(keyPieces).toString("utf8")) as string;
            keyPieces = undefined;
          }
        }
        continue;
      }
      if (byte === QUOTE) {
        inString = true;
        if (depth === 1 && key === undefined && !valuePieces) {
          keyPieces = [];
          pieceStart = i;
        }
        continue;
      }
      if (byte === OPEN_BRACE || byte === OPEN_BRACKET) {
        if (depth === 0) {
          if (sawTopLevel || byte !== OPEN_BRACE) {
            throw new CoverageParseError(display, line, "expected one JSON object at the top level");
          }
          sawTopLevel = true;
        } else if (depth === 1) {
          if (key === undefined) throw new CoverageParseError(display, line, "a value without a key in the top-level object");
          valuePieces = [];
          pieceStart = i;
          valueStartLine = line;
        }
        depth++;
        continue;
      }
      if (byte === CLOSE_BRACE || byte === CLOSE_BRACKET) {
        depth--;
        if (depth < 0) throw new CoverageParseError(display, line, "unbalanced closing bracket");
        if (depth === 1 && valuePieces) {
          valuePieces.push(chunk.subarray(pieceStart, i + 1));
          const text = Buffer.concat(valuePieces).toString("utf8");
          ready.push({ key: key!, value: parseMember(display, text, valueStartLine), line: valueStartLine });
          valuePieces = undefined;
          key = undefined;
        } else if (depth === 0) {
          topLevelClosed = true;
        }
        continue;
      }
      // A scalar member ("version": 3) is skipped: coverage data lives in objects.
      if (depth === 1 && key !== undefined && !valuePieces && byte === 0x2c) key = undefined;
    }
    if (valuePieces) valuePieces.push(chunk.subarray(pieceStart));
    else if (keyPieces) keyPieces.push(chunk.subarray(pieceStart));
    for (const entry of ready) yield entry;
  }
  if (!sawTopLevel) throw new CoverageParseError(display, line, "empty file: expected a JSON object");
  if (!topLevelClosed || depth !== 0 || inString) {
    throw new CoverageParseError(display, line, "truncated: the JSON ends before its closing brace");
  }
}
