// `bgr ui`: the dashboard for one workspace, on 127.0.0.1 behind a random
// access token; `--export FILE` writes it as one self-contained HTML file.
import { spawn } from "node:child_process";
import type { Command } from "commander";
import { action, CliUsageError, printJson, rootOf, withCommonOptions } from "./common.js";

function parsePort(value: unknown): number {
  if (value === undefined) return 0;
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new CliUsageError(`--port ${String(value)}: give a port number from 1 to 65535 (or leave it out for a free one)`);
  return port;
}

function openBrowser(url: string): void {
  const command = process.platform === "darwin" ? "open" : process.platform === "win32" ? "explorer" : "xdg-open";
  try {
    const child = spawn(command, [url], { detached: true, stdio: "ignore" });
    child.on("error", () => process.stderr.write(`bgr ui: could not start a browser (${command}); open the URL yourself\n`));
    child.unref();
  } catch {
    process.stderr.write(`bgr ui: could not start a browser (${command}); open the URL yourself\n`);
  }
}

export function register(program: Command): void {
  withCommonOptions(
    program
      .command("ui")
      .description("serve the dashboard (runs live, reports, coverage, trends) on 127.0.0.1 with an access token")
      .option("--port <n>", "port to listen on (default: a free one)")
      .option("--open", "open the dashboard in the default browser")
      .option("--export <file>", "write the dashboard as one self-contained HTML file instead of serving it (relative to the current directory)"),
  ).action(
    action(async (opts: Record<string, unknown>) => {
      const root = rootOf(opts);
      if (opts.export !== undefined) {
        const [{ renderWorkspaceExport }, { writeOutput }] = await Promise.all([import("../../ui/export.js"), import("../engine-command.js")]);
        await writeOutput(String(opts.export), await renderWorkspaceExport(root));
        process.stderr.write(`bgr ui: dashboard written to ${String(opts.export)}\n`);
        return;
      }
      const port = parsePort(opts.port);
      const { startUiServer } = await import("../../ui/server.js");
      let ui;
      try {
        ui = await startUiServer({ root, port });
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === "EADDRINUSE") throw new CliUsageError(`--port ${port}: that port is in use; pick another or leave --port out`);
        throw error;
      }
      if (opts.json) printJson({ url: ui.url, port: ui.port, token: ui.token });
      else process.stdout.write(`bgr ui: ${ui.url}\n(serving ${root} on 127.0.0.1 only; Ctrl-C stops it)\n`);
      if (opts.open) openBrowser(ui.url);
      await new Promise<void>((resolve) => {
        const stop = () => void ui.close().then(resolve);
        process.once("SIGINT", stop);
        process.once("SIGTERM", stop);
      });
    }),
  );
}
