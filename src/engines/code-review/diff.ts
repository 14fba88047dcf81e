// Parsers for the two git outputs a review is built from: `git diff --raw -z`
// (what changed, with modes and rename pairs) and `git diff -U0` (exactly
// which lines). Pure functions over strings, so they are tested on their own.

export type ChangeStatus = "added" | "modified" | "deleted" | "renamed" | "copied" | "typechange";

export interface RawEntry {
  status: ChangeStatus;
  /** Rename/copy similarity, 0-100. */
  similarity?: number;
  oldMode: string;
  newMode: string;
  oldPath: string;
  newPath: string;
}

const STATUS_LETTERS: Record<string, ChangeStatus> = {
  A: "added",
  M: "modified",
  D: "deleted",
  R: "renamed",
  C: "copied",
  T: "typechange",
};

/** Parses `git diff --raw -z` output. Unmerged and unknown entries are skipped. */
export function parseRawDiff(output: string): RawEntry[] {
  const fields = output.split("\0");
  const entries: RawEntry[] = [];
  for (let i = 0; i < fields.length; i++) {
    const meta = fields[i]!;
    if (!meta.startsWith(":")) continue;
    const [oldMode = "", newMode = "", , , statusField = ""] = meta.slice(1).split(" ");
    const status = STATUS_LETTERS[statusField[0] ?? ""];
    const paired = statusField[0] === "R" || statusField[0] === "C";
    const firstPath = fields[++i] ?? "";
    const secondPath = paired ? (fields[++i] ?? "") : firstPath;
    if (!status) continue;
    const similarity = paired ? Number.parseInt(statusField.slice(1), 10) : undefined;
    entries.push({
      status,
      ...(similarity !== undefined && Number.isFinite(similarity) ? { similarity } : {}),
      oldMode,
      newMode,
      oldPath: firstPath,
      newPath: secondPath,
    });
  }
  return entries;
}

export interface Hunk {
  oldStart: number;
  oldCount: number;
  newStart: number;
  newCount: number;
}

export interface FilePatch {
  binary: boolean;
  hunks: Hunk[];
  additions: number;
  deletions: number;
  /** New-side line numbers (1-based) that the change added or rewrote. */
  addedLines: Set<number>;
  /** Old-side line numbers that the change removed or rewrote. */
  deletedLines: Set<number>;
  /** Text of each added line, by new-side line number. */
  addedText: Map<number, string>;
}

const HUNK_HEADER = /^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@/;

function emptyPatch(): FilePatch {
  return { binary: false, hunks: [], additions: 0, deletions: 0, addedLines: new Set(), deletedLines: new Set(), addedText: new Map() };
}

/**
 * Parses `git diff -U0` output into one FilePatch per `diff --git` block, in
 * output order (the same order as `--raw` for the same arguments).
 */
export function parseUnifiedDiff(output: string): FilePatch[] {
  const patches: FilePatch[] = [];
  let current: FilePatch | undefined;
  let oldLine = 0;
  let newLine = 0;
  let inHunk = false;
  for (const line of output.split("\n")) {
    if (line.startsWith("diff --git ") || line.startsWith("diff --cc ")) {
      current = emptyPatch();
      patches.push(current);
      inHunk = false;
      continue;
    }
    if (!current) continue;
    const header = HUNK_HEADER.exec(line);
    if (header) {
      const hunk: Hunk = {
        oldStart: Number(header[1]),
        oldCount: header[2] === undefined ? 1 : Number(header[2]),
        newStart: Number(header[3]),
        newCount: header[4] === undefined ? 1 : Number(header[4]),
      };
      current.hunks.push(hunk);
      oldLine = hunk.oldStart;
      newLine = hunk.newStart;
      inHunk = true;
      continue;
    }
    if (!inHunk) {
      if (line.startsWith("Binary files ") || line === "GIT binary patch") current.binary = true;
      continue;
    }
    if (line.startsWith("+")) {
      current.additions++;
      current.addedLines.add(newLine);
      current.addedText.set(newLine, line.slice(1));
      newLine++;
    } else if (line.startsWith("-")) {
      current.deletions++;
      current.deletedLines.add(oldLine);
      oldLine++;
    } else if (line.startsWith(" ")) {
      oldLine++;
      newLine++;
    }
    // "\ No newline at end of file" and the trailing empty line carry no line.
  }
  return patches;
}

/** A patch for a file that did not exist before: every line is added. */
export function wholeFileAdded(text: string): FilePatch {
  const patch = emptyPatch();
  const lines = splitLines(text);
  lines.forEach((content, index) => {
    patch.addedLines.add(index + 1);
    patch.addedText.set(index + 1, content);
  });
  patch.additions = lines.length;
  if (lines.length > 0) patch.hunks.push({ oldStart: 0, oldCount: 0, newStart: 1, newCount: lines.length });
  return patch;
}

/** Lines as git counts them: a final newline does not start another line. */
export function splitLines(text: string): string[] {
  if (text === "") return [];
  const lines = text.split(/\r?\n/);
  if (lines[lines.length - 1] === "") lines.pop();
  return lines;
}

/** Git's own test for binary content: a NUL byte in the first 8000 bytes. */
export function looksBinary(bytes: Uint8Array): boolean {
  const limit = Math.min(bytes.length, 8000);
  for (let i = 0; i < limit; i++) if (bytes[i] === 0) return true;
  return false;
}
