// `bgr audit`, `bgr coverage`, `bgr review`: an engine run directly, with no
// session and no run record. One shape for all three so that --format,
// --out, --fail-on and exit codes never drift apart between engines.
import { existsSync } from "node:fs";
import { mkdir } from "node:fs/promises";
import path from "node:path";
import { Command, Option } from "commander";
import writeFileAtomic from "write-file-atomic";
import { loadEngine } from "../engines/registry.js";
import type { EngineOptions, EngineResult, TaskKind } from "../engines/types.js";
import { CACHE_DIR } from "../protocol/ids.js";
import { parseSeverity, SEVERITIES, severityRank, type Severity } from "../protocol/finding.js";
import { renderHtmlReport } from "../report/html.js";
import { renderJsonReport } from "../report/json.js";
import { renderMarkdownReport, severityLine } from "../report/markdown.js";
import { renderSarif } from "../report/sarif.js";
import { parseDuration } from "../runtime/request.js";
import { resolveInside } from "../tools/sandbox.js";
import { gateCacheDir } from "../tools/write-gate.js";
import { setLongTimeout, type LongTimer } from "../runtime/timing.js";
import { CliUsageError as UsageError, reportError, rootOf, withCommonOptions } from "./commands/common.js";
import { createProgress } from "./progress.js";

export interface EngineCommandSpec {
  name: string;
  kind: TaskKind;
  summary: string;
  /** The report's heading when the engine gives none (e.g. it could not start). */
  title: string;
  /** Positional paths name files or directories that must exist (a typo is a usage error, not an empty report). */
  pathsMustExist?: boolean;
  /** commander argument syntax, e.g. "[paths...]". */
  args?: string;
  /** What the arguments are, for --help. */
  argsDescription?: string;
  configure?(cmd: Command): void;
  toOptions?(opts: Record<string, unknown>, args: string[]): { scope: string[]; options: EngineOptions };
}

export const FORMATS = ["md", "sarif", "json", "html"] as const;
export type OutputFormat = (typeof FORMATS)[number];

function parseFailOn(value: string): Severity | "none" {
  if (value.toLowerCase() === "none") return "none";
  const severity = parseSeverity(value);
  if (!severity) throw new UsageError(`--fail-on ${value}: unknown severity: use one of ${SEVERITIES.join(", ")} or none`);
  return severity;
}

export function renderResult(format: OutputFormat, kind: TaskKind, title: string, result: EngineResult, root: string): string {
  if (format === "json") return renderJsonReport({ kind, title, result });
  if (format === "sarif") return renderSarif({ kind, result, root });
  if (format === "html") return renderHtmlReport({ kind, title, result, root });
  return renderMarkdownReport({ title, result, partial: Boolean(result.blockers?.length) });
}

export async function writeOutput(outPath: string, text: string): Promise<void> {
  const absolute = path.resolve(outPath);
  await mkdir(path.dirname(absolute), { recursive: true });
  await writeFileAtomic(absolute, text);
}

export function addEngineCommand(program: Command, spec: EngineCommandSpec): Command {
  const cmd = program.command(spec.name).description(spec.summary);
  if (spec.args) cmd.argument(spec.args, spec.argsDescription);
  cmd
    .addOption(new Option("--format <format>", "output format").choices([...FORMATS]).default("md"))
    .option("--out <file>", "write the report to this file instead of stdout")
    .option("--fail-on <severity>", "exit 1 when a finding is at or above this severity (High, Medium, Low, Info, none)", "none")
    .option("--no-cache", "ignore and do not update the analysis cache")
    .option("--timeout <duration>", "give up after this long: 90 (seconds), 90s, 30m, 1h");
  withCommonOptions(cmd);
  spec.configure?.(cmd);
  cmd.action(async (...received: unknown[]) => {
    const command = received[received.length - 1] as Command;
    const opts = command.opts() as Record<string, unknown>;
    const args = (command.args ?? []).map(String);
    process.exitCode = await runEngineCommand(spec, opts, args);
  });
  return cmd;
}

async function runEngineCommand(spec: EngineCommandSpec, opts: Record<string, unknown>, args: string[]): Promise<number> {
  const progress = createProgress(spec.name);
  try {
    const root = rootOf({ cwd: opts.cwd as string | undefined });
    const format: OutputFormat = opts.json ? "json" : (opts.format as OutputFormat);
    const failOn = parseFailOn(String(opts.failOn ?? "none"));
    const { scope, options } = spec.toOptions
      ? spec.toOptions(opts, args)
      : { scope: args, options: {} as EngineOptions };
    for (const entry of scope) {
      const absolute = resolveInside(root, entry);
      if (spec.pathsMustExist && !existsSync(absolute)) {
        throw new UsageError(`path "${entry}" does not exist in the workspace ${root}: name a file or directory inside it`);
      }
    }
    options.noCache = opts.cache === false;

    const engine = await loadEngine(spec.kind);
    if (!engine) throw new Error(`the ${spec.kind} engine is not available in this build of bgr`);

    const controller = new AbortController();
    const onSignal = () => controller.abort(new Error("interrupted"));
    process.once("SIGINT", onSignal);
    let timer: LongTimer | undefined;
    if (opts.timeout !== undefined) {
      // The same durations as `bgr run --timeout`, so one habit works everywhere.
      const ms = parseDuration(String(opts.timeout));
      timer = setLongTimeout(() => controller.abort(new Error(`timed out after ${String(opts.timeout)} (--timeout)`)), ms);
    }
    // A linked .agents/cache that leads out of the workspace is refused, not written through.
    const cacheDir = options.noCache ? path.join(root, CACHE_DIR, spec.kind) : gateCacheDir(root, spec.kind);
    let result: EngineResult;
    try {
      result = await engine.run({
        root,
        scope,
        task: spec.summary,
        instructions: "",
        options,
        signal: controller.signal,
        log: (message) => progress.log(message),
        progress: (done, total, label) => progress.update(done, total, label),
        cacheDir,
      });
    } finally {
      process.off("SIGINT", onSignal);
      timer?.clear();
      progress.done();
    }
    // A run that analysed nothing because of its input (no git repository, an
    // unreadable report) is a usage error: one line, exit 2, no empty report.
    // A timeout or Ctrl-C keeps its partial report.
    if (result.blockers?.length && !controller.signal.aborted && result.filesAnalyzed.length === 0 && result.findings.length === 0) {
      throw new UsageError(result.blockers.join("; "));
    }
    const title = result.title ?? spec.title;
    const text = renderResult(format, spec.kind, title, result, root);
    if (opts.out) {
      await writeOutput(String(opts.out), text);
      process.stderr.write(`bgr: ${result.findings.length} findings (${severityLine(result.findings)}) → ${String(opts.out)}\n`);
    } else {
      process.stdout.write(text);
    }
    if (result.blockers?.length) return 1;
    if (failOn === "none") return 0;
    return result.findings.some((f) => severityRank(f.severity) >= severityRank(failOn)) ? 1 : 0;
  } catch (error) {
    progress.done();
    return reportError(error);
  }
}
