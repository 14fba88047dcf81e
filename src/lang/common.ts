// Helpers shared by the language adapters.
import type { LiteNode as SyntaxNode } from "./tree.js";
import type { Expr, Loc } from "./ir.js";

export function locOf(node: SyntaxNode): Loc {
  return node.loc;
}

export function namedChildren(node: SyntaxNode): SyntaxNode[] {
  return node.namedChildren.filter((c) => c.type !== "comment");
}

export function constant(value: string | number | boolean | null, node: SyntaxNode): Expr {
  return { k: "const", value, loc: locOf(node) };
}

/** Decodes the common backslash escapes; exotic ones keep their text, which is enough for matching. */
export function unescapeString(raw: string): string {
  return raw.replace(/\\(u\{[0-9a-fA-F]+\}|u[0-9a-fA-F]{4}|x[0-9a-fA-F]{2}|[nrtbfv0'"\\\n])/g, (_m, esc: string) => {
    switch (esc[0]) {
      case "n": return "\n";
      case "r": return "\r";
      case "t": return "\t";
      case "b": return "\b";
      case "f": return "\f";
      case "v": return "\v";
      case "0": return "\0";
      case "\n": return "";
      case "x": return String.fromCharCode(parseInt(esc.slice(1), 16));
      case "u": return String.fromCodePoint(parseInt(esc.replace(/[u{}]/g, ""), 16));
      default: return esc;
    }
  });
}

export function parseNumber(text: string): number {
  const clean = text.replace(/_/g, "").replace(/[lLjJn]$/, "");
  const n = Number(clean);
  return Number.isNaN(n) ? parseFloat(clean) : n;
}
