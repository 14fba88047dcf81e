// `bgr audit [PATH…]`: the security audit engine, directly.
import type { Command } from "commander";
import { addEngineCommand } from "../engine-command.js";

export function register(program: Command): void {
  addEngineCommand(program, {
    name: "audit",
    kind: "security-audit",
    summary: "security audit (taint-tracking SAST, OWASP Top 10) of Python, JavaScript and TypeScript files",
    title: "Security audit",
    pathsMustExist: true,
    args: "[paths...]",
    argsDescription: "files or directories to audit (default: the whole workspace)",
  });
}
