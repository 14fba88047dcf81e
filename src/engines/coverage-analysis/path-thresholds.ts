// jest's per-path coverage thresholds, checked the way jest checks them: a
// key that is a path prefix of a file gathers its files into one summary; a
// key that is a glob holds each matching file to the numbers on its own;
// files any key claims leave the global total; a key no file matches fails.
import path from "node:path";
import picomatch from "picomatch";
import type { Finding } from "../../protocol/finding.js";
import { addCounters, type Counter, type FileCoverage, METRICS, type Metric } from "./model.js";
import { percent, type PercentStyle } from "./percent.js";
import type { ThresholdGroup } from "./thresholds.js";

export interface GroupCheck {
  findings: Finding[];
  /** Files some path or glob key claims: jest leaves them out of the global gate. */
  claimed: Set<string>;
}

interface Shortfall {
  metric: Metric;
  text: string;
}

/** jest's rule: a positive limit is a minimum percentage, a negative one the most uncovered items allowed. */
function shortfalls(counters: Partial<Record<Metric, Counter>>, limits: ThresholdGroup["limits"], style: PercentStyle): Shortfall[] {
  const found: Shortfall[] = [];
  for (const metric of METRICS) {
    const limit = limits[metric];
    const counter = counters[metric];
    if (limit === undefined || !counter || counter.total === 0) continue;
    if (limit > 0) {
      const pct = percent(style, counter.covered, counter.total);
      if (pct < limit) found.push({ metric, text: `${metric} ${pct}% (${counter.covered}/${counter.total}) is below ${limit}%` });
    } else if (counter.total - counter.covered > -limit) {
      found.push({ metric, text: `${counter.total - counter.covered} uncovered ${metric}, more than the ${-limit} allowed` });
    }
  }
  return found;
}

function finding(file: string, title: string, message: string, pattern: string, source: string): Finding {
  return {
    ruleId: "coverage/below-threshold",
    title,
    severity: "Medium",
    file,
    line: 0,
    endLine: 0,
    message: `${message} jest fails the run on this (coverageThreshold["${pattern}"] in ${source}).`,
    recommendation: `Add tests for the uncovered code under ${pattern} until it meets the project's threshold, or change the threshold in ${source} on purpose.`,
    properties: { pattern, source },
  };
}

export function checkThresholdGroups(
  groups: ThresholdGroup[],
  files: FileCoverage[],
  root: string,
  style: PercentStyle,
  source: string,
  /** Report keys that match no file only when the whole workspace was analyzed. */
  wholeWorkspace: boolean,
): GroupCheck {
  const claimed = new Set<string>();
  const findings: Finding[] = [];
  for (const group of groups) {
    // jest resolves the key against the root and tests it as a plain string prefix of the file's path.
    const prefix = path.resolve(root, group.pattern);
    const isGlob = picomatch(group.pattern.replace(/^\.\//, ""));
    const underPath: FileCoverage[] = [];
    const byGlob: FileCoverage[] = [];
    for (const file of files) {
      if (path.join(root, file.file).startsWith(prefix)) underPath.push(file);
      else if (isGlob(file.file)) byGlob.push(file);
    }
    for (const file of [...underPath, ...byGlob]) claimed.add(file.file);
    if (underPath.length === 0 && byGlob.length === 0) {
      if (wholeWorkspace) findings.push(finding(source, `No coverage data for ${group.pattern}`, `No file with coverage data matches ${group.pattern}.`, group.pattern, source));
      continue;
    }
    if (underPath.length > 0) {
      const sum: Partial<Record<Metric, Counter>> = {};
      for (const file of underPath) addCounters(sum, file.counters());
      const missed = shortfalls(sum, group.limits, style);
      if (missed.length > 0) {
        findings.push(finding(source, `${group.pattern}: ${missed.map((m) => m.text).join("; ")}`, `The ${underPath.length} file${underPath.length === 1 ? "" : "s"} under ${group.pattern} miss the project's threshold: ${missed.map((m) => m.text).join("; ")}.`, group.pattern, source));
      }
    }
    for (const file of byGlob) {
      const missed = shortfalls(file.counters(), group.limits, file.style);
      if (missed.length > 0) {
        findings.push(finding(file.file, `${file.file}: ${missed.map((m) => m.text).join("; ")}`, `${file.file} (matched by ${group.pattern}) misses the project's threshold: ${missed.map((m) => m.text).join("; ")}.`, group.pattern, source));
      }
    }
  }
  return { findings, claimed };
}
