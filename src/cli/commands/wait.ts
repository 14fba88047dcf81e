// `bgr wait ID…`: block until the runs end. Exit 0 all completed, 1 any failed, 124 timeout.
import type { Command } from "commander";
import { parseDuration } from "../../runtime/request.js";
import { waitRuns } from "../../runtime/status.js";
import { action, printJson, rootOf, withCommonOptions } from "./common.js";

export function register(program: Command): void {
  withCommonOptions(
    program
      .command("wait")
      .description("block until the runs end (exit 0 all completed, 1 any failed, 124 timeout)")
      .argument("<ids...>", "run ids")
      .option("--timeout <duration>", "give up after this long: 90 (seconds), 90s, 30m, 1h; 0 checks once"),
  ).action(
    action(async (ids: string[], opts: Record<string, unknown>) => {
      let timeoutSec: number | undefined;
      if (opts.timeout !== undefined) {
        // The same durations as every other --timeout; 0 is a poll: answer now.
        timeoutSec = /^\s*0+(?:\.0*)?\s*(?:ms|s|m|h)?\s*$/i.test(String(opts.timeout)) ? 0 : parseDuration(String(opts.timeout)) / 1000;
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
