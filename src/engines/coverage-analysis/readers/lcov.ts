// LCOV tracefiles (lcov/geninfo, istanbul's lcov reporter, c8, jest, gcovr,
// cargo-llvm-cov…). Line-based, so it streams; one SF…end_of_record block per
// source file. Unknown record types are skipped, as lcov itself does.
import type { FunctionHit, RawFileCoverage } from "../model.js";
import { ISTANBUL } from "../percent.js";
import { CoverageParseError, forEachLine, type Reader } from "./common.js";

// Branch keys pack (line, block, arm) into one float-safe number. Blocks and
// arms beyond 8191 per line would collide, which no producer emits.
const ARM_SPAN = 2 ** 13;
const SUMMARY_TAGS = new Set(["LF", "LH", "FNF", "FNH", "BRF", "BRH"]);
const BLOCK_SPAN = 2 ** 13;

function branchKey(line: number, block: number, arm: number): number {
  return (line * BLOCK_SPAN + (block % BLOCK_SPAN)) * ARM_SPAN + (arm % ARM_SPAN);
}

/** Digits of text[start, end) as a number, or -1 when anything else is there (the caller then takes the careful path). */
function digitsAt(text: string, start: number, end: number): number {
  if (end <= start) return -1;
  let value = 0;
  for (let i = start; i < end; i++) {
    const d = text.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return -1;
    value = value * 10 + d;
  }
  return value;
}

/** "DA:<line>,<hits>[,<checksum>]", the bulk of every tracefile, without allocating. */
function fastDa(line: string): [number, number] | undefined {
  const comma = line.indexOf(",", 3);
  if (comma < 0) return undefined;
  let end = line.indexOf(",", comma + 1);
  if (end < 0) end = line.length;
  const lineNo = digitsAt(line, 3, comma);
  const hits = digitsAt(line, comma + 1, end);
  return lineNo < 0 || hits < 0 ? undefined : [lineNo, hits];
}

function parseCount(text: string): number {
  // "-" in BRDA means the branch's block never ran; lcov counts it as not taken.
  if (text === "-") return 0;
  const n = Number(text);
  return Number.isFinite(n) && n >= 0 && text.trim() !== "" ? n : Number.NaN;
}

