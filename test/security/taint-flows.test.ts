// The interpreter's precision, case by case: import aliases, constant
// folding, container elements, branches, summaries, class fields, traces.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { analyzeSource } from "../../src/engines/security-audit/analyze-file.js";
import { loadRuleSet } from "../../src/engines/security-audit/rules.js";
import type { Language } from "../../src/lang/index.js";

const ruleSet = loadRuleSet();

function audit(code: string, language: Language = "python") {
  const file = language === "python" ? "app.py" : language === "tsx" ? "app.tsx" : language === "typescript" ? "app.ts" : "app.js";
  return analyzeSource(file, code, language, ruleSet, new Set());
}

function linesOf(code: string, language: Language, ruleId: string): number[] {
  return audit(code, language).findings.filter((f) => f.ruleId === ruleId).map((f) => f.line);
}

const FLASK = "from flask import Flask, request\napp = Flask(__name__)\n";

describe("import aliases resolve to the real API", () => {
  test("from subprocess import call as c / import os as o", () => {
    const code = `${FLASK}from subprocess import call as c\nimport os as o\n@app.route("/a")\ndef a():\n    h = request.args["h"]\n    c("ping " + h, shell=True)\n    o.system("ping " + h)\n`;
    assert.deepEqual(linesOf(code, "python", "py.command-injection"), [8, 9]);
  });

  test("require, destructured require and ES imports of child_process", () => {
    const code = [
      "const cp = require('child_process');",
      "const { exec: run } = require('node:child_process');",
      "import { execSync } from 'child_process';",
      "app.get('/x', (req, res) => {",
      "  cp.exec('ls ' + req.query.d);",
      "  run('ls ' + req.query.d);",
      "  execSync(`ls ${req.query.d}`);",
      "});",
    ].join("\n");
    assert.deepEqual(linesOf(code, "javascript", "js.command-injection"), [5, 6, 7]);
  });

  test("a local function that merely shares a sink's name is not the sink", () => {
    const code = "function exec(cmd) { return cmd.length; }\napp.get('/x', (req, res) => { exec(req.query.c); });\n";
    assert.deepEqual(linesOf(code, "javascript", "js.command-injection"), []);
  });
});

describe("flow sensitivity", () => {
  test("folded constant conditions take one branch only", () => {
    const code = `${FLASK}import sqlite3\ndb = sqlite3.connect("x")\nLIMIT = 5\n@app.route("/a")\ndef a():\n    name = request.args["n"]\n    if 7 * 18 + LIMIT > 200:\n        db.execute("SELECT " + name)\n    if LIMIT * 100 > 200:\n        db.execute("SELECT " + name)\n`;
    assert.deepEqual(linesOf(code, "python", "py.sql-injection"), [12]);
  });

  test("reassignment with a constant kills the taint; a partial branch keeps it", () => {
    const code = `${FLASK}import os\n@app.route("/a")\ndef a():\n    x = request.args["x"]\n    x = "safe"\n    os.system("echo " + x)\n    y = request.args["y"]\n    if y == "":\n        y = "none"\n    os.system("echo " + y)\n`;
    assert.deepEqual(linesOf(code, "python", "py.command-injection"), [12]);
  });

  test("an allow-list check with an early exit cleans the value", () => {
    const code = `${FLASK}import os\nfrom flask import abort\nALLOWED = {"a", "b"}\n@app.route("/a")\ndef a():\n    s = request.args["s"]\n    if s not in ALLOWED:\n        abort(400)\n    os.system("restart " + s)\n`;
    assert.deepEqual(linesOf(code, "python", "py.command-injection"), []);
  });

  test("a loop accumulates taint", () => {
    const code = "app.get('/x', (req, res) => {\n  let sql = 'SELECT 1';\n  for (const t of req.query.tags) { sql += \" OR tag = '\" + t + \"'\"; }\n  db.query(sql);\n});\n";
    assert.deepEqual(linesOf(code, "javascript", "js.sql-injection"), [4]);
  });
});

describe("URL prefixes", () => {
  test("request data after a fixed path or host cannot choose where a redirect or fetch goes", () => {
    const code = [
      "app.get('/a', async (req, res) => {",
      "  res.redirect('/search?q=' + req.query.q);",
      "  res.redirect(`https://${req.query.host}/home`);",
      "  await fetch('https://api.example.com/items/' + req.query.id);",
      "  await fetch(`http://${req.query.host}/status`);",
      "  res.redirect(req.query.next);",
      "});",
    ].join("\n");
    assert.deepEqual(linesOf(code, "javascript", "js.open-redirect"), [3, 6]);
    assert.deepEqual(linesOf(code, "javascript", "js.ssrf"), [5]);
  });
});

describe("containers are element-sensitive", () => {
  test("a clean element read out of a dict or list that also holds request data is clean", () => {
    const code = `${FLASK}import os\n@app.route("/a")\ndef a():\n    d = {"cmd": "ls", "arg": request.args["a"]}\n    l = ["ls", request.args["b"]]\n    os.system(d["cmd"])\n    os.system(l[0])\n    os.system(d["arg"])\n    os.system(l[1])\n`;
    assert.deepEqual(linesOf(code, "python", "py.command-injection"), [10, 11]);
  });

  test("append and pop keep list positions", () => {
    const code = `${FLASK}import os\n@app.route("/a")\ndef a():\n    items = []\n    items.append("safe")\n    items.append(request.args["a"])\n    items.pop(0)\n    os.system(items[0])\n`;
    assert.deepEqual(linesOf(code, "python", "py.command-injection"), [10]);
  });

  test("a lookup keyed by request data returns what the program stored, not the key", () => {
    const code = [
      "const sessions = new Map();",
      "app.get('/me', (req, res) => {",
      "  const session = sessions.get(req.cookies.sid);",
      "  res.send(`<p>${session.name}</p>`);",
      "  res.send(`<p>${req.query.get ? '' : req.cookies.sid}</p>`);",
      "});",
    ].join("\n");
    assert.deepEqual(linesOf(code, "javascript", "js.xss"), [5]);
  });

  test("dict.get with a request key over constant values is clean", () => {
    const code = `${FLASK}import requests\nHOSTS = {"a": "https://a.example", "b": "https://b.example"}\n@app.route("/a")\ndef a():\n    requests.get(HOSTS.get(request.args["k"], HOSTS["a"]))\n`;
    assert.deepEqual(linesOf(code, "python", "py.ssrf"), []);
  });
});

