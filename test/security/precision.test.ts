// Precision on library-shaped code: what makes a flow safe is modelled (guards
// whose result is stored, falsy values, a library's own sanitizers while that
// library is audited, classes of other modules), and every safe case here has
// a vulnerable twin that must still be reported.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { audit, hits, project as newProject } from "./audit-project.js";

const project = (files: Record<string, string>) => newProject(files, "bgr-precision-");

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

  test("in a views module, a function is taken for a URL view only when its parameters look like URL captures", async () => {
    const root = project({
      "blog/views.py": lines(
        "from django.http import HttpResponse",
        "",
        "def detail(request, slug):",
        "    return HttpResponse('<h1>%s</h1>' % slug)",
        "",
        "def error_page(request, exc_type, exc_value, tb):",
        "    return HttpResponse('<h1>%s</h1>' % exc_type)",
      ),
    });
    assert.deepEqual(hits(await audit(root), "py.xss"), ["blog/views.py:4"]);
  });

  test("request environ entries the server set carry no attacker text; headers and the query string do", async () => {
    const root = project({
      "middleware.py": lines(
        "def remember(request):",
        "    request.session['token'] = request.META['CSRF_COOKIE']",
        "    request.session['addr'] = request.META.get('REMOTE_ADDR')",
        "    request.session['agent'] = request.META['HTTP_USER_AGENT']",
        "    request.session['query'] = request.META.get('QUERY_STRING', '')",
      ),
    });
    assert.deepEqual(hits(await audit(root), "py.trust-boundary"), ["middleware.py:4", "middleware.py:5"]);
  });

  test("a model's _meta is class metadata, not the request data the instance was built from", async () => {
    const view = (attr: string) =>
      lines(
        "from django.http import HttpResponseRedirect",
        "",
        "def saved(request, form_class):",
        "    obj = form_class(request.POST).save()",
        `    return HttpResponseRedirect('//' + obj.${attr})`,
      );
    const root = project({ "safe.py": view("_meta.app_label"), "unsafe.py": view("website") });
    assert.deepEqual(hits(await audit(root), "py.open-redirect"), ["unsafe.py:5"]);
  });

  test("an HTTP client's callback gets another server's response, not this server's request", async () => {
    const root = project({
      "fetch.js": lines(
        "const https = require('https');",
        "const express = require('express');",
        "const app = express();",
        "app.get('/proxy', (req, res) => https.get(req.query.url, (up) => up.pipe(res)));",
        "function download(url, done) {",
        "  https.get(url, (res) => {",
        "    if (res.statusCode === 302 && res.headers.location) return download(res.headers.location, done);",
        "    res.pipe(done);",
        "  });",
        "}",
        "module.exports = { download };",
      ),
    });
    assert.deepEqual(hits(await audit(root), "js.ssrf"), ["fetch.js:4"]);
  });

  test("a pattern asking for tainted data that only the environment supplies is reported at Low", async () => {
    const root = project({
      "load.py": lines(
        "import os",
        "from flask import request",
        "",
        "def configure(target):",
        "    for key in os.environ['APP_KEYS'].split(','):",
        "        setattr(target, key, True)",
        "",
        "def update(user):",
        "    for key, value in request.json.items():",
        "        setattr(user, key, value)",
      ),
    });
    const found = (await audit(root)).findings.filter((f) => f.ruleId === "py.mass-assignment").map((f) => `${f.line}:${f.severity}`);
    assert.deepEqual(found.sort(), ["10:Medium", "6:Low"]);
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
