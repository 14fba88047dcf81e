// Real git repositories in temp dirs for the review tests: every scenario is
// built with real commits, so renames, binaries and detached HEADs are git's
// own, not simulated.
import { execFile, execFileSync } from "node:child_process";
import { after } from "node:test";
import { mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { codeReviewEngine } from "../../src/engines/code-review/index.js";
import type { EngineOptions, EngineResult } from "../../src/engines/types.js";
import type { Finding } from "../../src/protocol/finding.js";

export class TestRepo {
  private constructor(readonly root: string) {}

  static create(defaultBranch = "main"): TestRepo {
    const root = realpathSync(mkdtempSync(path.join(tmpdir(), "bgr-review-")));
    const repo = new TestRepo(root);
    repo.git("-c", `init.defaultBranch=${defaultBranch}`, "init", "-q");
    repo.git("config", "user.name", "Review Test");
    repo.git("config", "user.email", "review@test.invalid");
    repo.git("config", "commit.gpgsign", "false");
    return repo;
  }

  git(...args: string[]): string {
    return execFileSync("git", args, { cwd: this.root, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
  }

  write(file: string, content: string | Buffer): this {
    const absolute = path.join(this.root, file);
    mkdirSync(path.dirname(absolute), { recursive: true });
    writeFileSync(absolute, content);
    return this;
  }

  remove(file: string): this {
    rmSync(path.join(this.root, file), { force: true, recursive: true });
    return this;
  }

  /** Stages everything and commits; returns the new commit id. */
  commit(message: string): string {
    this.git("add", "-A");
    this.git("commit", "-q", "--allow-empty", "-m", message);
    return this.git("rev-parse", "HEAD").trim();
  }

  async review(options: EngineOptions = {}, scope: string[] = [], log: (message: string) => void = () => undefined): Promise<EngineResult> {
    return codeReviewEngine.run({
      root: this.root,
      scope,
      task: "code review",
      instructions: "",
      options: { allowExec: false, ...options },
      signal: new AbortController().signal,
      log,
      progress: () => undefined,
      cacheDir: path.join(this.root, ".agents", "cache", "code-review"),
    });
  }

  cleanup(): void {
    rmSync(this.root, { recursive: true, force: true });
  }
}

export function rules(result: EngineResult): string[] {
  return result.findings.map((finding) => finding.ruleId);
}

export function findingsOf(result: EngineResult, ruleId: string): Finding[] {
  return result.findings.filter((finding) => finding.ruleId === ruleId);
}

/** `count` lines of distinct filler statements, for padding files. */
export function filler(count: number, prefix = "value"): string {
  return Array.from({ length: count }, (_, index) => `const ${prefix}${index} = ${index};`).join("\n") + "\n";
}

/** The repositories a test file made; registered at import, so the hook belongs to the file, not to one test. */
const madeRepos: TestRepo[] = [];
after(() => madeRepos.splice(0).forEach((created) => created.cleanup()));

/** A fresh repository, removed when the test file's tests end. */
export function repo(defaultBranch?: string): TestRepo {
  const created = TestRepo.create(defaultBranch);
  madeRepos.push(created);
  return created;
}

/** The "Review Notes" section: which tools ran and what they could not do. */
export function notesOf(result: EngineResult): string {
  return result.sections?.find((section) => section.heading === "Review Notes")?.body ?? "";
}

/** A repository with `base` committed on main and `change` committed on a feature branch (null deletes a file). */
export function branchChange(base: Record<string, string>, change: Record<string, string | null>): TestRepo {
  const r = repo();
  for (const [file, text] of Object.entries(base)) r.write(file, text);
  r.commit("base");
  r.git("checkout", "-q", "-b", "feature");
  for (const [file, text] of Object.entries(change)) {
    if (text === null) r.remove(file);
    else r.write(file, text);
  }
  r.commit("feature");
  return r;
}

/** The body of a report section by heading ("" when absent). */
export function sectionOf(result: EngineResult, heading: string): string {
  return result.sections?.find((section) => section.heading === heading)?.body ?? "";
}

const mainRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");

/** The built `bgr` CLI run in `cwd`: exit code and both streams. */
export function bgr(args: string[], cwd: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [path.join(mainRoot, "dist/src/cli/main.js"), ...args], { cwd }, (error, stdout, stderr) => {
      resolve({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}