describe("calls to functions of the same file", () => {
  test("a helper that sanitizes on every path, and one that propagates", () => {
    const code = `${FLASK}import os\ndef region(r):\n    if r in ("eu", "us"):\n        return r\n    return "eu"\ndef prefix(v):\n    return "report_" + v\n@app.route("/a")\ndef a():\n    os.system("x " + region(request.args["r"]))\n    os.system("x " + prefix(request.args["r"]))\n`;
    assert.deepEqual(linesOf(code, "python", "py.command-injection"), [13]);
  });

  test("class fields set in the constructor flow to methods", () => {
    const code = [
      "const { exec } = require('child_process');",
      "class Job {",
      "  constructor(label) { this.label = label; this.bin = '/bin/report'; }",
      "  command() { return `${this.bin} --label ${this.label}`; }",
      "  version() { return `${this.bin} --version`; }",
      "}",
      "app.post('/job', (req, res) => {",
      "  const job = new Job(req.body.label);",
      "  exec(job.command());",
      "  exec(job.version());",
      "});",
    ].join("\n");
    assert.deepEqual(linesOf(code, "javascript", "js.command-injection"), [9]);
  });
});

describe("findings", () => {
  test("a taint finding sits on the sink call and traces source → sink", () => {
    const code = `${FLASK}import sqlite3\ndb = sqlite3.connect("x")\n@app.route("/a")\ndef a():\n    name = request.args["n"]\n    q = "SELECT * FROM t WHERE n = '" + name + "'"\n    db.execute(\n        q\n    )\n`;
    const [finding] = audit(code).findings.filter((f) => f.ruleId === "py.sql-injection");
    assert.ok(finding, "no SQL injection finding");
    assert.equal(finding.line, 9);
    assert.equal(finding.endLine, 11);
    assert.equal(finding.cwe, 89);
    assert.equal(finding.owasp, "A03:2021");
    assert.deepEqual(finding.trace!.map((s) => s.line), [7, 8, 9]);
    assert.match(finding.trace![0]!.note, /source: `flask.request.args` \(Flask request data\)/);
    assert.match(finding.trace!.at(-1)!.note, /sink: .*execute/);
  });

  test("nosec, nosemgrep and bgr-ignore suppress on the line or the comment line above", () => {
    const code = `${FLASK}import os\n@app.route("/a")\ndef a():\n    x = request.args["x"]\n    os.system(x)  # nosec\n    # bgr-ignore: py.command-injection\n    os.system(x)\n    # bgr-ignore: py.sql-injection\n    os.system(x)\n    os.system(x)  # nosemgrep\n`;
    assert.deepEqual(linesOf(code, "python", "py.command-injection"), [11]);
  });

  test("a file that does not parse is reported as an error and still analysed", () => {
    const result = audit(`${FLASK}import os\n@app.route("/a")\ndef a(:\n    os.system(request.args["x"])\n`);
    assert.equal(result.errors.length, 1);
    assert.match(result.errors[0]!.message, /parse error/);
  });

  test("React dangerouslySetInnerHTML with URL data, and a sanitized one", () => {
    const code = [
      "import DOMPurify from 'dompurify';",
      "export function A() {",
      "  const h = new URLSearchParams(location.search).get('h') ?? '';",
      "  return (<div>",
      "    <p dangerouslySetInnerHTML={{ __html: h }} />",
      "    <p dangerouslySetInnerHTML={{ __html: DOMPurify.sanitize(h) }} />",
      "  </div>);",
      "}",
    ].join("\n");
    assert.deepEqual(linesOf(code, "tsx", "js.xss"), [5]);
  });

  test("a raw Node request body read through a promise helper is request data", () => {
    const code = [
      "const http = require('http');",
      "const { exec } = require('child_process');",
      "function readBody(req) {",
      "  return new Promise((resolve) => {",
      "    const chunks = [];",
      "    req.on('data', (chunk) => chunks.push(chunk));",
      "    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));",
      "  });",
      "}",
      "http.createServer(async (req, res) => { exec(await readBody(req)); exec('uptime'); });",
    ].join("\n");
    assert.deepEqual(linesOf(code, "javascript", "js.command-injection"), [10]);
  });

  test("a single query value sent back is reflected text; the whole query object is JSON", () => {
    const code = "app.get('/a', (req, res) => {\n  res.send(req.query.name);\n  res.send(req.query);\n  res.json({ n: req.query.name });\n});\n";
    assert.deepEqual(linesOf(code, "javascript", "js.xss"), [2]);
  });

  test("postMessage data is a source only inside message listeners", () => {
    const code = [
      "window.addEventListener('message', (event) => { document.body.innerHTML = event.data.html; });",
      "button.addEventListener('click', (event) => { document.body.innerHTML = event.data; });",
    ].join("\n");
    assert.deepEqual(linesOf(code, "javascript", "js.xss"), [1]);
  });
});
