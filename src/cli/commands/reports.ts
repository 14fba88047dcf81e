// `bgr reports [--status S]`: the reports in .agents/reports/.
import type { Command } from "commander";
import { listReports } from "../../runtime/reports.js";
import { action, printJson, rootOf, withCommonOptions } from "./common.js";

export function register(program: Command): void {
  withCommonOptions(
    program
      .command("reports")
      .description("list reports in .agents/reports/")
      .option("--status <status>", "only reports with this status: unprocessed, processed"),
  ).action(
    action(async (opts: Record<string, unknown>) => {
      const reports = await listReports(rootOf(opts), opts.status !== undefined ? { status: opts.status as string } : {});
      if (opts.json) return printJson(reports);
      if (reports.length === 0) return void process.stdout.write("no reports\n");
      for (const r of reports) {
        const state = r.error ? `invalid (${r.error})` : `${r.status}${r.partial ? " partial" : ""}`;
        process.stdout.write(`${r.path}  ${state}  ${r.id ?? "-"}  ${r.title ?? ""}\n`);
      }
    }),
  );
}
