// Agent definitions: markdown with YAML front matter, in the shapes seen in
// the wild (Claude Code, Cursor, the seed). Everything downstream (the llm
// engine, `bgr agents`, the runtime) reads the normalized AgentDefinition and
// never the raw keys.
import { readdir, readFile } from "node:fs/promises";
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseDocument } from "yaml";
import { frontMatterYamlError } from "./front-matter-error.js";

export const DEFAULT_TOOLS = ["Read", "Edit", "Glob", "Grep"] as const;

/** Folders searched for agent definitions, in priority order (SPEC "Files"). */
export const AGENT_DIRS = [".agents/agents", ".claude/agents", ".cursor/agents"] as const;

export const BUILTIN_AGENT_NAME = "background-runner";

export interface AgentDefinition {
  name: string;
  description: string;
  /** "inherit" (use the session's / caller's model) or a model id. */
  model: string;
  background: boolean;
  readonly: boolean;
  /** Allowed tool names, normalized ("read" → "Read"), minus disallowedTools; readonly removes Edit. */
  tools: string[];
  disallowedTools: string[];
  maxTurns?: number;
  /** The markdown body: the agent's system prompt. */
  prompt: string;
  /** Workspace-relative path of the definition file, or "builtin". */
  source: string;
  /** Unknown front-matter keys, kept verbatim. */
  extra: Record<string, unknown>;
}

export class AgentDefinitionError extends Error {
  constructor(
    readonly source: string,
    message: string,
  ) {
    super(`${source}: ${message}`);
    this.name = "AgentDefinitionError";
  }
}

const KNOWN_KEYS = new Set([
  "name", "description", "model", "is_background", "background", "readonly",
  "tools", "disallowedTools", "maxTurns",
]);

const CANONICAL_TOOL_NAMES = new Map(
  ["Read", "Edit", "Glob", "Grep", "Write", "Bash", "WebFetch", "WebSearch", "MultiEdit", "LS", "Task", "TodoWrite", "NotebookEdit"]
    .map((name) => [name.toLowerCase(), name] as const),
);

const AGENT_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

/** Splits `---\n<yaml>\n---\n<body>`; a file without front matter has none. */
export function splitFrontMatter(text: string): { frontMatter: string | undefined; body: string } {
  const match = /^\uFEFF?---[ \t]*\r?\n([\s\S]*?)^---[ \t]*(?:\r?\n|$)/m.exec(text);
  if (!match || match.index !== 0) return { frontMatter: undefined, body: text };
  return { frontMatter: match[1], body: text.slice(match[0].length) };
}

function normalizeToolName(raw: string): string {
  const trimmed = raw.trim();
  return CANONICAL_TOOL_NAMES.get(trimmed.toLowerCase()) ?? trimmed;
}

/** A map `{Read: true}`, a list `[Read, Grep]` or a string `"Read, Grep"` → names. */
function parseToolList(value: unknown, key: string, source: string): string[] | undefined {
  if (value === undefined || value === null) return undefined;
  let names: string[];
  if (typeof value === "string") {
    names = value.split(/[,\s]+/);
  } else if (Array.isArray(value)) {
    names = value.map((item) => {
      if (typeof item !== "string") {
        throw new AgentDefinitionError(source, `"${key}" list items must be tool names (strings), got ${JSON.stringify(item)}`);
      }
      return item;
    });
  } else if (typeof value === "object") {
    names = Object.entries(value as Record<string, unknown>)
      .filter(([, enabled]) => enabled !== false && enabled !== null && enabled !== "false")
      .map(([name]) => name);
  } else {
    throw new AgentDefinitionError(
      source,
      `"${key}" must be a map like {Read: true}, a list, or a comma-separated string; got ${JSON.stringify(value)}`,
    );
  }
  const normalized = names.map(normalizeToolName).filter((name) => name.length > 0);
  return [...new Set(normalized)];
}

function parseBoolean(value: unknown, key: string, source: string): boolean | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === "boolean") return value;
  if (value === "true" || value === "yes") return true;
  if (value === "false" || value === "no") return false;
  throw new AgentDefinitionError(source, `"${key}" must be true or false, got ${JSON.stringify(value)}`);
}

function parseOptionalString(value: unknown, key: string, source: string): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === "string") return value.trim();
  if (typeof value === "number") return String(value);
  throw new AgentDefinitionError(source, `"${key}" must be a string, got ${JSON.stringify(value)}`);
}

/**
 * Parses one agent definition. `source` names the file in error messages and
 * is kept on the result; when the front matter has no `name`, the file's stem
 * is the name (that is how Claude Code resolves them too).
 */
