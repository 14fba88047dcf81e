// JaCoCo XML. Files are package path + source file name; a line is covered
// when any of its instructions ran (JaCoCo's LINE counter); branches are the
// line's mb+cb; methods come from the class elements of the same package.
import path from "node:path";
import type { Counter, FunctionHit, Metric, RawFileCoverage } from "../model.js";
import { JACOCO } from "../percent.js";
import { CoverageParseError, type Reader } from "./common.js";
import { intAttribute, streamXml } from "./xml.js";

const BRANCH_SPAN = 1024;
const COUNTERS: Record<string, Metric> = { LINE: "lines", BRANCH: "branches", METHOD: "functions" };

export const readJacoco: Reader = async (ctx) => {
  // Maven/Gradle modules keep sources in src/main/<lang> next to target/ or build/.
  const moduleRoot = path.posix.dirname(path.posix.dirname(path.posix.dirname(path.posix.dirname(ctx.display))));
  const base = moduleRoot === "." || moduleRoot.startsWith("..") ? "" : `${moduleRoot}/`;
  const sourceRoots = ["src/main/java", "src/main/kotlin", "src/main/scala", "src"].flatMap((dir) => (base ? [`${base}${dir}`, dir] : [dir]));

  let packageName = "";
  let depth = 0;
  let className = "";
  let method: FunctionHit | undefined;
  const methodsBySource = new Map<string, FunctionHit[]>();
  let classSource = "";
  let current: RawFileCoverage | undefined;
  let sawRoot = false;
  const statedTotals: Partial<Record<Metric, Counter>> = {};

  await streamXml(ctx, {
    open(name, attrs, line) {
      depth++;
      switch (name) {
        case "report":
          sawRoot = true;
          return;
        case "package":
          packageName = attrs.name ?? "";
          methodsBySource.clear();
          return;
        case "class":
          className = (attrs.name ?? "").split("/").pop() ?? "";
          classSource = attrs.sourcefilename ?? "";
          return;
        case "method":
          method = { name: `${className}.${attrs.name ?? "?"}`, line: Number(attrs.line ?? 0) || 0, hits: 0 };
          return;
        case "sourcefile":
          current = { reportPath: packageName ? `${packageName}/${attrs.name}` : (attrs.name ?? ""), lines: new Map(), style: JACOCO };
          return;
        case "line": {
          if (!current) return;
          const nr = intAttribute(ctx, attrs, "nr", line, "line");
          const ci = intAttribute(ctx, attrs, "ci", line, "line");
          const mb = Number(attrs.mb ?? 0);
          const cb = Number(attrs.cb ?? 0);
          current.lines.set(nr, ci);
          if (mb + cb > 0) {
            current.branches ??= new Map();
            for (let i = 0; i < mb + cb; i++) current.branches.set(nr * BRANCH_SPAN + i, i < cb ? 1 : 0);
          }
          return;
        }
        case "counter": {
          const covered = intAttribute(ctx, attrs, "covered", line, "counter");
          const missed = intAttribute(ctx, attrs, "missed", line, "counter");
          if (method && attrs.type === "METHOD") method.hits = covered;
          // depth 2 = direct child of <report>: the report's own totals.
          const metric = COUNTERS[attrs.type ?? ""];
          if (depth === 2 && metric) statedTotals[metric] = { covered, total: covered + missed };
          return;
        }
        default:
          return;
      }
    },
    close(name) {
      depth--;
      if (name === "method" && method) {
        const list = methodsBySource.get(classSource) ?? [];
        list.push(method);
        methodsBySource.set(classSource, list);
        method = undefined;
      } else if (name === "sourcefile" && current) {
        const fileName = current.reportPath.split("/").pop() ?? "";
        current.functions = methodsBySource.get(fileName) ?? [];
        ctx.emit(current, { sourceRoots });
        current = undefined;
      }
    },
  });
  if (!sawRoot) throw new CoverageParseError(ctx.display, 1, "no <report> root element: not a JaCoCo XML report");
  return { format: "jacoco", producer: "JaCoCo", style: JACOCO, statedTotals };
};
