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
import { inferKind, parsePrompt } from "./prompt.js";

/** The tools bgr gives a model (src/tools; a test keeps the two in step), and an agent's default. */
export const DEFAULT_TOOLS = ["Read", "Edit", "Glob", "Grep"] as const;
const OFFERED_TOOLS: readonly string[] = DEFAULT_TOOLS;

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
  /** The part of `tools` bgr actually offers a model run; the rest is named in `warnings`. */
  offeredTools: string[];
  /** What bgr will not honour in this file: tools it does not offer, keys it ignores, a model alias it may refuse. */
  warnings: string[];
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

/**
 * The model names Claude Code and Cursor agent files use instead of ids.
 * Anthropic serves them; an OpenAI-compatible server has no such models, so
 * there an alias is refused rather than sent as an id it will not know.
 */
export const MODEL_ALIASES: Record<string, { anthropic: string; origin: "Claude Code" | "Cursor" }> = {
  sonnet: { anthropic: "claude-sonnet-4-5", origin: "Claude Code" },
  opus: { anthropic: "claude-opus-4-1", origin: "Claude Code" },
  haiku: { anthropic: "claude-haiku-4-5", origin: "Claude Code" },
  fast: { anthropic: "claude-haiku-4-5", origin: "Cursor" },
};

/** A model alias for the provider that will serve it: the id, or a one-line reason it cannot be used there. */
export function modelForProvider(model: string, provider: string): { model: string } | { error: string } {
  const alias = MODEL_ALIASES[model.toLowerCase()];
  if (!alias) return { model };
  if (provider === "anthropic") return { model: alias.anthropic };
  return {
    error: `model "${model}" is ${alias.origin}'s alias for an Anthropic model (${alias.anthropic}); provider ${provider} has no such model: give a model id the server serves (--model, BGR_MODEL or model: in the agent file), or use provider anthropic`,
  };
}

/** Whether a model value names a Claude model once aliases are resolved (decides the provider when none is given). */
export function isAnthropicModel(model: string): boolean {
  return MODEL_ALIASES[model.toLowerCase()] !== undefined || /^claude/i.test(model);
}

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
  const offeredTools = tools.filter((tool) => OFFERED_TOOLS.includes(tool));
  const warnings: string[] = [];
  const notOffered = tools.filter((tool) => !OFFERED_TOOLS.includes(tool));
  if (notOffered.length > 0) {
    warnings.push(`tools ${notOffered.join(", ")}: bgr does not offer ${notOffered.length === 1 ? "it" : "them"} (only ${OFFERED_TOOLS.join(", ")}); a run gets ${offeredTools.join(", ") || "no tools"}`);
  }
  const ignored = Object.keys(extra);
  if (ignored.length > 0) warnings.push(`keys ${ignored.join(", ")}: bgr ignores ${ignored.length === 1 ? "it" : "them"} (kept in the file, no effect on runs)`);
  const alias = MODEL_ALIASES[model.toLowerCase()];
  if (alias) warnings.push(`model ${model}: ${alias.origin}'s alias, run as ${alias.anthropic} with provider anthropic; refused with provider openai (give a model id there)`);

  return {
    name, description, model, background, readonly, tools, offeredTools, warnings, disallowedTools,
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
  const broken = scan.invalid.find((error) => path.basename(error.source).replace(/\.md$/i, "") === name);
  // A broken file earlier in the search order is the one the user meant: its error, not a quiet fallback to a later one.
  if (broken && (!found || searchRank(broken.source) < searchRank(found.source))) throw broken;
  if (found) return found;
  throw new AgentDefinitionError(
    name,
    `no agent definition named "${name}" in ${AGENT_DIRS.join(", ")} or built in; known: ${scan.agents.map((a) => a.name).join(", ")}`,
  );
}

function searchRank(source: string): number {
  const index = AGENT_DIRS.findIndex((dir) => source.startsWith(`${dir}/`));
  return index === -1 ? AGENT_DIRS.length : index;
}

/**
 * What a named agent does in a run of an engine kind, which runs bgr's own
 * analysis, not a model: said on the command line and in the run log, so an
 * agent's prompt is never silently unused. Undefined when nothing needs saying.
 */
export function agentUseNote(kind: string, agent: string, triage: boolean, surface: "cli" | "mcp" = "cli"): string | undefined {
  if (kind === "llm" || agent === BUILTIN_AGENT_NAME) return undefined;
  const [triageFlag, kindFlag] = surface === "mcp" ? ["triage: true", 'kind: "llm"'] : ["--triage", "--kind llm"];
  if (triage) return `agent ${agent}: its prompt, tools and model review the ${kind} engine's findings (${triageFlag})`;
  return `agent ${agent}: a ${kind} run is bgr's own engine, so the agent's prompt, tools and model are not used; add ${triageFlag} to let it review the findings, or ${kindFlag} to run it as a model task`;
}

/** agentUseNote for a request as a caller gave it (flags win over the prompt, as in resolution). */
export function agentNoteFor(request: { prompt?: string; task?: string; kind?: string; agent?: string; triage?: boolean; surface?: "cli" | "mcp" }): string | undefined {
  const parsed = parsePrompt(request.prompt ?? "");
  const agent = request.agent ?? parsed.agent;
  const task = request.task ?? parsed.task;
  if (!agent || !task) return undefined;
  const kind = (request.kind ?? parsed.kind)?.trim().toLowerCase() ?? inferKind(task, parsed.instructions);
  return agentUseNote(kind, agent, request.triage === true, request.surface);
}
