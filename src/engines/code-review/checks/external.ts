// Other analysers folded into the review: bgr's own security engine, and the
// project's configured linters (ESLint, ruff, flake8) run through their CLIs.
// Their findings pass the same "added lines only" filter as ours. A linter
// the project configures but that cannot run is a note, never a failure.
import { execFile } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import type { Finding, Severity } from "../../../protocol/finding.js";
import { loadEngine } from "../../registry.js";
import type { EngineContext } from "../../types.js";
import { makeFinding, type ReviewContext, type ReviewFile } from "../context.js";

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

/**
 * Files whose working-tree text is exactly the reviewed new side: external
 * tools read the disk, so only for these are their line numbers ours.
 */
function onDisk(ctx: ReviewContext, files: ReviewFile[]): { same: ReviewFile[]; differing: ReviewFile[] } {
  const same: ReviewFile[] = [];
  const differing: ReviewFile[] = [];
  for (const file of files) {
    let text: string | undefined;
    try {
      text = readFileSync(path.join(ctx.root, file.path), "utf8");
    } catch {
      text = undefined;
    }
    (text === file.newText ? same : differing).push(file);
  }
  return { same, differing };
}

async function securityFindings(ctx: ReviewContext, engineContext: EngineContext, files: ReviewFile[], notes: string[]): Promise<Finding[]> {
  const engine = await loadEngine("security-audit");
  if (!engine) {
    notes.push("Security engine: not available in this build; no security checks beyond committed-secret detection.");
    return [];
  }
  const { same, differing } = onDisk(ctx, files.filter((file) => file.language));
  if (differing.length > 0) notes.push(`Security engine: ${differing.length} file(s) skipped because the working tree differs from the reviewed head (check out the head to include them).`);
  if (same.length === 0) return [];
  const result = await engine.run({
    ...engineContext,
    scope: same.map((file) => file.path),
    task: "security audit of changed files",
    instructions: "",
    cacheDir: path.join(path.dirname(engineContext.cacheDir), "security-audit"),
  });
  notes.push(`Security engine: ran on ${same.length} changed file(s), ${result.findings.length} finding(s) before keeping changed lines only.`);
  return result.findings;
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

async function eslintFindings(ctx: ReviewContext, files: ReviewFile[], notes: string[]): Promise<Finding[]> {
  const config = eslintConfigured(ctx.root);
  const targets = files.filter((file) => ESLINT_EXTENSIONS.test(file.path));
  if (!config || targets.length === 0) return [];
  const cli = path.join(ctx.root, "node_modules", "eslint", "bin", "eslint.js");
  if (!existsSync(cli)) {
    notes.push(`ESLint: configured (${config}) but not installed in node_modules: run your package manager's install, then review again.`);
    return [];
  }
  const { same } = onDisk(ctx, targets);
  if (same.length === 0) return [];
  const run = await runTool(process.execPath, [cli, "--format", "json", "--", ...same.map((file) => file.path)], ctx.root, ctx.signal);
  let results: EslintFileResult[];
  try {
    results = JSON.parse(run.stdout) as EslintFileResult[];
  } catch {
    notes.push(`ESLint: configured (${config}) but could not run: ${(run.stderr.trim().split("\n")[0] || `exit code ${run.code}`).slice(0, 300)}`);
    return [];
  }
  const findings: Finding[] = [];
  for (const result of results) {
    const relative = path.relative(ctx.root, result.filePath).split(path.sep).join("/");
    const file = same.find((candidate) => candidate.path === relative);
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
  notes.push(`ESLint: ran with ${config} on ${same.length} file(s).`);
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

async function ruffFindings(ctx: ReviewContext, files: ReviewFile[], notes: string[]): Promise<Finding[]> {
  const configured = existsSync(path.join(ctx.root, "ruff.toml")) || existsSync(path.join(ctx.root, ".ruff.toml")) || fileMentions(ctx.root, "pyproject.toml", /^\[tool\.ruff/m);
  if (!configured) return [];
  const { same } = onDisk(ctx, files);
  if (same.length === 0) return [];
  const run = await runTool("ruff", ["check", "--output-format", "json", "--exit-zero", "--", ...same.map((file) => file.path)], ctx.root, ctx.signal);
  if (run.missing || run.code !== 0) {
    notes.push(`ruff: configured but could not run (${run.missing ? "not on PATH: install ruff" : run.stderr.trim().split("\n")[0]}).`);
    return [];
  }
  const diagnostics = JSON.parse(run.stdout || "[]") as RuffDiagnostic[];
  notes.push(`ruff: ran on ${same.length} file(s).`);
  return diagnostics.flatMap((diagnostic) => {
    const relative = path.relative(ctx.root, path.resolve(ctx.root, diagnostic.filename)).split(path.sep).join("/");
    const file = same.find((candidate) => candidate.path === relative);
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

async function flake8Findings(ctx: ReviewContext, files: ReviewFile[], notes: string[]): Promise<Finding[]> {
  const configured = existsSync(path.join(ctx.root, ".flake8")) || ["setup.cfg", "tox.ini"].some((name) => fileMentions(ctx.root, name, /^\[flake8\]/m));
  if (!configured) return [];
  const { same } = onDisk(ctx, files);
  if (same.length === 0) return [];
  const format = "%(path)s\t%(row)d\t%(col)d\t%(code)s\t%(text)s";
  const run = await runTool("flake8", ["--exit-zero", `--format=${format}`, "--", ...same.map((file) => file.path)], ctx.root, ctx.signal);
  if (run.missing || run.code !== 0) {
    notes.push(`flake8: configured but could not run (${run.missing ? "not on PATH: install flake8" : run.stderr.trim().split("\n")[0]}).`);
    return [];
  }
  notes.push(`flake8: ran on ${same.length} file(s).`);
  return run.stdout.split("\n").flatMap((line) => {
    const [filePath, row, col, code, ...text] = line.split("\t");
    const relative = filePath ? path.relative(ctx.root, path.resolve(ctx.root, filePath)).split(path.sep).join("/") : "";
    const file = same.find((candidate) => candidate.path === relative);
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

export async function externalFindings(ctx: ReviewContext, engineContext: EngineContext): Promise<ExternalResult> {
  const notes: string[] = [];
  const findings: Finding[] = [];
  const candidates = ctx.files.filter((file) => file.newText !== undefined && file.added.size > 0);
  if (candidates.length === 0) return { findings, notes };
  if (ctx.settings.security) findings.push(...(await securityFindings(ctx, engineContext, candidates, notes)));
  if (!ctx.settings.linters || engineContext.options.allowExec === false) {
    notes.push("Linters: not run (disabled by configuration or --no-exec).");
    return { findings, notes };
  }
  const python = candidates.filter((file) => file.language === "python");
  findings.push(...(await eslintFindings(ctx, candidates, notes)));
  if (python.length > 0) {
    findings.push(...(await ruffFindings(ctx, python, notes)));
    findings.push(...(await flake8Findings(ctx, python, notes)));
  }
  return { findings, notes };
}
