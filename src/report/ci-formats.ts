// The formats CI systems already read, so bgr needs no plugin anywhere:
// GitHub Actions workflow commands (annotations on the pull request's diff),
// reviewdog's Diagnostic JSON (rdjson), Checkstyle XML (Jenkins, GitLab,
// reviewdog -f=checkstyle) and JUnit XML (every CI's test report view).
import type { EngineResult, TaskKind } from "../engines/types.js";
import { sortFindings, type Finding, type Severity } from "../protocol/finding.js";
import { VERSION } from "../version.js";
import { FINGERPRINT_KEY, fingerprintsOf } from "./fingerprint.js";
import { ruleHelp } from "./rule-help.js";

export interface CiFormatInput {
  kind: TaskKind;
  title: string;
  result: EngineResult;
}

function sorted(result: EngineResult): Finding[] {
  return sortFindings([...result.findings]);
}

// --- GitHub Actions workflow commands ---------------------------------------

const ANNOTATION: Record<Severity, "error" | "warning" | "notice"> = { High: "error", Medium: "warning", Low: "notice", Info: "notice" };

/** Workflow-command escaping: the message may hold newlines; property values may not hold `,` or `:` either. */
function escapeData(text: string): string {
  return text.replace(/%/g, "%25").replace(/\r/g, "%0D").replace(/\n/g, "%0A");
}

function escapeProperty(text: string): string {
  return escapeData(text).replace(/:/g, "%3A").replace(/,/g, "%2C");
}

export function renderGithubAnnotations(input: CiFormatInput): string {
  const lines = sorted(input.result).map((f) => {
    const props = [`file=${escapeProperty(f.file)}`];
    if (f.line > 0) {
      props.push(`line=${f.line}`, `endLine=${Math.max(f.line, f.endLine)}`);
      // Columns only make sense on a one-line annotation.
      if (f.column && f.endLine <= f.line) props.push(`col=${f.column}`, ...(f.endColumn && f.endColumn >= f.column ? [`endColumn=${f.endColumn}`] : []));
    }
    props.push(`title=${escapeProperty(`${f.severity}: ${f.title} (${f.ruleId})`)}`);
    return `::${ANNOTATION[f.severity]} ${props.join(",")}::${escapeData(`${f.message}\n${f.recommendation}`)}`;
  });
  for (const error of input.result.errors) {
    const where = error.file ? ` file=${escapeProperty(error.file)}${error.line ? `,line=${error.line}` : ""}` : "";
    lines.push(`::warning${where}::${escapeData(`bgr could not analyse this: ${error.message}`)}`);
  }
  for (const blocker of input.result.blockers ?? []) lines.push(`::error title=bgr ${input.kind} incomplete::${escapeData(blocker)}`);
  return lines.length ? `${lines.join("\n")}\n` : "";
}

// --- reviewdog Diagnostic Format (rdjson) ------------------------------------

const RD_SEVERITY: Record<Severity, "ERROR" | "WARNING" | "INFO"> = { High: "ERROR", Medium: "WARNING", Low: "INFO", Info: "INFO" };

export function buildRdjson(input: CiFormatInput): Record<string, unknown> {
  const findings = sorted(input.result);
  const prints = fingerprintsOf(findings);
  return {
    source: { name: "bgr" },
    diagnostics: findings.map((f, i) => {
      const help = ruleHelp(f);
      const range =
        f.line > 0
          ? {
              range: {
                start: { line: f.line, ...(f.column ? { column: f.column } : {}) },
                end: { line: Math.max(f.line, f.endLine), ...(f.endColumn ? { column: f.endColumn } : {}) },
              },
            }
          : {};
      return {
        message: `${f.title}: ${f.message}`,
        location: { path: f.file, ...range },
        severity: RD_SEVERITY[f.severity],
        source: { name: "bgr" },
        code: { value: f.ruleId, ...(help.helpUri ? { url: help.helpUri } : {}) },
        original_output: `${FINGERPRINT_KEY}:${prints[i]}`,
      };
    }),
  };
}

// --- XML: Checkstyle and JUnit -----------------------------------------------

export function escapeXml(text: string): string {
  return text
    // XML 1.0 cannot carry most control characters, even escaped.
    .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g, "\uFFFD")
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;");
}

const CHECKSTYLE_SEVERITY: Record<Severity, "error" | "warning" | "info"> = { High: "error", Medium: "warning", Low: "info", Info: "info" };

function byFile(findings: Finding[]): Map<string, Finding[]> {
  const files = new Map<string, Finding[]>();
  for (const f of findings) {
    const list = files.get(f.file);
    if (list) list.push(f);
    else files.set(f.file, [f]);
  }
  return files;
}

