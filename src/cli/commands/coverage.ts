// `bgr coverage [PATH] --report F… --base REF --allow-exec`: the coverage engine, directly.
import { statSync } from "node:fs";
import path from "node:path";
import { Option, type Command } from "commander";
import { addEngineCommand } from "../engine-command.js";
import { loadEngine } from "../../engines/registry.js";
import { CliUsageError as UsageError } from "./common.js";

/** A missing --report is a typo on the command line (exit 2), not a failed analysis. */
function checkReports(reports: string[], cwd: string | undefined): void {
  for (const report of reports) {
    let isFile = false;
    try {
      isFile = statSync(path.resolve(cwd ?? process.cwd(), report)).isFile();
    } catch {
      // reported below
    }
    if (!isFile) throw new UsageError(`--report ${report}: no such file: give the path of a coverage report (lcov.info, coverage-final.json, coverage.xml, …)`);
  }
}

function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

export function register(program: Command): void {
  addEngineCommand(program, {
    name: "coverage",
    kind: "coverage-analysis",
    load: () => loadEngine("coverage-analysis"),
    summary: "coverage analysis: totals as your tool prints them, risky untested code, diff coverage",
    title: "Coverage analysis",
    pathsMustExist: true,
    args: "[paths...]",
    argsDescription: "only these files or directories: where to look for reports and which sources count (default: the whole workspace)",
    configure(cmd) {
      cmd
        .option("--report <file>", "coverage report to read (repeatable; several merge); default: found in coverage/, htmlcov/, .coverage, target/site/jacoco/…", collect)
        .option("--base <ref>", "diff coverage: changed lines since this git revision")
        .option("--allow-exec", "when no report exists, run the project's own test command under coverage (npm test under c8 or nyc, pytest/unittest under coverage.py)")
        .addOption(new Option("--run-tests", "deprecated spelling of --allow-exec").hideHelp());
    },
    toOptions(opts, args) {
      if (opts.runTests === true) process.stderr.write("bgr: --run-tests is deprecated: use --allow-exec (the same flag as bgr run/spawn)\n");
      const reports = (opts.report as string[] | undefined) ?? [];
      checkReports(reports, opts.cwd as string | undefined);
      return {
        scope: args,
        options: {
          reports,
          base: opts.base as string | undefined,
          allowExec: opts.allowExec === true || opts.runTests === true,
        },
      };
    },
  });
}
