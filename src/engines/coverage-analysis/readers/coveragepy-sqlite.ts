// coverage.py's data file (.coverage, SQLite). It records what ran, not what
// could have run: the statements come from coverage.py parsing the source at
// report time. Without Python we estimate them with tree-sitter, so these
// totals are marked approximate; `coverage json` gives the exact ones.
// sql.js is SQLite compiled to WebAssembly, shipped inside its npm package.
import { existsSync, readFileSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import path from "node:path";
import { parseSource, type SyntaxNode } from "../../../lang/parsers.js";
import { coveragePyStyle } from "../percent.js";
import { CoverageParseError, type Reader } from "./common.js";

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

/** Statement kinds whose first line coverage.py treats as executable. */
const NOT_EXECUTABLE = new Set(["try_statement", "global_statement", "nonlocal_statement", "else_clause", "finally_clause", "block", "module"]);

function isDocstring(node: SyntaxNode): boolean {
  if (node.type !== "expression_statement" || node.firstNamedChild?.type !== "string") return false;
  const parent = node.parent;
  const first = parent?.firstNamedChild;
  return first?.id === node.id && (parent?.type === "module" || parent?.type === "block");
}

/** Estimated statement lines of a Python source: the start line of every statement, docstrings excepted. */
export function estimatePythonStatements(source: string): Set<number> {
  const lines = new Set<number>();
  const visit = (node: SyntaxNode) => {
    const executable =
      (node.type.endsWith("_statement") || node.type === "function_definition" || node.type === "class_definition" || node.type === "decorator" || node.type === "elif_clause" || node.type === "except_clause") &&
      !NOT_EXECUTABLE.has(node.type) &&
      !isDocstring(node);
    if (executable) lines.add(node.startPosition.row + 1);
    for (const child of node.namedChildren) visit(child);
  };
  visit(parseSource("python", source).rootNode);
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
    const executed = new Map<number, Set<number>>();
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
    if (tables.includes("arc")) {
      for (const [fileId, from, to] of db.exec("select file_id, fromno, tono from arc")[0]?.values ?? []) {
        add(Number(fileId), Number(from));
        add(Number(fileId), Number(to));
      }
    }
    for (const [id, filePath] of db.exec("select id, path from file")[0]?.values ?? []) {
      const ran = executed.get(Number(id)) ?? new Set<number>();
      const reportPath = String(filePath);
      const lines = new Map<number, number>();
      const onDisk = path.resolve(path.dirname(ctx.path), reportPath);
      const source = reportPath.endsWith(".py") && existsSync(onDisk) ? readFileSync(onDisk, "utf8") : undefined;
      if (source !== undefined) {
        // Lines that ran but are no statement (a docstring) are not counted, as coverage.py does not.
        for (const line of estimatePythonStatements(source)) lines.set(line, ran.has(line) ? 1 : 0);
      } else {
        for (const line of ran) lines.set(line, 1);
      }
      ctx.emit({ reportPath, lines, statements: lines, style });
    }
  } finally {
    db.close();
  }
  return { format: "coverage.py-sqlite", producer: `coverage.py${version ? ` ${version}` : ""} data file (statements estimated)`, style, combinedTotal: true };
};
