// JavaScript module bindings: ES imports and CommonJS require, lowered to
// import bindings so `const { exec } = require("child_process")` and
// `import { exec } from "node:child_process"` both resolve to child_process.exec.
import type { ImportBinding } from "./ir.js";
import { namedChildren, unescapeString } from "./common.js";
import type { LiteNode as SyntaxNode } from "./tree.js";

/** `const x = require('m')`, `const { a, b: c } = require('m')`, `const x = require('m').y`. */
export function requireImport(nameNode: SyntaxNode, value: SyntaxNode): ImportBinding[] | undefined {
  const path = requirePath(value);
  if (path === undefined) return undefined;
  if (nameNode.type === "identifier") return [{ local: nameNode.text, path }];
  if (nameNode.type === "object_pattern") {
    const out: ImportBinding[] = [];
    for (const p of namedChildren(nameNode)) {
      if (p.type === "shorthand_property_identifier_pattern") out.push({ local: p.text, path: `${path}.${p.text}` });
      else if (p.type === "pair_pattern") {
        const v = p.childForFieldName("value");
        if (v?.type === "identifier") out.push({ local: v.text, path: `${path}.${p.childForFieldName("key")!.text}` });
      } else if (p.type === "object_assignment_pattern") {
        const l = p.childForFieldName("left");
        if (l) out.push({ local: l.text, path: `${path}.${l.text}` });
      }
    }
    return out;
  }
  return undefined;
}

function requirePath(value: SyntaxNode): string | undefined {
  if (value.type === "await_expression") return requirePath(namedChildren(value)[0]!);
  if (value.type === "member_expression") {
    const inner = requirePath(value.childForFieldName("object")!);
    return inner === undefined ? undefined : `${inner}.${value.childForFieldName("property")!.text}`;
  }
  if (value.type !== "call_expression" && value.type !== "import") return undefined;
  const fn = value.childForFieldName("function");
  if (!fn || (fn.text !== "require" && fn.type !== "import")) return undefined;
  const first = namedChildren(value.childForFieldName("arguments")!)[0];
  if (!first || first.type !== "string") return undefined;
  return moduleName(first);
}

function moduleName(stringNode: SyntaxNode): string {
  // `node:child_process` and `child_process` are the same module.
  return stringContent(stringNode).replace(/^node:/, "");
}

export function importBindings(node: SyntaxNode): ImportBinding[] {
  const source = node.childForFieldName("source");
  if (!source) return [];
  const module = moduleName(source);
  const out: ImportBinding[] = [];
  const clause = namedChildren(node).find((c) => c.type === "import_clause");
  for (const part of clause ? namedChildren(clause) : []) {
    if (part.type === "identifier") out.push({ local: part.text, path: module });
    else if (part.type === "namespace_import") out.push({ local: namedChildren(part)[0]!.text, path: module });
    else if (part.type === "named_imports") {
      for (const spec of namedChildren(part)) {
        if (spec.type !== "import_specifier") continue;
        const name = spec.childForFieldName("name")!.text;
        const alias = spec.childForFieldName("alias")?.text ?? name;
        out.push({ local: alias, path: name === "default" ? module : `${module}.${name}` });
      }
    }
  }
  return out;
}

export function stringContent(node: SyntaxNode): string {
  let text = "";
  for (const c of node.namedChildren) {
    if (c.type === "string_fragment") text += c.text;
    else if (c.type === "escape_sequence") text += unescapeString(c.text);
  }
  return text;
}
