// Edits of the orchestrator's session file. The file has other writers that
// take no lock — a person's editor, the orchestrator itself — so bgr's lock
// only orders bgr's own writers, and each update is a compare-and-swap:
// read, splice our entry into those exact bytes, and install the result only
// if the file is still what was read; otherwise read again and splice again.
// The swap moves the current file aside first (rename is atomic), so a
// version saved by someone else at any moment is either the one we compared
// or is found next to ours, never silently replaced. A file whose front
// matter does not parse is never written.
import { createHash } from "node:crypto";
import { closeSync, constants, existsSync, fstatSync, fsyncSync, linkSync, openSync, readSync, renameSync, unlinkSync, writeSync } from "node:fs";
import path from "node:path";
import { parseDocument } from "yaml";
import { splitFrontMatter } from "../protocol/agent.js";
import { readSessionEntriesBytes, SessionFormatError, upsertSessionEntryBytes, type SessionEntry } from "../protocol/session.js";
import { gateSession, looksLikeSession, WriteRefusedError } from "../tools/write-gate.js";
import { isWriteDenied, withLock, WorkspaceWriteError } from "./store.js";
import { envMs } from "./timing.js";

/** How many times an update re-reads and re-splices before giving up on a file that never holds still. */
const MAX_SWAP_ATTEMPTS = 200;
/** A session caught empty or without its `---` is being rewritten in place; this long is allowed for that to finish. */
const REWRITE_SETTLE_MS = 3_000;
/**
 * A file being rewritten in place (truncate, then write) grows a page at a
 * time, and a reader in between sees a prefix that is a whole number of
 * pages. Such a prefix can look like a complete session, and if the writer
 * stalls until after the swap its tail goes into the parked copy and is lost.
 * A session whose size is a multiple of 4 KiB (the smallest page size, of
 * which the larger ones are multiples) is therefore used only once it has
 * held still this long; one at rest costs this wait once in 4,096 sizes.
 */
const PAGE_BYTES = 4096;
const PAGE_PREFIX_SETTLE_MS = 250;

