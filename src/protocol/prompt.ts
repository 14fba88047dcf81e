// The seed's "Example Task" prompt, parsed the way an orchestrator actually
// writes it: labels in any case, optionally bold or bulleted, values inline or
// as a list below, paths in backticks, extra lines anywhere. Whatever is not a
// recognised field is an instruction for the task and is kept, in order.
import type { TaskKind } from "../engines/types.js";

export interface ParsedPrompt {
  /** The first meaningful line (or a `Task:` field). */
  task?: string;
  files: string[];
  scope: string[];
  output?: string;
  session?: string;
  id?: string;
  kind?: string;
  agent?: string;
  model?: string;
  timeout?: string;
  /** Every other line, in order, trimmed of surrounding blank lines. */
  instructions: string;
}

type ScalarField = "task" | "output" | "session" | "id" | "kind" | "agent" | "model" | "timeout";
type ListField = "files" | "scope";
type Field = ScalarField | ListField;

// Longest labels first so "Background Agent ID" is not read as "Agent".
const LABELS: Array<[RegExp, Field]> = [
  [/^background[ _-]*agent[ _-]*id$/, "id"],
  [/^(?:run[ _-]*)?id$/, "id"],
  [/^agent[ _-]*id$/, "id"],
  [/^(?:write[ _-]*(?:the[ _-]*)?(?:report|results?|output)[ _-]*(?:to|at|in)|output(?:[ _-]*(?:location|path|file))?|report(?:[ _-]*(?:location|path|file))?|results?[ _-]*(?:to|location))$/, "output"],
  [/^session(?:[ _-]*(?:file|reference|path))?$/, "session"],
  [/^(?:files?|files[ _-]*to[ _-]*(?:analy[sz]e|review|audit|read))$/, "files"],
  [/^(?:scope|directories|dirs?|paths?)$/, "scope"],
  [/^(?:task|what[ _-]*to[ _-]*do)$/, "task"],
  [/^(?:kind|task[ _-]*kind|type)$/, "kind"],
  [/^agent(?:[ _-]*(?:type|name))?$/, "agent"],
  [/^model$/, "model"],
  [/^timeout$/, "timeout"],
];

const LIST_FIELDS = new Set<Field>(["files", "scope"]);

/** `- x`, `* x`, `+ x`, `1. x`, `1) x` → x; undefined for a non-item line. */
function listItem(line: string): string | undefined {
  const match = /^\s*(?:[-*+•]|\d+[.)])\s+(.*)$/.exec(line);
  return match ? match[1]!.trim() : undefined;
}

/** Strips markdown decoration: `**Files:**`, `- Session: x`, `__Task__:` → [label, value]. */
function labelled(line: string): [Field, string] | undefined {
  const stripped = line.replace(/^\s*(?:[-*+•]\s+|#{1,6}\s+|>\s*)?/, "");
  const match = /^(?:\*\*|__)?([A-Za-z][A-Za-z _-]{0,40}?)(?:\*\*|__)?\s*:(?:\*\*|__)?(?:\s+(.*)|\s*)$/.exec(stripped);
  if (!match) return undefined;
  const label = match[1]!.trim().toLowerCase();
  for (const [pattern, field] of LABELS) {
    if (pattern.test(label)) return [field, (match[2] ?? "").trim()];
  }
  return undefined;
}

/** `` `src/a.py` `` → `src/a.py`; trailing commentary after the path ("src/a.py (the login view)") is dropped. */
export function cleanPath(value: string): string {
  let text = value.trim();
  const ticked = /^`([^`]+)`/.exec(text);
  if (ticked) return ticked[1]!.trim();
  text = text.replace(/^["'<]+|["'>]+$/g, "");
  text = text.replace(/\s+(?:\(|—|-{1,2}\s|#).*$/, "");
  return text.replace(/[,;.]+$/, "").trim();
}

/** Inline lists: "`a`, `b`", "a, b", "a b" (paths never contain spaces here; quote or list them otherwise). */
function splitInlineList(value: string): string[] {
  const ticked = [...value.matchAll(/`([^`]+)`/g)].map((m) => m[1]!.trim());
  if (ticked.length > 0) return ticked;
  return value
    .split(/[,;]\s*|\s+(?:and\s+)?/)
    .map(cleanPath)
    .filter((v) => v.length > 0 && v.toLowerCase() !== "and");
}

