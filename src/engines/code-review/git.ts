// Thin, explicit wrappers over the git CLI. Every call passes its arguments
// as an array (no shell), asks for NUL-separated output where git offers it,
// and turns git's own failure text into a one-line error naming the fix.
import { execFile, spawn } from "node:child_process";
import { devNull } from "node:os";

export class GitError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "GitError";
  }
}

/** The workspace is not inside a git work tree (or git is missing): there is no change to diff. */
export class NoRepositoryError extends GitError {
  constructor(message: string) {
    super(message);
    this.name = "NoRepositoryError";
  }
}

export interface GitRunOptions {
  /** Non-zero exit returns undefined instead of throwing (probing refs). */
  allowFailure?: boolean;
  signal?: AbortSignal;
}

// Diff and show output for a big change can be large; a review of a change
// above this is refused by git itself rather than half-read.
const MAX_OUTPUT_BYTES = 256 * 1024 * 1024;

// Repository settings that would change the shape of git's output (external
// diff drivers, colour, quoted paths, pagers) are neutralised per call, and so
// is an fsmonitor hook: reading a repository must not run a program it names.
const STABLE_OUTPUT_FLAGS = ["-c", "core.quotepath=off", "-c", "color.ui=false", "-c", "diff.noprefix=false", "-c", "core.fsmonitor=false"];

function runGit(cwd: string, args: string[], options: GitRunOptions): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    execFile(
      "git",
      [...STABLE_OUTPUT_FLAGS, ...args],
      {
        cwd,
        encoding: "buffer",
        maxBuffer: MAX_OUTPUT_BYTES,
        signal: options.signal,
        env: { ...process.env, GIT_OPTIONAL_LOCKS: "0", GIT_PAGER: "cat", LC_ALL: "C", GIT_TERMINAL_PROMPT: "0" },
        windowsHide: true,
      },
      (error, stdout, stderr) => {
        if (!error) return resolve(stdout);
        const code = (error as NodeJS.ErrnoException).code;
        if (code === "ENOENT") {
          return reject(new NoRepositoryError("git is not installed or not on PATH: install git to review changes"));
        }
        if (error.name === "AbortError") return reject(error);
        if (options.allowFailure) return resolve(undefined);
        const detail = stderr.toString("utf8").trim().split("\n")[0] || error.message;
        reject(new GitError(`git ${args.slice(0, 2).join(" ")} failed: ${detail}`));
      },
    );
  });
}

export async function git(cwd: string, args: string[], options: GitRunOptions = {}): Promise<string> {
  const out = await runGit(cwd, args, options);
  return out === undefined ? "" : out.toString("utf8");
}

export async function gitMaybe(cwd: string, args: string[], signal?: AbortSignal): Promise<string | undefined> {
  const out = await runGit(cwd, args, { allowFailure: true, signal });
  return out?.toString("utf8");
}

export async function gitBytes(cwd: string, args: string[], signal?: AbortSignal): Promise<Buffer | undefined> {
  return runGit(cwd, args, { allowFailure: true, signal });
}

/** Splits NUL-terminated output into its fields, dropping the trailing empty one. */
export function splitNul(output: string): string[] {
  const parts = output.split("\0");
  if (parts.length > 0 && parts[parts.length - 1] === "") parts.pop();
  return parts;
}

/** Full commit id of a ref, or undefined when it does not name a commit. */
export async function resolveCommit(cwd: string, ref: string, signal?: AbortSignal): Promise<string | undefined> {
  // "--end-of-options" stops a ref such as "--output=x" being read as an option.
  const out = await gitMaybe(cwd, ["rev-parse", "--verify", "--quiet", "--end-of-options", `${ref}^{commit}`], signal);
  return out?.trim() || undefined;
}

/** The id of the empty tree in this repository's hash format (sha1 or sha256). */
export async function emptyTree(cwd: string, signal?: AbortSignal): Promise<string> {
  // Hashing an empty file as a tree yields the empty tree in either format.
  const out = await git(cwd, ["hash-object", "-t", "tree", devNull], { signal });
  return out.trim();
}

/**
 * The branch a change is reviewed against: origin/HEAD when the clone knows
 * it, else a local or remote main/master. Undefined for a repository with
 * none of them (then the working tree is reviewed against HEAD).
 */
export async function defaultBranch(cwd: string, signal?: AbortSignal): Promise<string | undefined> {
  const remoteHead = await gitMaybe(cwd, ["symbolic-ref", "--quiet", "refs/remotes/origin/HEAD"], signal);
  if (remoteHead?.trim() && (await resolveCommit(cwd, remoteHead.trim(), signal))) return remoteHead.trim();
  for (const candidate of ["refs/heads/main", "refs/heads/master", "refs/remotes/origin/main", "refs/remotes/origin/master"]) {
    if (await resolveCommit(cwd, candidate, signal)) return candidate;
  }
  return undefined;
}

export function shortRefName(ref: string): string {
  return ref.replace(/^refs\/(heads|remotes)\//, "");
}

/**
 * Reads many blobs ("<rev>:./path", ":./path") through one `git cat-file
 * --batch` process instead of one process per file. Missing ones are undefined.
 */
export function readBlobs(cwd: string, specs: string[], signal?: AbortSignal): Promise<Array<Buffer | undefined>> {
  if (specs.length === 0) return Promise.resolve([]);
  return new Promise((resolve, reject) => {
    const child = spawn("git", ["cat-file", "--batch"], { cwd, signal, stdio: ["pipe", "pipe", "pipe"], windowsHide: true });
    const chunks: Buffer[] = [];
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => chunks.push(chunk));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString("utf8")));
    child.on("error", (error) => {
      const code = (error as NodeJS.ErrnoException).code;
      reject(code === "ENOENT" ? new GitError("git is not installed or not on PATH: install git to review changes") : error);
    });
    child.on("close", (code) => {
      if (code !== 0) return reject(new GitError(`git cat-file --batch failed: ${stderr.trim().split("\n")[0] ?? code}`));
      const output = Buffer.concat(chunks);
      const blobs: Array<Buffer | undefined> = [];
      let offset = 0;
      for (let i = 0; i < specs.length; i++) {
        const newline = output.indexOf(0x0a, offset);
        if (newline < 0) break;
        const header = output.subarray(offset, newline).toString("utf8");
        offset = newline + 1;
        const match = / (blob|tree|commit|tag) (\d+)$/.exec(header);
        if (!match) {
          blobs.push(undefined);
          continue;
        }
        const size = Number(match[2]);
        blobs.push(match[1] === "blob" ? output.subarray(offset, offset + size) : undefined);
        offset += size + 1;
      }
      resolve(blobs);
    });
    // Paths with a newline cannot be asked for on this protocol; they read as missing.
    child.stdin.end(specs.map((spec) => (spec.includes("\n") ? "\u0000missing" : spec)).join("\n") + "\n");
  });
}
