// Whole-program taint on real temporary projects: a route in one file calls
// a DAO, a sanitizer or a factory in another (Python imports, __init__
// re-exports, relative imports; JS require/module.exports, ESM, re-exports,
// classes and factories), callbacks and promise chains carry data in and out,
// and the cache re-analyses a file when a module it read changes.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { audit, hits, project as newProject, writeProjectFile as write } from "./audit-project.js";

const project = (files: Record<string, string>) => newProject(files, "bgr-xfile-");

const DAO_PY = [
  "import sqlite3",
  "",
  "def connect():",
  "    return sqlite3.connect('app.db')",
  "",
  "def find_user(name):",
  "    cur = connect().cursor()",
  "    cur.execute(\"SELECT * FROM users WHERE name = '\" + name + \"'\")",
  "    return cur.fetchall()",
  "",
  "def quote(value):",
  "    return value.replace(\"'\", \"''\")",
  "",
  "class Users:",
  "    def __init__(self, db):",
  "        self.db = db",
  "    def by_email(self, email):",
  "        return self.db.execute(\"SELECT * FROM users WHERE email = '%s'\" % email).fetchall()",
  "",
].join("\n");

describe("cross-file taint: Python", () => {
  test("route -> DAO in another module, through an __init__ re-export, a relative import and a class", async () => {
    const root = project({
      "shop/__init__.py": "",
      "shop/db/__init__.py": "from .dao import find_user, Users\n",
      "shop/db/dao.py": DAO_PY,
      "shop/views.py": [
        "from flask import Flask, request",
        "from shop.db import find_user, Users",
        "from .db import dao",
        "app = Flask(__name__)",
        "",
        "@app.route('/user')",
        "def user():",
        "    return str(find_user(request.args['name']))",
        "",
        "@app.route('/email')",
        "def email():",
        "    return str(Users(dao.connect()).by_email(request.args['email']))",
        "",
        "@app.route('/quoted')",
        "def quoted():",
        "    conn = dao.connect()",
        "    return str(conn.execute(\"SELECT * FROM t WHERE n = '\" + dao.quote(request.args['n']) + \"'\").fetchall())",
        "",
      ].join("\n"),
    });
    const result = await audit(root);
    // The sinks are in the DAO module; the quoted query is safe because the helper in dao.py doubles quotes.
    assert.deepEqual(hits(result, "py.sql-injection"), ["shop/db/dao.py:18", "shop/db/dao.py:8"]);
    const finding = result.findings.find((f) => f.ruleId === "py.sql-injection" && f.line === 8)!;
    assert.equal(finding.trace?.[0]?.file, "shop/views.py", "the trace starts at the route in the other file");
    assert.equal(finding.trace?.at(-1)?.file, "shop/db/dao.py");
  });

  test("DAO classes of static and class methods called on the class, from an aiohttp handler", async () => {
    const root = project({
      "school/__init__.py": "",
      "school/dao/__init__.py": "",
      "school/dao/pupil.py": [
        "class Pupil:",
        "    @staticmethod",
        "    async def add(conn, name):",
        "        q = \"INSERT INTO pupils (name) VALUES ('%(name)s')\" % {'name': name}",
        "        async with conn.cursor() as cur:",
        "            await cur.execute(q)",
        "",
        "    @staticmethod",
        "    async def add_safe(conn, name):",
        "        async with conn.cursor() as cur:",
        "            await cur.execute('INSERT INTO pupils (name) VALUES (%s)', (name,))",
        "",
        "    @classmethod",
        "    def rename(cls, conn, old, new):",
        "        conn.cursor().execute(\"UPDATE pupils SET name = '%s' WHERE name = '%s'\" % (new, old))",
        "",
      ].join("\n"),
      "school/handlers.py": [
        "from aiohttp import web",
        "from school.dao.pupil import Pupil",
        "",
        "async def enrol(request: web.Request):",
        "    form = await request.post()",
        "    async with request.app['db'].acquire() as conn:",
        "        await Pupil.add(conn, form['name'])",
        "        await Pupil.add_safe(conn, form['name'])",
        "        Pupil.rename(conn, 'x', form['new'])",
        "    return web.Response(text='ok')",
        "",
      ].join("\n"),
    });
    const result = await audit(root);
    assert.deepEqual(hits(result, "py.sql-injection"), ["school/dao/pupil.py:15", "school/dao/pupil.py:6"]);
  });

  test("import a.b binds the package; a module-level connection and a config value come from the other file", async () => {
    const root = project({
      "lib/__init__.py": "",
      "lib/settings.py": "PREFIX = './reports/'\nimport sqlite3\nconn = sqlite3.connect('x.db')\n",
      "app.py": [
        "import lib.settings",
        "from flask import Flask, request",
        "app = Flask(__name__)",
        "@app.route('/r')",
        "def r():",
        "    name = request.args['f']",
        "    if '../' in name:",
        "        return 'no'",
        "    lib.settings.conn.execute('SELECT ' + name)",
        "    return open(lib.settings.PREFIX + name).read()",
        "",
      ].join("\n"),
    });
    const result = await audit(root);
    assert.deepEqual(hits(result, "py.sql-injection"), ["app.py:9"]);
    assert.deepEqual(hits(result, "py.path-traversal"), [], "a name without ../ under the prefix defined in lib/settings.py stays in it");
  });
});