export const readLcov: Reader = async (ctx) => {
  let current: RawFileCoverage | undefined;
  let currentStart = 0;
  // Per name, in record order: two functions of one name (an `init` in two closures) are two functions.
  let fnLines = new Map<string, number[]>();
  let fnHits = new Map<string, number[]>();
  let records = 0;

  const fail = (line: number, detail: string): never => {
    throw new CoverageParseError(ctx.display, line, detail);
  };

  const finish = () => {
    if (!current) return;
    const functions: FunctionHit[] = [];
    for (const [name, lines] of fnLines) {
      const hits = fnHits.get(name) ?? [];
      // istanbul, c8 and lcov write FNDA in FN order, so the k-th FNDA of a name is the k-th FN of it;
      // when the counts differ (merged tracefiles) the name's hits are summed for each of its functions.
      const total = hits.reduce((sum, h) => sum + h, 0);
      lines.forEach((line, k) => functions.push({ name, line, hits: hits.length === lines.length ? hits[k]! : total }));
    }
    // FNDA without FN (some producers) still names a function, at an unknown line.
    for (const [name, hits] of fnHits) if (!fnLines.has(name)) functions.push({ name, line: 0, hits: hits.reduce((sum, h) => sum + h, 0) });
    if (functions.length > 0) current.functions = functions;
    ctx.emit(current);
    records++;
    current = undefined;
    fnLines = new Map();
    fnHits = new Map();
  };

  await forEachLine(ctx.path, ctx.signal, (raw, n) => {
    if (current && raw.charCodeAt(0) === 68 && raw.charCodeAt(1) === 65 && raw.charCodeAt(2) === 58) {
      const da = fastDa(raw);
      if (da) {
        current.lines.set(da[0], (current.lines.get(da[0]) ?? 0) + da[1]);
        return;
      }
    }
    // Only lines that start or end with blanks pay for trim().
    const line = raw.length > 0 && raw.charCodeAt(0) > 32 && raw.charCodeAt(raw.length - 1) > 32 ? raw : raw.trim();
    if (line === "") return;
    if (line === "end_of_record") {
      if (!current) fail(n, "end_of_record without a preceding SF: record");
      finish();
      return;
    }
    const colon = line.indexOf(":");
    if (colon <= 0) fail(n, `not an LCOV record: ${JSON.stringify(line.slice(0, 60))}`);
    const tag = line.slice(0, colon);
    if (SUMMARY_TAGS.has(tag) && current) return; // restated counts: we derive them from the items
    const value = line.slice(colon + 1);
    if (tag === "SF") {
      if (current) fail(n, `SF: ${value} starts before the record for ${current.reportPath} (line ${currentStart}) ended with end_of_record`);
      current = { reportPath: value, lines: new Map(), style: ISTANBUL };
      currentStart = n;
      return;
    }
    if (tag === "TN" || tag === "VER") return;
    if (!current) {
      if (tag === "DA" || tag === "FN" || tag === "FNDA" || tag === "BRDA" || SUMMARY_TAGS.has(tag)) {
        fail(n, `${tag}: record outside a file block (missing SF: line)`);
      }
      return;
    }
    if (tag !== "DA" && tag !== "FN" && tag !== "FNDA" && tag !== "BRDA") return; // extensions of other tools
    const fields = value.split(",");
    switch (tag) {
      case "DA": {
        const lineNo = Number(fields[0]);
        const hits = parseCount(fields[1] ?? "");
        if (!Number.isInteger(lineNo) || lineNo < 0 || Number.isNaN(hits)) fail(n, `malformed DA: ${JSON.stringify(value)}`);
        current.lines.set(lineNo, (current.lines.get(lineNo) ?? 0) + hits);
        return;
      }
      case "FN": {
        // FN:<line>,<name> or lcov 2's FN:<line>,<end line>,<name>
        const lineNo = Number(fields[0]);
        if (!Number.isInteger(lineNo) || fields.length < 2) fail(n, `malformed FN: ${JSON.stringify(value)}`);
        const hasEnd = fields.length >= 3 && /^\d+$/.test(fields[1]!);
        const name = fields.slice(hasEnd ? 2 : 1).join(",");
        const lines = fnLines.get(name);
        if (!lines) fnLines.set(name, [lineNo]);
        else if (!lines.includes(lineNo)) lines.push(lineNo);
        return;
      }
      case "FNDA": {
        const hits = parseCount(fields[0] ?? "");
        if (Number.isNaN(hits) || fields.length < 2) fail(n, `malformed FNDA: ${JSON.stringify(value)}`);
        const name = fields.slice(1).join(",");
        const list = fnHits.get(name);
        if (list) list.push(hits);
        else fnHits.set(name, [hits]);
        return;
      }
      case "BRDA": {
        const [lineText, blockText, armText, takenText] = fields;
        const lineNo = Number(lineText);
        const block = Number(blockText);
        const arm = Number(armText);
        const taken = parseCount(takenText ?? "");
        if (fields.length < 4 || ![lineNo, block, arm].every(Number.isInteger) || Number.isNaN(taken)) {
          fail(n, `malformed BRDA: ${JSON.stringify(value)}`);
        }
        current.branches ??= new Map();
        const key = branchKey(lineNo, block, arm);
        current.branches.set(key, (current.branches.get(key) ?? 0) + taken);
        return;
      }
      default:
        // LF/LH/FNF/FNH/BRF/BRH restate counts we derive from the items; others are extensions.
        return;
    }
  }).catch((error: unknown) => {
    if (error instanceof CoverageParseError) throw error;
    throw new CoverageParseError(ctx.display, undefined, `cannot read: ${(error as Error).message}`);
  });
  if (current) {
    const open: RawFileCoverage = current;
    throw new CoverageParseError(ctx.display, currentStart, `truncated: the record for ${open.reportPath} never ends (no end_of_record)`);
  }
  if (records === 0) throw new CoverageParseError(ctx.display, 1, "no SF:/end_of_record blocks: not an LCOV tracefile");
  return { format: "lcov", style: ISTANBUL };
};
