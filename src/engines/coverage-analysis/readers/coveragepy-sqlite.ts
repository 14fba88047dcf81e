// coverage.py's data file (.coverage, SQLite). It records what ran, not what
// could have run: statements and branch exits come from coverage.py parsing
// the source at report time. Without Python we estimate both with tree-sitter
// (python-static.ts), so these totals are marked approximate; `coverage json`
// gives the exact ones.
// sql.js is SQLite compiled to WebAssembly, shipped inside its npm package.
import { existsSync, readFileSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import path from "node:path";
import { coveragePyStyle } from "../percent.js";
import { CoverageParseError, type Reader } from "./common.js";
import { analyzePython, branchArms } from "./python-static.js";

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
    for (const [id, filePath] of db.exec("select id, path from file")[0]?.values ?? []) {
      const ran = executed.get(Number(id)) ?? new Set<number>();
      const reportPath = String(filePath);
      const lines = new Map<number, number>();
      const onDisk = path.resolve(path.dirname(ctx.path), reportPath);
      const source = reportPath.endsWith(".py") && existsSync(onDisk) ? readFileSync(onDisk, "utf8") : undefined;
      if (source === undefined) {
        for (const line of ran) lines.set(line, 1);
        ctx.emit({ reportPath, lines, statements: lines, style });
        continue;
      }
      const shape = analyzePython(source);
      // Lines that ran but are no statement (a docstring) are not counted, as coverage.py does not.
      for (const line of shape.statements) lines.set(line, ran.has(line) ? 1 : 0);
      const arcs = arcsByFile.get(Number(id));
      let branches: Map<number, number> | undefined;
      // Branch data exists only when coverage.py measured arcs (branch = True).
      if (hasArcs) {
        branches = new Map();
        for (const [line, arms] of branchArms(shape, arcs ?? [])) {
          for (let arm = 0; arm < arms.total; arm++) branches.set(line * EXIT_SPAN + arm, arm < arms.covered ? 1 : 0);
        }
      }
      ctx.emit({ reportPath, lines, statements: lines, branches, style });
    }
  } finally {
    db.close();
  }
  return { format: "coverage.py-sqlite", producer: `coverage.py${version ? ` ${version}` : ""} data file (statements and branches estimated)`, style, combinedTotal: true };
};
