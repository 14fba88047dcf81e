// What a caller can pass to a function, read from its parameter list, and
// whether a new signature still accepts every call the old one accepted.
// Adding a type annotation, an optional parameter at the end or **kwargs
// breaks nobody; removing, renaming (Python keywords), reordering or
// requiring a parameter breaks someone. Only the latter is worth a finding.
import type { Language, SyntaxNode } from "../../lang/parsers.js";

export type ParamKind = "positional-only" | "positional" | "keyword-only" | "var-positional" | "var-keyword";

export interface Param {
  name: string;
  kind: ParamKind;
  optional: boolean;
}

function pythonParam(node: SyntaxNode): { name: string; optional: boolean; splat?: "list" | "dict" } | undefined {
  switch (node.type) {
    case "identifier":
      return { name: node.text, optional: false };
    case "list_splat_pattern":
      return { name: node.text.replace(/^\*/, ""), optional: true, splat: "list" };
    case "dictionary_splat_pattern":
      return { name: node.text.replace(/^\*\*/, ""), optional: true, splat: "dict" };
    case "typed_parameter": {
      const inner = node.namedChildren[0];
      return inner ? pythonParam(inner) : undefined;
    }
    case "default_parameter":
    case "typed_default_parameter":
      return { name: node.childForFieldName("name")?.text ?? node.text, optional: true };
    default:
      return undefined;
  }
}

function pythonParams(list: SyntaxNode, isMethod: boolean): Param[] {
  const params: Param[] = [];
  let keywordOnly = false;
  for (const child of list.namedChildren) {
    if (child.type === "comment") continue;
    if (child.type === "keyword_separator") {
      keywordOnly = true;
      continue;
    }
    if (child.type === "positional_separator") {
      for (const param of params) if (param.kind === "positional") param.kind = "positional-only";
      continue;
    }
    const param = pythonParam(child);
    if (!param) continue;
    if (param.splat === "list") {
      params.push({ name: param.name, kind: "var-positional", optional: true });
      keywordOnly = true;
    } else if (param.splat === "dict") {
      params.push({ name: param.name, kind: "var-keyword", optional: true });
    } else {
      params.push({ name: param.name, kind: keywordOnly ? "keyword-only" : "positional", optional: param.optional });
    }
  }
  // The receiver is bound by Python, never passed by the caller.
  const first = params[0];
  if (isMethod && first && (first.name === "self" || first.name === "cls") && first.kind !== "keyword-only") params.shift();
  return params;
}

function jsParam(node: SyntaxNode): Param | undefined {
  switch (node.type) {
    case "identifier":
    case "object_pattern":
    case "array_pattern":
      return { name: node.text, kind: "positional", optional: false };
    case "assignment_pattern":
      return { name: node.childForFieldName("left")?.text ?? node.text, kind: "positional", optional: true };
    case "rest_pattern":
      return { name: node.text.replace(/^\.\.\./, ""), kind: "var-positional", optional: true };
    case "required_parameter":
    case "optional_parameter": {
      const pattern = node.childForFieldName("pattern");
      if (!pattern || pattern.type === "this") return undefined;
      if (pattern.type === "rest_pattern") return jsParam(pattern);
      const optional = node.type === "optional_parameter" || node.childForFieldName("value") !== null;
      return { name: pattern.text, kind: "positional", optional };
    }
    default:
      return undefined;
  }
}

/** The parameters a caller deals with, in order (Python's self/cls and TypeScript's `this` left out). */
export function parametersOf(node: SyntaxNode, language: Language, isMethod: boolean): Param[] {
  const list = node.childForFieldName("parameters");
  if (!list) {
    // `x => …`: a single bare parameter.
    const single = node.childForFieldName("parameter");
    return single ? [{ name: single.text, kind: "positional", optional: false }] : [];
  }
  if (language === "python") return pythonParams(list, isMethod);
  return list.namedChildren.flatMap((child) => jsParam(child) ?? []);
}

const positionalKinds = new Set<ParamKind>(["positional-only", "positional"]);
const byKeyword = new Set<ParamKind>(["positional", "keyword-only"]);

/**
 * Why a call that the old parameters accepted may fail with the new ones;
 * empty when every such call still works. Python callers may pass
 * positional-or-keyword parameters either way, so names matter there; a
 * JavaScript caller only passes positions.
 */
export function breakingChanges(before: Param[], after: Param[], language: Language): string[] {
  const reasons: string[] = [];
  const afterPositional = after.filter((param) => positionalKinds.has(param.kind));
  const beforePositional = before.filter((param) => positionalKinds.has(param.kind));
  const takesVarPositional = after.some((param) => param.kind === "var-positional");
  const takesVarKeyword = after.some((param) => param.kind === "var-keyword");

  beforePositional.forEach((old, index) => {
    const now = afterPositional[index];
    if (!now) {
      if (!takesVarPositional) reasons.push(`no longer takes \`${old.name}\` as argument ${index + 1}`);
      return;
    }
    if (language === "python" && old.kind === "positional" && now.name !== old.name && !takesVarKeyword) {
      reasons.push(`argument ${index + 1} renamed \`${old.name}\` → \`${now.name}\` (breaks ${old.name}=… callers)`);
    }
    if (old.optional && !now.optional) reasons.push(`\`${now.name}\` is now required`);
  });
  if (language === "python") {
    for (const old of before.filter((param) => param.kind === "keyword-only")) {
      const now = after.find((param) => param.name === old.name && byKeyword.has(param.kind));
      if (!now) {
        if (!takesVarKeyword) reasons.push(`no longer accepts \`${old.name}=\``);
      } else if (old.optional && !now.optional) {
        reasons.push(`\`${old.name}\` is now required`);
      }
    }
    for (const now of after.filter((param) => param.kind === "keyword-only" && !param.optional)) {
      const old = before.find((param) => param.name === now.name);
      if (!old) reasons.push(`adds required keyword \`${now.name}\``);
      else if (old.optional) reasons.push(`\`${now.name}\` is now required`);
    }
  }
  for (const now of afterPositional.slice(beforePositional.length)) {
    if (!now.optional) reasons.push(`adds required argument \`${now.name}\``);
  }
  if (before.some((param) => param.kind === "var-positional") && !takesVarPositional) reasons.push("no longer takes extra positional arguments");
  if (before.some((param) => param.kind === "var-keyword") && !takesVarKeyword) reasons.push("no longer takes extra keyword arguments");
  return [...new Set(reasons)];
}
