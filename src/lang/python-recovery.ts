// A syntax error in one top-level Python definition (an unclosed decorator
// call, a stray bracket) makes tree-sitter flatten everything after it into
// one ERROR node, and the functions below it lose their structure. Recovery
// blanks out only the damaged definitions, line for line so positions stay,
// and keeps the rest of the file analysable.
import { parseSource } from "./parsers.js";

/** Lines that start a top-level definition; decorators belong to the definition under them. */
const BLOCK_START = /^(@|def\s|async\s+def\s|class\s)/;

function parsesCleanly(text: string): boolean {
  return !parseSource("python", text).rootNode.hasError;
}

/**
 * The text with each top-level definition that does not parse on its own
 * blanked (its decorators alone first, then the whole definition), or
 * undefined when that does not give a file that parses.
 */
export function repairPython(text: string): string | undefined {
  const lines = text.split("\n");
  const starts: number[] = [];
  const isDecorator = (i: number) => i >= 0 && lines[i]!.startsWith("@");
  for (let i = 0; i < lines.length; i++) {
    // A definition's decorators start its block; the def under them does not start another.
    if (BLOCK_START.test(lines[i]!) && !isDecorator(i - 1)) starts.push(i);
  }
  if (starts.length === 0) return undefined;
  const out = [...lines];
  const blank = (from: number, to: number) => {
    for (let i = from; i < to; i++) out[i] = "";
  };
  for (const [n, start] of starts.entries()) {
    const end = starts[n + 1] ?? lines.length;
    const block = lines.slice(start, end);
    if (parsesCleanly(block.join("\n"))) continue;
    let decorators = 0;
    while (decorators < block.length && !/^(def\s|async\s+def\s|class\s)/.test(block[decorators]!)) decorators++;
    if (decorators > 0 && decorators < block.length && parsesCleanly(block.slice(decorators).join("\n"))) blank(start, start + decorators);
    else blank(start, end);
  }
  const repaired = out.join("\n");
  return parsesCleanly(repaired) ? repaired : undefined;
}
