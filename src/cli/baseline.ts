// `--baseline`: report only what is new against an earlier state, like
// Semgrep's --baseline-commit and Bandit's -b. The earlier state is either a
// file bgr wrote (--format json, or SARIF with bgr's fingerprints) or a git
// revision, whose merge-base with HEAD is checked out into a temporary
// directory (through a private index file: the repository's own index,
// worktree list and working tree are never touched) and analysed with the
// workspace's bgr settings. Findings are matched by the SARIF fingerprint.
import { existsSync, statSync } from "node:fs";
import { copyFile, mkdir, mkdtemp, readFile, realpath, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import type { EngineResult } from "../engines/types.js";
import type { Finding } from "../protocol/finding.js";
import { FINGERPRINT_KEY, fingerprintsOf, pinFingerprints } from "../report/fingerprint.js";
import { CONFIG_FILES } from "../runtime/config.js";
import { IGNORE_FILES } from "../runtime/ignore-files.js";
import { CliUsageError as UsageError } from "./commands/common.js";

export interface Baseline {
  /** What the user named, for the summary: "origin/main (merge-base 1a2b3c4)" or the file. */
  label: string;
  fingerprints: Set<string>;
}

export type BaselineSource = { kind: "file"; file: string } | { kind: "ref"; ref: string };

function isFile(candidate: string): boolean {
  try {
    return statSync(candidate).isFile();
  } catch {
    return false;
  }
}

/** A path that exists (from where the user typed it, then from the workspace) is a file; anything else must be a revision. */
export function baselineSource(value: string, root: string): BaselineSource {
  for (const candidate of [path.resolve(value), path.resolve(root, value)]) {
    if (isFile(candidate)) return { kind: "file", file: candidate };
  }
  return { kind: "ref", ref: value };
}

/** Fingerprints from `bgr … --format json` ({findings}) or from bgr's SARIF (partialFingerprints). */
export function fingerprintsInReport(text: string, name: string): Set<string> {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    throw new UsageError(`--baseline ${name}: not JSON: give the output of an earlier \`bgr … --format json\` (or --format sarif)`);
  }
  const record = (data ?? {}) as Record<string, unknown>;
  if (Array.isArray(record.findings)) {
    const findings = record.findings as Finding[];
    const valid = findings.every((f) => f && typeof f.ruleId === "string" && typeof f.file === "string" && typeof f.line === "number");
    if (!valid) throw new UsageError(`--baseline ${name}: its findings lack ruleId/file/line: give the output of \`bgr … --format json\``);
    return new Set(fingerprintsOf(findings.map((f) => ({ ...f, endLine: f.endLine ?? f.line, message: f.message ?? "" }))));
  }
  if (Array.isArray(record.runs)) {
    const prints = new Set<string>();
    for (const run of record.runs as Array<{ results?: Array<{ partialFingerprints?: Record<string, string> }> }>) {
      for (const result of run.results ?? []) {
        const print = result.partialFingerprints?.[FINGERPRINT_KEY];
        if (print) prints.add(print);
      }
    }
    return prints;
  }
  throw new UsageError(`--baseline ${name}: neither bgr's JSON ({"findings": …}) nor SARIF: give the output of an earlier \`bgr … --format json\``);
}

async function run(cwd: string, args: string[], env: NodeJS.ProcessEnv = {}): Promise<string> {
  // Loaded here: every `bgr audit` loads this module, few pass --baseline REF, and child_process costs ~2.5 ms to load.
  const { execFile } = await import("node:child_process");
  return new Promise((resolve, reject) => {
    execFile("git", args, { cwd, env: { ...process.env, GIT_TERMINAL_PROMPT: "0", GIT_LFS_SKIP_SMUDGE: "1", LC_ALL: "C", ...env }, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (!error) return resolve(stdout);
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return reject(new UsageError("--baseline REF needs git, which is not installed: install git or give a baseline file"));
      reject(new Error(`git ${args[0]} failed: ${stderr.trim().split("\n")[0] || error.message}`));
    });
  });
}

export interface BaselineCheckout {
  /** The workspace root's counterpart at the merge-base. */
  root: string;
  label: string;
  dispose(): Promise<void>;
}

/** The merge-base of REF and HEAD, written out as plain files in a temporary directory. */
export async function checkoutMergeBase(root: string, ref: string): Promise<BaselineCheckout> {
  const inside = await run(root, ["rev-parse", "--is-inside-work-tree"]).catch(() => "");
  if (inside.trim() !== "true") throw new UsageError(`--baseline ${ref}: ${root} is not in a git repository and no file has that name: give an earlier \`--format json\` output instead`);
  const commit = (await run(root, ["rev-parse", "--verify", "--quiet", "--end-of-options", `${ref}^{commit}`]).catch(() => "")).trim();
  if (!commit) throw new UsageError(`--baseline ${ref}: neither a file nor a git revision: name a branch, tag or commit (e.g. origin/main), or an earlier \`--format json\` output`);
  const mergeBase = (await run(root, ["merge-base", commit, "HEAD"]).catch(() => "")).trim();
  if (!mergeBase) throw new UsageError(`--baseline ${ref}: it shares no history with HEAD: name a revision HEAD descends from`);
  const prefix = (await run(root, ["rev-parse", "--show-prefix"])).trim().replace(/\/$/, "");
  const temp = await realpath(await mkdtemp(path.join(tmpdir(), "bgr-baseline-")));
  const dispose = () => rm(temp, { recursive: true, force: true });
  try {
    const tree = path.join(temp, "tree");
    await mkdir(tree);
    const env = { GIT_INDEX_FILE: path.join(temp, "index") };
    // The workspace may be a subfolder of the repository: take the same subfolder of the merge-base.
    const hasPrefix = !prefix || (await run(root, ["cat-file", "-t", `${mergeBase}:${prefix}`]).catch(() => "")).trim() === "tree";
    if (hasPrefix) {
      await run(root, ["read-tree", prefix ? `${mergeBase}:${prefix}` : mergeBase], env);
      await run(root, ["checkout-index", "--all", "--force", `--prefix=${tree}/`], env);
    }
    // Both sides are read with today's settings, so a changed exclude does not make old findings "new".
    for (const name of [...CONFIG_FILES, ...IGNORE_FILES, "pyproject.toml"]) {
      const source = path.join(root, name);
      if (!existsSync(source)) continue;
      await mkdir(path.dirname(path.join(tree, name)), { recursive: true });
      await copyFile(source, path.join(tree, name));
    }
    return { root: tree, label: `${ref} (merge-base ${mergeBase.slice(0, 12)})`, dispose };
  } catch (error) {
    await dispose();
    throw error;
  }
}

export async function baselineFromFile(file: string, name: string): Promise<Baseline> {
  return { label: name, fingerprints: fingerprintsInReport(await readFile(file, "utf8"), name) };
}

/** The result with known findings removed, saying how many and against what. */
export function applyBaseline(result: EngineResult, baseline: Baseline): EngineResult {
  const prints = pinFingerprints(result.findings);
  const fresh = result.findings.filter((_, i) => !baseline.fingerprints.has(prints[i]!));
  const known = result.findings.length - fresh.length;
  const note = `Baseline ${baseline.label}: ${fresh.length} new ${fresh.length === 1 ? "finding" : "findings"} reported, ${known} already present there left out.`;
  return {
    ...result,
    findings: fresh,
    summary: `${result.summary}\n\n${note}`,
    data: { ...(result.data ?? {}), baseline: { source: baseline.label, new: fresh.length, known } },
  };
}
