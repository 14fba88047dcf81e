// Locked, atomic edits of the orchestrator's session file: read under the
// lock, splice our entry (protocol/session.ts), replace by rename. A file
// whose front matter does not parse is never written.
import { readFile } from "node:fs/promises";
import { parseDocument } from "yaml";
import { splitFrontMatter } from "../protocol/agent.js";
import { readSessionEntries, upsertSessionEntry, type SessionEntry } from "../protocol/session.js";
import { resolveInside } from "../tools/sandbox.js";
import { withLock, writeAtomic } from "./store.js";

export async function readSessionText(root: string, session: string): Promise<string> {
  try {
    return await readFile(resolveInside(root, session), "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") throw new Error(`session file ${session} no longer exists`);
    throw error;
  }
}

/** Throws SessionFormatError when the session's front matter cannot be parsed (checked before a run starts). */
export async function assertSessionParses(root: string, session: string): Promise<void> {
  readSessionEntries(await readSessionText(root, session), session);
}

export async function writeSessionEntry(root: string, session: string, entry: SessionEntry): Promise<void> {
  const absolute = resolveInside(root, session);
  await withLock(root, absolute, async () => {
    const text = await readSessionText(root, session);
    const next = upsertSessionEntry(text, entry, session);
    if (next !== text) await writeAtomic(absolute, next, session);
  });
}

export async function readSessionEntry(root: string, session: string, id: string): Promise<Record<string, unknown> | undefined> {
  return readSessionEntries(await readSessionText(root, session), session).find((entry) => entry.id === id);
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
