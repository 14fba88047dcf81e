// One entry point: source text → IR, for any supported language.
import type { ModuleIR } from "./ir.js";
import { lowerJavaScript } from "./javascript.js";
import { type Language, parsedText, parseSource, syntaxErrors, type SyntaxProblem } from "./parsers.js";
import { lowerPython } from "./python.js";
import { type LiteNode, toLiteTree } from "./tree.js";

export type { Language } from "./parsers.js";
export { languageForPath, supportedExtensions } from "./parsers.js";

export interface LoweredFile {
  module: ModuleIR;
  /** Places the parser had to recover; the module is still usable around them. */
  problems: SyntaxProblem[];
}

/** Parses into the flat node table; the native tree is unreachable once this returns, so lowering never holds both. */
function parseToTable(language: Language, text: string): { root: LiteNode; problems: SyntaxProblem[] } {
  const tree = parseSource(language, text);
  return { problems: syntaxErrors(tree), root: toLiteTree(tree, parsedText(language, text)) };
}

export function lowerSource(language: Language, text: string): LoweredFile {
  const { root, problems } = parseToTable(language, text);
  const module = language === "python" ? lowerPython(root) : lowerJavaScript(root, language);
  return { module, problems };
}

/** Rules written for "javascript" also apply to TypeScript and TSX. */
export function ruleLanguage(language: Language): "python" | "javascript" {
  return language === "python" ? "python" : "javascript";
}
