// What every fuzz case shares: a seeded generator (the same cases on every
// run), a fresh workspace with a sibling folder outside it, and a snapshot of
// every path a case does not own, so "nothing else changed" is checked byte
// for byte rather than assumed.
import { createHash } from "node:crypto";
import { execFileSync } from "node:child_process";
import { lstatSync, readdirSync, readFileSync, readlinkSync } from "node:fs";
import { mkdir, mkdtemp, realpath, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";

/** mulberry32: small, fast, and good enough to pick cases; the seed fixes the whole suite. */
export function rng(seed: number): Rng {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (lo, hi) => lo + Math.floor(next() * (hi - lo + 1)),
    pick: (items) => items[Math.floor(next() * items.length)]!,
    bytes: (n) => Buffer.from(Array.from({ length: n }, () => Math.floor(next() * 256))),
  };
}

export interface Rng {
  next(): number;
  int(lo: number, hi: number): number;
  pick<T>(items: readonly T[]): T;
  bytes(n: number): Buffer;
}

export const SESSION_REL = ".agents/sessions/20260123-140000-feature.md";
export const SESSION_BYTES = Buffer.from(
  "---\n# the orchestrator's comment\ntitle: \"Feature\"\nbackground_agents:\n  - id: \"bg-20260123-141000-old\"\n    agent: background-runner\n    task: \"Old\"\n    status: completed\nnotes: keep\n---\n\n# Body\n\nbytes \xff\xfe stay\n",
  "latin1",
);

export interface FuzzWorkspace {
  parent: string;
  root: string;
  outside: string;
  cleanup(): Promise<void>;
}

/** A small project: sources, a package.json, a README, a .git/config, a session, and a folder outside. */
export async function fuzzWorkspace(): Promise<FuzzWorkspace> {
  const parent = await realpath(await mkdtemp(path.join(tmpdir(), "bgr-fuzz-")));
  const root = path.join(parent, "ws");
  const outside = path.join(parent, "outside");
  const files: Record<string, string | Buffer> = {
    "src/app.py": "import os\n\ndef run(cmd):\n    os.system(cmd)\n",
    "src/util.js": "export const id = (x) => x;\n",
    "package.json": "{\n  \"name\": \"victim\"\n}\n",
    "README.md": "# Victim\n\nA person wrote this.\n",
    ".git/config": "[core]\n\trepositoryformatversion = 0\n",
    [SESSION_REL]: SESSION_BYTES,
  };
  for (const [rel, content] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(root, rel)), { recursive: true });
    await writeFile(path.join(root, rel), content);
  }
  await mkdir(outside, { recursive: true });
  await writeFile(path.join(outside, "secret.txt"), "outside the workspace\n");
  await writeFile(path.join(outside, "victim.md"), "---\ntitle: outside\n---\n");
  return { parent, root, outside, cleanup: () => rm(parent, { recursive: true, force: true }) };
}

export function mkfifo(absolute: string): void {
  execFileSync("mkfifo", [absolute]);
}

/** path → a description of what is there: file hash, link target, or the kind of special file. Nothing is opened but regular files. */
export type Snapshot = Map<string, string>;

export function snapshot(dir: string): Snapshot {
  const out: Snapshot = new Map();
  const visit = (abs: string) => {
    let info;
    try {
      info = lstatSync(abs);
    } catch {
      return;
    }
    const rel = path.relative(dir, abs) || ".";
    if (info.isSymbolicLink()) out.set(rel, `link:${readlinkSync(abs)}`);
    else if (info.isDirectory()) {
      out.set(rel, "dir");
      for (const name of readdirSync(abs)) visit(path.join(abs, name));
    } else if (info.isFile()) out.set(rel, `file:${createHash("sha256").update(readFileSync(abs)).digest("hex")}`);
    else out.set(rel, `special:${info.mode & 0o170000}`);
  };
  visit(dir);
  return out;
}

/**
 * Paths whose state changed between two snapshots, leaving out what the case
 * owns: new files under bgr's own folders, and whatever `owned` accepts.
 */
export function changedPaths(before: Snapshot, after: Snapshot, owned: (rel: string, wasThere: boolean) => boolean = () => false): string[] {
  const changed: string[] = [];
  for (const [rel, state] of before) {
    if (after.get(rel) !== state && !owned(rel, true)) changed.push(`${rel} (${after.has(rel) ? "changed" : "removed"})`);
  }
  for (const rel of after.keys()) {
    if (before.has(rel)) continue;
    if (owned(rel, false)) continue;
    changed.push(`${rel} (created)`);
  }
  return changed;
}

/** bgr's own places: anything new under .agents/{runs,reports,cache} (and their folders) is the run's. */
export function bgrOwnsNew(rel: string, wasThere: boolean): boolean {
  if (wasThere) return false;
  const posix = rel.split(path.sep).join("/");
  return /^ws\/\.agents(\/(runs|reports|cache)(\/.*)?)?$/.test(posix);
}

/** One case's verdict; the suite counts them and fails on any unsafe one. */
export interface Verdict {
  category: string;
  name: string;
  unsafe?: string;
}

export function withTimeout<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout;
  return Promise.race([
    work.finally(() => clearTimeout(timer)),
    new Promise<T>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`HANG: ${what} did not return within ${ms} ms`)), ms);
    }),
  ]);
}
