// The names a module lets importers reach, read from one side of a file:
// everything bound at module level (definitions, assignments, imports and
// re-exports), the names a module-level `__getattr__` still answers
// (deprecation shims), and whether some name may resolve in a way that
// cannot be listed (`from x import *`, `export * from`, a `__getattr__`
// that answers computed names). A function that leaves a module but whose
// name still resolves there was moved or deprecated, not removed.
import type { Language, SyntaxNode, Tree } from "../../lang/parsers.js";

export interface ModuleApi {
  /** Module-level names an importer can reach; classes included. */
  bindings: Map<string, Binding>;
  /** Names the module's `__getattr__` answers by name (string literals it compares or looks up). */
  shimmed: Set<string>;
  /** Some names resolve through something that cannot be enumerated: what, for the message. */
  open?: string;
  /** Python: the module defines `__getattr__` (a hook, not API). */
  hasGetattr: boolean;
}

export interface Binding {
  kind: "function" | "class" | "value" | "import";
  /** For imports and re-exports: the module it comes from. */
  from?: string;
}

/** Module-level hooks Python calls itself; they are not names importers use. */
export const PYTHON_MODULE_HOOKS = new Set(["__getattr__", "__dir__"]);

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

function stringValue(node: SyntaxNode): string | undefined {
  if (node.type !== "string") return undefined;
  const content = node.namedChildren.filter((child) => child.type === "string_content").map((child) => child.text).join("");
  return content || node.text.replace(/^[rbuf]*(['"]{1,3})([\s\S]*)\1$/i, "$2");
}

function pythonParamName(node: SyntaxNode): string | undefined {
  if (node.type === "identifier") return node.text;
  return (node.childForFieldName("name") ?? node.namedChildren.find((child) => child.type === "identifier"))?.text;
}

function pythonTargets(node: SyntaxNode, out: string[]): void {
  if (node.type === "identifier") out.push(node.text);
  else if (node.type === "pattern_list" || node.type === "tuple_pattern" || node.type === "list_pattern") {
    for (const child of node.namedChildren) pythonTargets(child, out);
  }
}

/** String keys of the module-level dict literals, by variable name (`_deprecated = {"old": ...}`). */
function dictKeys(node: SyntaxNode): string[] {
  if (node.type !== "dictionary") return [];
  return node.namedChildren.flatMap((pair) => {
    const key = pair.type === "pair" ? pair.childForFieldName("key") : undefined;
    const value = key ? stringValue(key) : undefined;
    return value && IDENTIFIER.test(value) ? [value] : [];
  });
}

function collectPython(block: SyntaxNode, api: ModuleApi, dicts: Map<string, string[]>, getattrs: SyntaxNode[]): void {
  for (const statement of block.namedChildren) {
    const node = statement.type === "decorated_definition" ? statement.childForFieldName("definition") : statement;
    if (!node) continue;
    switch (node.type) {
      case "function_definition": {
        const name = node.childForFieldName("name")?.text;
        if (!name) break;
        if (name === "__getattr__") getattrs.push(node);
        if (!PYTHON_MODULE_HOOKS.has(name)) api.bindings.set(name, { kind: "function" });
        break;
      }
      case "class_definition": {
        const name = node.childForFieldName("name")?.text;
        if (name) api.bindings.set(name, { kind: "class" });
        break;
      }
      case "expression_statement": {
        for (const assignment of node.namedChildren.filter((child) => child.type === "assignment")) {
          const targets: string[] = [];
          const left = assignment.childForFieldName("left");
          if (left) pythonTargets(left, targets);
          const right = assignment.childForFieldName("right");
          for (const target of targets) {
            api.bindings.set(target, { kind: "value" });
            if (right && targets.length === 1) dicts.set(target, dictKeys(right));
          }
        }
        break;
      }
      case "import_from_statement": {
        const from = node.childForFieldName("module_name")?.text;
        if (node.namedChildren.some((child) => child.type === "wildcard_import")) {
          api.open ??= `from ${from ?? "…"} import *`;
          break;
        }
        for (const imported of node.childrenForFieldName("name")) {
          const alias = imported.type === "aliased_import" ? imported.childForFieldName("alias")?.text : imported.text.split(".").pop();
          if (alias) api.bindings.set(alias, { kind: "import", ...(from ? { from } : {}) });
        }
        break;
      }
      case "import_statement": {
        for (const imported of node.namedChildren) {
          const alias = imported.type === "aliased_import" ? imported.childForFieldName("alias")?.text : imported.text.split(".")[0];
          if (alias) api.bindings.set(alias, { kind: "import", from: imported.text });
        }
        break;
      }
      case "if_statement":
      case "try_statement":
      case "with_statement": {
        // Conditional definitions (`try: from x import y` / `if TYPE_CHECKING:`) still bind at module level.
        for (const part of [node, ...node.namedChildren]) {
          for (const child of part.namedChildren) if (child.type === "block") collectPython(child, api, dicts, getattrs);
        }
        break;
      }
      default:
        break;
    }
  }
}

function pythonApi(tree: Tree): ModuleApi {
  const api: ModuleApi = { bindings: new Map(), shimmed: new Set(), hasGetattr: false };
  const dicts = new Map<string, string[]>();
  const getattrs: SyntaxNode[] = [];
  collectPython(tree.rootNode, api, dicts, getattrs);
  for (const hook of getattrs) {
    api.hasGetattr = true;
    const body = hook.childForFieldName("body");
    const parameter = hook.childForFieldName("parameters")?.namedChildren[0];
    const asked = parameter ? (pythonParamName(parameter) ?? "name") : "name";
    if (!body) continue;
    let named = 0;
    // `name == "old"`, `name in ("a", "b")`: the literals compared with the hook's argument.
    for (const comparison of body.descendantsOfType("comparison_operator")) {
      if (!comparison.namedChildren.some((child) => child.type === "identifier" && child.text === asked)) continue;
      for (const literal of comparison.descendantsOfType("string")) {
        const value = stringValue(literal);
        if (value && IDENTIFIER.test(value)) {
          api.shimmed.add(value);
          named++;
        }
      }
    }
    // `_deprecated[name]`, `_deprecated.get(name)`: the keys of a module-level dict it looks names up in.
    for (const identifier of body.descendantsOfType("identifier")) {
      for (const key of dicts.get(identifier.text) ?? []) {
        api.shimmed.add(key);
        named++;
      }
    }
    // A hook that answers names it does not spell out (a prefix test, a lazy import table) may serve anything.
    if (named === 0 && body.descendantsOfType("return_statement").length > 0) api.open ??= "the module's __getattr__";
  }
  return api;
}

function jsDeclarationNames(node: SyntaxNode): Array<[string, Binding["kind"]]> {
  const name = node.childForFieldName("name")?.text;
  if (/class/.test(node.type) && name) return [[name, "class"]];
  if (/function/.test(node.type) && name) return [[name, "function"]];
  if (node.type === "lexical_declaration" || node.type === "variable_declaration") {
    return node.namedChildren
      .filter((child) => child.type === "variable_declarator")
      .flatMap((declarator) => {
        const id = declarator.childForFieldName("name");
        return id?.type === "identifier" ? [[id.text, "value"] as [string, Binding["kind"]]] : [];
      });
  }
  if (name) return [[name, "value"]];
  return [];
}

function jsApi(tree: Tree): ModuleApi {
  const api: ModuleApi = { bindings: new Map(), shimmed: new Set(), hasGetattr: false };
  for (const node of tree.rootNode.namedChildren) {
    if (node.type === "export_statement") {
      const source = node.childForFieldName("source");
      const from = source ? stringValue(source) ?? source.text : undefined;
      const declaration = node.childForFieldName("declaration");
      if (declaration) {
        for (const [name, kind] of jsDeclarationNames(declaration)) api.bindings.set(name, { kind });
        continue;
      }
      const clause = node.namedChildren.find((child) => child.type === "export_clause");
      if (clause) {
        for (const specifier of clause.namedChildren.filter((child) => child.type === "export_specifier")) {
          const exported = (specifier.childForFieldName("alias") ?? specifier.childForFieldName("name"))?.text;
          if (exported) api.bindings.set(exported, { kind: from ? "import" : "value", ...(from ? { from } : {}) });
        }
        continue;
      }
      const namespace = node.namedChildren.find((child) => child.type === "namespace_export");
      if (namespace) {
        const alias = namespace.namedChildren[0]?.text;
        if (alias) api.bindings.set(alias, { kind: "import", ...(from ? { from } : {}) });
        continue;
      }
      if (from) api.open ??= `export * from "${from}"`;
      else if (/^export\s+default\b/.test(node.text)) api.bindings.set("default", { kind: "value" });
      continue;
    }
    // CommonJS: `module.exports = {...}`, `exports.name = …`, `module.exports.name = …`.
    const assignment = node.type === "expression_statement" ? node.namedChildren[0] : undefined;
    if (assignment?.type !== "assignment_expression") continue;
    const left = assignment.childForFieldName("left")?.text ?? "";
    const right = assignment.childForFieldName("right");
    const member = /^(?:module\.)?exports\.([A-Za-z_$][\w$]*)$/.exec(left);
    if (member) api.bindings.set(member[1]!, { kind: "value" });
    else if (left === "module.exports" && right?.type === "object") {
      for (const entry of right.namedChildren) {
        const key = entry.type === "shorthand_property_identifier" ? entry.text : entry.childForFieldName("key")?.text;
        if (key) api.bindings.set(key, { kind: "value" });
      }
    } else if (left === "module.exports" && right) {
      api.open ??= `module.exports = ${right.text.split("\n")[0]!.slice(0, 60)}`;
    }
  }
  return api;
}

export function moduleApi(tree: Tree | undefined, language: Language | undefined): ModuleApi | undefined {
  if (!tree || !language) return undefined;
  return language === "python" ? pythonApi(tree) : jsApi(tree);
}
