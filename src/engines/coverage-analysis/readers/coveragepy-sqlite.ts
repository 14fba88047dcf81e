// coverage.py's data file (.coverage, SQLite). It records what ran, not what
// could have run: statements and branch exits come from coverage.py parsing
// the source at report time, under the project's coverage configuration
// (exclude_lines, exclude_also, partial_branches, [report] include/omit).
// Without Python we estimate both with tree-sitter (python-static.ts) under
// that same configuration, so these totals are marked approximate;
// `coverage json` gives the exact ones.
// sql.js is SQLite compiled to WebAssembly, shipped inside its npm package.
import { existsSync, readFileSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import path from "node:path";
import { coveragePyStyle } from "../percent.js";
import { CoverageParseError, type Reader } from "./common.js";
import { PathMapper } from "../paths.js";
import { loadCoveragePyConfig, pathMatcher, pythonRegex, type CoveragePyConfig } from "./coveragepy-config.js";
import { analyzePython, branchArms, noBranchLines } from "./python-static.js";

/** Room for this many exits per branch line in a packed branch key. */
const EXIT_SPAN = 2 ** 10;

const require = createRequire(import.meta.url);

/** coverage.py's numbits: bit (i % 8) of byte (i / 8) set means line i ran. */
export function numbitsToLines(numbits: Uint8Array): number[] {
  const lines: number[] = [];
  for (let byte = 0; byte < numbits.length; byte++) {
    const value = numbits[byte]!;
    if (value === 0) continue;
    for (let bit = 0; bit < 8; bit++) if (value & (1 << bit)) lines.push(byte * 8 + bit);
  }
  return lines;
}

/** exclude_also arrived in coverage.py 7.2; older versions ignore it (with a warning), so their numbers do too. */
function knowsExcludeAlso(version: unknown): boolean {
  const [major, minor] = String(version ?? "").split(".").map(Number);
  if (!Number.isFinite(major)) return true;
  return major! > 7 || (major === 7 && (minor ?? 0) >= 2);
}

function regexes(patterns: string[], option: string, config: CoveragePyConfig, notes: string[]): RegExp[] {
  const out: RegExp[] = [];
  for (const pattern of patterns) {
    const regex = pythonRegex(pattern);
    if (regex) out.push(regex);
    else notes.push(`${config.file ?? "coverage config"}: [report] ${option} pattern ${JSON.stringify(pattern)} is not a regular expression bgr can read; lines it matches are counted`);
  }
  return out;
}

/** coverage.py's should_be_python: `.py*` or no extension; anything else it fails to parse is skipped without a word. */
function shouldBePython(file: string): boolean {
  const ext = path.extname(file);
  return ext === "" || ext.startsWith(".py");
}

interface SqlJs {
  Database: new (data: Uint8Array) => { exec(sql: string): Array<{ columns: string[]; values: unknown[][] }>; close(): void };
}

export const readCoveragePySqlite: Reader = async (ctx) => {
  const initSqlJs = require("sql.js") as (config: { locateFile(file: string): string }) => Promise<SqlJs>;
  const wasmDir = path.dirname(require.resolve("sql.js"));
  const SQL = await initSqlJs({ locateFile: (file) => path.join(wasmDir, file) });
  const db = new SQL.Database(await readFile(ctx.path));
  const style = coveragePyStyle(ctx.precision ?? 0);
  let version: unknown;
  const notes: string[] = [];
  let configNote = "";
  try {
    let tables: string[];
    try {
      tables = (db.exec("select name from sqlite_master where type = 'table'")[0]?.values ?? []).map((row) => String(row[0]));
    } catch (error) {
      throw new CoverageParseError(ctx.display, undefined, `not a readable SQLite database: ${(error as Error).message}`);
    }
    if (!tables.includes("file") || !(tables.includes("line_bits") || tables.includes("arc"))) {
      throw new CoverageParseError(ctx.display, undefined, "SQLite file without coverage.py's file/line_bits tables: not a .coverage data file");
    }
    version = db.exec("select value from meta where key = 'version'")[0]?.values[0]?.[0];
    // Both tables exist in every data file; has_arcs says whether coverage.py ran with branch = True.
    const hasArcs = String(db.exec("select value from meta where key = 'has_arcs'")[0]?.values[0]?.[0] ?? "") === "1" && tables.includes("arc");
    const executed = new Map<number, Set<number>>();
    const arcsByFile = new Map<number, Array<[number, number]>>();
    const add = (fileId: number, line: number) => {
      if (line <= 0) return;
      let set = executed.get(fileId);
      if (!set) executed.set(fileId, (set = new Set()));
      set.add(line);
    };
    if (tables.includes("line_bits")) {
      for (const [fileId, numbits] of db.exec("select file_id, numbits from line_bits")[0]?.values ?? []) {
        for (const line of numbitsToLines(numbits as Uint8Array)) add(Number(fileId), line);
      }
    }
    if (hasArcs) {
      for (const [fileId, from, to] of db.exec("select file_id, fromno, tono from arc")[0]?.values ?? []) {
        const id = Number(fileId);
        add(id, Number(from));
        add(id, Number(to));
        let arcs = arcsByFile.get(id);
        if (!arcs) arcsByFile.set(id, (arcs = []));
        arcs.push([Number(from), Number(to)]);
      }
    }
    const tracers = new Map<number, string>();
    if (tables.includes("tracer")) {
      for (const [fileId, tracer] of db.exec("select file_id, tracer from tracer")[0]?.values ?? []) if (tracer) tracers.set(Number(fileId), String(tracer));
    }
    const dataDir = path.dirname(ctx.path);
    const root = ctx.root ?? dataDir;
    const config = loadCoveragePyConfig(existsSync(path.join(dataDir, ".coveragerc")) || dataDir === root ? dataDir : root, root);
    notes.push(...config.problems);
    const excludeAlso = knowsExcludeAlso(version) ? config.excludeAlso : [];
    if (config.file) configNote = `, settings from ${config.file}`;
    const exclude = regexes([...config.excludeLines, ...excludeAlso], "exclude_lines", config, notes);
    const partial = regexes([...config.partialBranches, ...config.partialAlways], "partial_branches", config, notes);
    const included = config.reportInclude.length > 0 ? pathMatcher(config.reportInclude, config.dir) : () => true;
    const omitted = config.reportOmit.length > 0 ? pathMatcher(config.reportOmit, config.dir) : () => false;
    const mapper = new PathMapper(root);
    const byPlugin = new Map<string, string[]>();
    let notPython = 0;
    for (const [id, filePath] of db.exec("select id, path from file")[0]?.values ?? []) {
      const ran = executed.get(Number(id)) ?? new Set<number>();
      const reportPath = String(filePath);
      const lines = new Map<number, number>();
      let onDisk = path.resolve(dataDir, reportPath);
      if (!existsSync(onDisk)) {
        const mapped = mapper.map(reportPath, { reportDir: path.relative(root, dataDir).split(path.sep).join("/") || undefined });
        if (mapped) onDisk = path.join(root, mapped);
      }
      // [report] include/omit match the path as recorded, and (for data from another checkout) where it is here.
      const names = [path.resolve(dataDir, reportPath), onDisk];
      if (!included(names) || omitted(names)) continue;
      const tracer = tracers.get(Number(id));
      if (tracer) {
        // A file traced by a plugin (Django or Jinja templates) is reported by that plugin's Python code, which bgr does not run.
        byPlugin.set(tracer, [...(byPlugin.get(tracer) ?? []), reportPath]);
        continue;
      }
      if (!shouldBePython(reportPath)) {
        notPython++;
        continue;
      }
      const source = existsSync(onDisk) ? readFileSync(onDisk, "utf8") : undefined;
      if (source === undefined) {
        for (const line of ran) lines.set(line, 1);
        ctx.emit({ reportPath, lines, statements: lines, style });
        continue;
      }
      const shape = analyzePython(source, exclude);
      const noBranch = hasArcs ? noBranchLines(source, partial) : new Set<number>();
      // Lines that ran but are no statement (a docstring) are not counted, as coverage.py does not.
      // coverage.py credits a line inside a multi-line statement to the statement's first line.
      const ranFirst = new Set<number>();
      for (const line of ran) ranFirst.add(shape.firstLine.get(line) ?? line);
      for (const line of shape.statements) lines.set(line, ranFirst.has(line) ? 1 : 0);
      const arcs = arcsByFile.get(Number(id));
      let branches: Map<number, number> | undefined;
      // Branch data exists only when coverage.py measured arcs (branch = True).
      if (hasArcs) {
        branches = new Map();
        for (const [line, arms] of branchArms(shape, arcs ?? [])) {
          // partial_branches lines: coverage.py never counts their arcs as missing.
          const covered = noBranch.has(line) ? arms.total : arms.covered;
          for (let arm = 0; arm < arms.total; arm++) branches.set(line * EXIT_SPAN + arm, arm < covered ? 1 : 0);
        }
      }
      ctx.emit({ reportPath, lines, statements: lines, branches, style });
    }
    for (const [tracer, files] of byPlugin) {
      notes.push(`${files.length} file${files.length === 1 ? "" : "s"} measured by the coverage plugin ${tracer} (e.g. ${files[0]}) left out: their statements come from the plugin's own code; \`coverage json\` includes them`);
    }
    if (notPython > 0) notes.push(`${notPython} non-Python file${notPython === 1 ? "" : "s"} (templates compiled to Python) left out, as \`coverage report\` leaves them out`);
  } finally {
    db.close();
  }
  return {
    format: "coverage.py-sqlite",
    producer: `coverage.py${version ? ` ${version}` : ""} data file (statements and branches estimated${configNote})`,
    style,
    combinedTotal: true,
    notes,
  };
};
