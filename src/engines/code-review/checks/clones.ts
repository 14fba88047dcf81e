// Blocks the change copied: jscpd's detector run over the new side of the
// repository, unchanged files first so that every clone it reports points
// from the later (changed) copy back to the earlier one. Only clones whose
// changed-side copy is mostly added lines are the change's doing.
import { createHash } from "node:crypto";
import path from "node:path";
import { Detector, getDefaultOptions, getModeHandler, type IClone, type IOptions, MemoryStore } from "@jscpd/core";
import { getFormatByFile, Tokenizer } from "@jscpd/tokenizer";
import type { Finding } from "../../../protocol/finding.js";
import { makeFinding, type ReviewContext, type ReviewFile } from "../context.js";
import { counted, fileSpan, lineSpan } from "../messages.js";

// Programming languages only: duplicated prose, fixtures or config are not a review concern.
const CODE_FORMATS = new Set([
  "javascript", "jsx", "typescript", "tsx", "python", "java", "kotlin", "scala", "go", "rust", "c", "cpp",
  "csharp", "ruby", "php", "swift", "dart", "lua", "perl", "bash", "haskell", "elixir", "clojure", "vue", "svelte",
]);
const SKIPPED_PATH = /(?:^|\/)(?:node_modules|vendor|third_party|dist|build|coverage|__pycache__)\/|\.min\.[cm]?js$|\.d\.ts$/;
/** Bounds on the unchanged part of the repository compared against. */
const MAX_CORPUS_FILES = 3000;
const MAX_CORPUS_BYTES = 24 * 1024 * 1024;
const MAX_FILE_BYTES = 512 * 1024;

// jscpd only matches within one format; a block pasted from a .js file into a
// .ts file is still a copy, so the JavaScript family shares TypeScript's
// tokenizer (a superset), and JSX shares TSX's.
const FORMAT_FAMILY: Record<string, string> = { javascript: "typescript", jsx: "tsx" };

function formatOf(file: string): string | undefined {
  const format = getFormatByFile(file);
  return format && CODE_FORMATS.has(format) ? (FORMAT_FAMILY[format] ?? format) : undefined;
}

interface Copy {
  file: ReviewFile;
  start: number;
  end: number;
  other: { file: string; start: number; end: number };
}

/** Below this share of added lines, the copy already existed and the change only edited it. */
export const MIN_ADDED_SHARE = 0.5;

/**
 * The copy the change made: of the two fragments, the one in a changed file
 * with the most added lines, provided most of its lines are new. A block that
 * was duplicated before the change and merely edited is not the change's doing.
 */
function overlapCopy(clone: IClone, changed: Map<string, ReviewFile>): Copy | undefined {
  const sides = [clone.duplicationA, clone.duplicationB];
  let best: { copy: Copy; added: number } | undefined;
  for (const [index, side] of sides.entries()) {
    const file = changed.get(side.sourceId);
    if (!file) continue;
    const start = Math.min(side.start.line, side.end.line);
    const end = Math.max(side.start.line, side.end.line);
    const added = file.addedBetween(start, end).length;
    if (added === 0 || added < (end - start + 1) * MIN_ADDED_SHARE || (best && best.added >= added)) continue;
    const other = sides[1 - index]!;
    // jscpd can report the earlier fragment's end before its start; both copies are the same length.
    const otherStart = other.start.line;
    const otherEnd = other.end.line >= otherStart ? other.end.line : otherStart + (end - start);
    best = { copy: { file, start, end, other: { file: other.sourceId, start: otherStart, end: otherEnd } }, added };
  }
  return best?.copy;
}

/** Lines shorter than this once whitespace is gone (`}`, `return;`) say nothing about a copy. */
const MIN_KEY_LENGTH = 12;
/** A file sharing fewer distinct such lines with the added code cannot hold a clone of minCloneLines lines worth reporting. */
const MIN_SHARED_LINES = 2;

function lineKey(line: string): string {
  return line.replace(/\s+/g, "");
}

function addedLineKeys(files: ReviewFile[]): Set<string> {
  const keys = new Set<string>();
  for (const file of files) {
    for (const text of file.change.patch.addedText.values()) {
      const key = lineKey(text);
      if (key.length >= MIN_KEY_LENGTH) keys.add(key);
    }
  }
  return keys;
}

