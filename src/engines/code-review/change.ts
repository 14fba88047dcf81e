// Decides what "the change" is (a commit range, the index, or the working
// tree), then lists its files with the exact new-side lines that changed and
// gives the checks a way to read either side of each file.
import { lstat, readFile } from "node:fs/promises";
import { resolveInside } from "../../tools/sandbox.js";
import {
  type ChangeStatus,
  type FilePatch,
  looksBinary,
  parseRawDiff,
  parseUnifiedDiff,
  wholeFileAdded,
} from "./diff.js";
import { GitError, NoRepositoryError, defaultBranch, emptyTree, git, gitBytes, gitMaybe, readBlobs, resolveCommit, shortRefName, splitNul } from "./git.js";

/** "files": no change to diff, the given files are reviewed in full (every line counts as added). */
export type ChangeMode = "range" | "staged" | "worktree" | "files";

export interface ChangeRequest {
  root: string;
  /** --base REF: review commits since the merge-base with REF. */
  base?: string;
  /** --staged: review the index against the base. */
  staged?: boolean;
  /** --head REF: review this commit (a branch that need not be checked out) instead of HEAD. */
  head?: string;
  /** Workspace-relative paths the review is limited to; empty = everything. */
  scope: string[];
  signal?: AbortSignal;
}

export interface ChangedFile {
  /** New-side path; for a deleted file, its old path. */
  path: string;
  /** Old-side path, present when the file existed before the change. */
  oldPath?: string;
  status: ChangeStatus;
  similarity?: number;
  binary: boolean;
  submodule: boolean;
  symlink: boolean;
  patch: FilePatch;
}

export interface ChangeSet {
  mode: ChangeMode;
  /** Commit (or the empty tree) the old side is read from. */
  base: string;
  /** Human label of the base: "main (merge-base 1a2b3c4)", "HEAD", "empty tree". */
  baseLabel: string;
  /** Commit the new side is read from in range mode. */
  head?: string;
  /** "HEAD (feature)", "index", "working tree". */
  headLabel: string;
  files: ChangedFile[];
  readOld(file: ChangedFile): Promise<string | undefined>;
  readNew(file: ChangedFile): Promise<string | undefined>;
  /** Both sides of many files at once (one git process per side), in the order given. */
  readSides(files: ChangedFile[]): Promise<Array<{ oldText?: string; newText?: string }>>;
  /** Every file on the new side (tracked, plus untracked in worktree mode), workspace-relative. */
  listNewSide(): Promise<string[]>;
  /** Text of new-side files by path; binary and unreadable ones are left out. */
  readNewSide(paths: string[]): Promise<Map<string, string>>;
}

const SUBMODULE_MODE = "160000";
const SYMLINK_MODE = "120000";

/** bgr's own reports, sessions, runs and caches: never part of the change, whatever .gitignore says. */
export const BGR_DIR = ".agents";

export function isBgrPath(relative: string): boolean {
  return relative === BGR_DIR || relative.startsWith(`${BGR_DIR}/`);
}

/**
 * Pathspecs that match the scope literally (no glob magic in user paths) and
 * leave out bgr's own folder, so that a report written by an earlier run
 * never makes the tree look dirty or the change look non-empty.
 */
function pathspecs(scope: string[]): string[] {
  const included = scope.length === 0 ? ["."] : scope.map((entry) => `:(literal)${entry.replace(/\/+$/, "") || "."}`);
  return ["--", ...included, `:(exclude,literal)${BGR_DIR}`];
}

function short(commit: string): string {
  return commit.slice(0, 12);
}

async function describeHead(root: string, head: string, signal?: AbortSignal): Promise<string> {
  const branch = (await gitMaybe(root, ["symbolic-ref", "--quiet", "--short", "HEAD"], signal))?.trim();
  return branch ? `HEAD (${branch})` : `HEAD (detached at ${short(head)})`;
}

