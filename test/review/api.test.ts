// Public API changes as a maintainer reads them, on a flask-like package: a
// refactor that changes many signatures is one finding; names that still
// resolve (re-exported from their new module, answered by a deprecation
// `__getattr__`) are not "removed"; retiring a `__getattr__` shim is the
// end of a deprecation, not "every importer breaks".
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { breakingChanges, parametersOf } from "../../src/engines/code-review/signatures.js";
import { parseSource } from "../../src/lang/parsers.js";
import { branchChange, findingsOf, rules, sectionOf } from "./helpers.js";

const INIT_BEFORE = `from .ctx import AppContext as AppContext
from .ctx import has_app_context as has_app_context
from .helpers import url_quote as url_quote

__version__ = "2.2.2"


def __getattr__(name):
    if name == "_app_ctx_stack":
        import warnings

        warnings.warn("'_app_ctx_stack' is deprecated.", DeprecationWarning, stacklevel=2)
        return object()
    raise AttributeError(name)
`;

// Flask 2.3's move: the stack shim retired, __version__ deprecated through __getattr__.
const INIT_AFTER = `from .ctx import AppContext as AppContext
from .ctx import has_app_context as has_app_context
from .helpers import url_quote as url_quote


def __getattr__(name):
    if name == "__version__":
        import importlib.metadata
        import warnings

        warnings.warn("'__version__' is deprecated.", DeprecationWarning, stacklevel=2)
        return importlib.metadata.version("flaskish")
    raise AttributeError(name)
`;

const CTX_NAMES = ["push", "pop", "copy", "match", "bind", "lookup", "render", "teardown"];

function ctxModule(signature: (name: string) => string): string {
  const methods = CTX_NAMES.map((name) => `    def ${name}${signature(name)}:\n        return self._run("${name}")\n`).join("\n");
  return `class AppContext:\n    def __init__(self, app):\n        self.app = app\n\n    def _run(self, what):\n        return (self.app, what)\n\n${methods}\n\ndef has_app_context():\n    return True\n\n\ndef old_helper(value):\n    return value\n`;
}

const HELPERS_BEFORE = `def url_quote(value, charset="utf-8"):\n    return value.encode(charset)\n\n\ndef get_root_path(import_name):\n    return import_name.replace(".", "/")\n`;
const HELPERS_AFTER = `from .paths import get_root_path as get_root_path\n\n\ndef url_quote(value, charset="utf-8"):\n    return value.encode(charset)\n`;
const PATHS = `def get_root_path(import_name):\n    return import_name.replace(".", "/")\n`;

/** Flask-like 2.2 → 2.3: new keyword-only `exc` everywhere (breaking), annotations (compatible). */
function flaskishRepo() {
  const before = ctxModule(() => "(self, exc=None)");
  const after = ctxModule((name) => (["push", "pop", "copy", "match", "bind", "lookup"].includes(name) ? "(self, *, exc: BaseException, strict=False)" : "(self, exc: BaseException | None = None)"));
  return branchChange(
    {
      "flaskish/__init__.py": INIT_BEFORE,
      "flaskish/ctx.py": before,
      "flaskish/helpers.py": HELPERS_BEFORE,
      "tests/test_ctx.py": "from flaskish.ctx import AppContext\n\n\ndef test_push():\n    assert AppContext(None).push() is not None\n",
    },
    {
      "flaskish/__init__.py": INIT_AFTER,
      "flaskish/ctx.py": after.replace("def old_helper(value):\n    return value\n", ""),
      "flaskish/helpers.py": HELPERS_AFTER,
      "flaskish/paths.py": PATHS,
      "tests/test_ctx.py": "from flaskish.ctx import AppContext\n\n\ndef test_push():\n    assert AppContext(None).push(exc=ValueError()) is not None\n",
    },
  );
}

