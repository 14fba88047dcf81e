// `bgr review [--base REF] [--head REF] [--staged] [PATH…]`: the code review engine, directly.
import type { Command } from "commander";
import { addEngineCommand } from "../engine-command.js";

export function register(program: Command): void {
  addEngineCommand(program, {
    name: "review",
    kind: "code-review",
    summary: "code review of a git change: findings at the changed lines and a verdict (approve / comment / request changes)",
    title: "Code review",
    args: "[paths...]",
    argsDescription: "only these files of the change (default: every changed file)",
    configure(cmd) {
      cmd
        .option("--base <ref>", "review the commits since the merge-base with this branch, tag or commit (default: the default branch; on it, the uncommitted change or else the last commit)")
        .option("--head <ref>", "review this branch, tag or commit instead of HEAD; it need not be checked out")
        .option("--staged", "review the staged change (the index) instead of commits or the working tree")
        .option("--no-exec", "do not run the project's linters (ESLint, ruff, flake8)");
    },
    toOptions(opts, args) {
      return {
        scope: args,
        options: {
          base: opts.base as string | undefined,
          head: opts.head as string | undefined,
          staged: opts.staged === true,
          allowExec: opts.exec !== false,
        },
      };
    },
  });
}
