// Other analysers folded into the review: bgr's own security engine, and the
// project's configured linters (ESLint, ruff, flake8) run through their CLIs
// only when the caller allows running the repository's code (--allow-exec).
// Their findings pass the same "added lines only" filter as ours. A linter
// the project configures but that cannot run is a note, never a failure.
// They all run where the reviewed text is on disk: the workspace, or a
// temporary mirror of the reviewed side (head-mirror.ts).
import { execFile } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import type { Finding, Severity } from "../../../protocol/finding.js";
import { loadEngine } from "../../registry.js";
import type { EngineContext } from "../../types.js";
import { makeFinding, type ReviewContext, type ReviewFile } from "../context.js";
import { type AnalysisRoot, analysisRoot } from "../head-mirror.js";

export interface ExternalResult {
  findings: Finding[];
  /** Which tools ran, were skipped, or failed: shown in the report. */
  notes: string[];
}

interface ToolRun {
  stdout: string;
  stderr: string;
  code: number | null;
  missing: boolean;
}

function runTool(command: string, args: string[], cwd: string, signal: AbortSignal): Promise<ToolRun> {
  return new Promise((resolve) => {
    execFile(command, args, { cwd, signal, maxBuffer: 64 * 1024 * 1024, windowsHide: true, env: { ...process.env, FORCE_COLOR: "0" } }, (error, stdout, stderr) => {
      const code = error ? (typeof (error as { code?: unknown }).code === "number" ? ((error as { code: number }).code) : null) : 0;
      resolve({ stdout, stderr, code, missing: (error as NodeJS.ErrnoException | null)?.code === "ENOENT" });
    });
  });
}

/** Finds the reviewed file a tool printed a path for (relative to where it ran, or absolute). */
function fileLookup(site: AnalysisRoot, files: ReviewFile[]): (printed: string) => ReviewFile | undefined {
  const byPath = new Map(files.map((file) => [file.path, file]));
  return (printed) => byPath.get(path.relative(site.dir, path.resolve(site.dir, printed)).split(path.sep).join("/"));
}

function where(site: AnalysisRoot): string {
  return site.mirrored ? ` (the reviewed versions, from a temporary copy; ${site.differing} file(s) differ from the working tree)` : "";
}

async function securityFindings(site: AnalysisRoot, engineContext: EngineContext, files: ReviewFile[], notes: string[]): Promise<Finding[]> {
  const engine = await loadEngine("security-audit");
  if (!engine) {
    notes.push("Security engine: not available in this build; no security checks beyond committed-secret detection.");
    return [];
  }
  const sources = files.filter((file) => file.language);
  if (sources.length === 0) return [];
  const result = await engine.run({
    ...engineContext,
    root: site.dir,
    scope: sources.map((file) => file.path),
    task: "security audit of changed files",
    instructions: "",
    cacheDir: path.join(path.dirname(engineContext.cacheDir), "security-audit"),
  });
  notes.push(`Security engine: ran on ${sources.length} changed file(s)${where(site)}, ${result.findings.length} finding(s) before keeping changed lines only.`);
  // A file it could not analyse is a gap in the review: say so rather than imply it is clean.
  const failed = result.errors.filter((error) => !/syntax|parse/i.test(error.message));
  if (failed.length > 0) {
    const first = failed[0]!;
    notes.push(`Security engine: ${failed.length} file(s) not fully analysed (first: ${first.file ? `${first.file}: ` : ""}${first.message.slice(0, 200)}).`);
  }
  for (const blocker of result.blockers ?? []) notes.push(`Security engine stopped early: ${blocker}`);
  return result.findings.map((finding) => inTestCode(finding, files));
}

const FIXTURE_PATH = /(?:^|\/)(?:fixtures?|testdata|test-data)\//;

/**
 * Tests and their fixtures hold vulnerable code on purpose (a fixture for a
 * scanner, a test of an injection guard); what they do does not ship. Such a
 * finding stays in the report, marked, but does not block the merge.
 */
function inTestCode(finding: Finding, files: ReviewFile[]): Finding {
  const file = files.find((candidate) => candidate.path === finding.file);
  if (!file?.isTest) return finding;
  const fixture = FIXTURE_PATH.test(finding.file);
  return {
    ...finding,
    severity: fixture ? "Info" : "Low",
    title: `${finding.title} (in ${fixture ? "a test fixture" : "test code"})`,
    message: `${finding.message} This is ${fixture ? "a test fixture" : "test code"}, which does not ship: worth a look if it runs against real systems, not a merge blocker.`,
  };
}

