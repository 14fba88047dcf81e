// `bgr review [--base REF] [--head REF] [--staged] [--allow-exec] [PATH…]`: the code review engine, directly.
import { type Command, Option } from "commander";
import { addEngineCommand } from "../engine-command.js";
import { loadEngine } from "../../engines/registry.js";
import { CliUsageError } from "./common.js";

/** What `--no-exec` says now that not running the project's code is the default. */
export const NO_EXEC_NOTICE =
  "bgr: --no-exec is now the default and does nothing: a review runs the project's linters only with --allow-exec\n";

export function register(program: Command): void {
  addEngineCommand(program, {
    name: "review",
    kind: "code-review",
    load: () => loadEngine("code-review"),
    summary: "code review of a git change: findings at the changed lines and a verdict (approve / comment / request changes / nothing to review)",
    title: "Code review",
    args: "[paths...]",
    argsDescription: "only these files of the change (default: every changed file)",
    configure(cmd) {
      cmd
        .option("--base <ref>", "review the commits since the merge-base with this branch, tag or commit (default: the default branch; on it, the uncommitted change or else the last commit)")
        .option("--head <ref>", "review this branch, tag or commit instead of HEAD; it need not be checked out")
        .option("--staged", "review the staged change (the index) instead of commits or the working tree")
        .option("--allow-exec", "also run the project's own linters (its node_modules ESLint, ruff, flake8, with their configs and plugins): this executes the repository's code")
        // Kept so that scripts written for the old opt-out keep working; it changes nothing.
        .addOption(new Option("--no-exec", "accepted for compatibility: not running the project's code is the default").hideHelp());
    },
    toOptions(opts, args) {
      if (opts.exec === false && opts.allowExec === true) {
        throw new CliUsageError("--allow-exec and --no-exec contradict each other: keep --allow-exec to run the project's linters, or drop both (not running them is the default)");
      }
      if (opts.exec === false) process.stderr.write(NO_EXEC_NOTICE);
      return {
        scope: args,
        options: {
          base: opts.base as string | undefined,
          head: opts.head as string | undefined,
          staged: opts.staged === true,
          allowExec: opts.allowExec === true,
        },
      };
    },
  });
}