async function mergeBase(root: string, a: string, b: string, signal?: AbortSignal): Promise<string | undefined> {
  return (await gitMaybe(root, ["merge-base", a, b], signal))?.trim() || undefined;
}

interface Range {
  mode: ChangeMode;
  base: string;
  baseLabel: string;
  head?: string;
  headLabel: string;
}

async function worktreeIsDirty(root: string, scope: string[], signal?: AbortSignal): Promise<boolean> {
  const status = await git(root, ["status", "--porcelain=v1", "-z", "--untracked-files=all", ...pathspecs(scope)], { signal });
  return status.length > 0;
}

async function parentOrEmpty(root: string, head: string, signal?: AbortSignal): Promise<{ commit: string; label: string }> {
  const parent = await resolveCommit(root, `${head}^1`, signal);
  return parent
    ? { commit: parent, label: `HEAD^ (${short(parent)})` }
    : { commit: await emptyTree(root, signal), label: "empty tree (HEAD is the first commit)" };
}

function unknownRef(flag: string, ref: string): GitError {
  return new GitError(`${flag} ${JSON.stringify(ref)} does not name a commit in this repository: pass a branch, tag or commit id (see git branch -a)`);
}

/** The commit under review when --head names one; it is never the working tree. */
async function chooseNamedHead(request: ChangeRequest, headRef: string): Promise<Range> {
  const { root, signal } = request;
  if (request.staged) throw new GitError("--head and --staged cannot be combined: --staged reviews the index, --head a commit; drop one of them");
  const head = await resolveCommit(root, headRef, signal);
  if (!head) throw unknownRef("--head", headRef);
  const headLabel = `${headRef} (${short(head)})`;
  const baseRef = request.base ?? (await defaultBranch(root, signal));
  if (baseRef !== undefined) {
    const base = await resolveCommit(root, baseRef, signal);
    if (!base) throw unknownRef("--base", baseRef);
    const fork = await mergeBase(root, base, head, signal);
    const name = request.base ?? shortRefName(baseRef);
    if (request.base !== undefined || (fork && fork !== head)) {
      const from = fork ?? base;
      return { mode: "range", base: from, baseLabel: fork && fork !== base ? `${name} (merge-base ${short(fork)})` : `${name} (${short(base)})`, head, headLabel };
    }
  }
  // The named commit is on the default branch: its own change is the one to review.
  const previous = await parentOrEmpty(root, head, signal);
  return { mode: "range", base: previous.commit, baseLabel: previous.label.replace(/^HEAD\^/, `${headRef}^`), head, headLabel };
}

async function chooseRange(request: ChangeRequest): Promise<Range> {
  const { root, signal } = request;
  if (request.head !== undefined) return chooseNamedHead(request, request.head);
  const head = await resolveCommit(root, "HEAD", signal);
  const headLabel = head ? await describeHead(root, head, signal) : "HEAD (no commits yet)";

  if (request.base !== undefined) {
    const base = await resolveCommit(root, request.base, signal);
    if (!base) throw unknownRef("--base", request.base);
    const fork = head ? await mergeBase(root, base, head, signal) : undefined;
    const from = fork ?? base;
    const baseLabel = fork && fork !== base ? `${request.base} (merge-base ${short(fork)})` : `${request.base} (${short(base)})`;
    if (request.staged) return { mode: "staged", base: from, baseLabel, headLabel: "index" };
    if (!head) throw new GitError("HEAD has no commits yet: commit first, or review the index with --staged");
    return { mode: "range", base: from, baseLabel, head, headLabel };
  }

  const headBase = head ?? (await emptyTree(root, signal));
  const headBaseLabel = head ? `HEAD (${short(head)})` : "empty tree (no commits yet)";
  if (request.staged) return { mode: "staged", base: headBase, baseLabel: headBaseLabel, headLabel: "index" };

  if (head) {
    const branch = await defaultBranch(root, signal);
    const fork = branch ? await mergeBase(root, branch, head, signal) : undefined;
    if (branch && fork && fork !== head) {
      return { mode: "range", base: fork, baseLabel: `${shortRefName(branch)} (merge-base ${short(fork)})`, head, headLabel };
    }
  }
  if (!head || (await worktreeIsDirty(root, request.scope, signal))) {
    return { mode: "worktree", base: headBase, baseLabel: headBaseLabel, headLabel: "working tree" };
  }
  // On the default branch with nothing uncommitted, the change worth
  // reviewing is the last commit, not an empty diff.
  const previous = await parentOrEmpty(root, head, signal);
  return { mode: "range", base: previous.commit, baseLabel: previous.label, head, headLabel };
}

