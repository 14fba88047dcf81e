// The pieces every review message is built from, so that line ranges,
// counts and lists read the same everywhere and cannot come out garbled
// ("lines291-304", a range that runs backwards, "1 functions").

/** "line 7", "lines 7-12"; the bounds in either order. */
export function lineSpan(start: number, end: number = start): string {
  const [low, high] = start <= end ? [start, end] : [end, start];
  return low === high ? `line ${low}` : `lines ${low}-${high}`;
}

/** "`src/a.js` lines 7-12". */
export function fileSpan(file: string, start: number, end: number = start): string {
  return `\`${file}\` ${lineSpan(start, end)}`;
}

/** "1 file", "3 files"; the plural given when it is not singular + "s". */
export function counted(count: number, singular: string, plural = `${singular}s`): string {
  return `${count} ${count === 1 ? singular : plural}`;
}

/** "a", "a and b", "a, b and c", "a, b, c and 4 more". */
export function listed(items: string[], limit = 10): string {
  if (items.length === 0) return "none";
  const shown = items.slice(0, limit);
  const rest = items.length - shown.length;
  if (rest > 0) return `${shown.join(", ")} and ${rest} more`;
  if (shown.length === 1) return shown[0]!;
  return `${shown.slice(0, -1).join(", ")} and ${shown[shown.length - 1]}`;
}

/** Inline code, with backticks inside the text kept readable. */
export function code(text: string): string {
  return text.includes("`") ? `\`\` ${text} \`\`` : `\`${text}\``;
}

/** "+3", "−2", "±0": a change in a measure. */
export function signed(delta: number): string {
  return delta > 0 ? `+${delta}` : delta < 0 ? `−${-delta}` : "±0";
}
