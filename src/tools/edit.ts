// Edit: exact string replacement, never a fuzzy patch. A model that cannot
// quote the text it wants to change uniquely gets told so and must re-read,
// which is cheaper than a wrong edit in someone's code.
import { mkdir, stat } from "node:fs/promises";
import path from "node:path";
import writeFileAtomic from "write-file-atomic";
import { z } from "zod";
import { readTextFile } from "./read.js";
import { gateEdit } from "./write-gate.js";
import type { ToolContext, ToolDefinition } from "./index.js";

export const editInput = z
  .object({
    file_path: z.string().min(1).describe("Path of the file to change, relative to the workspace root."),
    old_string: z
      .string()
      .describe("The exact text to replace, including whitespace and indentation. Empty only to create a new file."),
    new_string: z.string().describe("The text to put in its place."),
    replace_all: z
      .boolean()
      .optional()
      .describe("Replace every occurrence instead of requiring old_string to be unique (default false)."),
  })
  .strict();

export type EditInput = z.infer<typeof editInput>;

function countOccurrences(haystack: string, needle: string): number {
  let count = 0;
  for (let at = haystack.indexOf(needle); at !== -1; at = haystack.indexOf(needle, at + needle.length)) count++;
  return count;
}

async function exists(absolute: string): Promise<boolean> {
  try {
    await stat(absolute);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return false;
    throw error;
  }
}

async function createFile(absolute: string, relative: string, content: string): Promise<string> {
  await mkdir(path.dirname(absolute), { recursive: true });
  await writeFileAtomic(absolute, content);
  const lines = content === "" ? 0 : content.split("\n").length - (content.endsWith("\n") ? 1 : 0);
  return `Created ${relative} (${lines} lines)`;
}

async function executeEdit(input: EditInput, ctx: ToolContext): Promise<string> {
  // Judged by where the bytes would land: a writable name that links to the session is the session.
  const target = gateEdit(ctx.root, input.file_path, (p) => ctx.canWrite(p), ctx.writableDescription ?? "its report and the report's sidecars");
  const absolute = target.real;
  const relative = target.rel;
  if (!(await exists(absolute))) {
    if (input.old_string !== "") {
      throw new Error(`${relative} does not exist: to create it, pass an empty old_string and the content as new_string`);
    }
    return createFile(absolute, relative, input.new_string);
  }

  const { text } = await readTextFile(ctx.root, target.realRel);
  if (input.old_string === "") {
    if (text !== "") {
      throw new Error(`old_string is empty but ${relative} already has content: quote the exact text to replace`);
    }
    await writeFileAtomic(absolute, input.new_string);
    return `Wrote ${relative}`;
  }
  if (input.old_string === input.new_string) {
    throw new Error("old_string and new_string are identical: nothing to change");
  }
  const count = countOccurrences(text, input.old_string);
  if (count === 0) {
    const hint =
      text.includes("\r\n") && input.old_string.includes("\n") && !input.old_string.includes("\r\n")
        ? " (the file uses CRLF line endings; include \\r\\n in old_string)"
        : ": Read the file again and copy the text exactly, whitespace included";
    throw new Error(`old_string was not found in ${relative}${hint}`);
  }
  if (count > 1 && !input.replace_all) {
    throw new Error(
      `old_string occurs ${count} times in ${relative}: add surrounding lines to make it unique, or set replace_all to true`,
    );
  }
  // split/join rather than String.replace: "$&" and friends in new_string must stay literal.
  const updated = input.replace_all
    ? text.split(input.old_string).join(input.new_string)
    : text.replace(input.old_string, () => input.new_string);
  await writeFileAtomic(absolute, updated);
  return `Edited ${relative}: ${input.replace_all ? count : 1} replacement${(input.replace_all ? count : 1) === 1 ? "" : "s"}`;
}

export const editTool: ToolDefinition<typeof editInput> = {
  name: "Edit",
  description:
    "Replace exact text in a workspace file. old_string must match the file exactly (whitespace included) and be unique " +
    "unless replace_all is true. To create a new file, give an empty old_string and the whole content as new_string. " +
    "Only files this run is allowed to write can be edited; other paths are refused with the reason.",
  inputSchema: editInput,
  readonly: false,
  execute: executeEdit,
};
