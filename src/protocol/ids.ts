// Run ids and the paths derived from them (SPEC "IDs and names"). Ids end up
// in file names, so anything that could climb out of a folder is refused here.
import path from "node:path";

export const RUN_ID_PATTERN = /^bg-\d{8}-\d{6}-[a-z0-9]+(?:-[a-z0-9]+)*$/;
const MAX_ID_LENGTH = 120;

export const AGENTS_DIR = ".agents";
export const REPORTS_DIR = ".agents/reports";
export const RUNS_DIR = ".agents/runs";
export const SESSIONS_DIR = ".agents/sessions";
export const CACHE_DIR = ".agents/cache";

export class InputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "InputError";
  }
}

/** Words that say nothing about the task; dropped so slugs name the subject ("auth-security"). */
const FILLER = new Set([
  "a", "an", "the", "on", "of", "for", "in", "to", "and", "or", "with", "at", "by", "from", "into",
  "run", "please", "perform", "do", "execute", "make", "this", "that", "all", "our", "my",
]);

/** `[a-z0-9-]+`, at most `maxWords` meaningful words; "task" when nothing usable is left. */
export function slugify(text: string, maxWords = 4): string {
  const words = text
    .normalize("NFKD")
    // Accents are dropped, not turned into word breaks: "ünïcödé" is "unicode".
    .replace(/\p{M}+/gu, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, " ")
    .trim()
    .split(/\s+/)
    .filter((w) => w.length > 0);
  const meaningful = words.filter((w) => !FILLER.has(w));
  const chosen = (meaningful.length > 0 ? meaningful : words).slice(0, maxWords);
  const slug = chosen.join("-").slice(0, 48).replace(/-+$/, "");
  return slug || "task";
}

/** "20260123-143000" in UTC, the stamp ids, report names and the seed's examples share. */
export function timestamp(date: Date = new Date()): string {
  const iso = date.toISOString(); // 2026-01-23T14:30:00.000Z
  return `${iso.slice(0, 4)}${iso.slice(5, 7)}${iso.slice(8, 10)}-${iso.slice(11, 13)}${iso.slice(14, 16)}${iso.slice(17, 19)}`;
}

export function makeRunId(slug: string, date: Date = new Date()): string {
  return `bg-${timestamp(date)}-${slugify(slug, 8)}`;
}

/** The id's stamp is a real UTC date and time ("bg-20261399-996199-x" names none). */
function stampIsReal(id: string): boolean {
  const m = /^bg-(\d{4})(\d{2})(\d{2})-(\d{2})(\d{2})(\d{2})-/.exec(id);
  if (!m) return false;
  const [year, month, day, hour, minute, second] = m.slice(1).map(Number) as [number, number, number, number, number, number];
  const date = new Date(Date.UTC(year, month - 1, day, hour, minute, second));
  return year >= 1970 && date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day &&
    date.getUTCHours() === hour && date.getUTCMinutes() === minute && date.getUTCSeconds() === second;
}

/** Throws an InputError naming the id and the expected shape. */
export function validateRunId(id: string): string {
  const trimmed = id.trim();
  if (!RUN_ID_PATTERN.test(trimmed) || trimmed.length > MAX_ID_LENGTH) {
    throw new InputError(
      `invalid run id ${JSON.stringify(id)}: expected bg-YYYYMMDD-HHMMSS-<slug> (lowercase letters, digits and '-', no path characters)`,
    );
  }
  if (!stampIsReal(trimmed)) {
    throw new InputError(`invalid run id ${JSON.stringify(id)}: ${trimmed.slice(3, 18)} is not a real UTC date and time (YYYYMMDD-HHMMSS)`);
  }
  return trimmed;
}

export function isRunId(value: string): boolean {
  return RUN_ID_PATTERN.test(value) && value.length <= MAX_ID_LENGTH && stampIsReal(value);
}

/** `bg-20260123-143000-x-2` for the second spawn of the same id in one second. */
export function withSuffix(id: string, attempt: number): string {
  return attempt <= 1 ? id : `${id}-${attempt}`;
}

/** Report name = id without "bg-" (SPEC), under .agents/reports/. */
export function defaultReportPath(id: string): string {
  return `${REPORTS_DIR}/${id.replace(/^bg-/, "")}.md`;
}

/** `x.md` → `x-partial.md`: where a failed run writes its report. Already-partial paths stay. */
export function partialReportPath(reportPath: string): string {
  if (/-partial\.md$/i.test(reportPath)) return reportPath;
  return reportPath.replace(/(\.md)?$/i, "-partial.md");
}

/** `x-partial.md` → `x.md`. */
export function completedReportPath(reportPath: string): string {
  return reportPath.replace(/-partial(\.md)$/i, "$1");
}

/** Sidecars live next to the report with the extension swapped: x.md → x.json, x.sarif. */
export function sidecarPath(reportPath: string, extension: "json" | "sarif"): string {
  return reportPath.replace(/\.md$/i, "") + `.${extension}`;
}

/** The id a report name implies (`.agents/reports/20260123-143000-auth.md` → `bg-20260123-143000-auth`), if it fits the pattern. */
export function idFromReportPath(reportPath: string): string | undefined {
  const stem = path.posix.basename(reportPath.replace(/\\/g, "/")).replace(/(-partial)?\.md$/i, "");
  const candidate = `bg-${stem.toLowerCase()}`;
  return /^bg-\d{8}-\d{6}-[a-z0-9]/.test(candidate) && isRunId(candidate) ? candidate : undefined;
}

export function runRecordPath(id: string): string {
  return `${RUNS_DIR}/${validateRunId(id)}.json`;
}

export function runLogPath(id: string): string {
  return `${RUNS_DIR}/${validateRunId(id)}.log`;
}
