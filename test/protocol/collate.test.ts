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
