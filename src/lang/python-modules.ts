// Python import statements lowered to bindings: `import os.path as p` binds
// p to os.path, `from subprocess import call as c` binds c to subprocess.call.
import type { ImportBinding } from "./ir.js";
import type { LiteNode as SyntaxNode } from "./tree.js";

function dotted(node: SyntaxNode): string {
  return node.text.replace(/\s+/g, "");
}

export function importBindings(node: SyntaxNode): ImportBinding[] {
  const out: ImportBinding[] = [];
  for (const name of node.childrenForFieldName("name")) {
    if (name.type === "aliased_import") {
      const path = dotted(name.childForFieldName("name")!);
      out.push({ local: name.childForFieldName("alias")!.text, path, module: path });
    } else {
      // `import os.path` binds `os`.
      const path = dotted(name);
      out.push({ local: path.split(".")[0]!, path: path.split(".")[0]!, module: path, top: true });
    }
  }
  return out;
}

export function importFromBindings(node: SyntaxNode): ImportBinding[] {
  const moduleNode = node.childForFieldName("module_name");
  const written = moduleNode ? dotted(moduleNode) : "";
  const module = written.replace(/^\.+/, "");
  const out: ImportBinding[] = [];
  for (const name of node.childrenForFieldName("name")) {
    const qualify = (n: string): string => (module ? `${module}.${n}` : n);
    if (name.type === "aliased_import") {
      const member = dotted(name.childForFieldName("name")!);
      out.push({ local: name.childForFieldName("alias")!.text, path: qualify(member), module: written, member });
    } else out.push({ local: dotted(name), path: qualify(dotted(name)), module: written, member: dotted(name) });
  }
  if (node.namedChildren.some((c) => c.type === "wildcard_import")) out.push({ local: "*", path: module, module: written, star: true });
  return out;
}
