// Precision on library-shaped code: what makes a flow safe is modelled (guards
// whose result is stored, falsy values, a library's own sanitizers while that
// library is audited, classes of other modules), and every safe case here has
// a vulnerable twin that must still be reported.
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, describe, test } from "node:test";
import { runAudit } from "../../src/engines/security-audit/index.js";
import type { EngineContext, EngineResult } from "../../src/engines/types.js";

const temps: string[] = [];
after(() => temps.forEach((d) => rmSync(d, { recursive: true, force: true })));

function project(files: Record<string, string>): string {
  const root = mkdtempSync(path.join(tmpdir(), "bgr-precision-"));
  temps.push(root);
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
    writeFileSync(path.join(root, rel), text);
  }
  return root;
}

async function audit(root: string): Promise<EngineResult> {
  const ctx: EngineContext = {
    root,
    scope: [],
    task: "Security audit",
    instructions: "",
    options: { noCache: true },
    signal: new AbortController().signal,
    log: () => {},
    progress: () => {},
    cacheDir: path.join(root, ".agents", "cache", "security-audit"),
  };
  return runAudit(ctx);
}

function hits(result: EngineResult, ruleId: string): string[] {
  return result.findings.filter((f) => f.ruleId === ruleId).map((f) => `${f.file}:${f.line}`).sort();
}

const lines = (...l: string[]) => l.join("\n") + "\n";

describe("precision by modelling", () => {
  test("a guard whose result is stored in a variable validates when the variable is tested", async () => {
    const view = (check: string) =>
      lines(
        "from django.http import HttpResponseRedirect",
        "from django.utils.http import url_has_allowed_host_and_scheme",
        "",
        "def go(request):",
        "    target = request.GET.get('next', '')",
        `    ok = ${check}`,
        "    return HttpResponseRedirect(target if ok else '/')",
      );
    const root = project({
      "safe.py": view("url_has_allowed_host_and_scheme(url=target, allowed_hosts={request.get_host()})"),
      "unsafe.py": view("request.user.is_authenticated"),
    });
    assert.deepEqual(hits(await audit(root), "py.open-redirect"), ["unsafe.py:7"]);
  });

  test("a value tested falsy carries no attacker text", async () => {
    const view = (check: string) =>
      lines(
        "from django.http import HttpResponseRedirect",
        "from django.utils.http import url_has_allowed_host_and_scheme",
        "",
        "def go(request):",
        "    target = request.POST.get('next')",
        `    if (target or request.accepts('text/html')) and ${check}:`,
        "        target = '/'",
        "    return HttpResponseRedirect(target)",
      );
    const root = project({
      "safe.py": view("not url_has_allowed_host_and_scheme(url=target, allowed_hosts={request.get_host()})"),
      "unsafe.py": view("request.user.is_anonymous"),
    });
    assert.deepEqual(hits(await audit(root), "py.open-redirect"), ["unsafe.py:8"]);
  });

  test("auditing a modelled library itself, its sanitizers keep their documented contract", async () => {
    // The body does not prove containment the way the interpreter can read; the model of the import path does.
    const safeJoin = lines(
      "from os.path import abspath, join, normcase, sep",
      "",
      "def safe_join(base, *paths):",
      "    final = abspath(join(base, *paths))",
      "    if not normcase(final).startswith(normcase(abspath(base)) + sep) and normcase(final) != normcase(abspath(base)):",
      "        raise ValueError(final)",
      "    return final",
      "",
      "def plain_join(base, *paths):",
      "    return abspath(join(base, *paths))",
    );
    const view = (fn: string) =>
      lines(`from django.utils._os import ${fn}`, "", "def serve(request):", `    return open(${fn}('/srv/files', request.GET['name'])).read()`);
    const root = project({
      "django/__init__.py": "",
      "django/utils/__init__.py": "",
      "django/utils/_os.py": safeJoin,
      "site/safe.py": view("safe_join"),
      "site/unsafe.py": view("plain_join"),
    });
    assert.deepEqual(hits(await audit(root), "py.path-traversal"), ["site/unsafe.py:4"]);
  });

  test("a class of another module is reported once, in its own file", async () => {
    const root = project({
      "base.py": lines(
        "from django.http import HttpResponseRedirect",
        "",
        "class Jump:",
        "    def get(self, request):",
        "        return HttpResponseRedirect(request.GET['to'])",
      ),
      // The importer reads the class at its top level and imports the same sink name.
      "child.py": lines("from django.http import HttpResponseRedirect", "from base import Jump", "", "DEFAULT_VIEW = Jump"),
    });
    assert.deepEqual(hits(await audit(root), "py.open-redirect"), ["base.py:5"]);
  });
});
