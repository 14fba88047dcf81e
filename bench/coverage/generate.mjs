// Writes a synthetic 20,000-file coverage run twice: as an LCOV tracefile and
// as the equivalent istanbul coverage-final.json (same statements, functions,
// branches and hits), streamed to disk so the generator itself stays small.
import { once } from "node:events";
import { createWriteStream } from "node:fs";

const STATEMENTS = 30;
const FUNCTIONS = 6;
const BRANCHES = 6;

/** Deterministic hits so every run measures the same data. */
function hitsFor(file, index) {
  const x = (file * 7919 + index * 104729) % 10;
  return x < 3 ? 0 : x;
}

export function fileShape(file) {
  const statements = [];
  for (let s = 0; s < STATEMENTS; s++) statements.push({ line: 2 + s * 2, hits: hitsFor(file, s) });
  const functions = [];
  for (let f = 0; f < FUNCTIONS; f++) functions.push({ name: `fn${f}_${file}`, line: 2 + f * 10, hits: hitsFor(file, 100 + f) });
  const branches = [];
  for (let b = 0; b < BRANCHES; b++) branches.push({ line: 3 + b * 10, arms: [hitsFor(file, 200 + b), hitsFor(file, 300 + b)] });
  return { path: `/ci/work/project/src/module${Math.floor(file / 100)}/file${file}.js`, statements, functions, branches };
}

async function write(stream, text) {
  if (!stream.write(text)) await once(stream, "drain");
}

export async function writeLcov(target, files) {
  const out = createWriteStream(target);
  for (let i = 0; i < files; i++) {
    const f = fileShape(i);
    let text = `TN:\nSF:${f.path}\n`;
    for (const fn of f.functions) text += `FN:${fn.line},${fn.name}\n`;
    for (const fn of f.functions) text += `FNDA:${fn.hits},${fn.name}\n`;
    text += `FNF:${f.functions.length}\nFNH:${f.functions.filter((x) => x.hits > 0).length}\n`;
    for (const s of f.statements) text += `DA:${s.line},${s.hits}\n`;
    text += `LF:${f.statements.length}\nLH:${f.statements.filter((x) => x.hits > 0).length}\n`;
    f.branches.forEach((b, id) => b.arms.forEach((hits, arm) => (text += `BRDA:${b.line},${id},${arm},${hits}\n`)));
    const arms = f.branches.flatMap((b) => b.arms);
    text += `BRF:${arms.length}\nBRH:${arms.filter((x) => x > 0).length}\nend_of_record\n`;
    await write(out, text);
  }
  out.end();
  await once(out, "finish");
}

const loc = (line, c0, c1) => ({ start: { line, column: c0 }, end: { line, column: c1 } });

export async function writeIstanbul(target, files) {
  const out = createWriteStream(target);
  await write(out, "{");
  for (let i = 0; i < files; i++) {
    const f = fileShape(i);
    const entry = { path: f.path, statementMap: {}, fnMap: {}, branchMap: {}, s: {}, f: {}, b: {} };
    f.statements.forEach((s, id) => {
      entry.statementMap[id] = loc(s.line, 2, 40);
      entry.s[id] = s.hits;
    });
    f.functions.forEach((fn, id) => {
      entry.fnMap[id] = { name: fn.name, decl: loc(fn.line, 9, 20), loc: loc(fn.line, 0, 60), line: fn.line };
      entry.f[id] = fn.hits;
    });
    f.branches.forEach((b, id) => {
      entry.branchMap[id] = { loc: loc(b.line, 2, 30), type: "if", locations: [loc(b.line, 2, 30), loc(b.line, 2, 30)], line: b.line };
      entry.b[id] = b.arms;
    });
    await write(out, `${i === 0 ? "" : ","}${JSON.stringify(f.path)}:${JSON.stringify(entry)}`);
  }
  await write(out, "}\n");
  out.end();
  await once(out, "finish");
}
