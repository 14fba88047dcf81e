// Calls into another module shared between the files of one thread
// (src/engines/security-audit/shared-calls.ts): analysing a project's files
// one after another in one thread must give exactly what analysing each on
// its own gives, findings and traces alike, while the shared calls are taken.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import path from "node:path";
import { test } from "node:test";
import { analyzeSource, type FileAnalysis } from "../../src/engines/security-audit/analyze-file.js";
import { loadRules } from "../../src/engines/security-audit/compiled-rules.js";
import { forgetProjectModules } from "../../src/engines/security-audit/modules.js";
import { sharedCallStats } from "../../src/engines/security-audit/shared-calls.js";
import { project } from "./audit-project.js";

const UTILS_PY = [
  "import os",
  "import shlex",
  "from helpers.consts import ECHO",
  "",
  "ENTITIES = {34: 'quot', 38: 'amp', 60: 'lt', 62: 'gt'}",
  "SEEN = []",
  "PREFIX = 'ls '",
  "",
  "def escape(s):",
  "    out = ''",
  "    for c in s:",
  "        if c.isalnum() or c in ' .,-_':",
  "            out += c",
  "        elif ord(c) in ENTITIES:",
  "            out += f'&{ENTITIES[ord(c)]};'",
  "        else:",
  "            out += f'&#x{hex(ord(c))[2:]};'",
  "    return out",
  "",
  "def wrap(s):",
  "    return '<b>' + s + '</b>'",
  "",
  "def command(arg):",
  "    return PREFIX + arg",
  "",
  "def quoted(arg):",
  "    return PREFIX + shlex.quote(arg)",
  "",
  "def run(cmd):",
  "    os.system(cmd)",
  "",
  "def remember(v):",
  "    SEEN.append(v)",
  "",
  "def recall():",
  "    return SEEN[0]",
  "",
  "def echo(s):",
  "    return ECHO + s",
  "",
].join("\n");

/** A route file that uses the helpers with data from `source`. */
function view(n: number, source: string): string {
  return [
    "import os",
    "import subprocess",
    "from flask import Flask, request",
    "from helpers.utils import escape, wrap, command, quoted, run, remember, recall, echo",
    "import helpers.utils",
    "app = Flask(__name__)",
    "",
    `@app.route('/a${n}')`,
    "def a():",
    `    value = ${source}`,
    "    return wrap(value)",
    "",
    `@app.route('/b${n}')`,
    "def b():",
    `    value = ${source}`,
    "    os.system(command(value))",
    "    os.system(quoted(value))",
    "    return escape(value)",
    "",
    `@app.route('/c${n}')`,
    "def c():",
    "    try:",
    `        subprocess.call(helpers.utils.command(${source}), shell=True)`,
    "    except Exception as e:",
    "        return str(e)",
    "    return escape('fixed')",
    "",
    `@app.route('/d${n}/<name>')`,
    "def d(name):",
    ...(n % 2 === 0 ? ["    remember(name)", "    os.system(recall())"] : ["    os.system(recall())"]),
    "    run(name)",
    "    return 'ok'",
    "",
    // Here the first call loads helpers/consts.py for ECHO and the second, with other arguments, is kept
    // with ECHO loaded; a file that makes only that second call must still load it (and depend on it).
    `@app.route('/e${n}')`,
    "def e():",
    ...(n % 3 === 0 ? [`    shown = echo(${source})`, "    os.system(echo('date'))", "    return shown"] : ["    os.system(echo('date'))", "    return 'ok'"]),
    "",
  ].join("\n");
}

const SOURCES = ["request.args.get('q')", "request.cookies.get('c', 'none')", "request.headers['X-Name']", "request.form['f']", "'constant'", "request.args['q'][:10]"];

const UTILS_JS = [
  "const { exec } = require('child_process');",
  "function bold(s) { return '<b>' + s + '</b>'; }",
  "function shell(cmd) { exec(cmd); }",
  "function prefixed(s) { return 'ls ' + s; }",
  "module.exports = { bold, shell, prefixed };",
  "",
].join("\n");

function route(n: number, source: string): string {
  return [
    "const express = require('express');",
    "const { exec } = require('child_process');",
    "const { bold, shell, prefixed } = require('./utils');",
    "const app = express();",
    `app.get('/a${n}', (req, res) => { res.send(bold(${source})); });`,
    `app.get('/b${n}', (req, res) => { exec(prefixed(${source})); shell(${source}); res.send('ok'); });`,
    "",
  ].join("\n");
}

const JS_SOURCES = ["req.query.q", "req.params.id", "req.body.name", "'fixed'"];

function files(): Record<string, string> {
  const out: Record<string, string> = { "helpers/__init__.py": "", "helpers/consts.py": "ECHO = 'echo '\n", "helpers/utils.py": UTILS_PY, "web/utils.js": UTILS_JS };
  SOURCES.forEach((s, i) => {
    out[`views/v${i}.py`] = view(i, s);
    out[`views/w${i}.py`] = view(i + SOURCES.length, s);
  });
  JS_SOURCES.forEach((s, i) => (out[`web/r${i}.js`] = route(i, s)));
  return out;
}

async function analyseAll(root: string, names: string[], shareAcrossFiles: boolean): Promise<FileAnalysis[]> {
  const ruleSet = await loadRules();
  forgetProjectModules(root);
  return names.map((name) => {
    if (!shareAcrossFiles) forgetProjectModules(root);
    const language = name.endsWith(".py") ? "python" : "javascript";
    return analyzeSource(name, readFileSync(path.join(root, name), "utf8"), language, ruleSet, new Set(), root);
  });
}

test("files analysed in one thread get what each gets on its own, while calls into a shared helper are taken", async () => {
  const all = files();
  const root = project(all, "bgr-shared-calls-");
  const names = Object.keys(all).filter((f) => f.startsWith("views/") || f.startsWith("web/r"));
  const alone = await analyseAll(root, names, false);
  const before = { ...sharedCallStats };
  const shared = await analyseAll(root, names, true);
  assert.ok(sharedCallStats.taken > before.taken, "no call was taken from another file's analysis");
  assert.ok(sharedCallStats.kept > before.kept, "no call was kept for other files");
  assert.deepEqual(shared, alone);
  // The flows through the helpers are found at all, so the comparison compares something.
  const rules = new Set(shared.flatMap((a) => a.findings.map((f) => f.ruleId)));
  assert.ok(rules.size >= 2, `only ${[...rules].join(", ")}`);
  assert.ok(shared.some((a) => a.findings.some((f) => f.file === "helpers/utils.py")), "the sink inside the helper module was not reached");
});

test("a taken call's trace starts at the caller's own source", async () => {
  const all = files();
  const root = project(all, "bgr-shared-trace-");
  const names = ["views/v0.py", "views/w0.py", "views/v2.py"];
  const [first, second, third] = await analyseAll(root, names, true);
  for (const [analysis, name] of [[first, names[0]], [second, names[1]], [third, names[2]]] as const) {
    const traced = analysis!.findings.filter((f) => f.trace && f.trace.length > 1);
    assert.ok(traced.length > 0, `${name}: no traced finding`);
    for (const f of traced) assert.equal(f.trace![0]!.file, name, `${name}: ${JSON.stringify(f.trace)}`);
  }
});
