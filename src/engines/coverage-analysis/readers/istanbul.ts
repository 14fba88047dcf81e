// Istanbul JSON: coverage-final.json (per-item hits, from nyc, c8, jest,
// vitest) and coverage-summary.json (per-file totals only). Counting follows
// istanbul-lib-coverage exactly: a line's hits are the largest hit count of
// the statements starting on it; branches count each arm.
import type { Counter, FunctionHit, Metric, RawFileCoverage } from "../model.js";
import { ISTANBUL } from "../percent.js";
import { CoverageParseError, type Reader } from "./common.js";
import { jsonObjectEntries } from "./json-entries.js";

interface Location {
  start?: { line?: number };
}
interface IstanbulFile {
  path?: string;
  statementMap?: Record<string, Location>;
  fnMap?: Record<string, { name?: string; decl?: Location; loc?: Location; line?: number }>;
  branchMap?: Record<string, unknown>;
  s?: Record<string, number>;
  f?: Record<string, number>;
  b?: Record<string, number[]>;
}

/** Room for this many arms per branch point in a packed key (switches with more do not exist in practice). */
const ARM_SPAN = 2 ** 16;

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function fromFinal(key: string, data: IstanbulFile): RawFileCoverage {
  const lines = new Map<number, number>();
  const statements = new Map<number, number>();
  const statementMap = data.statementMap ?? {};
  for (const [id, hits] of Object.entries(data.s ?? {})) {
    const location = statementMap[id];
    if (!location) continue;
    statements.set(Number(id), hits);
    const line = location.start?.line;
    if (line === undefined) continue;
    const previous = lines.get(line);
    if (previous === undefined || previous < hits) lines.set(line, hits);
  }
  const functions: FunctionHit[] = [];
  const fnMap = data.fnMap ?? {};
  for (const [id, hits] of Object.entries(data.f ?? {})) {
    const fn = fnMap[id];
    functions.push({
      name: fn?.name ?? `(function ${id})`,
      line: fn?.decl?.start?.line ?? fn?.loc?.start?.line ?? fn?.line ?? 0,
      hits,
    });
  }
  const branches = new Map<number, number>();
  for (const [id, arms] of Object.entries(data.b ?? {})) {
    arms.forEach((hits, arm) => branches.set(Number(id) * ARM_SPAN + arm, hits));
  }
  return { reportPath: data.path ?? key, lines, statements, branches, functions, style: ISTANBUL };
}

function summaryCounters(value: Record<string, unknown>): Partial<Record<Metric, Counter>> {
  const counters: Partial<Record<Metric, Counter>> = {};
  for (const metric of ["lines", "statements", "branches", "functions"] as const) {
    const entry = value[metric];
    if (isObject(entry) && typeof entry.total === "number" && typeof entry.covered === "number") {
      counters[metric] = { covered: entry.covered, total: entry.total };
    }
  }
  return counters;
}

export const readIstanbul: Reader = async (ctx) => {
  let kind: "istanbul-json" | "istanbul-summary" | undefined;
  let statedTotals: Partial<Record<Metric, Counter>> | undefined;
  for await (const entry of jsonObjectEntries(ctx.path, ctx.display, ctx.signal)) {
    if (!isObject(entry.value)) {
      throw new CoverageParseError(ctx.display, entry.line, `member ${JSON.stringify(entry.key)} is not an object: not istanbul coverage`);
    }
    // Very old istanbul wrapped each file as {"data": {...}}.
    const value = isObject(entry.value.data) && "statementMap" in entry.value.data ? entry.value.data : entry.value;
    if ("statementMap" in value || "s" in value) {
      if (!isObject(value.s) || !isObject(value.statementMap)) {
        throw new CoverageParseError(ctx.display, entry.line, `${entry.key}: "s" and "statementMap" must be objects`);
      }
      kind = "istanbul-json";
      ctx.emit(fromFinal(entry.key, value as IstanbulFile));
    } else if (isObject(value.lines)) {
      kind ??= "istanbul-summary";
      const counters = summaryCounters(value);
      if (entry.key === "total") statedTotals = counters;
      else ctx.emit({ reportPath: entry.key, lines: new Map(), counters, style: ISTANBUL });
    } else {
      throw new CoverageParseError(
        ctx.display,
        entry.line,
        `member ${JSON.stringify(entry.key)} has neither statementMap nor lines: not istanbul coverage-final or coverage-summary JSON`,
      );
    }
  }
  if (!kind) throw new CoverageParseError(ctx.display, 1, "no file entries: not istanbul coverage JSON");
  return { format: kind, style: ISTANBUL, statedTotals };
};
