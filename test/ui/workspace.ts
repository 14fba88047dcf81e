// A copy of the bundled example after real runs: the security audit from
// the seed's prompt, and a coverage analysis of an LCOV report over the
// example's files. Copied, never used in place, so the repository's
// example stays as committed.
import { mkdtemp, realpath, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { bgr } from "../cli/helpers.js";
import { copyExample } from "../security/example-workspace.js";

export const AUDIT_ID = "bg-20260123-143000-auth-security";
export const AUDIT_REPORT = ".agents/reports/20260123-143000-auth-security.md";
export const SESSION = ".agents/sessions/20260123-140000-auth-feature.md";

export const LCOV = `TN:
SF:src/auth/endpoints.py
DA:1,1
DA:2,1
DA:3,0
DA:4,0
LF:4
LH:2
end_of_record
SF:src/auth/token.py
DA:1,1
DA:2,0
LF:2
LH:1
end_of_record
SF:web/src/auth/session.ts
DA:1,1
DA:2,1
LF:2
LH:2
end_of_record
`;

export interface ExampleWorkspace {
  parent: string;
  root: string;
  coverageReport: string;
  cleanup(): Promise<void>;
}

export async function exampleAfterRuns(): Promise<ExampleWorkspace> {
  const parent = await realpath(await mkdtemp(path.join(tmpdir(), "bgr-ui-")));
  const root = path.join(parent, "auth-app");
  copyExample(root);
  const audit = await bgr(["run", "-p", "task.md"], { cwd: root });
  if (audit.code !== 0) throw new Error(`the example audit failed: ${audit.stderr}`);
  await writeFile(path.join(root, "lcov.info"), LCOV);
  const coverage = await bgr(["run", "--kind", "coverage-analysis", "--task", "Coverage analysis", "--report", "lcov.info", "--session", SESSION, "--json"], { cwd: root });
  if (coverage.code !== 0) throw new Error(`the coverage run failed: ${coverage.stderr}`);
  const coverageReport = (JSON.parse(coverage.stdout) as { report: string }).report;
  return { parent, root, coverageReport, cleanup: () => rm(parent, { recursive: true, force: true }) };
}
