// Every coverage tool rounds its percentages its own way, and users compare
// our numbers with the ones their tool printed. So each producer keeps its
// own rule here, and totals from mixed producers fall back to a neutral one.

export type PercentStyle =
  | { kind: "istanbul" }
  | { kind: "coverage.py"; precision: number }
  | { kind: "go" }
  | { kind: "jacoco" }
  | { kind: "generic" };

export const ISTANBUL: PercentStyle = { kind: "istanbul" };
export const GO: PercentStyle = { kind: "go" };
export const JACOCO: PercentStyle = { kind: "jacoco" };
export const GENERIC: PercentStyle = { kind: "generic" };

export function coveragePyStyle(precision = 0): PercentStyle {
  return { kind: "coverage.py", precision };
}

export function sameStyle(a: PercentStyle, b: PercentStyle): boolean {
  return a.kind === b.kind && (a.kind !== "coverage.py" || a.precision === (b as { precision: number }).precision);
}

/** istanbul-lib-coverage: truncates (not rounds) to two decimals; an empty total is 100%. */
function istanbulPercent(covered: number, total: number): number {
  if (total <= 0) return 100;
  return Math.floor((1000 * 100 * covered) / total / 10) / 100;
}

/**
 * coverage.py's `display_covered`: rounds to `precision` decimals, except that
 * it never shows 0 for some coverage nor 100 for incomplete coverage.
 */
export function coveragePyDisplay(covered: number, total: number, precision: number): string {
  let pc = total > 0 ? (100 * covered) / total : 100;
  const near0 = 1 / 10 ** precision;
  if (pc > 0 && pc < near0) pc = near0;
  else if (pc > 100 - near0 && pc < 100) pc = 100 - near0;
  else pc = pythonRound(pc, precision);
  return pc.toFixed(precision);
}

/**
 * Python 3's round() on a float: correctly rounded, ties to even. toFixed is
 * correctly rounded on the binary value too, but breaks exact ties away from
 * zero, so exact halves (only possible when the binary value is exact) are
 * settled separately.
 */
function pythonRound(value: number, digits: number): number {
  const scale = 10 ** digits;
  const scaled = value * scale;
  if (Number.isInteger(scaled * 2) && !Number.isInteger(scaled) && Number.isFinite(scaled)) {
    const floor = Math.floor(scaled);
    return (floor % 2 === 0 ? floor : floor + 1) / scale;
  }
  return Number(value.toFixed(digits));
}

export function percent(style: PercentStyle, covered: number, total: number): number {
  switch (style.kind) {
    case "istanbul":
      return istanbulPercent(covered, total);
    case "coverage.py":
      return Number(coveragePyDisplay(covered, total, style.precision));
    case "go":
      // `go tool cover -func` divides by max(total, 1) and prints %.1f.
      return Number(((100 * covered) / Math.max(total, 1)).toFixed(1));
    case "jacoco":
      // JaCoCo's HTML report floors to whole percents.
      return total > 0 ? Math.floor((100 * covered) / total) : 0;
    case "generic":
      return total > 0 ? Number(((100 * covered) / total).toFixed(2)) : 100;
  }
}

export function describeStyle(style: PercentStyle): string {
  switch (style.kind) {
    case "istanbul":
      return "istanbul/c8 (truncated to 2 decimals)";
    case "coverage.py":
      return `coverage.py (precision ${style.precision})`;
    case "go":
      return "go tool cover (1 decimal)";
    case "jacoco":
      return "JaCoCo (whole percents, floored)";
    case "generic":
      return "rounded to 2 decimals (reports from different tools)";
  }
}
