// `bgr ack REPORT|ID`: mark a report processed (only its `status:` value changes).
import type { Command } from "commander";
import { ackReport } from "../../runtime/reports.js";
import { action, printJson, rootOf, withCommonOptions } from "./common.js";

export function register(program: Command): void {
  withCommonOptions(
    program.command("ack").description("mark a report processed").argument("<report>", "report path or run id"),
  ).action(
    action(async (report: string, opts: Record<string, unknown>) => {
      const view = await ackReport(rootOf(opts), report);
      if (opts.json) printJson(view);
      else process.stdout.write(`${view.path}  ${view.status}\n`);
    }),
  );
}
