// Clover XML (istanbul's clover reporter, PHPUnit, OpenClover). Line elements
// give per-line hits; a file's <metrics> give its statement, branch and
// method counts, which is all istanbul writes about those.
import type { Counter, FunctionHit, Metric, RawFileCoverage } from "../model.js";
import { GENERIC, ISTANBUL, type PercentStyle } from "../percent.js";
import { CoverageParseError, type Reader } from "./common.js";
import { intAttribute, streamXml } from "./xml.js";

function metricsCounters(attrs: Record<string, string>): Partial<Record<Metric, Counter>> {
  const counters: Partial<Record<Metric, Counter>> = {};
  const pair = (covered: string, total: string): Counter | undefined =>
    attrs[total] !== undefined ? { covered: Number(attrs[covered] ?? 0), total: Number(attrs[total]) } : undefined;
  const statements = pair("coveredstatements", "statements");
  const branches = pair("coveredconditionals", "conditionals");
  const functions = pair("coveredmethods", "methods");
  if (statements) counters.statements = statements;
  if (branches) counters.branches = branches;
  if (functions) counters.functions = functions;
  return counters;
}

export const readClover: Reader = async (ctx) => {
  let style: PercentStyle = GENERIC;
  let producer: string | undefined;
  let current: RawFileCoverage | undefined;
  let functions: FunctionHit[] = [];
  let sawRoot = false;
  let statedTotals: Partial<Record<Metric, Counter>> | undefined;
  let depth = 0;

  await streamXml(ctx, {
    open(name, attrs, line) {
      depth++;
      switch (name) {
        case "coverage":
          sawRoot = true;
          return;
        case "project":
          // istanbul names its project "All files"; its numbers round the istanbul way.
          if (attrs.name === "All files") {
            style = ISTANBUL;
            producer = "istanbul";
          }
          return;
        case "file": {
          const reportPath = attrs.path ?? attrs.name;
          if (!reportPath) throw new CoverageParseError(ctx.display, line, "<file> without a path or name attribute");
          current = { reportPath, lines: new Map(), style };
          functions = [];
          return;
        }
        case "metrics":
          if (current) current.counters = metricsCounters(attrs);
          else if (depth === 3) statedTotals = metricsCounters(attrs);
          return;
        case "line": {
          if (!current) return;
          const num = intAttribute(ctx, attrs, "num", line, "line");
          const count = intAttribute(ctx, attrs, "count", line, "line");
          if (attrs.type === "method") {
            functions.push({ name: attrs.name ?? `(method at line ${num})`, line: num, hits: count });
            return;
          }
          current.lines.set(num, (current.lines.get(num) ?? 0) + count);
          return;
        }
        default:
          return;
      }
    },
    close(name) {
      depth--;
      if (name === "file" && current) {
        if (functions.length > 0) {
          current.functions = functions;
          // Method lines are authoritative over the metrics' method count.
          delete current.counters?.functions;
        }
        ctx.emit(current);
        current = undefined;
      }
    },
  });
  if (!sawRoot) throw new CoverageParseError(ctx.display, 1, "no <coverage> root element: not a Clover report");
  return { format: "clover", producer, style, statedTotals };
};
