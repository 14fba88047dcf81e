// The commander program every entry point shares: name, version, one-line
// errors, and SPEC's exit codes (2 for usage errors, 0 for --help/--version).
import { Command, CommanderError } from "commander";
import { VERSION } from "../version.js";

export function createProgram(): Command {
  return new Command("bgr")
    .description("the background runner: hands slow, non-interactive work to a runner that writes a structured report and settles the session")
    .version(VERSION)
    .exitOverride()
    .configureOutput({ outputError: (text, write) => write(`bgr: ${text.replace(/^error: /, "")}`) });
}

export async function runProgram(program: Command, argv: string[]): Promise<number> {
  try {
    await program.parseAsync(argv);
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : 2;
    throw error;
  }
  return typeof process.exitCode === "number" ? process.exitCode : 0;
}

/**
 * Exits once stdout and stderr are flushed, for commands whose work is over when their action
 * returns (audit, review, coverage), rather than when the event loop has drained: on a warm
 * audit the drain waited ~10 ms on a stray file request after the report was written (measured).
 * Servers (mcp, ui) and the runner, which settles a session, keep Node's ordinary exit.
 */
function exitWhenFlushed(code: number): void {
  let left = 2;
  // A write's callback runs once every earlier write to that stream has gone out.
  const flushed = () => {
    if (--left === 0) process.exit(code);
  };
  process.stdout.write("", flushed);
  process.stderr.write("", flushed);
}

/**
 * What every entry does (cli.ts, and the bundled spawn and audit entries): set up the program,
 * run it, print an unexpected error as one line, and set the exit code. No top-level await:
 * the build also emits the entries as classic scripts (code-cached, see scripts/bundle-commands.mjs).
 */
export function runEntry(setUp: (program: Command) => void | Promise<void>, exitsWhenDone: boolean): void {
  const program = createProgram();
  void (async () => {
    await setUp(program);
    return runProgram(program, process.argv);
  })()
    .catch((error: unknown) => {
      process.stderr.write(`bgr: ${(error as Error)?.message ?? String(error)}\n`);
      return 1;
    })
    .then((code) => {
      process.exitCode = code;
      if (exitsWhenDone) exitWhenFlushed(code);
    });
}
