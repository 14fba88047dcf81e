// `bgr coverage [PATH] --report F… --base REF`: the coverage engine, directly.
import type { Command } from "commander";
import { addEngineCommand } from "../engine-command.js";

function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

export function register(program: Command): void {
  addEngineCommand(program, {
    name: "coverage",
    kind: "coverage-analysis",
    summary: "coverage analysis: totals as your tool prints them, risky untested code, diff coverage",
    args: "[paths...]",
    configure(cmd) {
      cmd
        .option("--report <file>", "coverage report to read (repeatable; several merge); default: found in coverage/, htmlcov/, .coverage, target/site/jacoco/…", collect)
        .option("--base <ref>", "diff coverage: changed lines since this git revision")
        .option("--run-tests", "when no report exists, run the project's tests under coverage (c8/node, coverage.py)");
    },
    toOptions(opts, args) {
      return {
        scope: args,
        options: {
          reports: (opts.report as string[] | undefined) ?? [],
          base: opts.base as string | undefined,
          allowExec: opts.runTests === true,
        },
      };
    },
  });
}
