// `bgr check REPORT`: the seed's Quality Checklist, item by item. Exit 0 all hold, 1 otherwise.
import type { Command } from "commander";
import { checkReport } from "../../runtime/check.js";
import { action, printJson, rootOf, withCommonOptions } from "./common.js";

export function register(program: Command): void {
  withCommonOptions(
    program
      .command("check")
      .description("verify a report against the seed's quality checklist (exit 0 all hold, 1 otherwise)")
      .argument("<report>", "report path or run id")
      .option("--session <file>", "session file to check (default: the run's, or the report's session_reference)"),
  ).action(
    action(async (report: string, opts: Record<string, unknown>) => {
      const result = await checkReport(rootOf(opts), report, opts.session !== undefined ? { session: opts.session as string } : {});
      if (opts.json) printJson(result);
      else {
        process.stdout.write(`${result.report}\n`);
        for (const item of result.items) process.stdout.write(`[${item.ok ? "x" : " "}] ${item.item}: ${item.detail}\n`);
        process.stdout.write(result.ok ? "all checks hold\n" : `${result.items.filter((i) => !i.ok).length} check(s) failed\n`);
      }
      return result.ok ? 0 : 1;
    }),
  );
}