const ESLINT_CONFIGS = [
  "eslint.config.js", "eslint.config.mjs", "eslint.config.cjs", "eslint.config.ts", "eslint.config.mts", "eslint.config.cts",
  ".eslintrc", ".eslintrc.js", ".eslintrc.cjs", ".eslintrc.json", ".eslintrc.yml", ".eslintrc.yaml",
];
const ESLINT_EXTENSIONS = /\.(?:[cm]?[jt]sx?)$/;

function eslintConfigured(root: string): string | undefined {
  const found = ESLINT_CONFIGS.find((name) => existsSync(path.join(root, name)));
  if (found) return found;
  try {
    const manifest = JSON.parse(readFileSync(path.join(root, "package.json"), "utf8")) as { eslintConfig?: unknown };
    return manifest.eslintConfig ? "package.json (eslintConfig)" : undefined;
  } catch {
    return undefined;
  }
}

interface EslintMessage { ruleId: string | null; severity: number; message: string; line?: number; column?: number; endLine?: number }
interface EslintFileResult { filePath: string; messages: EslintMessage[] }

async function eslintFindings(ctx: ReviewContext, site: AnalysisRoot, files: ReviewFile[], notes: string[]): Promise<Finding[]> {
  const config = eslintConfigured(site.dir);
  const targets = files.filter((file) => ESLINT_EXTENSIONS.test(file.path));
  if (!config || targets.length === 0) return [];
  const cli = path.join(ctx.root, "node_modules", "eslint", "bin", "eslint.js");
  if (!existsSync(cli)) {
    notes.push(`ESLint: configured (${config}) but not installed in node_modules: run your package manager's install, then review again.`);
    return [];
  }
  const run = await runTool(process.execPath, [cli, "--format", "json", "--", ...targets.map((file) => file.path)], site.dir, ctx.signal);
  let results: EslintFileResult[];
  try {
    results = JSON.parse(run.stdout) as EslintFileResult[];
  } catch {
    notes.push(`ESLint: configured (${config}) but could not run: ${(run.stderr.trim().split("\n")[0] || `exit code ${run.code}`).slice(0, 300)}`);
    return [];
  }
  const findings: Finding[] = [];
  const fileOf = fileLookup(site, targets);
  for (const result of results) {
    const file = fileOf(result.filePath);
    if (!file) continue;
    for (const message of result.messages) {
      if (!message.line) continue;
      const rule = message.ruleId ?? "parse-error";
      findings.push(
        makeFinding(file, message.line, {
          ruleId: `eslint/${rule}`,
          severity: message.severity >= 2 ? "Medium" : "Low",
          title: `ESLint ${rule}`,
          message: message.message,
          recommendation: message.ruleId ? `Fix the code as ${rule} asks (see https://eslint.org/docs/latest/rules/${rule} for core rules), or disable it inline with a reason.` : "Fix the syntax error.",
          column: message.column,
        }),
      );
    }
  }
  notes.push(`ESLint: ran with ${config} on ${targets.length} file(s)${where(site)}.`);
  return findings;
}

function pythonLintSeverity(code: string): Severity {
  // Undefined names, bad comparisons, syntax errors and security/bugbear codes are bugs; the rest is style.
  return /^(?:F[6-9]|E9|S|B)/.test(code) ? "Medium" : "Low";
}

function fileMentions(root: string, name: string, marker: RegExp): boolean {
  try {
    return marker.test(readFileSync(path.join(root, name), "utf8"));
  } catch {
    return false;
  }
}

interface RuffDiagnostic { code: string | null; message: string; filename: string; location: { row: number; column: number }; url?: string }

