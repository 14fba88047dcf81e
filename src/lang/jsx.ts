// JSX elements lowered to calls `__jsx__(tag, {attributes}, ...children)`, so
// rules can look at attributes such as dangerouslySetInnerHTML like arguments.
import type { Arg, DictEntry, Expr } from "./ir.js";
import { locOf, namedChildren } from "./common.js";
import { expr, JSX_CALLEE } from "./javascript.js";
import type { LiteNode as SyntaxNode } from "./tree.js";

export function jsx(node: SyntaxNode): Expr {
  const loc = locOf(node);
  const opening = node.type === "jsx_element" ? node.childForFieldName("open_tag") : node;
  const tag = opening?.childForFieldName("name")?.text ?? "";
  const entries: DictEntry[] = [];
  for (const attr of opening ? opening.childrenForFieldName("attribute") : []) {
    if (attr.type === "jsx_attribute") {
      const [nameNode, valueNode] = namedChildren(attr);
      const value: Expr = !valueNode
        ? { k: "const", value: true, loc: locOf(attr) }
        : valueNode.type === "jsx_expression"
          ? (namedChildren(valueNode)[0] ? expr(namedChildren(valueNode)[0]!) : { k: "const", value: null, loc: locOf(valueNode) })
          : expr(valueNode);
      entries.push({ key: nameNode!.text, value });
    } else if (attr.type === "jsx_expression") {
      const inner = namedChildren(attr)[0];
      if (inner) entries.push({ spread: true, value: expr(inner.type === "spread_element" ? namedChildren(inner)[0]! : inner) });
    }
  }
  const children: Arg[] = node.type === "jsx_element"
    ? namedChildren(node)
        .filter((c) => c.type === "jsx_expression" || c.type === "jsx_element" || c.type === "jsx_self_closing_element")
        .flatMap((c): Arg[] => {
          if (c.type !== "jsx_expression") return [{ value: expr(c) }];
          const inner = namedChildren(c)[0];
          return inner ? [{ value: expr(inner) }] : [];
        })
    : [];
  return {
    k: "call",
    callee: { k: "name", name: JSX_CALLEE, loc },
    args: [{ value: { k: "const", value: tag, loc } }, { value: { k: "dict", entries, loc } }, ...children],
    loc,
  };
}
