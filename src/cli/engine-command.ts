// `bgr audit`, `bgr coverage`, `bgr review`: an engine run directly, with no
// session and no run record. One shape for all three so that --format,
// --out, --fail-on and exit codes never drift apart between engines.
import { existsSync, mkdirSync } from "node:fs";
import path from "node:path";
import { Command, Option } from "commander";
import writeFileAtomic from "write-file-atomic";
import type { Engine, EngineOptions, EngineResult, TaskKind } from "../engines/types.js";
import { CACHE_DIR } from "../protocol/ids.js";
import { SEVERITIES, severityRank, type Severity } from "../protocol/finding.js";
import { renderHtmlReport } from "../report/html.js";
import { renderJsonReport } from "../report/json.js";
import { renderMarkdownReport, severityLine } from "../report/markdown.js";
import { prepareRuleHelp } from "../report/rule-help.js";
import { renderSarif } from "../report/sarif.js";
import { buildRdjson, renderCheckstyle, renderGithubAnnotations, renderJunit } from "../report/ci-formats.js";
import { fingerprintsOf } from "../report/fingerprint.js";
import { applyBaseline, baselineFromFile, baselineSource, checkoutMergeBase, type Baseline } from "./baseline.js";
import { githubTarget, postGithubReview } from "./github-review.js";
import { parseDuration } from "../runtime/request.js";
import { resolveInside } from "../tools/sandbox.js";
import { gateCacheDir } from "../tools/write-gate.js";
import { setLongTimeout, type LongTimer } from "../runtime/timing.js";
import { CliUsageError as UsageError, reportError, rootOf, withCommonOptions } from "./commands/common.js";
import { createProgress } from "./progress.js";

