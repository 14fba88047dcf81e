// "What this change does": the files and functions the change adds, removes
// and changes, grouped by directory, and the public API delta, so that a
// reader knows what the change is before reading what is wrong with it.
import path from "node:path";
import type { ReportSection } from "../types.js";
import { apiDeltas, type FileApiDelta } from "./api-delta.js";
import type { ReviewFile } from "./context.js";
import { splitLines } from "./diff.js";
import type { FunctionUnit } from "./functions.js";
import { code, counted, listed } from "./messages.js";

/** Names shown per category and file; the rest are counted. */
const NAMES_PER_LIST = 8;
/** Files listed before the rest are only counted. */
const MAX_FILES = 60;

export interface FunctionChanges {
  added: FunctionUnit[];
  removed: FunctionUnit[];
  renamed: Array<{ from: FunctionUnit; to: FunctionUnit }>;
  changed: FunctionUnit[];
}

function bodyText(lines: string[], unit: FunctionUnit): string {
  return lines.slice(unit.startLine - 1, unit.endLine).join("\n");
}

/** Named functions (not helpers nested in other functions) the change adds, removes, renames or edits. */
export function functionChanges(file: ReviewFile): FunctionChanges {
  const result: FunctionChanges = { added: [], removed: [], renamed: [], changed: [] };
  if (!file.analysable && file.oldText === undefined) return result;
  const continued = new Set<FunctionUnit>();
  const oldLines = file.oldText === undefined ? [] : splitLines(file.oldText);
  for (const unit of file.functions("new")) {
    if (unit.inFunction) continue;
    const prior = file.oldText === undefined ? undefined : file.priorVersion(unit);
    if (!prior) {
      result.added.push(unit);
      continue;
    }
    continued.add(prior);
    if (prior.name !== unit.name) result.renamed.push({ from: prior, to: unit });
    // By text, not by diff lines: a diff can show an untouched function as removed and re-added.
    else if (bodyText(file.newLines(), unit) !== bodyText(oldLines, prior)) result.changed.push(unit);
  }
  if (file.oldText !== undefined) {
    for (const unit of file.functions("old")) if (!unit.inFunction && !continued.has(unit)) result.removed.push(unit);
  }
  return result;
}

function names(units: FunctionUnit[]): string {
  return listed(units.map((unit) => code(unit.name)), NAMES_PER_LIST);
}

function statusWord(file: ReviewFile): string {
  const { status, oldPath } = file.change;
  if (status === "renamed") return `renamed from ${code(oldPath ?? "")}`;
  if (status === "copied") return `copied from ${code(oldPath ?? "")}`;
  return status;
}

function fileLine(file: ReviewFile, changes: FunctionChanges): string {
  const { additions, deletions } = file.change.patch;
  const parts: string[] = [];
  if (changes.added.length > 0) parts.push(`adds ${names(changes.added)}`);
  if (changes.changed.length > 0) parts.push(`changes ${names(changes.changed)}`);
  if (changes.renamed.length > 0) {
    parts.push(`renames ${listed(changes.renamed.map((pair) => `${code(pair.from.name)} → ${code(pair.to.name)}`), NAMES_PER_LIST)}`);
  }
  if (changes.removed.length > 0) parts.push(`removes ${names(changes.removed)}`);
  const size = file.change.binary ? "binary" : `+${additions} −${deletions}`;
  return `- ${code(path.posix.basename(file.path))} (${statusWord(file)}, ${size})${parts.length > 0 ? `: ${parts.join("; ")}` : ""}`;
}

