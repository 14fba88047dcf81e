// Go cover profiles (`go test -coverprofile`): "mode: X" then one block per
// line, "file.go:l0.c0,l1.c1 numStmt count". Statement coverage is what
// `go tool cover -func` prints: a block's statements are covered when its
// count is positive; a block listed twice (several packages under -coverpkg)
// is one block. Lines are derived from the blocks that span them.
import type { RawFileCoverage } from "../model.js";
import { GO } from "../percent.js";
import { CoverageParseError, forEachLine, type Reader } from "./common.js";

const BLOCK = /^(.+):(\d+)\.(\d+),(\d+)\.(\d+) (\d+) (\d+)$/;
const STATEMENT_SPAN = 2 ** 10;
const COLUMN_SPAN = 2 ** 12;

export const readGoProfile: Reader = async (ctx) => {
  // Profiles list blocks file by file, but merged profiles may interleave: keep each file until the end.
  const files = new Map<string, RawFileCoverage>();
  let mode: string | undefined;
  await forEachLine(ctx.path, ctx.signal, (line, n) => {
    if (line.trim() === "") return;
    if (line.startsWith("mode:")) {
      // Concatenated profiles repeat the header; that is how `go test ./...` merges them.
      mode ??= line.slice(5).trim();
      return;
    }
    if (!mode) throw new CoverageParseError(ctx.display, n, 'no "mode:" header before the first block: not a Go cover profile');
    const match = BLOCK.exec(line);
    if (!match) throw new CoverageParseError(ctx.display, n, `malformed block: ${JSON.stringify(line.slice(0, 80))}`);
    const [, file, startLine, startCol, endLine, , numStmt, count] = match;
    let raw = files.get(file!);
    if (!raw) {
      raw = { reportPath: file!, lines: new Map(), statements: new Map(), style: GO };
      files.set(file!, raw);
    }
    const from = Number(startLine);
    const to = Number(endLine);
    const hits = Number(count);
    const blockKey = (from * COLUMN_SPAN + (Number(startCol) % COLUMN_SPAN)) * STATEMENT_SPAN;
    for (let i = 0; i < Number(numStmt); i++) {
      const key = blockKey + (i % STATEMENT_SPAN);
      raw.statements!.set(key, Math.max(raw.statements!.get(key) ?? 0, hits));
    }
    if (Number(numStmt) === 0) return;
    for (let l = from; l <= to; l++) raw.lines.set(l, Math.max(raw.lines.get(l) ?? 0, hits));
  });
  if (!mode) throw new CoverageParseError(ctx.display, 1, 'empty profile: expected a "mode:" line');
  for (const raw of files.values()) ctx.emit(raw);
  return { format: "go", producer: `go cover (mode: ${mode})`, style: GO };
};