describe("cross-file taint: JavaScript and TypeScript", () => {
  test("require/module.exports, ESM default and named exports, re-exports, classes and factories", async () => {
    const root = project({
      "src/db/dao.js": [
        "const mysql = require('mysql2');",
        "const pool = mysql.createPool({});",
        "function findUser(name) {",
        "  return pool.query(\"SELECT * FROM users WHERE name = '\" + name + \"'\");",
        "}",
        "exports.findUser = findUser;",
        "",
      ].join("\n"),
      "src/db/repo.ts": [
        "import { Pool } from 'pg';",
        "const pool = new Pool();",
        "export class Repo {",
        "  byId(id: string) { return pool.query(`SELECT * FROM t WHERE id = ${id}`); }",
        "}",
        "export function makeStore() {",
        "  return { search(q: string) { return pool.query(\"SELECT * FROM t WHERE q = '\" + q + \"'\"); } };",
        "}",
        "export default new Repo();",
        "",
      ].join("\n"),
      "src/db/index.ts": "export { makeStore } from './repo';\nexport * from './repo';\n",
      "src/app.ts": [
        "import express from 'express';",
        "import { Repo } from './db/repo';",
        "import { makeStore } from './db';",
        "const dao = require('./db/dao');",
        "const app = express();",
        "app.get('/a', (req, res) => { dao.findUser(req.query.name); res.send('ok'); });",
        "app.get('/b', async (req, res) => { await new Repo().byId(req.params.id); res.send('ok'); });",
        "app.get('/c', (req, res) => { makeStore().search(req.body.q); res.send('ok'); });",
        "",
      ].join("\n"),
    });
    const result = await audit(root);
    assert.deepEqual(hits(result, "js.sql-injection"), ["src/db/dao.js:4", "src/db/repo.ts:4", "src/db/repo.ts:7"]);
  });

  test("constructor-function DAOs: methods on this, on a this alias and on the prototype; handlers built the same way", async () => {
    const root = project({
      "lib/stores.js": [
        "const mysql = require('mysql');",
        "function OrderStore(db) {",
        "  if (!(this instanceof OrderStore)) return new OrderStore(db);",
        "  var orders = db.collection('orders');",
        "  this.above = function (min, done) {",
        "    function criteria() { return { $where: `this.total > '${min}'` }; }",
        "    orders.findOne(criteria(), done);",
        "  };",
        "  this.count = function (min, done) { orders.countDocuments({ total: Number(min) }, done); };",
        "}",
        "function UserStore() {",
        "  var self = this;",
        "  self.pool = mysql.createPool({});",
        "  self.byName = function (name) { return self.pool.query(\"SELECT * FROM users WHERE name = '\" + name + \"'\"); };",
        "}",
        "function TagStore() { this.pool = mysql.createPool({}); }",
        "TagStore.prototype.byLabel = function (label) { return this.pool.query(\"SELECT * FROM tags WHERE label = '\" + label + \"'\"); };",
        "module.exports = { OrderStore, UserStore, TagStore };",
        "",
      ].join("\n"),
      "handlers/orders.js": [
        "var stores = require('../lib/stores');",
        "function OrderHandlers(db) {",
        "  var orderStore = new stores.OrderStore(db);",
        "  var users = new stores.UserStore();",
        "  var tags = new stores.TagStore();",
        "  this.list = function (req, res, next) {",
        "    orderStore.above(req.query.min, function (err, rows) { res.json(rows); });",
        "  };",
        "  this.total = function (req, res, next) {",
        "    orderStore.count(req.query.min, function (err, n) { res.json(n); });",
        "  };",
        "  this.owner = function (req, res) { users.byName(req.params.name); tags.byLabel(req.query.tag); res.end(); };",
        "}",
        "module.exports = OrderHandlers;",
        "",
      ].join("\n"),
      "app.js": [
        "const express = require('express');",
        "const OrderHandlers = require('./handlers/orders');",
        "const app = express();",
        "const handlers = new OrderHandlers(null);",
        "app.get('/orders', handlers.list);",
        "app.get('/orders/total', handlers.total);",
        "app.get('/owner/:name', handlers.owner);",
        "",
      ].join("\n"),
    });
    const result = await audit(root);
    assert.deepEqual(hits(result, "js.nosql-injection"), ["lib/stores.js:7"], "Number(min) in count() stays clean");
    assert.deepEqual(hits(result, "js.sql-injection"), ["lib/stores.js:14", "lib/stores.js:17"]);
  });

  test("callbacks, promise chains and async/await carry request data; a branch reassignment joins with the other branch", async () => {
    const root = project({
      "routes.js": [
        "const express = require('express');",
        "const { check } = require('./auth');",
        "const app = express();",
        "app.get('/login', (req, res) => {",
        "  let next = req.query.next;",
        "  check(req.body.user).then((ok) => {",
        "    if (!ok) next = '/';",
        "    res.redirect(next);",
        "  });",
        "});",
        "app.get('/chain', (req, res) => {",
        "  check('x').then(() => req.query.to).then((to) => res.redirect(to));",
        "});",
        "app.get('/await', async (req, res) => {",
        "  const to = await Promise.resolve(req.query.to);",
        "  res.redirect(to);",
        "});",
        "app.get('/safe', (req, res) => {",
        "  check('x').then(() => { res.redirect('/home'); });",
        "});",
        "",
      ].join("\n"),
      "auth.js": "module.exports.check = async (user) => user === 'admin';\n",
    });
    const result = await audit(root);
    assert.deepEqual(hits(result, "js.open-redirect"), ["routes.js:12", "routes.js:16", "routes.js:8"]);
  });
});

describe("cross-file cache", () => {
  test("a changed module re-analyses the files that read it, and nothing else", async () => {
    const root = project({
      "helpers.py": "def clean(v):\n    return int(v)\n",
      "views.py": "from flask import request\nimport os\nfrom helpers import clean\ndef v():\n    os.system('ping ' + str(clean(request.args['h'])))\n",
      "other.py": "import os\nos.system('uptime')\n",
    });
    const first = await audit(root, false);
    assert.deepEqual(hits(first, "py.command-injection"), []);
    assert.equal(first.data?.cachedFiles, 0);
    // helpers.py stops sanitizing: views.py, which imports it, must be analysed again.
    write(root, "helpers.py", "def clean(v):\n    return v.strip()\n");
    const second = await audit(root, false);
    assert.deepEqual(hits(second, "py.command-injection"), ["views.py:5"]);
    assert.equal(second.data?.cachedFiles, 1, "only other.py, which imports nothing of the project, comes from the cache");
    const third = await audit(root, false);
    assert.equal(third.data?.cachedFiles, 3);
    assert.deepEqual(hits(third, "py.command-injection"), ["views.py:5"]);
  });
});