interface Snapshot {
  bytes: Buffer;
  ino: number;
  size: number;
  mtimeNs: bigint;
  hash: string;
  mode: number;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Where a session is parked for the instant of a swap; a crash in that instant is undone from here. */
function parkedPath(real: string): string {
  return path.join(path.dirname(real), `.${path.basename(real)}.bgr-swap`);
}

function snapshot(real: string): Snapshot | undefined {
  let fd: number;
  try {
    fd = openSync(real, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
  try {
    const info = fstatSync(fd, { bigint: true });
    if (!info.isFile()) throw new WriteRefusedError(`session file ${real} is no longer a regular file: refused`);
    const bytes = Buffer.alloc(Number(info.size));
    let offset = 0;
    while (offset < bytes.length) {
      const n = readSync(fd, bytes, offset, bytes.length - offset, offset);
      if (n === 0) break;
      offset += n;
    }
    const content = offset === bytes.length ? bytes : bytes.subarray(0, offset);
    return {
      bytes: content, ino: Number(info.ino), size: Number(info.size), mtimeNs: info.mtimeNs,
      hash: createHash("sha256").update(content).digest("hex"), mode: Number(info.mode) & 0o7777,
    };
  } finally {
    closeSync(fd);
  }
}

function same(a: Snapshot, b: Snapshot | undefined): boolean {
  return b !== undefined && a.ino === b.ino && a.size === b.size && a.mtimeNs === b.mtimeNs && a.hash === b.hash;
}

/** A crash between parking and reinstalling leaves the session parked: put it back. */
function recoverParked(real: string): void {
  const parked = parkedPath(real);
  if (existsSync(real) || !existsSync(parked)) return;
  try {
    linkSync(parked, real);
    unlinkSync(parked);
  } catch {
    // someone else restored or recreated it first
  }
}

function writeTemp(real: string, bytes: Buffer, mode: number): string {
  const temp = path.join(path.dirname(real), `.${path.basename(real)}.bgr-${process.pid}-${Math.random().toString(36).slice(2, 10)}.tmp`);
  const fd = openSync(temp, "wx", mode);
  try {
    let offset = 0;
    while (offset < bytes.length) offset += writeSync(fd, bytes, offset, bytes.length - offset);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  return temp;
}

function removeQuietly(file: string): void {
  try {
    unlinkSync(file);
  } catch {
    // already gone
  }
}

/**
 * Installs `temp` at `real` only if `real` still holds `expected`. Every step
 * is synchronous, so no other work of this process runs in between.
 */
function swapIfUnchanged(real: string, temp: string, expected: Snapshot): boolean {
  const parked = parkedPath(real);
  try {
    renameSync(real, parked);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return false; // mid-save by someone else
    throw error;
  }
  // The parked file is the version that was in place at the rename: nobody can change it under its path any more.
  const captured = snapshot(parked);
  if (!same(expected, captured)) {
    try {
      linkSync(parked, real);
    } catch {
      // a newer save already took the path; it supersedes the parked one
    }
    removeQuietly(parked);
    return false;
  }
  try {
    linkSync(temp, real);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") {
      try {
        linkSync(parked, real);
      } catch {
        // the path was taken meanwhile
      }
      removeQuietly(parked);
      throw error;
    }
    // Someone saved while the path was free: theirs stands, ours is spliced again.
    removeQuietly(parked);
    return false;
  }
  removeQuietly(parked);
  return true;
}

async function readSettled(real: string, session: string, create: boolean): Promise<Snapshot | undefined> {
  const deadline = Date.now() + REWRITE_SETTLE_MS;
  const prefixSettleMs = envMs("BGR_SESSION_PREFIX_SETTLE_MS", PAGE_PREFIX_SETTLE_MS);
  let pagePrefix: Snapshot | undefined;
  let pagePrefixSince = 0;
  for (;;) {
    recoverParked(real);
    const snap = snapshot(real);
    const now = Date.now();
    if (snap === undefined) {
      if (create) return undefined;
      if (now > deadline) throw new Error(`session file ${session} no longer exists`);
    } else if (!looksLikeSession(snap.bytes)) {
      if (now > deadline) throw new SessionFormatError(`session file ${session} no longer starts with a --- front matter line; bgr left it untouched`);
    } else if (snap.size % PAGE_BYTES !== 0 || now > deadline) {
      // Past the deadline a file that never holds still is taken as it is; the swap still compares.
      return snap;
    } else if (pagePrefix !== undefined && same(pagePrefix, snap)) {
      // Still as it was: a file at rest, or a writer stalled past any wait worth making.
      if (now - pagePrefixSince >= prefixSettleMs) return snap;
    } else {
      pagePrefix = snap;
      pagePrefixSince = now;
    }
    await sleep(5 + Math.random() * 20);
  }
}

export async function readSessionBytes(root: string, session: string): Promise<Buffer> {
  const target = gateSessionForRead(root, session);
  recoverParked(target);
  for (let i = 0; i < 50; i++) {
    const snap = snapshot(target);
    if (snap) return snap.bytes;
    // The instant of a swap: the file is back in microseconds.
    if (!existsSync(parkedPath(target))) break;
    await sleep(2);
  }
  throw new Error(`session file ${session} no longer exists`);
}

function gateSessionForRead(root: string, session: string): string {
  return gateSession(root, session, { pathOnly: true }).real;
}

export async function readSessionText(root: string, session: string): Promise<string> {
  return (await readSessionBytes(root, session)).toString("utf8");
}

/** Throws SessionFormatError when the session's front matter cannot be parsed (checked before a run starts). */
export async function assertSessionParses(root: string, session: string): Promise<void> {
  readSessionEntriesBytes(await readSessionBytes(root, session), session);
}

export interface SessionWriteOptions {
  /** Create the file (under .agents/sessions/ only) when it does not exist. */
  create?: boolean;
}

export async function writeSessionEntry(root: string, session: string, entry: SessionEntry, opts: SessionWriteOptions = {}): Promise<void> {
  // Path rules only: the file may be caught mid-save by another writer, which readSettled waits out.
  const target = gateSession(root, session, { create: opts.create ?? false, pathOnly: true });
  try {
    await withLock(root, target.real, async () => {
      for (let attempt = 0; attempt < MAX_SWAP_ATTEMPTS; attempt++) {
        const snap = await readSettled(target.real, session, target.create);
        if (snap === undefined) {
          // Asked to create it: a new file appears only if nobody created one meanwhile (wx).
          const bytes = upsertSessionEntryBytes(Buffer.from("---\n---\n"), entry, session);
          const temp = writeTemp(target.real, bytes, 0o644);
          try {
            linkSync(temp, target.real);
            return;
          } catch (error) {
            if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
            continue;
          } finally {
            removeQuietly(temp);
          }
        }
        const next = upsertSessionEntryBytes(snap.bytes, entry, session);
        if (next.equals(snap.bytes)) return;
        const temp = writeTemp(target.real, next, snap.mode);
        try {
          if (swapIfUnchanged(target.real, temp, snap)) return;
        } finally {
          removeQuietly(temp);
        }
        await sleep(Math.random() * 5);
      }
      throw new Error(`session file ${session} kept changing while bgr tried to update entry ${entry.id} (${MAX_SWAP_ATTEMPTS} attempts); nothing was overwritten`);
    });
  } catch (error) {
    if (isWriteDenied(error)) throw new WorkspaceWriteError(session, error);
    throw error;
  }
}

export async function readSessionEntry(root: string, session: string, id: string): Promise<Record<string, unknown> | undefined> {
  return readSessionEntriesBytes(await readSessionBytes(root, session), session).find((entry) => entry.id === id);
}

/** All entries of a session, for repairs that compare many runs against one file. */
export async function readSessionEntriesOf(root: string, session: string): Promise<Array<Record<string, unknown>>> {
  return readSessionEntriesBytes(await readSessionBytes(root, session), session);
}

/** The session's `model:` key, which an agent with `model: inherit` uses. */
export async function readSessionModel(root: string, session: string): Promise<string | undefined> {
  const { frontMatter } = splitFrontMatter(await readSessionText(root, session));
  if (frontMatter === undefined) return undefined;
  const doc = parseDocument(frontMatter);
  if (doc.errors.length > 0) return undefined;
  const model = (doc.toJS() as Record<string, unknown> | null)?.model;
  return typeof model === "string" && model.trim() ? model.trim() : undefined;
}
