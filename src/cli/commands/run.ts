// `bgr run`: one task in the foreground — what `spawn` starts in the background.
import { Option, type Command } from "commander";
import { executeRun } from "../../runtime/execute.js";
import { action, agentNoteFor, printJson, requestFrom, rootOf, withCommonOptions, withRequestOptions } from "./common.js";

export function register(program: Command): void {
  const cmd = program
    .command("run")
    .description("run one task in the foreground: writes the report, settles the session entry (exit 0 completed, 1 failed, 2 bad input)")
    // spawn's runner: the request was resolved and reserved by spawn already.
    .addOption(new Option("--run-record <id>").hideHelp());
  withCommonOptions(withRequestOptions(cmd)).action(
    action(async (args: string[], opts: Record<string, unknown>) => {
      const root = rootOf(opts);
      const recordId = opts.runRecord as string | undefined;
      const request = recordId ? { options: {} } : await requestFrom(args, opts, root);
      const echo = !recordId && !opts.json && process.stderr.isTTY ? (line: string) => process.stderr.write(`${line}\n`) : undefined;
      const outcome = await executeRun(request, { cwd: root, ...(recordId ? { recordId } : {}), ...(echo ? { echo } : {}) });
      const note = recordId ? undefined : agentNoteFor(request);
      if (note) process.stderr.write(`bgr: note: ${note}\n`);
      if (opts.json) printJson(outcome);
      else if (!recordId) {
        process.stdout.write(`${outcome.status}: ${outcome.id}\nreport: ${outcome.report}\n${outcome.error ? `error: ${outcome.error}\n` : ""}`);
      }
      // An engine that ignored the abort must not keep the process alive after the run is settled.
      setImmediate(() => process.exit(outcome.status === "completed" ? 0 : 1)).unref();
      return outcome.status === "completed" ? 0 : 1;
    }),
  );
}
