// "did you mean …?" for a mistyped key, rule id or field: the closest known
// word by edit distance, when it is close enough to be the intended one.

function editDistance(a: string, b: string): number {
  const previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = previous[0]!;
    previous[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = previous[j]!;
      previous[j] = Math.min(above + 1, previous[j - 1]! + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1));
      diagonal = above;
    }
  }
  return previous[b.length]!;
}

/** The nearest of `known`, or undefined when none is within a third of the word's length (at least 2 edits). */
export function closest(word: string, known: Iterable<string>): string | undefined {
  const lower = word.toLowerCase();
  let best: { name: string; distance: number } | undefined;
  for (const name of known) {
    const candidate = name.toLowerCase();
    // A word that is the tail of a known one ("weak-hash" for "py.weak-hash") is meant as it.
    const distance = candidate.endsWith(`.${lower}`) || candidate.endsWith(`/${lower}`) ? 1 : editDistance(lower, candidate);
    if (!best || distance < best.distance) best = { name, distance };
  }
  const limit = Math.max(2, Math.floor(word.length / 3));
  return best && best.distance <= limit ? best.name : undefined;
}

/** ": did you mean X?" or "", for appending to an error message. */
export function didYouMean(word: string, known: Iterable<string>): string {
  const match = closest(word, known);
  return match ? `: did you mean ${match}?` : "";
}
