// The one place that decides whether bgr may write a path (SPEC "Constraints
// the runtime enforces"). Every write bgr makes — report, sidecars, session,
// run records, locks and logs, the cache root, the model's Edit — asks here
// first. The decision is made on the real path, after every symbolic link is
// resolved, the last component included: a link named like a report but
// pointing at the session (or at ~/.bashrc) is judged by what it points at.
import { lstatSync, readlinkSync, realpathSync, statSync, type Stats } from "node:fs";
import path from "node:path";
import { CACHE_DIR, REPORTS_DIR, RUNS_DIR, SESSIONS_DIR } from "../protocol/ids.js";
import { isInside, realpathAllowingMissing, resolveInside, SandboxError } from "./sandbox.js";
import { readRegularFileSync } from "./safe-read.js";

/** A write bgr will not make; one line naming the path and what to do instead. Exit 2. */
export class WriteRefusedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "WriteRefusedError";
  }
}

export interface GatedPath {
  /** Workspace-relative, as the user wrote it (normalized). */
  rel: string;
  /** The real absolute path the bytes go to. */
  real: string;
  /** Workspace-relative real path. */
  realRel: string;
  /** lstat of the real path; undefined when it does not exist yet. */
  existing?: Stats;
}

function toPosix(p: string): string {
  return p.split(path.sep).join("/");
}

function realRoot(root: string): string {
  return realpathSync(root);
}

/**
 * Resolves `rel` to where a write would land. A final component that is a
 * dangling link is refused: writing through it would create its target,
 * wherever that is.
 */
export function realWriteTarget(root: string, rel: string, what: string): GatedPath {
  let lexical: string;
  try {
    lexical = resolveInside(root, rel);
  } catch (error) {
    if (error instanceof SandboxError) throw new WriteRefusedError(`${what} ${JSON.stringify(rel)}: ${error.message}`);
    throw error;
  }
  const base = realRoot(root);
  let real: string;
  let link: Stats | undefined;
  try {
    link = lstatSync(lexical);
  } catch {
    link = undefined;
  }
  if (link?.isSymbolicLink()) {
    try {
      real = realpathSync(lexical);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === "ELOOP") throw new WriteRefusedError(`${what} ${JSON.stringify(rel)} is a symbolic link loop: remove the link or name a real file`);
      throw new WriteRefusedError(`${what} ${JSON.stringify(rel)} is a symbolic link to ${readlinkSafe(lexical)}, which does not exist: bgr does not write through dangling links; remove the link`);
    }
  } else {
    try {
      real = realpathAllowingMissing(lexical);
    } catch (error) {
      if (error instanceof SandboxError) throw new WriteRefusedError(`${what} ${JSON.stringify(rel)}: ${error.message}`);
      throw error;
    }
  }
  if (!isInside(base, real)) {
    throw new WriteRefusedError(`${what} ${JSON.stringify(rel)} leads outside the workspace (to ${real}): refused`);
  }
  let existing: Stats | undefined;
  try {
    existing = statSync(real);
  } catch {
    existing = undefined;
  }
  return { rel: toPosix(path.relative(base, lexical)), real, realRel: toPosix(path.relative(base, real)), ...(existing ? { existing } : {}) };
}

function readlinkSafe(p: string): string {
  try {
    return readlinkSync(p);
  } catch {
    return "(unreadable)";
  }
}

function under(realRel: string, dir: string): boolean {
  return realRel.startsWith(`${dir}/`);
}

function hasGitSegment(rel: string): boolean {
  return rel.split("/").some((segment) => segment.toLowerCase() === ".git");
}

/** Reports live under .agents/reports/ and end in .md, real path included. */
export function gateReport(root: string, rel: string): GatedPath {
  const target = realWriteTarget(root, rel, "report path");
  for (const p of new Set([target.rel, target.realRel])) {
    if (!under(p, REPORTS_DIR) || !/\.md$/i.test(p)) {
      throw new WriteRefusedError(
        p === target.rel
          ? `report path ${JSON.stringify(rel)} must be a .md file under ${REPORTS_DIR}/ (e.g. ${REPORTS_DIR}/20260123-143000-auth-security.md)`
          : `report path ${JSON.stringify(rel)} is a link to ${p}, outside ${REPORTS_DIR}/: refused`,
      );
    }
  }
  if (target.existing && !target.existing.isFile()) {
    throw new WriteRefusedError(`report path ${JSON.stringify(rel)} exists and is not a regular file: pick another --output`);
  }
  return target;
}

