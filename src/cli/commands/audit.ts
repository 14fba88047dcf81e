// `bgr audit [PATH…]`: the security audit engine, directly.
import type { Command } from "commander";
import { addEngineCommand } from "../engine-command.js";
import { parseConfidence, parseSeverities, parseTestMode } from "../../engines/security-audit/policy.js";
import { CliUsageError } from "./common.js";

function usage<T>(parse: () => T): T {
  try {
    return parse();
  } catch (error) {
    throw new CliUsageError((error as Error).message);
  }
}

export function register(program: Command): void {
  addEngineCommand(program, {
    name: "audit",
    kind: "security-audit",
    // Not through the engine registry, which would bring every engine into the audit's bundle.
    load: async () => (await import("../../engines/security-audit/index.js")).securityAuditEngine,
    summary: "security audit (taint-tracking SAST, OWASP Top 10) of Python, JavaScript and TypeScript files",
    title: "Security audit",
    pathsMustExist: true,
    args: "[paths...]",
    argsDescription: "files or directories to audit (default: the whole workspace)",
    configure(cmd) {
      cmd
        .option("--min-confidence <level>", "report only findings at or above this confidence (High, Medium, Low)")
        .option("--severity <list>", "report only these severities: High, a list (High,Medium) or a floor (Medium+)")
        .option("--tests <mode>", "test, example and fixture code: demote (to Low, the default), include (as any code) or skip");
    },
    toOptions(opts, args) {
      const options: Record<string, unknown> = {};
      // Checked here so a typo is a usage error before any file is read.
      if (opts.minConfidence !== undefined) options.minConfidence = usage(() => parseConfidence(String(opts.minConfidence)));
      if (opts.severity !== undefined) options.severity = usage(() => parseSeverities(String(opts.severity)).join(","));
      if (opts.tests !== undefined) options.tests = usage(() => parseTestMode(String(opts.tests), "--tests"));
      return { scope: args, options };
    },
  });
}
