// The order every report sorts by: String#localeCompare's under English
// (CLDR root) collation, the same on every machine whatever its locale (a
// Danish or Lithuanian default would move "aa" or "y" about), and without
// building ICU's collator on every run: `new Intl.Collator()` costs 6–8 ms on
// Node 20 (measured), a twentieth of a warm audit, while the strings compared
// are nearly always file paths and rule ids in printable ASCII.
//
// For printable ASCII that collation is simple: each character has one
// primary weight, a letter and its capital share it, and a string's
// primaries are compared first (a shorter prefix first), then case, lowercase
// first, at the first place it differs. PRIMARY_ORDER lists the characters in
// the collator's own order; test/protocol/collate.test.ts checks the two agree
// on random strings, so an ICU whose order moved fails there. Anything else
// goes to the real collator, built the first time it is needed.

const PRIMARY_ORDER = " _-,;:!?.'\"()[]{}@*/\\&#%`^+<=>|~$0123456789aAbBcCdDeEfFgGhHiIjJkKlLmMnNoOpPqQrRsStTuUvVwWxXyYzZ";

const primary = new Int16Array(128).fill(-1);
const isUpper = new Uint8Array(128);
{
  let weight = 0;
  for (const ch of PRIMARY_ORDER) {
    const code = ch.charCodeAt(0);
    const lower = ch.toLowerCase();
    if (lower !== ch) {
      primary[code] = primary[lower.charCodeAt(0)]!;
      isUpper[code] = 1;
    } else {
      primary[code] = weight++;
    }
  }
}

let collator: Intl.Collator | undefined;

function allSimple(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 128 || primary[c]! < 0) return false;
  }
  return true;
}

/** The sign of `a.localeCompare(b, "en")`, exactly. */
export function compareText(a: string, b: string): number {
  // Anything beyond printable ASCII anywhere in either string (a combining mark, a contraction) is the collator's to order.
  if (!allSimple(a) || !allSimple(b)) return (collator ??= new Intl.Collator("en")).compare(a, b);
  const n = Math.min(a.length, b.length);
  let caseOrder = 0;
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x === y) continue;
    const weight = primary[x]! - primary[y]!;
    if (weight !== 0) return weight;
    if (caseOrder === 0) caseOrder = isUpper[x]! - isUpper[y]!;
  }
  return a.length !== b.length ? a.length - b.length : caseOrder;
}

/**
 * A string whose code-unit order (`<`) is compareText's order, for printable
 * ASCII; undefined for anything else. Sorting by keys made once per string
 * costs native string compares instead of compareText per comparison (the
 * report's sort of a warm audit's 851 findings: 7 ms against under 1 ms).
 * The key is the primary weights, then, when the string has a capital, a
 * separator below every weight and the case of each character up to the last
 * capital (lowercase first). Case is compared only between strings of equal
 * primaries, hence equal length, and dropping trailing lowercase keeps that
 * order; a key that stops first sorts first, as a shorter prefix does.
 */
export function sortKey(s: string): string | undefined {
  if (!allSimple(s)) return undefined;
  const weights = new Array<number>(s.length);
  let lastUpper = -1;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    weights[i] = 0x21 + primary[c]!;
    if (isUpper[c]) lastUpper = i;
  }
  // In slices: a spread of a very long string's codes would overflow the call stack.
  let primaries = "";
  for (let i = 0; i < weights.length; i += 4096) primaries += String.fromCharCode(...weights.slice(i, i + 4096));
  if (lastUpper < 0) return primaries;
  let cases = "";
  for (let i = 0; i <= lastUpper; i++) cases += isUpper[s.charCodeAt(i)] ? "1" : "0";
  return `${primaries} ${cases}`;
}