function diffEndpoints(range: Range): string[] {
  if (range.mode === "range") return [range.base, range.head!];
  if (range.mode === "staged") return ["--cached", range.base];
  return [range.base];
}

const DIFF_FLAGS = ["--no-ext-diff", "--no-textconv", "--no-color", "-M", "--relative", "--ignore-submodules=none"];

async function untrackedFiles(root: string, scope: string[], signal?: AbortSignal): Promise<string[]> {
  const out = await git(root, ["ls-files", "--others", "--exclude-standard", "-z", ...pathspecs(scope)], { signal });
  return splitNul(out);
}

// Working-tree files are read from disk; a symlink there must not lead the
// review outside the workspace.
export async function readInsideWorkspace(root: string, relative: string): Promise<Buffer | undefined> {
  try {
    const absolute = resolveInside(root, relative);
    if ((await lstat(absolute)).isSymbolicLink()) return undefined;
    return await readFile(absolute);
  } catch {
    return undefined;
  }
}

function isInsideRepoCheck(output: string | undefined): boolean {
  return output?.trim() === "true";
}

/** True when root is inside a git work tree. */
export async function isGitWorkTree(root: string, signal?: AbortSignal): Promise<boolean> {
  return isInsideRepoCheck(await gitMaybe(root, ["rev-parse", "--is-inside-work-tree"], signal));
}

