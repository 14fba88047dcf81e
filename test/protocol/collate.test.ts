// compareText must order exactly as String#localeCompare(…, "en") does: reports
// sort by it, and its ASCII table is a copy of the collator's order (collate.ts).
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { compareText } from "../../src/protocol/collate.js";

const collator = new Intl.Collator("en");
const PRINTABLE = Array.from({ length: 0x7f - 0x20 }, (_, i) => String.fromCharCode(0x20 + i)).join("");

/** A seeded generator: a failure names a case that can be rerun. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

function agree(a: string, b: string): void {
  assert.equal(Math.sign(compareText(a, b)), Math.sign(collator.compare(a, b)), `${JSON.stringify(a)} vs ${JSON.stringify(b)}`);
}

test("every pair of printable ASCII characters orders as the collator orders it", () => {
  for (const a of PRINTABLE) for (const b of PRINTABLE) agree(a, b);
});

test("random near-equal strings (paths, case, punctuation, prefixes) order as the collator orders them", () => {
  const next = random(20261202);
  const alphabets = [PRINTABLE, "aAbBzZ09_-./ ", "src/tests/_init__.py-AB"];
  for (let k = 0; k < 60_000; k++) {
    const alphabet = alphabets[k % alphabets.length]!;
    const pick = () => alphabet[Math.floor(next() * alphabet.length)]!;
    const a = Array.from({ length: 1 + Math.floor(next() * 8) }, pick).join("");
    let b = [...a].map((ch) => (next() < 0.25 ? (next() < 0.5 ? ch.toUpperCase() : pick()) : ch)).join("");
    if (next() < 0.3) b = b.slice(0, Math.floor(next() * b.length)) + (next() < 0.5 ? pick() : "");
    agree(a, b);
  }
});

test("text beyond printable ASCII goes to the collator", () => {
  for (const [a, b] of [["é", "f"], ["résumé.py", "resume.py"], ["a\tb", "a b"], ["日本.py", "abc.py"], ["Z", "é"], ["", "é"]]) agree(a!, b!);
});

test("the order is the same whatever the machine's locale (a Danish default sorts \"aa\" after \"z\")", () => {
  const module = new URL("../../src/protocol/collate.js", import.meta.url).href;
  const script = `import(${JSON.stringify(module)}).then((m) => process.stdout.write(JSON.stringify([m.compareText("aa.py", "z.py") < 0, m.compareText("åa.py", "z.py") < 0, new Intl.Collator().resolvedOptions().locale])))`;
  const out = execFileSync(process.execPath, ["-e", script], { env: { ...process.env, LANG: "da_DK.UTF-8", LC_ALL: "da_DK.UTF-8" }, encoding: "utf8" });
  assert.deepEqual(JSON.parse(out), [true, true, "da-DK"]);
});

test("sort keys order as compareText does, and only printable ASCII has one", async () => {
  const { sortKey } = await import("../../src/protocol/collate.js");
  const next = random(424242);
  const alphabet = "aAbBzZ09_-./ ~";
  const sign = (n: number) => Math.sign(n);
  for (let k = 0; k < 30_000; k++) {
    const make = () => Array.from({ length: Math.floor(next() * 7) }, () => alphabet[Math.floor(next() * alphabet.length)]!).join("");
    const a = make();
    const b = next() < 0.3 ? a.slice(0, Math.floor(next() * (a.length + 1))) + make().slice(0, 1) : make();
    const ka = sortKey(a)!;
    const kb = sortKey(b)!;
    assert.equal(sign(ka < kb ? -1 : ka > kb ? 1 : 0), sign(compareText(a, b)), `${JSON.stringify(a)} vs ${JSON.stringify(b)}`);
  }
  assert.equal(sortKey("résumé.py"), undefined);
  assert.equal(sortKey("a\tb"), undefined);
});

test("sortFindings gives exactly the order of sort(compareFindings), ASCII or not", async () => {
  const { compareFindings, sortFindings } = await import("../../src/protocol/finding.js");
  type F = Parameters<typeof compareFindings>[0];
  const next = random(7);
  const files = ["src/a.py", "src/A.py", "src/a.py-x", "src/ab.py", "src/b/c.py", "résumé.py", "resume.py", "Z.py", "é.py"];
  const rules = ["py.sql-injection", "py.SQL", "js.xss", "py.sql"];
  const severities = ["High", "Medium", "Low", "Info"] as const;
  for (const asciiOnly of [true, false]) {
    const pool = asciiOnly ? files.filter((f) => /^[\x20-\x7e]*$/.test(f)) : files;
    const findings: F[] = Array.from({ length: 400 }, (_, i) => ({
      ruleId: rules[Math.floor(next() * rules.length)]!,
      title: `t${i}`,
      severity: severities[Math.floor(next() * 4)]!,
      file: pool[Math.floor(next() * pool.length)]!,
      line: Math.floor(next() * 5),
      endLine: 0,
      message: `m${i}`,
      recommendation: "",
    }));
    const expected = [...findings].sort(compareFindings).map((f) => f.title);
    const once = sortFindings([...findings]);
    assert.deepEqual(once.map((f) => f.title), expected);
    // Sorted again (a renderer after the engine), and sorted but for one pair out of place at the end.
    assert.deepEqual(sortFindings([...once]).map((f) => f.title), expected);
    const lastTwoSwapped = [...once.slice(0, -2), once.at(-1)!, once.at(-2)!];
    assert.deepEqual(sortFindings(lastTwoSwapped).map((f) => f.title), [...lastTwoSwapped].sort(compareFindings).map((f) => f.title));
  }
});
