// Tree-sitter grammars behind one tiny API. Shared by the security audit and
// code review engines: they ask "which language is this path?" and "give me
// a tree", and never import a grammar package themselves.
import { createRequire } from "node:module";
import type Parser from "tree-sitter";

export { LANGUAGES, type Language, languageForPath, supportedExtensions } from "./languages.js";
import type { Language } from "./languages.js";
import { vueScript } from "./vue.js";

/** The text the grammar reads: a Vue component's script blocks at their own offsets, any other file as is. */
export function parsedText(language: Language, text: string): string {
  return language === "vue" ? vueScript(text) : text;
}

export type Tree = Parser.Tree;
export type SyntaxNode = Parser.SyntaxNode;

// The grammar packages and tree-sitter itself are CommonJS native addons; createRequire keeps
// them out of the ESM loader and loads each one only when first needed: an audit answered
// from its cache parses nothing and never pays the ~5 ms of loading the binding.
const require = createRequire(import.meta.url);
let parserClass: typeof Parser | undefined;
const treeSitter = (): typeof Parser => (parserClass ??= require("tree-sitter") as typeof Parser);

function loadGrammar(language: Language): unknown {
  switch (language) {
    case "python":
      return require("tree-sitter-python");
    case "javascript":
      return require("tree-sitter-javascript");
    case "typescript":
    case "vue":
      return require("tree-sitter-typescript").typescript;
    case "tsx":
      return require("tree-sitter-typescript").tsx;
  }
}

// A parser is reusable but not re-entrant; parsing is synchronous, so one per
// language per thread is enough.
const parsers = new Map<Language, Parser>();

/**
 * setLanguage otherwise builds a SyntaxNode subclass per node type (with
 * `new Function` and a linear search of node-types.json for each): tens of
 * milliseconds per grammar, for typed field getters (`node.bodyNode`) that
 * nothing here reads. Every node is then a plain SyntaxNode, which has the
 * same type, fields and methods.
 */
function withPlainNodes(grammar: object): object {
  const target = grammar as { nodeSubclasses?: unknown };
  target.nodeSubclasses ??= new Proxy([], { get: (list, key) => (typeof key === "string" && /^\d+$/.test(key) ? (treeSitter() as unknown as { SyntaxNode: unknown }).SyntaxNode : Reflect.get(list, key)) });
  return grammar;
}

function parserFor(language: Language): Parser {
  let parser = parsers.get(language);
  if (!parser) {
    parser = new (treeSitter())();
    parser.setLanguage(withPlainNodes(loadGrammar(language) as object) as Parser.Language);
    parsers.set(language, parser);
  }
  return parser;
}

/**
 * Parses source text. Never throws on malformed code: tree-sitter recovers
 * and marks the damage with ERROR / missing nodes (see `syntaxErrors`).
 */
export function parseSource(language: Language, source: string): Tree {
  const text = parsedText(language, source);
  // The node binding copies the input in chunks; a callback input avoids its
  // size limit on very large files in older releases.
  const chunk = 64 * 1024;
  return parserFor(language).parse((offset: number) => text.slice(offset, offset + chunk));
}

export interface SyntaxProblem {
  line: number;
  column: number;
  message: string;
}

/** The first few places where the parser had to recover, 1-based. */
export function syntaxErrors(tree: Tree, limit = 5): SyntaxProblem[] {
  const problems: SyntaxProblem[] = [];
  if (!tree.rootNode.hasError) return problems;
  const visit = (node: SyntaxNode): void => {
    if (problems.length >= limit) return;
    if (node.isMissing) {
      problems.push({
        line: node.startPosition.row + 1,
        column: node.startPosition.column + 1,
        message: `missing ${node.type}`,
      });
      return;
    }
    if (node.type === "ERROR") {
      const text = node.text.split("\n")[0]!.slice(0, 40);
      problems.push({
        line: node.startPosition.row + 1,
        column: node.startPosition.column + 1,
        message: `syntax error near ${JSON.stringify(text)}`,
      });
      return;
    }
    if (!node.hasError) return;
    for (const child of node.children) visit(child);
  };
  visit(tree.rootNode);
  return problems;
}
