// `bgr list`: every run, optionally of one session or one status.
import type { Command } from "commander";
import { listRuns } from "../../runtime/status.js";
import { action, printJson, rootOf, withCommonOptions } from "./common.js";
import { describeRun } from "./status.js";

export function register(program: Command): void {
  withCommonOptions(
    program
      .command("list")
      .description("list runs (dead runners are settled as failed)")
      .option("--session <file>", "only runs registered in this session file")
      .option("--status <status>", "only runs with this status: running, completed, failed"),
  ).action(
    action(async (opts: Record<string, unknown>) => {
      const runs = await listRuns(rootOf(opts), {
        ...(opts.session !== undefined ? { session: opts.session as string } : {}),
        ...(opts.status !== undefined ? { status: opts.status as string } : {}),
      });
      if (opts.json) printJson(runs);
      else process.stdout.write(runs.length ? `${runs.map(describeRun).join("\n")}\n` : "no runs\n");
    }),
  );
}