function cleanScalar(field: ScalarField, value: string): string {
  if (field === "output" || field === "session") return cleanPath(value);
  const ticked = /^`([^`]+)`$/.exec(value.trim());
  const text = ticked ? ticked[1]! : value;
  return text.trim().replace(/^["']|["']$/g, "").trim();
}

/** Turns a free-form prompt into fields; never throws — a prompt without a task is reported by the caller. */
export function parsePrompt(text: string): ParsedPrompt {
  const result: ParsedPrompt = { files: [], scope: [], instructions: "" };
  const lines = text.replace(/\r\n?/g, "\n").split("\n");
  const instructions: string[] = [];
  let openList: ListField | undefined;
  let sawItemInList = false;
  // "Session:" alone on its line: the value is the next non-blank line.
  let pendingScalar: ScalarField | undefined;

  for (const rawLine of lines) {
    const line = rawLine.replace(/\s+$/, "");
    if (line.trim() === "" || /^\s*```/.test(line)) {
      // A blank line only ends a list that already has items: "Files:\n\n- a" is common.
      if (openList && sawItemInList) openList = undefined;
      if (line.trim() === "") instructions.push("");
      continue;
    }
    if (pendingScalar) {
      const field = pendingScalar;
      pendingScalar = undefined;
      if (!labelled(line)) {
        if (result[field] === undefined) result[field] = cleanScalar(field, listItem(line) ?? line);
        continue;
      }
    }
    const field = labelled(line);
    if (field) {
      const [name, value] = field;
      openList = undefined;
      if (LIST_FIELDS.has(name)) {
        const list = name as ListField;
        if (value) result[list].push(...splitInlineList(value));
        openList = list;
        sawItemInList = value.length > 0;
        continue;
      }
      if (value) {
        // A repeated field keeps the first value: the orchestrator's header beats a quoted example further down.
        if (result[name as ScalarField] === undefined) result[name as ScalarField] = cleanScalar(name as ScalarField, value);
      } else if (result[name as ScalarField] === undefined) {
        pendingScalar = name as ScalarField;
      }
      continue;
    }
    const item = listItem(line);
    // Items must look like paths (one token, or backticked): "- Focus on errors" after a list is an instruction.
    const pathLike = item !== undefined && (/^`[^`]+`/.test(item) || !/\s/.test(cleanPath(item)));
    if (openList && item !== undefined && pathLike) {
      result[openList].push(...(/`[^`]+`.*`[^`]+`/.test(item) ? splitInlineList(item) : [cleanPath(item)]).filter(Boolean));
      sawItemInList = true;
      continue;
    }
    openList = undefined;
    if (result.task === undefined) {
      const task = line
        .trim()
        .replace(/^#{1,6}\s+/, "")
        .replace(/^(?:\*\*|__)(.*)(?:\*\*|__)$/, "$1")
        .trim();
      if (task) {
        result.task = task;
        continue;
      }
    }
    instructions.push(line.trim());
  }
  result.instructions = instructions.join("\n").replace(/\n{3,}/g, "\n\n").trim();
  result.files = [...new Set(result.files)];
  result.scope = [...new Set(result.scope)];
  return result;
}

const KIND_HINTS: Array<[RegExp, TaskKind]> = [
  // Naming the activity outranks naming its subject: "Code review the security fixes" is a review.
  [/\bcode[- ]review\w*\b/i, "code-review"],
  [/\b(?:security|owasp|vulnerab\w*|cwe|secrets?|injection|xss|csrf|sast|pentest|audit)\b/i, "security-audit"],
  [/\bcoverage\b|\buntested\b|\btest gaps?\b|\b(?:lacks?|lacking|without|missing|no) tests?\b/i, "coverage-analysis"],
  [/\breview\w*\b|\bpr\b|\bpull request\b|\bdiff\b|\bchangeset\b/i, "code-review"],
];

/**
 * The kind a task names. The task line decides first; the instructions only
 * when the task line is silent ("Look at the auth module" + "Check for OWASP…").
 */
export function inferKind(task: string, instructions = ""): TaskKind {
  for (const text of [task, instructions]) {
    for (const [pattern, kind] of KIND_HINTS) if (pattern.test(text)) return kind;
  }
  return "llm";
}

export interface NamedPath {
  path: string;
  /** Shaped like a path even if it does not exist (globs, nested dirs, file names with extensions): reported as missing then. */
  pathShaped: boolean;
}

const FILE_EXTENSION = /\.(?:py|pyi|js|jsx|mjs|cjs|ts|tsx|mts|cts|json|ya?ml|toml|md|go|java|rb|php|cs|sh|html|css|sql|xml|cfg|ini|lock)$/i;

/**
 * Paths and globs the task line names ("Security audit of web/src/auth",
 * "Review `src/api/*.ts`"): candidates for the scope when no `Files:` list
 * gives one. A bare word ("auth") is a candidate only if the workspace has
 * it, which the caller checks; words with a slash such as "and/or" are not
 * path-shaped unless they nest, end in a file extension or hold a glob.
 */
export function pathsNamedIn(task: string): NamedPath[] {
  const found: NamedPath[] = [];
  const ticked = [...task.matchAll(/`([^`\s]+)`/g)].map((m) => m[1]!);
  const words = task.replace(/`[^`]*`/g, " ").split(/\s+/);
  for (const raw of [...ticked, ...words]) {
    const word = raw.replace(/^[("'<[]+/, "").replace(/[)"'>\],;:!?]+$/, "").replace(/\.+$/, "");
    if (word === "" || /^[a-z][a-z0-9+.-]*:\/\//i.test(word) || word.startsWith("-") || word.includes("..")) continue;
    if (!/^[\w./*?{}[\]@+-]+$/.test(word) || !/[\w*]/.test(word)) continue;
    const glob = /[*?[\]{}]/.test(word);
    const slashes = (word.match(/\//g) ?? []).length;
    const pathShaped = glob || slashes >= 2 || word.startsWith("./") || (slashes >= 1 && (word.endsWith("/") || FILE_EXTENSION.test(word)));
    const candidate = pathShaped || slashes >= 1 || FILE_EXTENSION.test(word) || ticked.includes(raw) || /^[\w-]+$/.test(word);
    if (!candidate) continue;
    const path = word.replace(/^\.\//, "").replace(/(.)\/+$/, "$1");
    if (!found.some((f) => f.path === path)) found.push({ path, pathShaped });
  }
  return found;
}
