// The sandboxed tools of the seed's agent (Read, Edit, Glob, Grep), in one
// registry that engines call directly and model-driven runs offer to a model.
// Every tool resolves paths through sandbox.ts; a failure is a one-line
// message the caller (or the model) can act on, never a stack trace.
import { z } from "zod";
import { editTool } from "./edit.js";
import { globTool } from "./glob.js";
import { grepTool } from "./grep.js";
import { readTool } from "./read.js";

export interface ToolContext {
  /** Absolute path of the workspace root. */
  root: string;
  /** Whether this run may write the given workspace-relative path. */
  canWrite(workspacePath: string): boolean;
  /** Named in refusals so a model knows where it may write, e.g. "only .agents/reports/x.md". */
  writableDescription?: string;
  signal?: AbortSignal;
}

export interface ToolDefinition<Schema extends z.ZodType = z.ZodType> {
  name: string;
  /** Written for a model: what the tool does, its output shape and its limits. */
  description: string;
  inputSchema: Schema;
  /** False for tools that change files, so read-only agents can drop them. */
  readonly: boolean;
  execute(input: z.infer<Schema>, ctx: ToolContext): Promise<string>;
}

export const TOOLS = {
  Read: readTool,
  Edit: editTool,
  Glob: globTool,
  Grep: grepTool,
} as const satisfies Record<string, ToolDefinition>;

export type ToolName = keyof typeof TOOLS;
export const TOOL_NAMES = Object.keys(TOOLS) as ToolName[];

export function isToolName(name: string): name is ToolName {
  return Object.prototype.hasOwnProperty.call(TOOLS, name);
}

export interface ToolOutcome {
  ok: boolean;
  /** The tool's answer, or the reason it refused. */
  text: string;
}

/** One line per problem, naming the field: what a model needs to fix its call. */
export function describeIssues(error: z.ZodError): string {
  return error.issues
    .map((issue) => `${issue.path.length > 0 ? issue.path.join(".") : "input"}: ${issue.message}`)
    .join("; ");
}

/** Validates raw input (e.g. a model's tool call) and runs the tool; errors come back as text, never thrown. */
export async function runTool(name: string, input: unknown, ctx: ToolContext): Promise<ToolOutcome> {
  if (!isToolName(name)) {
    return { ok: false, text: `unknown tool ${JSON.stringify(name)}: available tools are ${TOOL_NAMES.join(", ")}` };
  }
  const tool: ToolDefinition = TOOLS[name];
  const parsed = tool.inputSchema.safeParse(input ?? {});
  if (!parsed.success) {
    return { ok: false, text: `invalid input for ${name}: ${describeIssues(parsed.error)}` };
  }
  try {
    return { ok: true, text: await tool.execute(parsed.data, ctx) };
  } catch (error) {
    return { ok: false, text: error instanceof Error ? error.message : String(error) };
  }
}

/** JSON Schema of a tool's input, in the form both provider APIs accept. */
export function toolJsonSchema(tool: ToolDefinition): Record<string, unknown> {
  const { $schema: _ignored, ...schema } = z.toJSONSchema(tool.inputSchema) as Record<string, unknown>;
  return schema;
}
