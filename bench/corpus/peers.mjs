// Bandit and ESLint + eslint-plugin-security on the labeled corpus, their
// results turned into findings with a CWE so that the same scorer judges
// them as it judges bgr. Where a peer's check means the labeled weakness
// its CWE is mapped generously (e.g. Bandit's urlopen audit counts for SSRF);
// checks with no CWE among the labeled ones (assert, `import subprocess`,
// regex safety…) stay unmapped and count as findings with no label.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { INSTALL_HINT, REPO_ROOT } from "./prepare.mjs";

const BANDIT_CWE = {
  B102: 95, B201: 489, B301: 502, B302: 502, B303: 328, B304: 327, B305: 327, B307: 95, B308: 79,
  B310: 918, B311: 330, B313: 611, B314: 611, B315: 611, B316: 611, B317: 611, B318: 611, B319: 611,
  B320: 611, B323: 295, B324: 328, B403: 502, B404: 78, B405: 611, B406: 611, B407: 611, B408: 611,
  B409: 611, B410: 611, B411: 611, B413: 327, B501: 295, B502: 327, B503: 327, B504: 295, B506: 502,
  B507: 295, B601: 78, B602: 78, B603: 78, B604: 78, B605: 78, B606: 78, B607: 78, B608: 89, B609: 78,
  B610: 89, B611: 89, B701: 79, B702: 79, B703: 79, B105: 259, B106: 259, B107: 259,
};

const ESLINT_SECURITY_CWE = {
  "security/detect-child-process": 78,
  "security/detect-disable-mustache-escape": 79,
  "security/detect-eval-with-expression": 95,
  "security/detect-non-literal-fs-filename": 22,
  "security/detect-non-literal-require": 95,
  "security/detect-object-injection": 1321,
  "security/detect-pseudoRandomBytes": 338,
};

function finding(file, line, endLine, ruleId, cwe) {
  return {
    ruleId, title: ruleId, severity: "Medium", file, line, endLine: Math.max(endLine ?? line, line),
    message: ruleId, recommendation: "", ...(cwe === undefined ? {} : { cwe }),
  };
}

/** Bandit over a corpus folder; findings with workspace-relative posix paths. */
export function banditFindings(root) {
  const scratch = mkdtempSync(path.join(tmpdir(), "bgr-peer-bandit-"));
  const out = path.join(scratch, "bandit.json");
  try {
    const run = spawnSync("bandit", ["-q", "-r", ".", "-f", "json", "-o", out], { cwd: root, encoding: "utf8" });
    if (run.error || (run.status !== 0 && run.status !== 1)) {
      throw new Error(`bandit could not run (${run.error?.message ?? run.stderr.trim().split("\n").at(-1)}); ${INSTALL_HINT}`);
    }
    const report = JSON.parse(readFileSync(out, "utf8"));
    return report.results.map((r) => {
      const file = path.relative(root, path.resolve(root, r.filename)).split(path.sep).join("/");
      const range = r.line_range?.length ? r.line_range : [r.line_number];
      return finding(file, r.line_number, Math.max(...range), r.test_id, BANDIT_CWE[r.test_id]);
    });
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

/** ESLint + eslint-plugin-security (bench config) over a corpus folder. */
export function eslintFindings(root) {
  const eslint = path.join(REPO_ROOT, "node_modules", ".bin", "eslint");
  const config = path.join(REPO_ROOT, "bench", "corpus", "eslint.config.mjs");
  const run = spawnSync(eslint, ["--config", config, "--no-config-lookup", "--format", "json", "."], {
    cwd: root,
    encoding: "utf8",
    maxBuffer: 64 * 1024 * 1024,
  });
  if (run.error || (run.status !== 0 && run.status !== 1)) {
    throw new Error(`eslint could not run (${run.error?.message ?? run.stderr.trim().split("\n").at(-1)}); ${INSTALL_HINT}`);
  }
  return JSON.parse(run.stdout).flatMap((result) => {
    const file = path.relative(root, result.filePath).split(path.sep).join("/");
    return result.messages
      .filter((m) => m.ruleId)
      .map((m) => finding(file, m.line, m.endLine, m.ruleId, ESLINT_SECURITY_CWE[m.ruleId]));
  });
}
