// The audit's cache: one pack file per workspace, read in one go at the start
// and written once at the end, holding namespaced entries (per-file analyses,
// per-file summaries for cross-file analysis) and a stat index (path, size,
// mtime → content digest) so an unchanged file is matched without being read.
//
// The pack lives in the workspace, so anyone who can commit to it can edit
// it: it carries an HMAC under a per-machine key kept outside the workspace
// (cache-key.ts). A pack whose MAC does not verify is ignored, never trusted.
import { isAscii } from "node:buffer";
import { createHash, createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import { closeSync, openSync, readFileSync, renameSync, rmSync, writeSync } from "node:fs";
import path from "node:path";
import { VERSION } from "../../version.js";
import { ensureCacheDir } from "../cache-dir.js";
import type { FileAnalysis } from "./analyze-file.js";
import { machineCacheKey } from "./cache-key.js";

/** Bumped whenever the interpreter or finding format changes meaning. */
export const ENGINE_VERSION = "3";

const PACK_NAME = "pack-v1.bin";
// v2: analysis keys are a hashed prefix + digest + path (v1 hashed each); a pack of another format reads as empty and is replaced whole.
const MAGIC = "bgr-cache-v2";
/** An entry neither read nor written in this many saves is dropped, so deleted files do not pile up. */
const KEEP_GENERATIONS = 32;

/** The file's content identity; what the stat index remembers. */
export function contentDigest(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}

/** The part of every key that is the same for every file of an audit, worked out once. */
let keyBase: { rulesHash: string; disabled: readonly string[]; prefix: string } | undefined;

/**
 * An analysis depends on bgr, the engine, the rules, the disabled list, the
 * path and the content. Only the first four are hashed (once); the path and
 * the content digest follow as they are: a hash per file cost ~2 ms of a
 * warm audit of 1,249 files, and the pack is signed anyway.
 */
export function cacheKey(digest: string, file: string, rulesHash: string, disabled: readonly string[]): string {
  if (keyBase?.rulesHash !== rulesHash || keyBase.disabled !== disabled) {
    const prefix = createHash("sha256")
      .update(VERSION).update("\0")
      .update(ENGINE_VERSION).update("\0")
      .update(rulesHash).update("\0")
      .update([...disabled].sort().join(",")).update("\0")
      .digest("hex")
      .slice(0, 16);
    keyBase = { rulesHash, disabled, prefix };
  }
  // The path is part of the key: findings carry it, and file-path rules depend on it. Prefix and
  // digest have fixed lengths (16 and 64 hex digits), so the three parts cannot run into each other.
  return `${keyBase.prefix}${digest}${file}`;
}

type Entry = [generation: number, value: unknown];
type StatEntry = [size: number, mtimeMs: number, digest: string, generation: number];

interface PackBody {
  generation: number;
  stat: Record<string, StatEntry>;
  entries: Record<string, Record<string, Entry>>;
}

/** Over the body's bytes as written: the UTF-8 of the JSON text (save), or the file's bytes after the header line (read). */
function mac(key: Buffer, body: string | Uint8Array): Buffer {
  return createHmac("sha256", key).update(MAGIC).update("\n").update(VERSION).update("\n").update(body).digest();
}

function emptyBody(): PackBody {
  return { generation: 0, stat: {}, entries: {} };
}

/** Reads and verifies a pack; anything unreadable, foreign or tampered with is an empty cache. */
function readPack(file: string, key: Buffer): PackBody {
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch {
    return emptyBody();
  }
  const newline = bytes.indexOf(0x0a);
  if (newline < 0) return emptyBody();
  const [magic, version, hex] = bytes.toString("latin1", 0, newline).split(" ");
  if (magic !== MAGIC || version !== VERSION || !hex || !/^[0-9a-f]{64}$/.test(hex)) return emptyBody();
  // The MAC is checked on the bytes themselves, before (and without) making a string of them.
  const bodyBytes = bytes.subarray(newline + 1);
  if (!timingSafeEqual(mac(key, bodyBytes), Buffer.from(hex, "hex"))) return emptyBody();
  try {
    // A pack is mostly ASCII JSON; read so, it is a one-byte string made without UTF-8 decoding.
    const body = isAscii(bodyBytes) ? bodyBytes.toString("latin1") : bodyBytes.toString("utf8");
    const data = JSON.parse(body) as PackBody;
    return typeof data.generation === "number" && data.stat && data.entries ? data : emptyBody();
  } catch {
    return emptyBody();
  }
}

export class CacheStore {
  private readonly generation: number;
  private dirty = false;

  private constructor(
    private readonly dir: string,
    private readonly root: string,
    private readonly key: Buffer,
    private readonly body: PackBody,
  ) {
    this.generation = body.generation + 1;
  }

  /**
   * The workspace's cache under `dir` (inside `root`), or undefined when no
   * machine key can be had: without one nothing could be verified.
   */
  static open(dir: string, root: string): CacheStore | undefined {
    const key = machineCacheKey(root);
    if (!key) return undefined;
    return new CacheStore(dir, root, key, readPack(path.join(dir, PACK_NAME), key));
  }

  get(namespace: string, key: string): unknown {
    const entry = this.body.entries[namespace]?.[key];
    if (!entry) return undefined;
    entry[0] = this.generation;
    return entry[1];
  }

  /** The value without marking it used (it may not be). */
  peek(namespace: string, key: string): unknown {
    return this.body.entries[namespace]?.[key]?.[1];
  }

  has(namespace: string, key: string): boolean {
    return this.body.entries[namespace]?.[key] !== undefined;
  }

  /** Every key held in a namespace (workers are told which analyses need not be redone). */
  keys(namespace: string): string[] {
    return Object.keys(this.body.entries[namespace] ?? {});
  }

  set(namespace: string, key: string, value: unknown): void {
    (this.body.entries[namespace] ??= {})[key] = [this.generation, value];
    this.dirty = true;
  }

  /** The content digest recorded for a path at this size and mtime, if any. */
  statDigest(file: string, size: number, mtimeMs: number): string | undefined {
    const entry = this.body.stat[file];
    if (!entry || entry[0] !== size || entry[1] !== mtimeMs) return undefined;
    entry[3] = this.generation;
    return entry[2];
  }

  keepStat(file: string, size: number, mtimeMs: number, digest: string): void {
    const entry = this.body.stat[file];
    if (entry && entry[0] === size && entry[1] === mtimeMs && entry[2] === digest) {
      entry[3] = this.generation;
      return;
    }
    this.body.stat[file] = [size, mtimeMs, digest, this.generation];
    this.dirty = true;
  }

  /** Writes the pack once (temp file + rename); a cache that cannot be written only costs speed next time. */
  save(): void {
    // A run that only read (a warm audit) writes nothing: generations advance with writes.
    if (!this.dirty) return;
    const oldest = this.generation - KEEP_GENERATIONS;
    for (const entries of Object.values(this.body.entries)) {
      for (const [k, entry] of Object.entries(entries)) if (entry[0] < oldest) delete entries[k];
    }
    for (const [file, entry] of Object.entries(this.body.stat)) if (entry[3] < oldest) delete this.body.stat[file];
    this.body.generation = this.generation;
    const body = JSON.stringify(this.body);
    const text = `${MAGIC} ${VERSION} ${mac(this.key, body).toString("hex")}\n${body}`;
    let temp: string | undefined;
    try {
      if (!ensureCacheDir(this.dir, this.root)) return;
      temp = path.join(this.dir, `.${PACK_NAME}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`);
      // O_EXCL: never write through a file or link someone placed at the temp name.
      const fd = openSync(temp, "wx", 0o600);
      try {
        writeSync(fd, text);
      } finally {
        closeSync(fd);
      }
      renameSync(temp, path.join(this.dir, PACK_NAME));
      temp = undefined;
    } catch {
      // Only costs speed next time.
    } finally {
      if (temp) rmSync(temp, { force: true });
    }
  }
}

/** Per-file analyses over a store namespace: what the engine caches by content key. */
export class AnalysisCache {
  constructor(
    private readonly store: CacheStore,
    private readonly namespace = "analysis",
  ) {}

  get(key: string): FileAnalysis | undefined {
    const data = this.store.get(this.namespace, key) as FileAnalysis | undefined;
    return data && Array.isArray(data.findings) && Array.isArray(data.errors) ? data : undefined;
  }

  has(key: string): boolean {
    return this.store.has(this.namespace, key);
  }

  keys(): string[] {
    return this.store.keys(this.namespace);
  }

  /** Keys of analyses that read no other module: their key alone says they still hold. */
  keysWithoutDeps(): string[] {
    return this.keys().filter((key) => {
      const deps = (this.store.peek(this.namespace, key) as FileAnalysis | undefined)?.deps;
      return !deps || Object.keys(deps).length === 0;
    });
  }

  set(key: string, analysis: FileAnalysis): void {
    this.store.set(this.namespace, key, analysis);
  }
}
