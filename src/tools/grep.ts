// Grep: regular expressions over workspace files, ripgrep-shaped output.
// Patterns come from a model, so they run on RE2 (re2js): matching time is
// linear in the text whatever the pattern, where a backtracking engine spends
// hours on `(a+)+$` and cannot be interrupted. Limits are part of the
// contract: a model asking for "." over a large repo gets a bounded answer
// and a note on how to narrow it.
import { realpathSync } from "node:fs";
import { RE2JS } from "re2js";
import path from "node:path";
import { z } from "zod";
import { globMatcher, resolveSearchDir } from "./glob.js";
import { isBinary, splitLines } from "./read.js";
import { readRegularFileSync } from "./safe-read.js";
import { listFiles } from "./walk.js";
import type { ToolContext, ToolDefinition } from "./index.js";

export const GREP_DEFAULT_MAX_MATCHES = 200;
export const GREP_DEFAULT_MAX_FILES = 200;
/** Larger files are almost always data or bundles; searching them costs seconds and says nothing. */
const GREP_MAX_FILE_BYTES = 5 * 1024 * 1024;
const MAX_SHOWN_LINE_CHARS = 500;
const MAX_CONTEXT = 20;

export const grepInput = z
  .object({
    pattern: z.string().min(1).describe('Regular expression (RE2 syntax: no lookaround or backreferences), e.g. "password\\s*=" or "def \\w+\\(".'),
    path: z.string().min(1).optional().describe("File or directory to search, relative to the workspace root (default: the root)."),
    include: z
      .union([z.string().min(1), z.array(z.string().min(1)).min(1)])
      .optional()
      .describe('Only search files matching these globs, e.g. "*.py" or ["src/**/*.ts", "*.js"].'),
    output_mode: z
      .enum(["content", "files_with_matches", "count"])
      .optional()
      .describe("content: matching lines with line numbers; files_with_matches (default): file paths; count: matching lines per file."),
    case_insensitive: z.boolean().optional().describe("Ignore case (default false)."),
    context: z.number().int().min(0).max(MAX_CONTEXT).optional().describe("Lines of context before and after each match (content mode)."),
    before: z.number().int().min(0).max(MAX_CONTEXT).optional().describe("Lines of context before each match (content mode)."),
    after: z.number().int().min(0).max(MAX_CONTEXT).optional().describe("Lines of context after each match (content mode)."),
    max_matches: z
      .number()
      .int()
      .min(1)
      .optional()
      .describe(`Stop after this many matching lines in content mode (default ${GREP_DEFAULT_MAX_MATCHES}).`),
    max_files: z
      .number()
      .int()
      .min(1)
      .optional()
      .describe(`Stop after this many files with matches (default ${GREP_DEFAULT_MAX_FILES}).`),
  })
  .strict();

export type GrepInput = z.infer<typeof grepInput>;

export interface LinePattern {
  test(text: string): boolean;
}

/** JavaScript spellings RE2 writes differently. */
function toRe2Syntax(pattern: string): string {
  return pattern.replace(/\\(\\|u([0-9a-fA-F]{4})|u\{([0-9a-fA-F]{1,6})\})/g, (whole, _e: string, four?: string, braced?: string) =>
    four ? `\\x{${four}}` : braced ? `\\x{${braced}}` : whole,
  );
}

