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
