// Public API the change breaks, one finding per file and cause: the
// exported functions and classes that are gone (not those still re-exported
// or served by a deprecation `__getattr__`), the deprecated names a retired
// `__getattr__` stops answering, and the signatures that no longer accept
// the old calls. A refactor that touches thirty signatures is one finding
// listing them, not thirty.
import type { Finding } from "../../../protocol/finding.js";
import { apiDeltas, type FileApiDelta, type SignatureChange } from "../api-delta.js";
import { makeFinding, type ReviewContext } from "../context.js";
import { code, counted, listed } from "../messages.js";

/** Names spelled out in a grouped message; every one is in the finding's properties. */
const NAMES_SHOWN = 12;

function removedFinding(delta: FileApiDelta): Finding | undefined {
  const { file, removed, classesRemoved } = delta;
  if (removed.length === 0 && classesRemoved.length === 0) return undefined;
  const items = [
    ...classesRemoved.map((entry) => `class ${code(entry.name)}${entry.methods > 0 ? ` (with ${counted(entry.methods, "public method")})` : ""}`),
    ...removed.map((entry) => (entry.renamedTo ? `${code(entry.unit.name)} (renamed to ${code(entry.renamedTo.name)})` : code(`${entry.unit.name}${entry.unit.signature}`))),
  ];
  const renamedOnly = classesRemoved.length === 0 && removed.every((entry) => entry.renamedTo);
  const total = items.length;
  const module = file.change.oldPath ?? file.path;
  const single = total === 1;
  return makeFinding(file.path, 0, {
    ruleId: "review/export-removed",
    severity: "Medium",
    title: single
      ? renamedOnly
        ? `Exported ${code(removed[0]!.unit.name)} renamed to ${code(removed[0]!.renamedTo!.name)}`
        : `Exported ${classesRemoved.length === 1 ? `class ${code(classesRemoved[0]!.name)}` : code(removed[0]!.unit.name)} removed from ${module}`
      : `${counted(total, "public name")} ${renamedOnly ? "renamed" : "removed"} in ${module}`,
    message: `No longer importable from \`${module}\` under the old name: ${listed(items, NAMES_SHOWN)}. Nothing in the module re-exports ${single ? "it" : "them"} or answers ${single ? "it" : "them"} through a deprecation hook, so code that imports ${single ? "it" : "them"} stops working.`,
    recommendation: renamedOnly
      ? "Keep each old name as a deprecated alias of the new one for a release (or list the rename in the changelog as a breaking change)."
      : "Keep a deprecated alias or wrapper under the old name for a release (a module `__getattr__` that warns, or a re-export), or list the removal in the changelog as a breaking change.",
    properties: {
      removed: removed.map((entry) => ({ name: entry.unit.name, signature: entry.unit.signature, ...(entry.renamedTo ? { renamedTo: entry.renamedTo.name } : {}) })),
      classesRemoved: classesRemoved.map((entry) => entry.name),
    },
  });
}

function mayResolveFinding(delta: FileApiDelta): Finding | undefined {
  if (delta.mayResolve.length === 0) return undefined;
  const via = delta.mayResolve[0]!.via;
  const names = delta.mayResolve.map((entry) => code(entry.unit.name));
  return makeFinding(delta.file.path, 0, {
    ruleId: "review/export-removed",
    severity: "Low",
    title: `${counted(names.length, "public function")} no longer defined in ${delta.file.path}`,
    message: `${listed(names, NAMES_SHOWN)} ${names.length === 1 ? "is" : "are"} no longer defined in \`${delta.file.path}\`; ${code(via)} may still provide ${names.length === 1 ? "it" : "them"}, which a review cannot see.`,
    recommendation: "Check that importers still resolve these names (a test that imports them), or list the removal in the changelog.",
    properties: { names: delta.mayResolve.map((entry) => entry.unit.name), via },
  });
}

function retiredShimFinding(delta: FileApiDelta): Finding | undefined {
  if (delta.retiredShims.length === 0) return undefined;
  const names = delta.retiredShims.map(code);
  return makeFinding(delta.file.path, 0, {
    ruleId: "review/deprecation-retired",
    severity: "Low",
    title: `${counted(names.length, "deprecated name")} retired from ${delta.file.path}`,
    message: `The module's \`__getattr__\` answered ${listed(names, NAMES_SHOWN)} with a deprecation warning; after the change ${names.length === 1 ? "it no longer resolves" : "they no longer resolve"}. That is the intended end of a deprecation, and still a breaking change for whoever ignored the warning.`,
    recommendation: "List the removal under the release's breaking changes, naming the replacement for each retired name.",
    properties: { names: delta.retiredShims },
  });
}

function signatureLine(change: SignatureChange, added: Set<number>): number | undefined {
  const { after } = change;
  if (added.has(after.signatureLine)) return after.signatureLine;
  for (let line = after.startLine; line <= after.endLine; line++) if (added.has(line)) return line;
  return undefined;
}

function signatureFinding(delta: FileApiDelta): Finding | undefined {
  const breaking = delta.signatures.filter((change) => change.reasons.length > 0);
  if (breaking.length === 0) return undefined;
  const { file } = delta;
  const at = breaking.map((change) => signatureLine(change, file.added)).find((line) => line !== undefined) ?? 0;
  const describe = (change: SignatureChange) => `${code(change.after.name)} (${change.reasons.join("; ")})`;
  const single = breaking.length === 1;
  return makeFinding(file, at, {
    ruleId: "review/exported-signature-changed",
    severity: "Medium",
    title: single ? `Signature of exported ${breaking[0]!.after.name} changed incompatibly` : `${counted(breaking.length, "exported signature")} changed incompatibly in ${file.path}`,
    message: `Calls written for the old ${single ? "signature" : "signatures"} can fail: ${listed(breaking.map(describe), NAMES_SHOWN)}.${delta.signatures.length > breaking.length ? ` (${counted(delta.signatures.length - breaking.length, "other signature change")} in this file stay${delta.signatures.length - breaking.length === 1 ? "s" : ""} compatible.)` : ""}`,
    recommendation: "Update every caller in this change and keep the old form working where outside code may call it (a default for a new parameter, the old keyword accepted with a deprecation warning), or list the change in the changelog.",
    properties: {
      functions: breaking.map((change) => ({ name: change.after.name, line: change.after.signatureLine, before: change.before.signature, after: change.after.signature, reasons: change.reasons })),
    },
  });
}

export function apiFindings(ctx: ReviewContext): Finding[] {
  return apiDeltas(ctx.files).flatMap((delta) =>
    [removedFinding(delta), mayResolveFinding(delta), retiredShimFinding(delta), signatureFinding(delta)].filter((finding): finding is Finding => finding !== undefined),
  );
}
