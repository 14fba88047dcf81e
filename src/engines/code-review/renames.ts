// Which function of the old side each function of the new side used to be.
// By qualified name first; then a function whose name is new is paired with
// a function whose name disappeared when their bodies are nearly the same
// token for token, so a rename (of the function or of its class) keeps its
// history: its complexity delta is real instead of "new function".
import type { FunctionUnit } from "./functions.js";

/** Dice similarity of the two token bags at or above which a renamed function is its old self. */
export const RENAME_SIMILARITY = 0.75;
/** Tiny functions (getters, one-line wrappers) look alike whatever they do: never paired by content. */
const MIN_TOKENS = 12;
/** Above this many candidate pairs in one file the content pairing is skipped (it is quadratic). */
const MAX_PAIRS = 250_000;

const TOKEN = /[A-Za-z_$][\w$]*|\d[\w.]*|[^\s\w]/g;

/** Token counts of a function's lines, its own name replaced so that a rename changes nothing. */
export function tokenBag(lines: string[], unit: FunctionUnit): Map<string, number> {
  const ownName = unit.name.replace(/#\d+$/, "").split(".").pop() ?? "";
  const bag = new Map<string, number>();
  for (let line = unit.startLine; line <= unit.endLine; line++) {
    for (const match of (lines[line - 1] ?? "").matchAll(TOKEN)) {
      const token = match[0] === ownName ? "\u0000self" : match[0];
      bag.set(token, (bag.get(token) ?? 0) + 1);
    }
  }
  return bag;
}

function size(bag: Map<string, number>): number {
  let total = 0;
  for (const count of bag.values()) total += count;
  return total;
}

/** 2·|A∩B| / (|A|+|B|) over multisets: 1 for identical bodies, 0 for nothing shared. */
export function diceSimilarity(a: Map<string, number>, b: Map<string, number>, sizeA = size(a), sizeB = size(b)): number {
  if (sizeA + sizeB === 0) return 0;
  const [small, large] = a.size <= b.size ? [a, b] : [b, a];
  let shared = 0;
  for (const [token, count] of small) shared += Math.min(count, large.get(token) ?? 0);
  return (2 * shared) / (sizeA + sizeB);
}

export interface Side {
  units: FunctionUnit[];
  lines: string[];
}

/** New-side unit → the old-side unit it continues (same name, or renamed with a nearly equal body). */
export function matchPriorVersions(before: Side, after: Side): Map<FunctionUnit, FunctionUnit> {
  const matches = new Map<FunctionUnit, FunctionUnit>();
  const oldByName = new Map(before.units.map((unit) => [unit.name, unit]));
  const newNames = new Set(after.units.map((unit) => unit.name));
  const added: FunctionUnit[] = [];
  for (const unit of after.units) {
    const same = oldByName.get(unit.name);
    if (same) matches.set(unit, same);
    else added.push(unit);
  }
  const removed = before.units.filter((unit) => !newNames.has(unit.name));
  if (added.length === 0 || removed.length === 0 || added.length * removed.length > MAX_PAIRS) return matches;

  const measured = (side: Side, units: FunctionUnit[]) =>
    units
      .map((unit) => {
        const bag = tokenBag(side.lines, unit);
        return { unit, bag, size: size(bag) };
      })
      .filter((entry) => entry.size >= MIN_TOKENS);
  const olds = measured(before, removed);
  const news = measured(after, added);
  const candidates: Array<{ from: FunctionUnit; to: FunctionUnit; score: number }> = [];
  for (const next of news) {
    for (const prior of olds) {
      // A bag a third smaller or larger cannot reach the threshold: skip the count.
      const ratio = Math.min(next.size, prior.size) / Math.max(next.size, prior.size);
      if (ratio < RENAME_SIMILARITY / (2 - RENAME_SIMILARITY)) continue;
      const score = diceSimilarity(next.bag, prior.bag, next.size, prior.size);
      if (score >= RENAME_SIMILARITY) candidates.push({ from: prior.unit, to: next.unit, score });
    }
  }
  // Best pairs first, each function used once; ties keep source order.
  candidates.sort((a, b) => b.score - a.score || a.to.startLine - b.to.startLine || a.from.startLine - b.from.startLine);
  const usedOld = new Set<FunctionUnit>();
  for (const { from, to } of candidates) {
    if (matches.has(to) || usedOld.has(from)) continue;
    matches.set(to, from);
    usedOld.add(from);
  }
  return matches;
}
