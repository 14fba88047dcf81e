// Tool arguments checked against the tool's shape, with the first problem
// as one line naming the field and the fix: the orchestrating model reads
// this and retries, so a multi-line zod dump would only get in its way.
import { z } from "zod";
import { didYouMean } from "../protocol/did-you-mean.js";

export class ToolInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ToolInputError";
  }
}

function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "a list";
  if (typeof value === "string") return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  return typeof value === "object" ? "an object" : `${typeof value} ${String(value)}`;
}

function valueAt(args: unknown, path: PropertyKey[]): unknown {
  let value = args;
  for (const key of path) value = value && typeof value === "object" ? (value as Record<PropertyKey, unknown>)[key] : undefined;
  return value;
}

function oneLine(issue: z.core.$ZodIssue, args: unknown, known: string[]): string {
  const field = issue.path.map(String).join(".") || "arguments";
  const got = valueAt(args, issue.path);
  if (got === undefined && (issue.code === "invalid_union" || issue.code === "invalid_type")) {
    return `${field}: required${field === "ids" ? " (one run id, or a list of them, as returned by spawn_background_agent)" : ""}`;
  }
  switch (issue.code) {
    case "unrecognized_keys":
      return issue.keys
        .map((key) => `${key}: not a field of this tool${didYouMean(key, known) || `: fields are ${known.join(", ")}`}`)
        .join("; ");
    case "invalid_value":
      return `${field}: use one of ${issue.values.map(String).join(", ")} (got ${describe(got)})`;
    case "invalid_type":
      return `${field}: expected ${issue.expected}, got ${describe(got)}`;
    case "invalid_union":
      return `${field}: expected ${field === "ids" ? "one run id, or a list of them, as returned by spawn_background_agent" : "another shape"} (got ${describe(got)})`;
    case "too_small":
      return `${field}: ${Array.isArray(got) ? "give at least one item" : typeof got === "string" ? "must not be empty" : `must be at least ${String(issue.minimum)}`}`;
    case "too_big":
      return `${field}: must be at most ${String(issue.maximum)} (got ${describe(got)})`;
    default:
      return `${field}: ${issue.message.split("\n")[0]}`;
  }
}

/** The parsed arguments, or a ToolInputError whose message is one line. */
export function parseToolInput<T>(shape: z.ZodRawShape, args: unknown): T {
  if (args !== undefined && (typeof args !== "object" || args === null || Array.isArray(args))) {
    throw new ToolInputError(`arguments: expected an object of named fields, got ${describe(args)}`);
  }
  const parsed = z.strictObject(shape).safeParse(args ?? {});
  if (parsed.success) return parsed.data as T;
  const issue = parsed.error.issues[0]!;
  throw new ToolInputError(oneLine(issue, args, Object.keys(shape)));
}

/** MCP's inputSchema/outputSchema: JSON Schema draft-07 (what clients' validators expect), no $schema key. */
export function jsonSchemaOf(schema: z.ZodType, io: "input" | "output"): { type: "object"; [key: string]: unknown } {
  const converted = z.toJSONSchema(schema, { target: "draft-7", io, unrepresentable: "any" }) as Record<string, unknown>;
  delete converted.$schema;
  return converted as { type: "object" };
}