export function renderCheckstyle(input: CiFormatInput): string {
  const out = ['<?xml version="1.0" encoding="UTF-8"?>', '<checkstyle version="4.3">'];
  const files = byFile(sorted(input.result));
  for (const error of input.result.errors) if (error.file && !files.has(error.file)) files.set(error.file, []);
  for (const [file, findings] of [...files].sort(([a], [b]) => a.localeCompare(b))) {
    out.push(`  <file name="${escapeXml(file)}">`);
    for (const f of findings) {
      const column = f.column ? ` column="${f.column}"` : "";
      out.push(`    <error line="${Math.max(f.line, 0)}"${column} severity="${CHECKSTYLE_SEVERITY[f.severity]}" message="${escapeXml(`${f.title}: ${f.message}`)}" source="bgr.${escapeXml(f.ruleId)}"/>`);
    }
    for (const error of input.result.errors.filter((e) => e.file === file)) {
      out.push(`    <error line="${error.line ?? 0}" severity="warning" message="${escapeXml(`bgr could not analyse this: ${error.message}`)}" source="bgr.analysis-error"/>`);
    }
    out.push("  </file>");
  }
  out.push("</checkstyle>");
  return `${out.join("\n")}\n`;
}

/**
 * One test suite per analysed file, one failing test case per finding, one
 * passing case for a file without findings: CI test views then count clean
 * files as passed tests. Analysis errors and blockers are <error> cases.
 */
export function renderJunit(input: CiFormatInput): string {
  const { result } = input;
  const files = byFile(sorted(result));
  for (const file of [...result.filesAnalyzed, ...result.errors.flatMap((e) => e.file ?? [])]) if (!files.has(file)) files.set(file, []);
  const suites: string[] = [];
  let tests = 0;
  let failures = 0;
  let errors = 0;
  for (const [file, findings] of [...files].sort(([a], [b]) => a.localeCompare(b))) {
    const cases: string[] = [];
    for (const f of findings) {
      const where = f.line > 0 ? `${f.file}:${f.line}` : f.file;
      const body = [`${where}`, f.message, `Recommendation: ${f.recommendation}`, ...(f.cwe !== undefined ? [`CWE-${f.cwe}`] : []), ...(f.snippet ? [f.snippet] : [])].join("\n");
      cases.push(
        `    <testcase classname="${escapeXml(file)}" name="${escapeXml(`${f.ruleId} at line ${f.line}`)}" file="${escapeXml(file)}"${f.line > 0 ? ` line="${f.line}"` : ""}>\n` +
          `      <failure message="${escapeXml(`${f.severity}: ${f.title}`)}" type="${escapeXml(f.severity)}">${escapeXml(body)}</failure>\n` +
          "    </testcase>",
      );
    }
    const fileErrors = result.errors.filter((e) => e.file === file);
    for (const e of fileErrors) {
      cases.push(`    <testcase classname="${escapeXml(file)}" name="analysis" file="${escapeXml(file)}">\n      <error message="${escapeXml(e.message)}" type="analysis-error"/>\n    </testcase>`);
    }
    if (!findings.length && !fileErrors.length) cases.push(`    <testcase classname="${escapeXml(file)}" name="no findings" file="${escapeXml(file)}"/>`);
    tests += cases.length;
    failures += findings.length;
    errors += fileErrors.length;
    suites.push(`  <testsuite name="${escapeXml(file)}" tests="${cases.length}" failures="${findings.length}" errors="${fileErrors.length}" skipped="0">\n${cases.join("\n")}\n  </testsuite>`);
  }
  const general = [
    ...result.errors.filter((e) => !e.file).map((e) => ({ name: "analysis", message: e.message })),
    ...(result.blockers ?? []).map((b) => ({ name: "blocker", message: b })),
  ];
  if (general.length) {
    const cases = general.map((g) => `    <testcase classname="bgr" name="${g.name}">\n      <error message="${escapeXml(g.message)}" type="${g.name}"/>\n    </testcase>`);
    tests += cases.length;
    errors += cases.length;
    suites.push(`  <testsuite name="bgr ${escapeXml(input.kind)}" tests="${cases.length}" failures="0" errors="${cases.length}" skipped="0">\n${cases.join("\n")}\n  </testsuite>`);
  }
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="${escapeXml(`bgr ${VERSION}: ${input.title}`)}" tests="${tests}" failures="${failures}" errors="${errors}">`,
    ...suites,
    "</testsuites>",
    "",
  ].join("\n");
}