function apiLine(delta: FileApiDelta): string | undefined {
  const parts: string[] = [];
  const renamedTargets = new Set(delta.removed.flatMap((entry) => (entry.renamedTo ? [entry.renamedTo] : [])));
  const added = delta.added.filter((unit) => !renamedTargets.has(unit));
  if (added.length > 0) parts.push(`added ${names(added)}`);
  const breaking = delta.signatures.filter((change) => change.reasons.length > 0);
  const compatible = delta.signatures.length - breaking.length;
  if (breaking.length > 0) parts.push(`${counted(breaking.length, "signature")} changed incompatibly (${names(breaking.map((change) => change.after))})`);
  if (compatible > 0) parts.push(`${counted(compatible, "signature")} changed compatibly`);
  const renamed = delta.removed.filter((entry) => entry.renamedTo);
  if (renamed.length > 0) parts.push(`renamed ${listed(renamed.map((entry) => `${code(entry.unit.name)} → ${code(entry.renamedTo!.name)}`), NAMES_PER_LIST)}`);
  const removed = delta.removed.filter((entry) => !entry.renamedTo).map((entry) => entry.unit);
  if (removed.length > 0) parts.push(`removed ${names(removed)}`);
  if (delta.classesRemoved.length > 0) parts.push(`removed ${counted(delta.classesRemoved.length, "class", "classes")} ${listed(delta.classesRemoved.map((entry) => code(entry.name)), NAMES_PER_LIST)}`);
  if (delta.stillResolves.length > 0) {
    parts.push(`moved but still importable: ${listed(delta.stillResolves.map((entry) => `${code(entry.unit.name)} (${entry.how})`), NAMES_PER_LIST)}`);
  }
  if (delta.mayResolve.length > 0) parts.push(`no longer defined here, may resolve through ${code(delta.mayResolve[0]!.via)}: ${names(delta.mayResolve.map((entry) => entry.unit))}`);
  if (delta.newShims.length > 0) parts.push(`deprecated (answered by \`__getattr__\`): ${listed(delta.newShims.map(code), NAMES_PER_LIST)}`);
  if (delta.retiredShims.length > 0) parts.push(`deprecated names retired: ${listed(delta.retiredShims.map(code), NAMES_PER_LIST)}`);
  return parts.length > 0 ? `- ${code(delta.file.path)}: ${parts.join("; ")}` : undefined;
}

function directoryOf(file: string): string {
  const dir = path.posix.dirname(file);
  return dir === "." ? "./" : `${dir}/`;
}

export function changeSummarySection(files: ReviewFile[]): ReportSection {
  if (files.length === 0) return { heading: "What this change does", body: "Nothing: no file in scope changed." };
  const perFile = new Map(files.map((file) => [file, functionChanges(file)]));
  const total = (pick: (changes: FunctionChanges) => unknown[]) => [...perFile.values()].reduce((sum, changes) => sum + pick(changes).length, 0);
  const statuses = new Map<string, number>();
  for (const file of files) statuses.set(file.change.status, (statuses.get(file.change.status) ?? 0) + 1);
  const byDirectory = new Map<string, ReviewFile[]>();
  for (const file of files) byDirectory.set(directoryOf(file.path), [...(byDirectory.get(directoryOf(file.path)) ?? []), file]);

  const lines = [
    `${counted(files.length, "file")} in ${counted(byDirectory.size, "directory", "directories")} (${[...statuses].map(([status, count]) => `${count} ${status}`).join(", ")}); ` +
      `functions: ${total((c) => c.added)} added, ${total((c) => c.removed)} removed, ${total((c) => c.renamed)} renamed, ${total((c) => c.changed)} changed.`,
  ];
  let shown = 0;
  for (const [dir, inDir] of [...byDirectory].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    if (shown >= MAX_FILES) break;
    lines.push("", `**${code(dir)}**`);
    for (const file of inDir) {
      if (shown++ >= MAX_FILES) break;
      lines.push(fileLine(file, perFile.get(file)!));
    }
  }
  if (files.length > MAX_FILES) lines.push("", `… and ${counted(files.length - MAX_FILES, "more file")}.`);

  const api = apiDeltas(files).flatMap((delta) => apiLine(delta) ?? []);
  lines.push("", "**Public API delta**", ...(api.length > 0 ? api : ["- No exported function or class added, removed or changed."]));
  return { heading: "What this change does", body: lines.join("\n") };
}