/**
 * Tokenizing every unchanged file is most of a review's time on a large
 * repository; a file that shares no two distinctive lines with the added
 * code holds no block the change copied, so jscpd never sees it.
 */
function mayHoldCopy(text: string, added: Set<string>): boolean {
  const shared = new Set<string>();
  for (const line of text.split("\n")) {
    const key = lineKey(line);
    if (key.length >= MIN_KEY_LENGTH && added.has(key)) {
      shared.add(key);
      if (shared.size >= MIN_SHARED_LINES) return true;
    }
  }
  return false;
}

export async function cloneFindings(ctx: ReviewContext): Promise<Finding[]> {
  const changed = new Map(
    ctx.files
      .filter((file) => file.newText !== undefined && file.added.size > 0 && formatOf(file.path) && !SKIPPED_PATH.test(file.path))
      .map((file) => [file.path, file]),
  );
  if (changed.size === 0) return [];

  const formats = new Set([...changed.keys()].map((file) => formatOf(file)!));
  const candidates = (await ctx.change.listNewSide())
    .filter((file) => !changed.has(file) && !SKIPPED_PATH.test(file) && formats.has(formatOf(file) ?? ""))
    .slice(0, MAX_CORPUS_FILES);
  if (candidates.length === MAX_CORPUS_FILES) ctx.log(`clone check compares against the first ${MAX_CORPUS_FILES} files only`);
  const corpus = await ctx.change.readNewSide(candidates);

  const options: IOptions = {
    ...getDefaultOptions(),
    minTokens: ctx.settings.minCloneTokens,
    minLines: ctx.settings.minCloneLines,
    maxLines: 100_000,
    mode: getModeHandler("mild"),
    // jscpd hashes every token window; native SHA-1 is ~2.5x faster than its default JS MD5 here.
    hashFunction: (value: string) => createHash("sha1").update(value).digest("hex"),
  };
  const detector = new Detector(new Tokenizer(), new MemoryStore(), [], options);
  let budget = MAX_CORPUS_BYTES;
  const added = addedLineKeys([...changed.values()]);
  for (const [file, text] of corpus) {
    if (ctx.signal.aborted) break;
    if (!mayHoldCopy(text, added)) continue;
    if (text.length > MAX_FILE_BYTES || text.length > budget) continue;
    budget -= text.length;
    await detector.detect(file, text, formatOf(file)!);
  }

  const copies: Copy[] = [];
  for (const [file, reviewFile] of changed) {
    if (ctx.signal.aborted) break;
    const text = reviewFile.newText!;
    if (text.length > MAX_FILE_BYTES) continue;
    for (const clone of await detector.detect(file, text, formatOf(file)!)) {
      const copy = overlapCopy(clone, changed);
      if (copy) copies.push(copy);
    }
  }

  const seen = new Set<string>();
  const unique = copies.filter((copy) => {
    const key = `${copy.file.path}:${copy.start}:${copy.end}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  return unique.map((copy) => {
    const lines = copy.end - copy.start + 1;
    const at = copy.file.addedBetween(copy.start, copy.end)[0]!;
    const sameFile = copy.other.file === copy.file.path;
    const original = sameFile ? `${lineSpan(copy.other.start, copy.other.end)} of the same file` : fileSpan(copy.other.file, copy.other.start, copy.other.end);
    return makeFinding(copy.file, at, {
      ruleId: "review/duplicate-code",
      severity: lines >= 20 ? "Medium" : "Low",
      title: `${counted(lines, "duplicated line")} in ${copy.file.path}`,
      message: `The change adds ${lineSpan(copy.start, copy.end)}, which repeat ${original} token for token.`,
      recommendation: `Extract the shared block into one function${sameFile ? "" : ` (in ${path.posix.dirname(copy.other.file)} or a shared module)`} and call it from both places, so a fix cannot land in only one copy.`,
      endLine: copy.end,
      properties: { duplicateOf: { file: copy.other.file, startLine: copy.other.start, endLine: copy.other.end }, lines },
    });
  });
}
