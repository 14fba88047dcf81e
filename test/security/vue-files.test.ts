// Vue single-file components: the audit reads their <script> blocks at their
// own lines, and a template's v-html binding is a sink like innerHTML.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { analyzeSource } from "../../src/engines/security-audit/analyze-file.js";
import { loadRuleSet } from "../../src/engines/security-audit/rules.js";
import { languageForPath, supportedExtensions } from "../../src/lang/languages.js";
import { VUE_V_HTML, vueScript } from "../../src/lang/vue.js";

const ruleSet = loadRuleSet();

const component = [
  "<template>",
  '  <p v-html="greeting"></p>',
  "  <p>eval(location.hash)</p>",
  "</template>",
  '<script setup lang="ts">',
  'const greeting = "<b>hi</b>";',
  "</script>",
  "<style>p { color: red }</style>",
].join("\n");

describe("Vue single-file components", () => {
  test(".vue files are audited, as their own language", () => {
    assert.ok(supportedExtensions().includes(".vue"));
    assert.equal(languageForPath("src/components/Hello.vue"), "vue");
  });

  test("only script blocks and v-html bindings survive, at their own offsets", () => {
    const text = vueScript(component);
    assert.equal(text.length, component.length);
    const lines = text.split("\n");
    assert.equal(lines.length, component.split("\n").length);
    assert.equal(lines[5], 'const greeting = "<b>hi</b>";');
    assert.match(lines[1]!, new RegExp(`;${VUE_V_HTML}\\(greeting\\);`));
    for (const i of [0, 2, 3, 7]) assert.equal(lines[i]!.trim(), "", `line ${i + 1} should be blank: ${lines[i]}`);
  });

  test("template text is not code, and a constant v-html is no finding", () => {
    // <script setup> first, as Vue's own examples write it: its bindings are known where the template uses them.
    const scriptFirst = [...component.split("\n").slice(4, 7), ...component.split("\n").slice(0, 4)].join("\n");
    const { findings, errors } = analyzeSource("Hello.vue", scriptFirst, "vue", ruleSet, new Set());
    assert.deepEqual(errors, []);
    assert.deepEqual(findings.map((f) => f.ruleId), []);
  });

  test("v-html of URL data is reported at the template line, naming v-html", () => {
    const text = ["<template>", '  <div v-html="$route.query.note"></div>', "</template>", "<script>", "export default {};", "</script>"].join("\n");
    const { findings } = analyzeSource("Note.vue", text, "vue", ruleSet, new Set());
    const xss = findings.filter((f) => f.ruleId === "js.xss");
    assert.equal(xss.length, 1, JSON.stringify(findings));
    assert.equal(xss[0]!.line, 2);
    assert.match(xss[0]!.message, /`v-html`/);
  });

  test("code in a script block is analysed at its line in the component", () => {
    const text = ["<template><div /></template>", "<script>", "export default {", "  mounted() { eval(location.hash.slice(1)); },", "};", "</script>"].join("\n");
    const { findings } = analyzeSource("Run.vue", text, "vue", ruleSet, new Set());
    assert.deepEqual(findings.filter((f) => f.ruleId === "js.code-injection-eval").map((f) => f.line), [4]);
  });
});
