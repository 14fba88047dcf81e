// `bgr cancel ID`: SIGTERM the run's process group, SIGKILL after the grace period; it ends failed.
import type { Command } from "commander";
import { cancelRun } from "../../runtime/status.js";
import { action, printJson, rootOf, withCommonOptions } from "./common.js";

export function register(program: Command): void {
  withCommonOptions(program.command("cancel").description("stop a run; it ends failed with a partial report").argument("<id>", "run id")).action(
    action(async (id: string, opts: Record<string, unknown>) => {
      const run = await cancelRun(rootOf(opts), id);
      if (opts.json) printJson(run);
      else if (!run.cancelled) process.stdout.write(`${run.id} had already ended (${run.status}): nothing to cancel; report ${run.result_location ?? run.report}\n`);
      else process.stdout.write(`${run.id}  ${run.status}  ${run.result_location ?? run.report}${run.error ? `\n  ${run.error}` : ""}\n`);
    }),
  );
}
