// The public API a change adds, removes and changes, file by file, with
// what a maintainer checks before calling something "removed": is the name
// still bound in the module (re-exported, imported from its new home,
// reassigned), still answered by a deprecation `__getattr__`, or possibly
// reachable through `export *`? Did its whole class go? Is the new
// signature still compatible with the old calls?
import type { ReviewFile } from "./context.js";
import type { FunctionUnit } from "./functions.js";
import { type Binding, type ModuleApi, moduleApi, PYTHON_MODULE_HOOKS } from "./module-api.js";
import { breakingChanges } from "./signatures.js";

export interface SignatureChange {
  before: FunctionUnit;
  after: FunctionUnit;
  /** Empty when every old call still works (annotations, optional parameters added…). */
  reasons: string[];
}

export interface StillResolves {
  unit: FunctionUnit;
  /** "re-exported from .helpers", "deprecated: the module's __getattr__ still answers it", … */
  how: string;
}

export interface FileApiDelta {
  file: ReviewFile;
  added: FunctionUnit[];
  /** Gone and not reachable under the old name any more. */
  removed: Array<{ unit: FunctionUnit; renamedTo?: FunctionUnit }>;
  /** Exported classes that disappeared; their methods are not listed one by one. */
  classesRemoved: Array<{ name: string; methods: number }>;
  stillResolves: StillResolves[];
  /** No longer defined, but the module resolves some names in ways that cannot be listed. */
  mayResolve: Array<{ unit: FunctionUnit; via: string }>;
  /** Names a module `__getattr__` answered before and nothing answers now. */
  retiredShims: string[];
  /** Names a module `__getattr__` answers now and did not before: new deprecations. */
  newShims: string[];
  signatures: SignatureChange[];
}

function isModuleHook(file: ReviewFile, unit: FunctionUnit): boolean {
  return file.language === "python" && PYTHON_MODULE_HOOKS.has(unit.name);
}

function publicUnits(file: ReviewFile, side: "old" | "new"): FunctionUnit[] {
  return file.functions(side).filter((unit) => unit.exported && !unit.inFunction && !isModuleHook(file, unit));
}

function describeBinding(binding: Binding): string {
  if (binding.kind === "import") return binding.from ? `now imported from \`${binding.from}\`` : "now re-exported";
  if (binding.kind === "class") return "now a class of the same name";
  return "still bound at module level (an alias or assignment)";
}

function whereStill(name: string, api: ModuleApi | undefined): string | undefined {
  if (!api) return undefined;
  const top = name.split(".")[0]!;
  if (!name.includes(".")) {
    const binding = api.bindings.get(name);
    if (binding) return describeBinding(binding);
    if (api.shimmed.has(name)) return "deprecated: the module's `__getattr__` still answers it";
  }
  return api.shimmed.has(top) && !api.bindings.has(top) ? "deprecated: the module's `__getattr__` still answers it" : undefined;
}

const computed = new WeakMap<ReviewFile, FileApiDelta | undefined>();

/** The file's API delta (computed once per file: the check and the summary section share it). */
export function fileApiDelta(file: ReviewFile): FileApiDelta | undefined {
  if (!computed.has(file)) computed.set(file, computeDelta(file));
  return computed.get(file);
}

function computeDelta(file: ReviewFile): FileApiDelta | undefined {
  if (!file.analysable || file.isTest) return undefined;
  const delta: FileApiDelta = { file, added: [], removed: [], classesRemoved: [], stillResolves: [], mayResolve: [], retiredShims: [], newShims: [], signatures: [] };
  const after = publicUnits(file, "new");
  const before = file.oldText === undefined ? [] : publicUnits(file, "old");
  const newApi = moduleApi(file.tree("new"), file.language);
  const oldApi = file.oldText === undefined ? undefined : moduleApi(file.tree("old"), file.language);
  const afterByName = new Map(after.map((unit) => [unit.name, unit]));
  for (const unit of after) {
    const prior = file.oldText === undefined ? undefined : file.priorVersion(unit);
    if (!prior || !prior.exported) delta.added.push(unit);
  }

  const removedClasses = new Map<string, number>();
  for (const old of before) {
    const now = afterByName.get(old.name);
    if (now) {
      if (now.signature !== old.signature) {
        delta.signatures.push({ before: old, after: now, reasons: breakingChanges(old.parameters, now.parameters, file.language!) });
      }
      continue;
    }
    const still = whereStill(old.name, newApi);
    if (still) {
      delta.stillResolves.push({ unit: old, how: still });
      continue;
    }
    const owner = old.name.includes(".") ? old.name.split(".")[0]! : undefined;
    if (owner && oldApi?.bindings.get(owner)?.kind === "class" && !newApi?.bindings.has(owner)) {
      removedClasses.set(owner, (removedClasses.get(owner) ?? 0) + 1);
      continue;
    }
    if (newApi?.open && !owner) {
      delta.mayResolve.push({ unit: old, via: newApi.open });
      continue;
    }
    const renamed = file.renamedTo(old);
    delta.removed.push(renamed && renamed.exported ? { unit: old, renamedTo: renamed } : { unit: old });
  }
  // A class whose methods all went with it, and a class that had none worth listing.
  for (const [name, binding] of oldApi?.bindings ?? []) {
    if (binding.kind === "class" && !newApi?.bindings.has(name) && !name.startsWith("_") && !removedClasses.has(name)) {
      if (!newApi?.shimmed.has(name) && !newApi?.open) removedClasses.set(name, 0);
    }
  }
  delta.classesRemoved = [...removedClasses].map(([name, methods]) => ({ name, methods }));
  if (oldApi) {
    delta.retiredShims = [...oldApi.shimmed].filter((name) => !newApi?.shimmed.has(name) && !newApi?.bindings.has(name)).sort();
  }
  delta.newShims = [...(newApi?.shimmed ?? [])].filter((name) => !oldApi?.shimmed.has(name)).sort();
  return delta;
}

export function apiDeltas(files: ReviewFile[]): FileApiDelta[] {
  return files.flatMap((file) => fileApiDelta(file) ?? []);
}
