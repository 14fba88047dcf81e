// `bgr spawn`: register the run and start it detached; print where to look.
import type { Command } from "commander";
import { spawnRun } from "../../runtime/spawn.js";
import { action, agentNoteFor, printJson, requestFrom, rootOf, withCommonOptions, withRequestOptions } from "./common.js";

export function register(program: Command): void {
  const cmd = program
    .command("spawn")
    .description("start a background run: registers the session entry as running, prints id, report, session, pid; returns at once");
  withCommonOptions(withRequestOptions(cmd)).action(
    action(async (args: string[], opts: Record<string, unknown>) => {
      const root = rootOf(opts);
      const request = await requestFrom(args, opts, root);
      const spawned = await spawnRun(request, { cwd: root });
      const note = agentNoteFor(request);
      if (note) process.stderr.write(`bgr: note: ${note}\n`);
      if (opts.json) {
        printJson(spawned);
      } else {
        process.stdout.write(
          `id: ${spawned.id}\nreport: ${spawned.report}\nsession: ${spawned.session ?? "(none)"}\npid: ${spawned.pid}\nlog: ${spawned.log}\n`,
        );
      }
    }),
  );
}
