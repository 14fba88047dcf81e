// `bgr wait ID…`: block until the runs end. Exit 0 all completed, 1 any failed, 124 timeout.
import type { Command } from "commander";
import { waitRuns } from "../../runtime/status.js";
import { action, CliUsageError, printJson, rootOf, withCommonOptions } from "./common.js";

export function register(program: Command): void {
  withCommonOptions(
    program
      .command("wait")
      .description("block until the runs end (exit 0 all completed, 1 any failed, 124 timeout)")
      .argument("<ids...>", "run ids")
      .option("--timeout <seconds>", "give up after this many seconds"),
  ).action(
    action(async (ids: string[], opts: Record<string, unknown>) => {
      let timeoutSec: number | undefined;
      if (opts.timeout !== undefined) {
        timeoutSec = Number(opts.timeout);
        if (!Number.isFinite(timeoutSec) || timeoutSec < 0) throw new CliUsageError(`--timeout ${String(opts.timeout)}: give a number of seconds, 0 or more`);
      }
      const result = await waitRuns(rootOf(opts), ids, timeoutSec === undefined ? {} : { timeoutSec });
      if (opts.json) printJson(result);
      else {
        for (const run of result.runs) process.stdout.write(`${run.id}  ${run.status}  ${run.result_location ?? run.report}\n`);
        if (result.status === "timeout") process.stdout.write("timed out waiting\n");
      }
      return result.status === "completed" ? 0 : result.status === "failed" ? 1 : 124;
    }),
  );
}
