// Extra report sections: the change at a glance, and the complexity of every
// function the change touched (before → after), which reviewers use to judge
// whether the change made the code harder to follow.
import type { ReportSection } from "../types.js";
import type { ChangeSet } from "./change.js";
import type { ReviewFile } from "./context.js";

const MAX_ROWS = 40;

function cell(text: string): string {
  return text.replace(/\|/g, "\\|").replace(/\n/g, " ");
}

function describeStatus(file: ReviewFile): string {
  const change = file.change;
  const kind = change.submodule ? "submodule " : change.binary ? "binary " : change.symlink ? "symlink " : "";
  if (change.status === "renamed" || change.status === "copied") {
    return `${kind}${change.status} from \`${cell(change.oldPath ?? "")}\`${change.similarity !== undefined ? ` (${change.similarity}% similar)` : ""}`;
  }
  return `${kind}${change.status}`;
}

export function changeSection(change: ChangeSet, files: ReviewFile[]): ReportSection {
  const lines = [
    // Labels such as "main (merge-base 1a2b3c4d5e6f)" already name the commit.
    `- Base: ${change.baseLabel}${change.base && !change.baseLabel.includes(change.base.slice(0, 7)) ? ` \`${change.base.slice(0, 12)}\`` : ""}`,
    `- Head: ${change.headLabel}`,
    "",
  ];
  if (files.length === 0) return { heading: "Change", body: [...lines, "No files changed in scope."].join("\n") };
  lines.push("| File | Status | + | − |", "|---|---|---:|---:|");
  for (const file of files.slice(0, MAX_ROWS)) {
    lines.push(`| \`${cell(file.path)}\` | ${describeStatus(file)} | ${file.change.patch.additions} | ${file.change.patch.deletions} |`);
  }
  if (files.length > MAX_ROWS) lines.push(`| … ${files.length - MAX_ROWS} more | | | |`);
  return { heading: "Change", body: lines.join("\n") };
}

export function complexitySection(files: ReviewFile[]): ReportSection {
  const rows: string[] = [];
  for (const file of files) {
    if (!file.analysable || file.added.size === 0) continue;
    for (const unit of file.functions("new")) {
      if (!file.touches(unit.startLine, unit.endLine)) continue;
      const prior = file.priorVersion(unit);
      const pair = (after: number, was: number | undefined) => (was === undefined || was === after ? `${after}` : `${was} → ${after}`);
      rows.push(
        `| \`${cell(unit.name)}\` | \`${cell(file.path)}:${unit.startLine}\` | ${pair(unit.cognitive, prior?.cognitive)} | ${pair(unit.cyclomatic, prior?.cyclomatic)} | ${unit.endLine - unit.startLine + 1} | ${!prior ? "new" : prior.name === unit.name ? "changed" : `renamed from \`${cell(prior.name)}\``} |`,
      );
    }
  }
  if (rows.length === 0) return { heading: "Changed Functions", body: "" };
  const shown = rows.slice(0, MAX_ROWS);
  if (rows.length > MAX_ROWS) shown.push(`| … ${rows.length - MAX_ROWS} more | | | | | |`);
  return {
    heading: "Changed Functions",
    body: ["| Function | Location | Cognitive | Cyclomatic | Lines | |", "|---|---|---:|---:|---:|---|", ...shown].join("\n"),
  };
}
