// `bgr status ID`: one run's state; a dead runner is noticed and settled here.
import type { Command } from "commander";
import { getStatus, type RunStatusView } from "../../runtime/status.js";
import { action, printJson, rootOf, withCommonOptions } from "./common.js";

export function describeRun(run: RunStatusView): string {
  if (run.status === "unreadable") return `${run.id}  unreadable  ${run.error ?? ""}`;
  const lines = [
    `${run.id}  ${run.status}  ${run.kind}  "${run.task}"`,
    `  agent: ${run.agent}  pid: ${run.pid ?? "-"}  started: ${run.started}${run.ended ? `  ended: ${run.ended}` : ""}`,
    `  report: ${run.result_location ?? `${run.report} (when done)`}`,
  ];
  if (run.session) lines.push(`  session: ${run.session}`);
  if (run.error) lines.push(`  error: ${run.error}`);
  return lines.join("\n");
}

export function register(program: Command): void {
  withCommonOptions(program.command("status").description("state of one run").argument("<id>", "run id")).action(
    action(async (id: string, opts: Record<string, unknown>) => {
      const run = await getStatus(rootOf(opts), id);
      if (opts.json) printJson(run);
      else process.stdout.write(`${describeRun(run)}\n`);
    }),
  );
}