/** True when the existing sidecar is one bgr wrote (its JSON says tool bgr). */
function isBgrSidecar(real: string): boolean {
  try {
    const data = JSON.parse(readRegularFileSync(real, { maxBytes: 256 * 1024 * 1024 }).toString("utf8")) as Record<string, unknown>;
    const tool = data.tool as { name?: unknown } | undefined;
    if (tool?.name === "bgr") return true;
    const runs = data.runs as Array<{ tool?: { driver?: { name?: unknown } } }> | undefined;
    return Array.isArray(runs) && runs[0]?.tool?.driver?.name === "bgr";
  } catch {
    return false;
  }
}

/** A sidecar (.json/.sarif next to the report) never replaces a file bgr did not write. */
export function gateSidecar(root: string, rel: string): GatedPath {
  const target = realWriteTarget(root, rel, "report sidecar");
  for (const p of new Set([target.rel, target.realRel])) {
    if (!under(p, REPORTS_DIR)) throw new WriteRefusedError(`report sidecar ${JSON.stringify(rel)} would land outside ${REPORTS_DIR}/ (at ${p}): refused`);
  }
  if (target.existing && (!target.existing.isFile() || !isBgrSidecar(target.real))) {
    throw new WriteRefusedError(`report sidecar ${target.rel} already exists and was not written by bgr: bgr will not replace it; move it or pick another --output`);
  }
  return target;
}

export function sidecarWritable(root: string, rel: string): boolean {
  try {
    gateSidecar(root, rel);
    return true;
  } catch {
    return false;
  }
}

/** Refused for what is (or is not) at the path, which an editor saving in place or another bgr's swap shows for an instant. */
class NotASessionError extends WriteRefusedError {}

const SESSION_HEAD = /^(?:\uFEFF)?---[ \t]*\r?\n/;

/** Whether these bytes start like a session (first line `---`). */
export function looksLikeSession(bytes: Uint8Array): boolean {
  const head = Buffer.from(bytes.subarray(0, 16)).toString("latin1").replace(/^\xEF\xBB\xBF/, "");
  return SESSION_HEAD.test(head) || head === "---";
}

/**
 * A session is a .md inside the workspace (never under .git) whose first line
 * is `---`. A missing one is created only when asked, and only under
 * .agents/sessions/.
 */
export function gateSession(root: string, rel: string, opts: { create?: boolean; pathOnly?: boolean } = {}): GatedPath & { create: boolean } {
  const target = realWriteTarget(root, rel, "session file");
  for (const p of new Set([target.rel, target.realRel])) {
    if (hasGitSegment(p)) throw new WriteRefusedError(`session file ${JSON.stringify(rel)} is inside .git/: bgr never writes there; pass the orchestrator's session file under ${SESSIONS_DIR}/`);
    if (!/\.md$/i.test(p)) throw new WriteRefusedError(`session file ${JSON.stringify(rel)}${p === target.rel ? "" : ` (a link to ${p})`} is not a .md file: pass the orchestrator's session file (e.g. ${SESSIONS_DIR}/20260123-140000-auth-feature.md)`);
    if (under(p, REPORTS_DIR) || under(p, RUNS_DIR) || under(p, CACHE_DIR)) {
      throw new WriteRefusedError(`session file ${JSON.stringify(rel)} is inside bgr's own ${p.split("/").slice(0, 2).join("/")}/: pass the orchestrator's session file`);
    }
  }
  if (opts.pathOnly) {
    if (!target.existing && opts.create && !(under(target.realRel, SESSIONS_DIR) && under(target.rel, SESSIONS_DIR))) {
      throw new WriteRefusedError(`--create-session: bgr creates session files only under ${SESSIONS_DIR}/, not at ${JSON.stringify(rel)}`);
    }
    if (target.existing && !target.existing.isFile()) throw new WriteRefusedError(`session file ${JSON.stringify(rel)} is not a regular file: refused`);
    return { ...target, create: !target.existing && (opts.create ?? false) };
  }
  if (!target.existing) {
    if (!opts.create) {
      // Also what another bgr's swap shows for an instant, hence the retryable kind.
      throw new NotASessionError(`session file ${JSON.stringify(rel)} does not exist: pass the orchestrator's session file, or add --create-session (MCP: createSession: true) to start one under ${SESSIONS_DIR}/`);
    }
    if (!under(target.realRel, SESSIONS_DIR) || !under(target.rel, SESSIONS_DIR)) {
      throw new WriteRefusedError(`--create-session: bgr creates session files only under ${SESSIONS_DIR}/, not at ${JSON.stringify(rel)}`);
    }
    return { ...target, create: true };
  }
  if (target.existing.isDirectory()) throw new WriteRefusedError(`session file ${JSON.stringify(rel)} is a directory: pass the orchestrator's session file`);
  if (!target.existing.isFile()) throw new WriteRefusedError(`session file ${JSON.stringify(rel)} is not a regular file: pass the orchestrator's session file`);
  let head: Buffer;
  try {
    head = readRegularFileSync(target.real, { label: rel });
  } catch (error) {
    const Refusal = (error as NodeJS.ErrnoException).code === "ENOENT" ? NotASessionError : WriteRefusedError;
    throw new Refusal(`session file ${JSON.stringify(rel)} cannot be read: ${(error as Error).message.split("\n")[0]}`);
  }
  if (head.length === 0) throw new NotASessionError(`session file ${JSON.stringify(rel)} is empty, so it is not a session (its first line must be ---): write its front matter first`);
  if (!looksLikeSession(head)) throw new NotASessionError(`session file ${JSON.stringify(rel)} does not start with a --- front matter line, so it is not a session: bgr will not add one to it`);
  return { ...target, create: false };
}