describe("public API on a flask-like refactor", () => {
  it("groups the breaking signature changes of one module into one finding that lists them", async () => {
    const result = await flaskishRepo().review();
    const signatures = findingsOf(result, "review/exported-signature-changed");
    assert.equal(signatures.length, 1, rules(result).join(", "));
    const [finding] = signatures;
    assert.equal(finding!.file, "flaskish/ctx.py");
    assert.equal(finding!.title, "6 exported signatures changed incompatibly in flaskish/ctx.py");
    const listed = (finding!.properties?.functions as Array<{ name: string; reasons: string[] }>).map((entry) => entry.name);
    assert.deepEqual(listed, ["AppContext.push", "AppContext.pop", "AppContext.copy", "AppContext.match", "AppContext.bind", "AppContext.lookup"]);
    assert.match(finding!.message, /^Calls written for the old signatures can fail: `AppContext\.push` \(no longer takes `exc` as argument 1; `exc` is now required\), `AppContext\.pop` \(/);
    assert.match(finding!.message, /\(2 other signature changes in this file stay compatible\.\)$/);
  });

  it("does not call a re-exported, a shimmed or a hook function removed; says what the retired shim did", async () => {
    const result = await flaskishRepo().review();
    const removed = findingsOf(result, "review/export-removed");
    assert.deepEqual(removed.map((f) => [f.file, f.title]), [["flaskish/ctx.py", "Exported `old_helper` removed from flaskish/ctx.py"]]);
    assert.doesNotMatch(JSON.stringify(result.findings), /__getattr__` removed|get_root_path.*removed|every importer breaks/);
    const [retired] = findingsOf(result, "review/deprecation-retired");
    assert.equal(retired?.severity, "Low");
    assert.equal(retired?.file, "flaskish/__init__.py");
    assert.match(retired!.message, /answered `_app_ctx_stack` with a deprecation warning; after the change it no longer resolves/);
  });

  it("describes what the change does: files and functions by directory, and the public API delta", async () => {
    const body = sectionOf(await flaskishRepo().review(), "What this change does");
    assert.match(body, /^5 files in 2 directories \(4 modified, 1 added\); functions: 1 added, 2 removed, 0 renamed, \d+ changed\./);
    assert.match(body, /\*\*`flaskish\/`\*\*\n- `__init__.py` \(modified, \+\d+ −\d+\): changes `__getattr__`/);
    assert.match(body, /- `helpers\.py` \(modified, \+\d+ −\d+\): removes `get_root_path`\n/);
    assert.match(body, /- `paths\.py` \(added, \+2 −0\): adds `get_root_path`/);
    assert.match(body, /\*\*Public API delta\*\*/);
    assert.match(body, /- `flaskish\/helpers\.py`: moved but still importable: `get_root_path` \(now imported from `\.paths`\)/);
    assert.match(body, /- `flaskish\/__init__\.py`: deprecated \(answered by `__getattr__`\): `__version__`; deprecated names retired: `_app_ctx_stack`/);
    assert.match(body, /- `flaskish\/ctx\.py`: 6 signatures changed incompatibly \(`AppContext\.push`, .*\); 2 signatures changed compatibly; removed `old_helper`/);
  });
});

describe("JavaScript re-exports", () => {
  it("keeps a function re-exported from its new module, and marks one behind export * as possibly still there", async () => {
    const r = branchChange(
      { "lib/index.js": "export function parse(text) {\n  return text.trim();\n}\n\nexport function format(value) {\n  return String(value);\n}\n" },
      {
        "lib/index.js": 'export { parse } from "./parse.js";\nexport * from "./format.js";\n',
        "lib/parse.js": "export function parse(text) {\n  return text.trim();\n}\n",
        "lib/format.js": "export function format(value) {\n  return String(value);\n}\n",
      },
    );
    const removed = findingsOf(await r.review(), "review/export-removed");
    assert.deepEqual(removed.map((f) => [f.severity, f.title]), [["Low", "1 public function no longer defined in lib/index.js"]]);
    assert.match(removed[0]!.message, /^`format` is no longer defined in `lib\/index\.js`; `export \* from "\.\/format\.js"` may still provide it/);
  });
});

describe("signature compatibility", () => {
  const params = (source: string, language: "python" | "typescript") => {
    const tree = parseSource(language, source);
    const fn = tree.rootNode.descendantsOfType(language === "python" ? "function_definition" : "function_declaration")[0]!;
    return parametersOf(fn, language, false);
  };
  const cases: Array<[string, string, string, "python" | "typescript", string[]]> = [
    ["annotations only", "def f(a, b=1): pass", "def f(a: int, b: int = 1) -> int: pass", "python", []],
    ["optional parameter appended", "def f(a): pass", "def f(a, b=None, *, c=2): pass", "python", []],
    ["**kwargs added absorbs a rename", "def f(a, b): pass", "def f(a, c, **kw): pass", "python", []],
    ["renamed positional", "def f(a, b): pass", "def f(a, c): pass", "python", ["argument 2 renamed `b` → `c` (breaks b=… callers)"]],
    ["required argument added", "def f(a): pass", "def f(a, b): pass", "python", ["adds required argument `b`"]],
    ["moved to keyword-only", "def f(a, b=1): pass", "def f(a, *, b=1): pass", "python", ["no longer takes `b` as argument 2"]],
    ["**kwargs dropped", "def f(a, **kw): pass", "def f(a): pass", "python", ["no longer takes extra keyword arguments"]],
    ["TS: types and names do not matter to callers", "function f(a: string, b?: number) {}", "function f(x: String, y: number = 2, z?: boolean) {}", "typescript", []],
    ["TS: new required argument", "function f(a: string) {}", "function f(a: string, b: number) {}", "typescript", ["adds required argument `b`"]],
    ["TS: optional made required", "function f(a?: string) {}", "function f(a: string) {}", "typescript", ["`a` is now required"]],
  ];
  for (const [name, before, after, language, expected] of cases) {
    it(name, () => assert.deepEqual(breakingChanges(params(before, language), params(after, language), language), expected));
  }
});
