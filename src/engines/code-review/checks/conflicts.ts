// Unresolved merge conflicts: a file still carrying git's conflict markers
// (a mid-rebase or mid-merge working tree, or markers committed by mistake)
// cannot be merged, whatever else the change does. Only a complete marker
// block counts (`<<<<<<<`, then `=======`, then `>>>>>>>`), so a
// reStructuredText underline of equals signs is not a conflict.
import type { Finding } from "../../../protocol/finding.js";
import { makeFinding, type ReviewContext, type ReviewFile } from "../context.js";
import { counted, lineSpan } from "../messages.js";

const OURS = /^<{7}(?: |$)/;
const BASE = /^\|{7}(?: |$)/;
const SEPARATOR = /^={7}$/;
const THEIRS = /^>{7}(?: |$)/;

export interface ConflictBlock {
  start: number;
  end: number;
}

/** Complete conflict blocks in a text, 1-based inclusive lines. */
export function conflictBlocks(lines: string[]): ConflictBlock[] {
  const blocks: ConflictBlock[] = [];
  let start: number | undefined;
  let separated = false;
  lines.forEach((text, index) => {
    const line = index + 1;
    if (OURS.test(text)) {
      start = line;
      separated = false;
    } else if (start !== undefined && SEPARATOR.test(text)) {
      separated = true;
    } else if (start !== undefined && separated && THEIRS.test(text)) {
      blocks.push({ start, end: line });
      start = undefined;
    } else if (start !== undefined && !separated && !BASE.test(text) && THEIRS.test(text)) {
      start = undefined;
    }
  });
  return blocks;
}

function fileFinding(file: ReviewFile, blocks: ConflictBlock[]): Finding {
  const first = blocks[0]!;
  return makeFinding(file, file.addedBetween(first.start, first.end)[0] ?? first.start, {
    ruleId: "review/conflict-marker",
    severity: "High",
    title: `Unresolved merge conflict in ${file.path}`,
    message: `${file.path} still holds ${counted(blocks.length, "conflict block")} (${blocks.map((block) => lineSpan(block.start, block.end)).join(", ")}): the file does not build or run as it stands.`,
    recommendation: "Resolve each block (keep the right side, delete the <<<<<<< / ======= / >>>>>>> lines), run the tests, then stage the file (git add) and continue the merge or rebase.",
    endLine: first.end,
    properties: { blocks },
  });
}

export function conflictFindings(ctx: ReviewContext): Finding[] {
  const findings: Finding[] = [];
  for (const file of ctx.files) {
    if (file.newText === undefined || file.added.size === 0 || !file.newText.includes("<<<<<<<")) continue;
    const blocks = conflictBlocks(file.newLines()).filter((block) => file.touches(block.start, block.end));
    if (blocks.length > 0) findings.push(fileFinding(file, blocks));
  }
  return findings;
}