/** REWRITE_WINDOW_MS: how long a session caught empty or headless is given to become whole again before it is refused. */
const REWRITE_WINDOW_MS = 500;

/** gateSession, but a file caught mid-save by an editor gets a moment to be whole before it is refused. */
export async function gateSessionSettled(root: string, rel: string, opts: { create?: boolean } = {}): Promise<GatedPath & { create: boolean }> {
  const deadline = Date.now() + REWRITE_WINDOW_MS;
  for (;;) {
    try {
      return gateSession(root, rel, opts);
    } catch (error) {
      if (!(error instanceof NotASessionError) || Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }
}

/** bgr's own folders (.agents/runs, .agents/cache): their real path must stay inside the workspace. */
export function gateOwnDir(root: string, relDir: string): string {
  const base = realRoot(root);
  const lexical = path.join(base, relDir);
  let real: string;
  try {
    real = realpathAllowingMissing(lexical);
  } catch (error) {
    if (error instanceof SandboxError) throw new WriteRefusedError(`${relDir}: ${error.message}`);
    throw error;
  }
  if (real !== lexical) {
    const where = isInside(base, real) ? `to ${toPosix(path.relative(base, real))}` : `out of the workspace, to ${real}`;
    throw new WriteRefusedError(`${relDir} leads through a symbolic link ${where}: bgr keeps its runs and cache only in real folders inside the workspace; remove the link`);
  }
  let existing: Stats | undefined;
  try {
    existing = statSync(real);
  } catch {
    existing = undefined;
  }
  if (existing && !existing.isDirectory()) throw new WriteRefusedError(`${relDir} exists and is not a folder: move it away so bgr can use it`);
  return real;
}

export function gateRunsDir(root: string): string {
  return gateOwnDir(root, RUNS_DIR);
}

/** The cache root for one engine kind (`.agents/cache/<kind>`), checked. */
export function gateCacheDir(root: string, kind: string): string {
  gateOwnDir(root, CACHE_DIR);
  return gateOwnDir(root, `${CACHE_DIR}/${kind}`);
}

/** The Edit tool: the real path must be one this run may write. */
export function gateEdit(root: string, rel: string, canWrite: (workspacePath: string) => boolean, writable: string): GatedPath {
  const target = realWriteTarget(root, rel, "Edit");
  for (const p of new Set([target.rel, target.realRel])) {
    if (!canWrite(p)) {
      throw new WriteRefusedError(
        `Edit refused: ${p === target.rel ? p : `${target.rel} is a link to ${p}, which`} is read-only for this run, which may write only ${writable}`,
      );
    }
  }
  if (target.existing && !target.existing.isFile()) throw new WriteRefusedError(`Edit refused: ${target.rel} is not a regular file`);
  return target;
}
