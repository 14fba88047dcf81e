// Read: the model's (and any engine's) window onto a file. Output mirrors
// `cat -n` so that line numbers the model quotes in findings are the real ones.
import { FileTooLargeError, NotRegularFileError, readRegularFile } from "./safe-read.js";
import { z } from "zod";
import { resolveInside, toWorkspacePath } from "./sandbox.js";
import type { ToolContext, ToolDefinition } from "./index.js";

/** Above this a whole-file read floods a model's context; Grep is the right tool. */
export const READ_MAX_FILE_BYTES = 10 * 1024 * 1024;
export const READ_DEFAULT_LIMIT = 2000;
const MAX_LINE_CHARS = 2000;
/** Bounds one answer even when a file is made of very long lines. */
const MAX_OUTPUT_CHARS = 256 * 1024;
/** Same heuristic as git and grep: a NUL byte early on means binary. */
const BINARY_SNIFF_BYTES = 8000;

export const readInput = z
  .object({
    file_path: z.string().min(1).describe("Path of the file, relative to the workspace root (or absolute inside it)."),
    offset: z.number().int().min(1).optional().describe("1-based line number to start reading at (default 1)."),
    limit: z
      .number()
      .int()
      .min(1)
      .optional()
      .describe(`Maximum number of lines to return (default ${READ_DEFAULT_LIMIT}).`),
  })
  .strict();

export type ReadInput = z.infer<typeof readInput>;

export function isBinary(buffer: Uint8Array): boolean {
  return buffer.subarray(0, BINARY_SNIFF_BYTES).includes(0);
}

/** Splits text into lines the way editors count them: a final newline does not start a line. */
export function splitLines(text: string): string[] {
  if (text === "") return [];
  const lines = text.split(/\r?\n/);
  if (lines[lines.length - 1] === "") lines.pop();
  return lines;
}

export function formatNumberedLine(lineNumber: number, text: string): string {
  const shown =
    text.length > MAX_LINE_CHARS ? `${text.slice(0, MAX_LINE_CHARS)}… [line truncated, ${text.length} chars]` : text;
  return `${String(lineNumber).padStart(6)}\t${shown}`;
}

/** Reads a workspace file as text, refusing directories, huge files and binaries with a one-line reason. */
export async function readTextFile(root: string, filePath: string, maxBytes = READ_MAX_FILE_BYTES): Promise<{ absolute: string; relative: string; text: string }> {
  const absolute = resolveInside(root, filePath);
  const relative = toWorkspacePath(root, absolute);
  let buffer: Buffer;
  try {
    buffer = await readRegularFile(absolute, { label: relative, maxBytes });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT" || code === "ENOTDIR") throw new Error(`${relative} does not exist: check the path with Glob`);
    if (code === "EISDIR" || (error instanceof NotRegularFileError && error.kindName === "a directory")) throw new Error(`${relative} is a directory: list its files with Glob`);
    if (error instanceof NotRegularFileError) throw new Error(`${relative} is ${error.kindName}, not a regular file: only regular files can be read`);
    if (error instanceof FileTooLargeError) throw new Error(`${relative} is ${error.size} bytes, over the ${maxBytes}-byte read limit: search it with Grep instead`);
    throw new Error(`cannot read ${relative}: ${(error as Error).message}`);
  }
  if (isBinary(buffer)) throw new Error(`${relative} is a binary file: only text files can be read`);
  return { absolute, relative, text: buffer.toString("utf8") };
}

async function executeRead(input: ReadInput, ctx: ToolContext): Promise<string> {
  const { relative, text } = await readTextFile(ctx.root, input.file_path);
  const lines = splitLines(text);
  if (lines.length === 0) return `(${relative} is empty)`;
  const offset = input.offset ?? 1;
  if (offset > lines.length) {
    throw new Error(`offset ${offset} is past the end of ${relative}, which has ${lines.length} lines`);
  }
  const limit = input.limit ?? READ_DEFAULT_LIMIT;
  const last = Math.min(lines.length, offset - 1 + limit);
  const out: string[] = [];
  let chars = 0;
  let shownLast = offset - 1;
  for (let n = offset; n <= last; n++) {
    const line = formatNumberedLine(n, lines[n - 1]!);
    if (chars + line.length > MAX_OUTPUT_CHARS && out.length > 0) break;
    out.push(line);
    chars += line.length + 1;
    shownLast = n;
  }
  if (shownLast < lines.length) {
    out.push(`(lines ${offset}-${shownLast} of ${lines.length} in ${relative}; continue with offset ${shownLast + 1})`);
  }
  return out.join("\n");
}

export const readTool: ToolDefinition<typeof readInput> = {
  name: "Read",
  description:
    "Read a text file from the workspace. Returns its lines numbered like `cat -n` (number, tab, text). " +
    `By default the first ${READ_DEFAULT_LIMIT} lines; use offset and limit for longer files. ` +
    "Binary files, directories and paths outside the workspace are refused.",
  inputSchema: readInput,
  readonly: true,
  execute: executeRead,
};