function unsupported(pattern: string): string | undefined {
  if (/\(\?<?[=!]/.test(pattern)) return "lookahead and lookbehind ((?=…), (?!…), (?<=…), (?<!…)) are not supported: match the surrounding text instead";
  if (/(^|[^\\])(\\\\)*\\([1-9]|k<)/.test(pattern)) return "backreferences (\\1, \\k<name>) are not supported: search for the literal text instead";
  return undefined;
}

/** Compiles a model's pattern for RE2; a pattern RE2 cannot run is refused with the construct to avoid. */
export function compileLinePattern(pattern: string, caseInsensitive: boolean, multiline = false): LinePattern {
  const flags = (caseInsensitive ? RE2JS.CASE_INSENSITIVE : 0) | (multiline ? RE2JS.MULTILINE : 0);
  try {
    return RE2JS.compile(toRe2Syntax(pattern), flags);
  } catch (error) {
    const why = unsupported(pattern);
    if (why) throw new Error(`regular expression ${JSON.stringify(pattern)} cannot run on the linear-time engine: ${why}`);
    throw new Error(`invalid regular expression ${JSON.stringify(pattern)}: ${(error as Error).message.replace(/^error parsing regexp: /, "")}`);
  }
}

function shown(line: string): string {
  return line.length > MAX_SHOWN_LINE_CHARS ? `${line.slice(0, MAX_SHOWN_LINE_CHARS)}…` : line;
}

/** Renders one file's matches with context, "--" between blocks that do not touch (as ripgrep does). */
function renderContent(file: string, lines: string[], hits: number[], before: number, after: number): string[] {
  const out: string[] = [];
  const hitSet = new Set(hits);
  let printedUpTo = -1;
  for (const hit of hits) {
    const from = Math.max(0, hit - before, printedUpTo + 1);
    const to = Math.min(lines.length - 1, hit + after);
    if (printedUpTo >= 0 && from > printedUpTo + 1) out.push("--");
    for (let i = from; i <= to; i++) {
      out.push(`${file}${hitSet.has(i) ? ":" : "-"}${i + 1}${hitSet.has(i) ? ":" : "-"}${shown(lines[i]!)}`);
    }
    printedUpTo = Math.max(printedUpTo, to);
  }
  return out;
}

async function candidateFiles(input: GrepInput, root: string, signal: AbortSignal | undefined): Promise<string[]> {
  const base = await resolveSearchDir(root, input.path);
  const files = await listFiles(root, {
    ...(signal ? { signal } : {}),
    scope: base.relative === "" ? [] : [base.relative],
    skipGenerated: false,
    maxFileBytes: GREP_MAX_FILE_BYTES,
  }).catch((error: unknown) => {
    if (signal?.aborted) throw new Error("search cancelled");
    throw error;
  });
  if (input.include === undefined) return files;
  const includes = Array.isArray(input.include) ? input.include : [input.include];
  // For a single file, include globs apply to its own name.
  const matchBase = base.isFile ? base.relative.split("/").slice(0, -1).join("/") : base.relative;
  const matches = globMatcher(includes, matchBase, { matchBasename: true });
  return files.filter(matches);
}

/**
 * Files are read synchronously, this many between yields to the event loop:
 * for small source files a sync read is several times faster than the
 * thread-pool round trips of fs/promises, and yielding per batch keeps the
 * runner's heartbeat and cancellation responsive.
 */
const READ_BATCH = 64;

interface FileHits {
  file: string;
  lines: string[];
  hits: number[];
}

function searchOne(realRoot: string, root: string, file: string, regex: LinePattern, anywhere: LinePattern): FileHits | undefined {
  let text: string;
  try {
    // A path named by the caller may be a link, and links may point outside the workspace.
    const real = realpathSync(path.join(root, file));
    if (real !== realRoot && !real.startsWith(realRoot + path.sep)) return undefined;
    const buffer = readRegularFileSync(real, { maxBytes: GREP_MAX_FILE_BYTES });
    if (isBinary(buffer)) return undefined;
    text = buffer.toString("utf8");
  } catch {
    return undefined;
  }
  // One whole-text test first: most files have no match, and splitting them into lines is the expensive part.
  // With CR in the text, `$` would not match before "\r\n", so such files go straight to the line-by-line test.
  if (!text.includes("\r") && !anywhere.test(text)) return undefined;
  const lines = splitLines(text);
  const hits: number[] = [];
  for (let i = 0; i < lines.length; i++) if (regex.test(lines[i]!)) hits.push(i);
  return hits.length ? { file, lines, hits } : undefined;
}

/** Files with matches, in the given order. */
async function* searchFiles(files: string[], ctx: ToolContext, regex: LinePattern, anywhere: LinePattern): AsyncGenerator<FileHits> {
  const realRoot = realpathSync(ctx.root);
  for (let i = 0; i < files.length; i++) {
    if (i % READ_BATCH === 0) {
      await new Promise((resolve) => setImmediate(resolve));
      if (ctx.signal?.aborted) throw new Error("search cancelled");
    }
    const found = searchOne(realRoot, ctx.root, files[i]!, regex, anywhere);
    if (found) yield found;
  }
}

async function executeGrep(input: GrepInput, ctx: ToolContext): Promise<string> {
  const regex = compileLinePattern(input.pattern, input.case_insensitive ?? false);
  const anywhere = compileLinePattern(input.pattern, input.case_insensitive ?? false, true);
  const mode = input.output_mode ?? "files_with_matches";
  const before = input.before ?? input.context ?? 0;
  const after = input.after ?? input.context ?? 0;
  const maxMatches = input.max_matches ?? GREP_DEFAULT_MAX_MATCHES;
  const maxFiles = input.max_files ?? GREP_DEFAULT_MAX_FILES;

  const out: string[] = [];
  let matchedFiles = 0;
  let shownMatches = 0;
  let truncated = "";
  for await (const { file, lines, hits } of searchFiles(await candidateFiles(input, ctx.root, ctx.signal), ctx, regex, anywhere)) {

    if (matchedFiles === maxFiles) {
      truncated = `(stopped after ${maxFiles} files with matches: narrow path or include, or raise max_files)`;
      break;
    }
    const contentFull = `(stopped after ${maxMatches} matching lines: narrow the pattern or path, or raise max_matches)`;
    if (mode === "content" && shownMatches === maxMatches) {
      truncated = contentFull;
      break;
    }
    matchedFiles++;
    if (mode === "files_with_matches") out.push(file);
    else if (mode === "count") out.push(`${file}:${hits.length}`);
    else {
      const kept = hits.slice(0, maxMatches - shownMatches);
      if (out.length > 0) out.push("--");
      out.push(...renderContent(file, lines, kept, before, after));
      shownMatches += kept.length;
      if (kept.length < hits.length) {
        truncated = contentFull;
        break;
      }
    }
  }
  if (out.length === 0) return `No matches for ${JSON.stringify(input.pattern)}`;
  if (truncated) out.push(truncated);
  return out.join("\n");
}

export const grepTool: ToolDefinition<typeof grepInput> = {
  name: "Grep",
  description:
    "Search workspace files with a regular expression (RE2 syntax, line by line; lookaround and backreferences are not supported). output_mode files_with_matches " +
    "(default) lists files; content shows `file:line:text` with optional context lines (`file-line-text`, `--` between " +
    "blocks); count gives matching lines per file. Filter files with include globs. .gitignore is honored; binary and very " +
    "large files are skipped.",
  inputSchema: grepInput,
  readonly: true,
  execute: executeGrep,
};
