// One entry point: source text → IR, for any supported language.
import type { ModuleIR } from "./ir.js";
import { lowerJavaScript } from "./javascript.js";
import { type Language, parsedText, parseSource, syntaxErrors, type SyntaxProblem } from "./parsers.js";
import { lowerPython } from "./python.js";
import { repairPython } from "./python-recovery.js";
import { type LiteNode, toLiteTree } from "./tree.js";

export type { Language } from "./parsers.js";
export { languageForPath, supportedExtensions } from "./parsers.js";

export interface LoweredFile {
  module: ModuleIR;
  /** Places the parser had to recover; the module is still usable around them. */
  problems: SyntaxProblem[];
}

/** A file's syntax as the flat node table: lowering only reads it, so one table can be lowered more than once. */
export interface ParsedFile {
  root: LiteNode;
  problems: SyntaxProblem[];
}

/** Parses into the flat node table; the native tree is unreachable once this returns, so lowering never holds both. */
export function parseFile(language: Language, text: string): ParsedFile {
  const parsed = parseToTable(language, text);
  // The problems reported stay the original file's; the analysis reads the repaired text.
  const repaired = language === "python" && parsed.problems.length > 0 ? repairPython(text) : undefined;
  return repaired === undefined ? parsed : { problems: parsed.problems, root: parseToTable(language, repaired).root };
}

function parseToTable(language: Language, text: string): ParsedFile {
  const tree = parseSource(language, text);
  return { problems: syntaxErrors(tree), root: toLiteTree(tree, parsedText(language, text)) };
}

/** A fresh IR from a parsed file (each call builds new IR objects). */
export function lowerParsed(language: Language, { root, problems }: ParsedFile): LoweredFile {
  const module = language === "python" ? lowerPython(root) : lowerJavaScript(root, language);
  return { module, problems };
}

export function lowerSource(language: Language, text: string): LoweredFile {
  return lowerParsed(language, parseFile(language, text));
}

/** Rules written for "javascript" also apply to TypeScript and TSX. */
export function ruleLanguage(language: Language): "python" | "javascript" {
  return language === "python" ? "python" : "javascript";
}
