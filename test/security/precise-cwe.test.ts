// Findings whose CWE used to be a broader neighbour: a tainted template source
// is template injection (CWE-1336), not XSS (CWE-79); a weak hash protecting a
// password is CWE-916, not CWE-328. Each site gets exactly one of the two.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { analyzeSource } from "../../src/engines/security-audit/analyze-file.js";
import { loadRuleSet } from "../../src/engines/security-audit/rules.js";
import type { Finding } from "../../src/protocol/finding.js";

const ruleSet = loadRuleSet();

function findings(code: string, language: "python" | "javascript" | "typescript"): Finding[] {
  const file = language === "python" ? "app.py" : language === "typescript" ? "app.ts" : "app.js";
  return analyzeSource(file, code, language, ruleSet, new Set()).findings;
}

function cwesAt(all: Finding[], line: number): number[] {
  return all.filter((f) => f.line === line).map((f) => f.cwe ?? 0).sort((a, b) => a - b);
}

describe("server-side template injection is CWE-1336", () => {
  test("Flask/Jinja2: template sources from the request, not template variables", () => {
    const code = [
      "from flask import Flask, request, render_template_string",
      "from jinja2 import Environment, Template",
      "from jinja2.sandbox import SandboxedEnvironment",
      "app = Flask(__name__)",
      "env = Environment()",
      "sandbox = SandboxedEnvironment()",
      '@app.route("/t")',
      "def t():",
      '    body = request.args["body"]',
      '    a = render_template_string("<p>" + body + "</p>")',
      "    b = Template(body).render()",
      "    c = env.from_string(body).render()",
      '    d = render_template_string("<p>{{ b }}</p>", b=body)',
      '    e = env.from_string("<p>{{ b }}</p>").render(b=body)',
      "    f = sandbox.from_string(body).render()",
      "    return a + b + c + d + e + f",
    ].join("\n");
    const all = findings(code, "python");
    for (const line of [10, 11, 12]) assert.deepEqual(cwesAt(all, line), [1336], `line ${line}`);
    for (const line of [13, 14, 15]) assert.deepEqual(cwesAt(all, line), [], `line ${line}`);
    const finding = all.find((f) => f.cwe === 1336)!;
    assert.equal(finding.ruleId, "py.template-injection");
    assert.equal(finding.severity, "High");
    assert.equal(finding.owasp, "A03:2021");
  });

  test("Node engines: ejs, pug, Handlebars, nunjucks and lodash compile a tainted source", () => {
    const code = [
      "import ejs from 'ejs';",
      "import pug from 'pug';",
      "import Handlebars from 'handlebars';",
      "import nunjucks from 'nunjucks';",
      "import template from 'lodash/template';",
      "app.post('/t', (req, res) => {",
      "  const src = req.body.src;",
      "  const out = [",
      "    ejs.render(src),",
      "    pug.render(src),",
      "    Handlebars.compile(src)({}),",
      "    nunjucks.renderString(src, {}),",
      "    template(src)({}),",
      "    ejs.render('<p><%= v %></p>', { v: src }),",
      "    Handlebars.compile('<p>{{v}}</p>')({ v: src }),",
      "  ];",
      "  res.json(out);",
      "});",
    ].join("\n");
    const all = findings(code, "typescript");
    for (const line of [9, 10, 11, 12, 13]) assert.deepEqual(cwesAt(all, line), [1336], `line ${line}`);
    for (const line of [14, 15]) assert.deepEqual(cwesAt(all, line), [], `line ${line}`);
    assert.ok(all.filter((f) => f.cwe === 1336).every((f) => f.ruleId === "js.template-injection"));
  });
});

describe("a weak hash protecting a password is CWE-916", () => {
  test("Python: password-like context names get CWE-916 and a password-hash remediation; others keep CWE-328", () => {
    const code = [
      "import hashlib",
      "def hash_password(raw):",
      "    return hashlib.md5(raw.encode()).hexdigest()",
      "def store(user, raw):",
      '    user.pwd_hash = hashlib.new("sha1", raw.encode()).hexdigest()',
      "def sign_token(token):",
      "    return hashlib.sha1(token.encode()).hexdigest()",
      "def etag(body):",
      "    return hashlib.md5(body).hexdigest()",
      "def sign_session(user):",
      "    return hashlib.md5(user.password.encode()).hexdigest()",
      "def remember(account):",
      '    account.digest = hashlib.new("md5", account.new_password).hexdigest()',
    ].join("\n");
    const all = findings(code, "python");
    assert.deepEqual(cwesAt(all, 3), [916]);
    assert.deepEqual(cwesAt(all, 5), [916]);
    assert.deepEqual(cwesAt(all, 7), [328]);
    assert.deepEqual(cwesAt(all, 9), [328], "an ETag digest is still a weak hash, reported wherever written");
    assert.equal(all.find((f) => f.line === 9)!.confidence, "Low", "nothing makes the ETag a security control");
    assert.equal(all.find((f) => f.line === 7)!.confidence, "High");
    assert.deepEqual(cwesAt(all, 11), [916], "the hashed value is a password, though the function signs a session");
    assert.deepEqual(cwesAt(all, 13), [916], "hashlib.new with a password value");
    const password = all.find((f) => f.cwe === 916)!;
    assert.equal(password.ruleId, "py.weak-password-hash");
    for (const name of ["argon2", "bcrypt", "scrypt", "PBKDF2"]) assert.match(password.recommendation, new RegExp(name), `remediation names ${name}`);
  });

  test("JavaScript: createHash('md5') inside a password helper is CWE-916, a token signature CWE-328, md5(user.password) CWE-916", () => {
    const code = [
      "const crypto = require('crypto');",
      "function hashPassword(pw) {",
      "  return crypto.createHash('md5').update(pw).digest('hex');",
      "}",
      "function signToken(token) {",
      "  return crypto.createHash('sha1').update(token).digest('hex');",
      "}",
      "const md5 = require('md5');",
      "function sessionKey(user) { return md5(user.password); }",
    ].join("\n");
    const all = findings(code, "javascript");
    assert.deepEqual(cwesAt(all, 3), [916]);
    assert.deepEqual(cwesAt(all, 6), [328]);
    assert.deepEqual(cwesAt(all, 9), [916]);
    assert.equal(all.find((f) => f.cwe === 916)!.ruleId, "js.weak-password-hash");
  });
});