export async function collectChange(request: ChangeRequest): Promise<ChangeSet> {
  const { root, signal } = request;
  if (!(await isGitWorkTree(root, signal))) {
    throw new NoRepositoryError(
      `${root} is not inside a git work tree, so there is no change to review: run the review in a git repository (git init && git add -A && git commit -m base, then make the change), or run a security audit (bgr audit) to analyse whole files`,
    );
  }
  const range = await chooseRange(request);
  const endpoints = diffEndpoints(range);
  const spec = pathspecs(request.scope);
  const [raw, patchText] = await Promise.all([
    git(root, ["diff", "--raw", "-z", ...DIFF_FLAGS, ...endpoints, ...spec], { signal }),
    git(root, ["diff", "-U0", ...DIFF_FLAGS, ...endpoints, ...spec], { signal }),
  ]);
  const entries = parseRawDiff(raw);
  const patches = parseUnifiedDiff(patchText);
  if (patches.length !== entries.length) {
    throw new GitError(`git diff listed ${entries.length} files but printed ${patches.length} patches: cannot align them; report this repository layout as a bug`);
  }

  const files: ChangedFile[] = entries.map((entry, index) => {
    const patch = patches[index]!;
    const existedBefore = entry.status !== "added";
    return {
      path: entry.status === "deleted" ? entry.oldPath : entry.newPath,
      ...(existedBefore ? { oldPath: entry.oldPath } : {}),
      status: entry.status,
      ...(entry.similarity !== undefined ? { similarity: entry.similarity } : {}),
      binary: patch.binary,
      submodule: entry.oldMode === SUBMODULE_MODE || entry.newMode === SUBMODULE_MODE,
      symlink: entry.newMode === SYMLINK_MODE || (entry.status === "deleted" && entry.oldMode === SYMLINK_MODE),
      patch,
    };
  });

  if (range.mode === "worktree") {
    for (const relative of await untrackedFiles(root, request.scope, signal)) {
      const bytes = await readInsideWorkspace(root, relative);
      if (!bytes) continue;
      const binary = looksBinary(bytes);
      const patch = binary ? { ...wholeFileAdded(""), binary: true } : wholeFileAdded(bytes.toString("utf8"));
      files.push({ path: relative, status: "added", binary, submodule: false, symlink: false, patch });
    }
  }
  files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));

  const showBlob = async (spec: string): Promise<string | undefined> => {
    const bytes = await gitBytes(root, ["show", "--no-textconv", spec], signal);
    return bytes && !looksBinary(bytes) ? bytes.toString("utf8") : undefined;
  };

  const listNewSide = async (): Promise<string[]> => {
    if (range.mode === "range") return splitNul(await git(root, ["ls-tree", "-r", "-z", "--name-only", range.head!], { signal })).filter((file) => !isBgrPath(file));
    const args = range.mode === "staged" ? ["--cached"] : ["--cached", "--others", "--exclude-standard"];
    return [...new Set(splitNul(await git(root, ["ls-files", "-z", ...args], { signal })))].filter((file) => !isBgrPath(file));
  };
  const readNewSide = async (paths: string[]): Promise<Map<string, string>> => {
    const texts = new Map<string, string>();
    const keep = (relative: string, bytes: Buffer | undefined) => {
      if (bytes && !looksBinary(bytes)) texts.set(relative, bytes.toString("utf8"));
    };
    if (range.mode === "worktree") {
      for (const relative of paths) keep(relative, await readInsideWorkspace(root, relative));
      return texts;
    }
    const prefix = range.mode === "range" ? range.head! : "";
    const blobs = await readBlobs(root, paths.map((relative) => `${prefix}:./${relative}`), signal);
    paths.forEach((relative, index) => keep(relative, blobs[index]));
    return texts;
  };

  const textOf = (bytes: Buffer | undefined) => (bytes && !looksBinary(bytes) ? bytes.toString("utf8") : undefined);
  const readable = (file: ChangedFile) => !file.binary && !file.submodule && !file.symlink;
  const readSides = async (wanted: ChangedFile[]) => {
    const olds = wanted.filter((file) => file.oldPath && readable(file));
    const news = wanted.filter((file) => file.status !== "deleted" && readable(file));
    const oldBlobs = await readBlobs(root, olds.map((file) => `${range.base}:./${file.oldPath}`), signal);
    const newTexts =
      range.mode === "worktree"
        ? await Promise.all(news.map(async (file) => textOf(await readInsideWorkspace(root, file.path))))
        : (await readBlobs(root, news.map((file) => `${range.mode === "range" ? range.head : ""}:./${file.path}`), signal)).map(textOf);
    const oldByFile = new Map(olds.map((file, index) => [file, textOf(oldBlobs[index])]));
    const newByFile = new Map(news.map((file, index) => [file, newTexts[index]]));
    return wanted.map((file) => ({ oldText: oldByFile.get(file), newText: newByFile.get(file) }));
  };

  return {
    ...range,
    files,
    readSides,
    listNewSide,
    readNewSide,
    async readOld(file) {
      if (!file.oldPath || file.binary || file.submodule) return undefined;
      return showBlob(`${range.base}:./${file.oldPath}`);
    },
    async readNew(file) {
      if (file.status === "deleted" || file.binary || file.submodule || file.symlink) return undefined;
      if (range.mode === "range") return showBlob(`${range.head}:./${file.path}`);
      if (range.mode === "staged") return showBlob(`:./${file.path}`);
      const bytes = await readInsideWorkspace(root, file.path);
      return bytes && !looksBinary(bytes) ? bytes.toString("utf8") : undefined;
    },
  };
}

/** Sum of additions and deletions over the change. */
export function changeStats(change: ChangeSet): { files: number; additions: number; deletions: number } {
  let additions = 0;
  let deletions = 0;
  for (const file of change.files) {
    additions += file.patch.additions;
    deletions += file.patch.deletions;
  }
  return { files: change.files.length, additions, deletions };
}
