// The official schemas the renderers are checked against, loaded from npm
// packages (never a copy kept here): SARIF 2.1.0 as Microsoft's SARIF SDK
// publishes it (@microsoft/jest-sarif ships sarif-2.1.0-rtm.5.json, a
// draft-04 schema, hence ajv-draft-04), and reviewdog's Diagnostic Format
// through @umbrelladocs/rdformat-validator.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import AjvDraft04 from "ajv-draft-04";
import addFormats from "ajv-formats";
import { RDFormatValidator } from "@umbrelladocs/rdformat-validator";

const require = createRequire(import.meta.url);

export const SARIF_SCHEMA_FILE = require.resolve("@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json");

let sarifValidator: ((data: unknown) => boolean) & { errors?: unknown } | undefined;

/** Schema errors of a SARIF log, empty when it is valid. */
export function sarifSchemaErrors(log: unknown): string[] {
  if (!sarifValidator) {
    const Ajv = (AjvDraft04 as unknown as { default?: typeof AjvDraft04 }).default ?? AjvDraft04;
    // The schema's `language` pattern is not valid under the u flag; SARIF tools compile it without.
    const ajv = new (Ajv as unknown as new (opts: object) => { compile(schema: unknown): typeof sarifValidator })({ allErrors: true, strict: false, unicodeRegExp: false });
    (((addFormats as unknown as { default?: typeof addFormats }).default ?? addFormats) as unknown as (a: unknown) => void)(ajv);
    sarifValidator = ajv.compile(JSON.parse(readFileSync(SARIF_SCHEMA_FILE, "utf8")));
  }
  if (sarifValidator!(log)) return [];
  return ((sarifValidator!.errors as Array<{ instancePath: string; message?: string }>) ?? []).map((e) => `${e.instancePath || "/"} ${e.message ?? ""}`);
}

export async function rdjsonErrors(text: string): Promise<string[]> {
  const validator = new RDFormatValidator({ strictMode: true, allowExtraFields: false });
  const result = await validator.validateString(text);
  return result.valid ? [] : result.errors.map((e) => `${e.path}: ${e.message}`);
}
