// A prompt is text a person or an orchestrator wrote. Bytes that no such text
// holds — NUL, other control characters, the U+FFFD left behind when binary
// was decoded as UTF-8 — mean a binary file or a broken pipe was handed over
// as the task; running it would file a report about garbage.
import { InputError } from "../protocol/ids.js";
import type { RunRequest } from "./request.js";

/** Far beyond any task description; a larger "prompt" is a file pasted by mistake. */
export const MAX_PROMPT_CHARS = 1024 * 1024;

// Tab, LF, CR and form feed occur in real text; every other C0 control, DEL and the C1 block do not.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000B\u000E-\u001F\u007F-\u009F]/;

export function textProblem(text: string): string | undefined {
  const control = CONTROL.exec(text);
  if (control) {
    const code = control[0].charCodeAt(0);
    return code === 0 ? "contains a NUL byte (binary data?)" : `contains the control character U+${code.toString(16).toUpperCase().padStart(4, "0")}`;
  }
  if (text.includes("\uFFFD")) return "contains bytes that are not valid UTF-8 (binary data?)";
  return undefined;
}

function check(label: string, value: unknown): void {
  if (typeof value !== "string") return;
  const problem = textProblem(value);
  if (problem) throw new InputError(`${label} ${problem}: give the task as plain UTF-8 text`);
}

export function checkPromptText(request: RunRequest): void {
  if (request.prompt !== undefined && request.prompt.length > MAX_PROMPT_CHARS) {
    throw new InputError(`the prompt is ${request.prompt.length} characters, over the ${MAX_PROMPT_CHARS}-character limit: describe the task and list the files instead of pasting them`);
  }
  check("the prompt", request.prompt);
  for (const key of ["task", "kind", "output", "session", "id", "agent", "model"] as const) check(`--${key}`, request[key]);
  for (const entry of [...(request.files ?? []), ...(request.scope ?? [])]) check("a Files/scope path", entry);
}