async function ruffFindings(ctx: ReviewContext, site: AnalysisRoot, files: ReviewFile[], notes: string[]): Promise<Finding[]> {
  const configured = existsSync(path.join(site.dir, "ruff.toml")) || existsSync(path.join(site.dir, ".ruff.toml")) || fileMentions(site.dir, "pyproject.toml", /^\[tool\.ruff/m);
  if (!configured) return [];
  const run = await runTool("ruff", ["check", "--output-format", "json", "--exit-zero", "--", ...files.map((file) => file.path)], site.dir, ctx.signal);
  if (run.missing || run.code !== 0) {
    notes.push(`ruff: configured but could not run (${run.missing ? "not on PATH: install ruff" : run.stderr.trim().split("\n")[0]}).`);
    return [];
  }
  const diagnostics = JSON.parse(run.stdout || "[]") as RuffDiagnostic[];
  notes.push(`ruff: ran on ${files.length} file(s)${where(site)}.`);
  const fileOf = fileLookup(site, files);
  return diagnostics.flatMap((diagnostic) => {
    const file = fileOf(diagnostic.filename);
    const code = diagnostic.code ?? "syntax-error";
    if (!file) return [];
    return [makeFinding(file, diagnostic.location.row, {
      ruleId: `ruff/${code}`,
      severity: pythonLintSeverity(code),
      title: `ruff ${code}`,
      message: diagnostic.message,
      recommendation: diagnostic.url ? `Fix as described at ${diagnostic.url}.` : "Fix the reported problem.",
      column: diagnostic.location.column,
    })];
  });
}

async function flake8Findings(ctx: ReviewContext, site: AnalysisRoot, files: ReviewFile[], notes: string[]): Promise<Finding[]> {
  const configured = existsSync(path.join(site.dir, ".flake8")) || ["setup.cfg", "tox.ini"].some((name) => fileMentions(site.dir, name, /^\[flake8\]/m));
  if (!configured) return [];
  const format = "%(path)s\t%(row)d\t%(col)d\t%(code)s\t%(text)s";
  const run = await runTool("flake8", ["--exit-zero", `--format=${format}`, "--", ...files.map((file) => file.path)], site.dir, ctx.signal);
  if (run.missing || run.code !== 0) {
    notes.push(`flake8: configured but could not run (${run.missing ? "not on PATH: install flake8" : run.stderr.trim().split("\n")[0]}).`);
    return [];
  }
  notes.push(`flake8: ran on ${files.length} file(s)${where(site)}.`);
  const fileOf = fileLookup(site, files);
  return run.stdout.split("\n").flatMap((line) => {
    const [filePath, row, col, code, ...text] = line.split("\t");
    const file = filePath ? fileOf(filePath) : undefined;
    if (!file || !code) return [];
    return [makeFinding(file, Number(row), {
      ruleId: `flake8/${code}`,
      severity: pythonLintSeverity(code),
      title: `flake8 ${code}`,
      message: text.join("\t"),
      recommendation: "Fix the reported problem, or add a `# noqa: CODE` with a reason if it is intended.",
      column: Number(col),
    })];
  });
}

/** The linters this side of the repository configures, with the file that configures each. */
function configuredLinters(dir: string, hasPython: boolean): string[] {
  const found: string[] = [];
  const eslint = eslintConfigured(dir);
  if (eslint) found.push(`ESLint (${eslint})`);
  if (!hasPython) return found;
  const ruff = ["ruff.toml", ".ruff.toml"].find((name) => existsSync(path.join(dir, name))) ?? (fileMentions(dir, "pyproject.toml", /^\[tool\.ruff/m) ? "pyproject.toml" : undefined);
  if (ruff) found.push(`ruff (${ruff})`);
  const flake8 = existsSync(path.join(dir, ".flake8")) ? ".flake8" : ["setup.cfg", "tox.ini"].find((name) => fileMentions(dir, name, /^\[flake8\]/m));
  if (flake8) found.push(`flake8 (${flake8})`);
  return found;
}

/**
 * Why the linters did not run, naming the switch that exists wherever the
 * report is read: the same --allow-exec on `bgr review`, `bgr run` and
 * `bgr spawn`, allowExec in MCP, review.linters in the project config.
 */
function lintersSkippedNote(configured: string[], disabledByConfig: boolean): string {
  if (disabledByConfig) return "Linters: not run (review.linters is false in the project config).";
  if (configured.length === 0) return "Linters: none configured for the changed files.";
  return `Linters: ${configured.join(", ")} configured but not run: a linter runs the repository's own code (its installed linter, config files and plugins), which a review does only when allowed; pass --allow-exec (MCP: allowExec: true) to run them.`;
}

export async function externalFindings(ctx: ReviewContext, engineContext: EngineContext): Promise<ExternalResult> {
  const notes: string[] = [];
  const findings: Finding[] = [];
  const candidates = ctx.files.filter((file) => file.newText !== undefined && file.added.size > 0);
  if (candidates.length === 0) return { findings, notes };
  const python = candidates.filter((file) => file.language === "python");
  const lint = ctx.settings.linters && engineContext.options.allowExec === true;
  if (!ctx.settings.security && !lint) {
    notes.push(lintersSkippedNote(configuredLinters(ctx.root, python.length > 0), !ctx.settings.linters));
    return { findings, notes };
  }
  const site = await analysisRoot(ctx, candidates);
  try {
    if (ctx.settings.security) findings.push(...(await securityFindings(site, engineContext, candidates, notes)));
    if (!lint) {
      notes.push(lintersSkippedNote(configuredLinters(site.dir, python.length > 0), !ctx.settings.linters));
      return { findings, notes };
    }
    findings.push(...(await eslintFindings(ctx, site, candidates, notes)));
    if (python.length > 0) {
      findings.push(...(await ruffFindings(ctx, site, python, notes)));
      findings.push(...(await flake8Findings(ctx, site, python, notes)));
    }
    return { findings, notes };
  } finally {
    await site.dispose();
  }
}