export interface EngineCommandSpec {
  name: string;
  kind: TaskKind;
  /** The engine, loaded when the command runs. Each command names its own, so a bundle of one command holds one engine. */
  load(): Promise<Engine | undefined>;
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

export const FORMATS = ["md", "sarif", "json", "html", "github", "rdjson", "checkstyle", "junit"] as const;
export type OutputFormat = (typeof FORMATS)[number];

/** Only bgr's own four severities (any case): a foreign word such as Critical is refused, not quietly mapped to High. */
function parseFailOn(value: string): Severity | "none" {
  if (value.toLowerCase() === "none") return "none";
  const severity = SEVERITIES.find((s) => s.toLowerCase() === value.trim().toLowerCase());
  if (!severity) throw new UsageError(`--fail-on ${value}: unknown severity: use one of ${SEVERITIES.join(", ")} or none`);
  return severity;
}

export function renderResult(format: OutputFormat, kind: TaskKind, title: string, result: EngineResult, root: string): string {
  switch (format) {
    case "json":
      return renderJsonReport({ kind, title, result });
    case "sarif":
      return renderSarif({ kind, result, root });
    case "html":
      return renderHtmlReport({ kind, title, result, root });
    case "github":
      return renderGithubAnnotations({ kind, title, result });
    case "rdjson":
      return `${JSON.stringify(buildRdjson({ kind, title, result }), null, 2)}\n`;
    case "checkstyle":
      return renderCheckstyle({ kind, title, result });
    case "junit":
      return renderJunit({ kind, title, result });
    case "md":
      return renderMarkdownReport({ title, result, partial: Boolean(result.blockers?.length) });
  }
}

/** --json is shorthand for --format json; with another --format named too, which one was meant is unknowable. */
function chooseFormat(opts: Record<string, unknown>, formatSource: string | undefined): OutputFormat {
  const format = opts.format as OutputFormat;
  if (!opts.json) return format;
  if (formatSource !== "default" && format !== "json") {
    throw new UsageError(`--json and --format ${format} conflict (--json means --format json): drop one of them`);
  }
  return "json";
}

export async function writeOutput(outPath: string, text: string): Promise<void> {
  const absolute = path.resolve(outPath);
  // Synchronous: the command has nothing else to do meanwhile, and the async form's thread-pool
  // round trips (realpath, stat, open, write, fsync, close, chown, chmod, rename) took 15 ms against 5 (measured, a 1.2 MB report).
  mkdirSync(path.dirname(absolute), { recursive: true });
  writeFileAtomic.sync(absolute, text);
}

export function addEngineCommand(program: Command, spec: EngineCommandSpec): Command {
  const cmd = program.command(spec.name).description(spec.summary);
  if (spec.args) cmd.argument(spec.args, spec.argsDescription);
  cmd
    .addOption(new Option("--format <format>", "output format").choices([...FORMATS]).default("md"))
    .option("--out <file>", "write the report to this file instead of stdout")
    .option("--sarif <file>", "also write the results as SARIF to this file (one analysis for both, e.g. --format github --sarif out.sarif)")
    .option("--fail-on <severity>", "exit 1 when a finding is at or above this severity (High, Medium, Low, Info, none)", "none")
    .option("--no-cache", "ignore and do not update the analysis cache")
    .option("--timeout <duration>", "give up after this long: 90 (seconds), 90s, 30m, 1h")
    .option(
      "--baseline <ref-or-file>",
      spec.kind === "security-audit"
        ? "report only findings not present at the merge-base of this git revision, or in this earlier --format json (or sarif) output"
        : "report only findings not present in this earlier --format json (or sarif) output",
    );
  if (spec.kind === "code-review") {
    cmd
      .addOption(new Option("--post <target>", "also post the findings as a pull-request review (GITHUB_TOKEN, GITHUB_REPOSITORY, GITHUB_API_URL)").choices(["github"]))
      .option("--pr <number>", "the pull request to post to (default: from GITHUB_EVENT_PATH)");
  }
  withCommonOptions(cmd);
  spec.configure?.(cmd);
  cmd.action(async (...received: unknown[]) => {
    const command = received[received.length - 1] as Command;
    const opts = command.opts() as Record<string, unknown>;
    const args = (command.args ?? []).map(String);
    process.exitCode = await runEngineCommand(spec, opts, args, command.getOptionValueSource("format"));
  });
  return cmd;
}

async function runEngineCommand(spec: EngineCommandSpec, opts: Record<string, unknown>, args: string[], formatSource?: string): Promise<number> {
  const progress = createProgress(spec.name);
  try {
    const root = rootOf({ cwd: opts.cwd as string | undefined });
    const format = chooseFormat(opts, formatSource);
    if (opts.sarif !== undefined && opts.out !== undefined && path.resolve(String(opts.sarif)) === path.resolve(String(opts.out))) {
      throw new UsageError(`--sarif ${String(opts.sarif)} is also the --out file: give SARIF its own file, or use --format sarif --out`);
    }
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
    if (opts.pr !== undefined && opts.post === undefined) throw new UsageError(`--pr ${String(opts.pr)}: it names where --post github posts: add --post github or drop --pr`);
    // Checked before the analysis, so a missing token does not cost a whole review first.
    const postTo = opts.post === "github" ? await githubTarget(process.env, opts.pr as string | undefined) : undefined;

    const engine = await spec.load();
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
    const analyse = (at: string, label?: string): Promise<EngineResult> =>
      engine.run({
        root: at,
        scope,
        task: spec.summary,
        instructions: "",
        options: { ...options },
        signal: controller.signal,
        log: (message) => progress.log(label ? `${label}: ${message}` : message),
        progress: (done, total, step) => progress.update(done, total, label ? `${label}: ${step ?? ""}` : step),
        // The workspace's cache serves the baseline too: its entries are keyed by path and content.
        cacheDir,
      });
    let result: EngineResult;
    let baseline: Baseline | undefined;
    try {
      const source = opts.baseline === undefined ? undefined : baselineSource(String(opts.baseline), root);
      if (source?.kind === "file") baseline = await baselineFromFile(source.file, String(opts.baseline));
      if (source?.kind === "ref" && spec.kind !== "security-audit") {
        throw new UsageError(
          `--baseline ${source.ref}: no such file${spec.kind === "code-review" ? " (a review already covers only the change since --base)" : ""}: give an earlier \`bgr ${spec.name} --format json\` output; a git revision as baseline is for \`bgr audit\``,
        );
      }
      const checkout = source?.kind === "ref" ? await checkoutMergeBase(root, source.ref) : undefined;
      try {
        result = await analyse(root);
        if (checkout && !controller.signal.aborted) {
          const before = await analyse(checkout.root, "baseline");
          if (before.blockers?.length && !controller.signal.aborted) throw new Error(`baseline ${checkout.label} could not be analysed: ${before.blockers.join("; ")}`);
          baseline = { label: checkout.label, fingerprints: new Set(fingerprintsOf(before.findings)) };
        }
      } finally {
        await checkout?.dispose();
      }
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
    if (baseline) result = applyBaseline(result, baseline);
    const title = result.title ?? spec.title;
    if (result.findings.length && (format === "sarif" || format === "rdjson")) await prepareRuleHelp();
    const text = renderResult(format, spec.kind, title, result, root);
    if (opts.out) {
      await writeOutput(String(opts.out), text);
      process.stderr.write(`bgr: ${result.findings.length} findings (${severityLine(result.findings)}) → ${String(opts.out)}\n`);
    } else {
      process.stdout.write(text);
    }
    if (opts.sarif) {
      await writeOutput(String(opts.sarif), renderResult("sarif", spec.kind, title, result, root));
    }
    if (postTo) {
      const posted = await postGithubReview(result, postTo);
      process.stderr.write(
        posted.url
          ? `bgr: posted a review with ${posted.inline} line comments and ${posted.inBody} findings in its body (${posted.alreadyPosted} posted before) → ${posted.url}\n`
          : `bgr: nothing new to post (${posted.alreadyPosted} findings posted before)\n`,
      );
    }
    if (result.blockers?.length) return 1;
    if (failOn === "none") return 0;
    return result.findings.some((f) => severityRank(f.severity) >= severityRank(failOn)) ? 1 : 0;
  } catch (error) {
    progress.done();
    return reportError(error);
  }
}