export function parseAgentDefinition(text: string, source: string): AgentDefinition {
  const { frontMatter, body } = splitFrontMatter(text);
  if (frontMatter === undefined) {
    throw new AgentDefinitionError(source, "no YAML front matter; start the file with a '---' line, the keys (name, description, tools…), and a closing '---'");
  }
  const doc = parseDocument(frontMatter);
  if (doc.errors.length > 0) {
    throw new AgentDefinitionError(source, `front matter is not valid YAML ${frontMatterYamlError(doc.errors[0]!)}`);
  }
  const data: unknown = doc.toJS() ?? {};
  if (typeof data !== "object" || Array.isArray(data)) {
    throw new AgentDefinitionError(source, "front matter must be a mapping of keys (name: …, description: …)");
  }
  const raw = data as Record<string, unknown>;

  const fallbackName = source === "builtin" ? BUILTIN_AGENT_NAME : path.basename(source).replace(/\.md$/i, "");
  const name = parseOptionalString(raw.name, "name", source) || fallbackName;
  if (!AGENT_NAME.test(name)) {
    throw new AgentDefinitionError(source, `"name" must be letters, digits, '.', '_' or '-' (got ${JSON.stringify(name)})`);
  }
  const description = parseOptionalString(raw.description, "description", source) ?? "";
  const model = parseOptionalString(raw.model, "model", source) || "inherit";
  const background =
    parseBoolean(raw.background, "background", source) ?? parseBoolean(raw.is_background, "is_background", source) ?? false;
  const readonly = parseBoolean(raw.readonly, "readonly", source) ?? false;

  let maxTurns: number | undefined;
  if (raw.maxTurns !== undefined && raw.maxTurns !== null) {
    const n = typeof raw.maxTurns === "string" ? Number(raw.maxTurns) : raw.maxTurns;
    if (typeof n !== "number" || !Number.isInteger(n) || n < 1) {
      throw new AgentDefinitionError(source, `"maxTurns" must be a positive integer, got ${JSON.stringify(raw.maxTurns)}`);
    }
    maxTurns = n;
  }

  const disallowedTools = parseToolList(raw.disallowedTools, "disallowedTools", source) ?? [];
  const declared = parseToolList(raw.tools, "tools", source) ?? [...DEFAULT_TOOLS];
  const denied = new Set(disallowedTools);
  if (readonly) denied.add("Edit");
  const tools = declared.filter((tool) => !denied.has(tool));

  const extra: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(raw)) {
    if (!KNOWN_KEYS.has(key)) extra[key] = value;
  }

  return {
    name, description, model, background, readonly, tools, disallowedTools,
    ...(maxTurns !== undefined ? { maxTurns } : {}),
    prompt: body.replace(/^\s*\n/, "").trimEnd(),
    source, extra,
  };
}

/** The package root: the nearest folder above this module holding bgr's package.json (works from src/ and dist/src/). */
function packageRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const manifest = path.join(dir, "package.json");
    if (existsSync(manifest)) {
      try {
        if ((JSON.parse(readFileSync(manifest, "utf8")) as { name?: string }).name === "bgr") return dir;
      } catch {
        // an unreadable manifest is not ours; keep walking up
      }
    }
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error("bgr: cannot locate the package root (agents/background-runner.md); reinstall bgr");
    dir = parent;
  }
}

export function builtinAgentPath(): string {
  return path.join(packageRoot(), "agents", `${BUILTIN_AGENT_NAME}.md`);
}

export async function loadBuiltinAgent(): Promise<AgentDefinition> {
  return parseAgentDefinition(await readFile(builtinAgentPath(), "utf8"), "builtin");
}

export interface AgentScan {
  /** Winners by name, in search order, the built-in last unless shadowed. */
  agents: AgentDefinition[];
  /** Valid definitions hidden by an earlier one with the same name. */
  shadowed: AgentDefinition[];
  /** Files that failed to parse, with the reason. */
  invalid: AgentDefinitionError[];
}

/** Every definition under AGENT_DIRS plus the built-in, validated. */
export async function scanAgents(root: string): Promise<AgentScan> {
  const scan: AgentScan = { agents: [], shadowed: [], invalid: [] };
  const seen = new Set<string>();
  const accept = (agent: AgentDefinition) => {
    if (seen.has(agent.name)) {
      scan.shadowed.push(agent);
    } else {
      seen.add(agent.name);
      scan.agents.push(agent);
    }
  };
  for (const dir of AGENT_DIRS) {
    let entries: string[];
    try {
      entries = (await readdir(path.join(root, dir))).filter((f) => f.toLowerCase().endsWith(".md")).sort();
    } catch {
      continue;
    }
    for (const file of entries) {
      const source = `${dir}/${file}`;
      try {
        accept(parseAgentDefinition(await readFile(path.join(root, dir, file), "utf8"), source));
      } catch (error) {
        scan.invalid.push(
          error instanceof AgentDefinitionError ? error : new AgentDefinitionError(source, (error as Error).message),
        );
      }
    }
  }
  accept(await loadBuiltinAgent());
  return scan;
}

export async function findAgents(root: string): Promise<AgentDefinition[]> {
  return (await scanAgents(root)).agents;
}

/** The definition named `name` (first match wins); a clear error listing the known names otherwise. */
export async function resolveAgent(root: string, name: string = BUILTIN_AGENT_NAME): Promise<AgentDefinition> {
  const scan = await scanAgents(root);
  const found = scan.agents.find((agent) => agent.name === name);
  if (found) return found;
  const broken = scan.invalid.find((error) => path.basename(error.source).replace(/\.md$/i, "") === name);
  if (broken) throw broken;
  throw new AgentDefinitionError(
    name,
    `no agent definition named "${name}" in ${AGENT_DIRS.join(", ")} or built in; known: ${scan.agents.map((a) => a.name).join(", ")}`,
  );
}
