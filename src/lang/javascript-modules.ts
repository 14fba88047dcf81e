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
  const spec = requireSpecifier(value);
  // `require("./m").y` takes y from the module; deeper chains stay paths only.
  const rest = spec !== undefined && path.length > spec.length ? path.slice(spec.length + 1) : undefined;
  const module = spec !== undefined && (rest === undefined || !rest.includes(".")) ? spec : undefined;
  if (nameNode.type === "identifier") return [{ local: nameNode.text, path, module, member: rest }];
  if (nameNode.type === "object_pattern") {
    const out: ImportBinding[] = [];
    for (const p of namedChildren(nameNode)) {
      const from = rest === undefined ? module : undefined;
      if (p.type === "shorthand_property_identifier_pattern") out.push({ local: p.text, path: `${path}.${p.text}`, module: from, member: p.text });
      else if (p.type === "pair_pattern") {
        const v = p.childForFieldName("value");
        const key = p.childForFieldName("key")!.text;
        if (v?.type === "identifier") out.push({ local: v.text, path: `${path}.${key}`, module: from, member: key });
      } else if (p.type === "object_assignment_pattern") {
        const l = p.childForFieldName("left");
        if (l) out.push({ local: l.text, path: `${path}.${l.text}`, module: from, member: l.text });
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

/** The module string of `require("m")` / `import("m")`, under awaits and member reads. */
function requireSpecifier(value: SyntaxNode): string | undefined {
  if (value.type === "await_expression") return requireSpecifier(namedChildren(value)[0]!);
  if (value.type === "member_expression") return requireSpecifier(value.childForFieldName("object")!);
  if (value.type !== "call_expression") return undefined;
  const first = namedChildren(value.childForFieldName("arguments")!)[0];
  return first?.type === "string" ? moduleName(first) : undefined;
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
    if (part.type === "identifier") out.push({ local: part.text, path: module, module, member: "default" });
    else if (part.type === "namespace_import") out.push({ local: namedChildren(part)[0]!.text, path: module, module });
    else if (part.type === "named_imports") {
      for (const spec of namedChildren(part)) {
        if (spec.type !== "import_specifier") continue;
        const name = spec.childForFieldName("name")!.text;
        const alias = spec.childForFieldName("alias")?.text ?? name;
        out.push({ local: alias, path: name === "default" ? module : `${module}.${name}`, module, member: name });
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

/** `export { a, b as c } from "./m"` and `export * from "./m"`: names this module passes on. */
export function reexportBindings(node: SyntaxNode): ImportBinding[] {
  const source = node.childForFieldName("source");
  if (!source) return [];
  const module = moduleName(source);
  const clause = namedChildren(node).find((c) => c.type === "export_clause");
  if (!clause) return [{ local: "*", path: module, module, star: true }];
  return namedChildren(clause)
    .filter((s) => s.type === "export_specifier")
    .map((spec) => {
      const name = spec.childForFieldName("name")!.text;
      const alias = spec.childForFieldName("alias")?.text ?? name;
      return { local: alias, path: name === "default" ? module : `${module}.${name}`, module, member: name };
    });
}
