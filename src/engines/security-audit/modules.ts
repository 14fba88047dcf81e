// Whole-program taint: an import of one of the project's own modules binds
// that module's real values (functions, classes, constants, connections), so
// a call from a route into a DAO, a sanitizer or a config value defined in
// another file runs with the caller's values like a call to a local function.
// Modules load lazily, when a name bound by an import is first read, and each
// loaded module's content hash is recorded so the cache can tell when a
// dependency changed.
import { createHash } from "node:crypto";
import { existsSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import type { FunctionIR, ImportBinding, ModuleIR, Stmt } from "../../lang/ir.js";
import { type Language, languageForPath, lowerParsed, parseFile, type ParsedFile } from "../../lang/index.js";
import type { Frame, Interpreter, State } from "./interpreter.js";
import { type Value } from "./values.js";

/** A file's modules beyond this many are left as plain library paths: the analysis of one file stays bounded. */
const MAX_MODULES_PER_FILE = 12;
/** Source bytes whose syntax tables a thread keeps for their second use (see ProjectModules.parse). */
const KEPT_TABLE_BYTES = 2 * 1024 * 1024;
/** Files above this size are parsed for each use: their tables would crowd out many small ones. */
const MAX_KEPT_FILE_BYTES = 256 * 1024;

export interface LoadedModule {
  module: ModuleIR;
  text: string;
  hash: string;
}

/** The project's files as modules, each lowered once per audit (see forgetProjectModules). */
export class ProjectModules {
  private readonly lowered = new Map<string, LoadedModule | null>();
  private readonly resolved = new Map<string, string | null>();
  private readonly kinds = new Map<string, "file" | "dir" | null>();
  /**
   * A project file is parsed twice in one thread when it is both analysed and
   * imported (the two need separate IR: a module's functions are tagged with
   * its file). Lowering only reads the syntax table, so the first use keeps the
   * table and the second lowers from it and drops it. Oldest dropped first.
   */
  private readonly tables = new Map<string, { text: string; parsed: ParsedFile }>();
  private keptBytes = 0;

  constructor(readonly root: string) {}

  /** The syntax table of `rel` with content `text`: kept from its other use, else parsed now and kept for one. */
  parse(rel: string, language: Language, text: string): ParsedFile {
    const kept = this.tables.get(rel);
    if (kept) {
      this.tables.delete(rel);
      this.keptBytes -= kept.text.length;
      if (kept.text === text) return kept.parsed;
    }
    const parsed = parseFile(language, text);
    if (text.length <= MAX_KEPT_FILE_BYTES) {
      this.tables.set(rel, { text, parsed });
      this.keptBytes += text.length;
      for (const [old, entry] of this.tables) {
        if (this.keptBytes <= KEPT_TABLE_BYTES) break;
        this.tables.delete(old);
        this.keptBytes -= entry.text.length;
      }
    }
    return parsed;
  }

  load(rel: string): LoadedModule | undefined {
    const known = this.lowered.get(rel);
    if (known !== undefined) return known ?? undefined;
    const language = languageForPath(rel);
    let entry: LoadedModule | null = null;
    if (language && this.kind(rel) === "file") {
      try {
        const text = readFileSync(path.join(this.root, rel), "utf8");
        if (text.length <= 1024 * 1024) {
          const { module } = lowerParsed(language, this.parse(rel, language, text));
          tagFunctions(module.body, rel);
          entry = { module, text, hash: contentHash(text) };
        }
      } catch {
        entry = null;
      }
    }
    this.lowered.set(rel, entry);
    return entry ?? undefined;
  }

  /** One stat per path and audit: resolution asks about the same folders for every file. */
  private kind(rel: string): "file" | "dir" | null {
    let k = this.kinds.get(rel);
    if (k === undefined) {
      // Most names asked about are library modules, not files here: no exception per miss.
      const info = statSync(path.join(this.root, rel), { throwIfNoEntry: false });
      k = info?.isFile() ? "file" : info?.isDirectory() ? "dir" : null;
      this.kinds.set(rel, k);
    }
    return k;
  }

  private isFile(rel: string): boolean {
    return this.kind(rel) === "file";
  }

  private isDir(rel: string): boolean {
    return this.kind(rel) === "dir";
  }

  /**
   * The project file (or, for a Python namespace package, folder ending in "/")
   * a module name stands for from `from`, or undefined for a library module.
   */
  resolve(specifier: string, from: string): string | undefined {
    // Files of one folder resolve a name alike.
    const key = `${path.posix.dirname(from)}\0${from.endsWith(".py") ? "py" : "js"}\0${specifier}`;
    const known = this.resolved.get(key);
    if (known !== undefined) return known ?? undefined;
    const found = from.endsWith(".py") ? this.resolvePython(specifier, from) : this.resolveScript(specifier, from);
    this.resolved.set(key, found ?? null);
    return found;
  }

  private resolvePython(specifier: string, from: string): string | undefined {
    const dots = /^\.*/.exec(specifier)![0].length;
    const parts = specifier.slice(dots).split(".").filter(Boolean);
    const bases: string[] = [];
    if (dots > 0) {
      let base = path.posix.dirname(from);
      for (let i = 1; i < dots; i++) base = path.posix.dirname(base);
      bases.push(base === "." ? "" : base);
    } else {
      // The project root, the folder above the importing file's top package, and the file's own folder.
      bases.push("");
      let dir = path.posix.dirname(from);
      while (dir !== "." && this.isFile(`${dir}/__init__.py`)) dir = path.posix.dirname(dir);
      bases.push(dir === "." ? "" : dir);
      bases.push(path.posix.dirname(from) === "." ? "" : path.posix.dirname(from));
    }
    for (const base of new Set(bases)) {
      const stem = [base, ...parts].filter(Boolean).join("/");
      if (!stem && parts.length) continue;
      if (stem && !inside(stem)) continue;
      if (parts.length && this.isFile(`${stem}.py`)) return `${stem}.py`;
      if (this.isFile(`${stem ? stem + "/" : ""}__init__.py`)) return `${stem ? stem + "/" : ""}__init__.py`;
      if (stem && this.isDir(stem) && parts.length) return `${stem}/`;
    }
    return undefined;
  }

  private resolveScript(specifier: string, from: string): string | undefined {
    if (!specifier.startsWith(".")) return undefined;
    const stem = path.posix.normalize(path.posix.join(path.posix.dirname(from), specifier));
    if (!inside(stem)) return undefined;
    const noJs = stem.replace(/\.[cm]?js$/, "");
    const candidates = [stem, ...[".ts", ".tsx", ".js", ".mjs", ".cjs", ".jsx", ".mts", ".cts"].map((x) => noJs + x)];
    for (const dir of [stem]) for (const x of ["index.ts", "index.tsx", "index.js", "index.mjs", "index.cjs"]) candidates.push(`${dir}/${x}`);
    return candidates.find((c) => languageForPath(c) && this.isFile(c));
  }
}

function inside(rel: string): boolean {
  return rel !== ".." && !rel.startsWith("../") && !path.isAbsolute(rel);
}

export function contentHash(text: string): string {
  return moduleHashOfDigest(createHash("sha256").update(text).digest("hex"));
}

/** A module's hash from its content digest (cache.ts contentDigest, the same sha256): a warm audit checks imports without reading them. */
export function moduleHashOfDigest(digest: string): string {
  return digest.slice(0, 16);
}

/** Marks every function of a module with its file, so findings and trace steps inside it name that file. */
function tagFunctions(stmts: Stmt[], file: string): void {
  const seen = new Set<FunctionIR>();
  const visitFn = (fn: FunctionIR): void => {
    if (seen.has(fn)) return;
    seen.add(fn);
    fn.file = file;
    walk(fn.body);
  };
  const visitValue = (v: unknown): void => {
    if (!v || typeof v !== "object") return;
    if (Array.isArray(v)) {
      for (const x of v) visitValue(x);
      return;
    }
    const o = v as Record<string, unknown>;
    if (o.k === "func" && o.fn) visitFn(o.fn as FunctionIR);
    // for…in over the IR's plain objects: Object.entries allocated a pair per property of every node.
    for (const k in o) {
      if (k === "loc" || k === "fn") continue;
      const x = o[k];
      if (typeof x === "object") visitValue(x);
    }
  };
  const walk = (body: Stmt[]): void => visitValue(body);
  walk(stmts);
}

const projects = new Map<string, ProjectModules>();

/** An audit starts from the files as they are now: what earlier audits in this process read is dropped. */
export function forgetProjectModules(root: string): void {
  projects.delete(root);
}

/** One module table per project root: the files of an audit share lowering and resolution. */
export function projectModules(root: string): ProjectModules | undefined {
  if (!existsSync(root)) return undefined;
  let p = projects.get(root);
  if (!p) projects.set(root, (p = new ProjectModules(root)));
  return p;
}

// ---- binding imports inside the interpreter --------------------------------

/** What an import binds: a lazy module value for a project module, the plain library path otherwise. */
export function bindImport(it: Interpreter, b: ImportBinding, state: State): Value {
  const plain: Value = { path: b.path };
  const modules = it.modules;
  if (!modules || b.module === undefined) return plain;
  const from = it.currentFile;
  const python = from.endsWith(".py");
  if (python && b.top) {
    // `import a.b.c` binds a; a later `import a.d` adds to the same package value.
    const previous = state.get(b.local);
    const names = [...(previous?.imports ?? []), b.module];
    if (!modules.resolve(b.module, from)) return previous?.imports ? previous : plain;
    return { path: b.path, imports: names, pending: () => packageValue(it, names, from) };
  }
  const target = modules.resolve(b.module, from);
  if (!target && !(python && b.member !== undefined)) return plain;
  let resolving = false;
  return {
    path: b.path,
    pending: () => {
      // Two modules importing a name from each other: the cycle ends at the library path.
      if (resolving) return plain;
      resolving = true;
      try {
        if (python) {
          const member = pythonMember(it, b, from);
          // An absolute import names the library path the models know the function by.
          return member && (member.fn || member.cls) && !b.module!.startsWith(".") ? { ...member, model: b.path } : member ?? plain;
        }
        const mod = target ? moduleValue(it, target) : undefined;
        return (mod && scriptMember(mod, b.member)) ?? plain;
      } finally {
        resolving = false;
      }
    },
  };
}

/** `from m import *` / `export * from "./m"`: the names m defines. */
export function starNames(it: Interpreter, b: ImportBinding): Array<[string, Value]> {
  const modules = it.modules;
  if (!modules || b.module === undefined) return [];
  const target = modules.resolve(b.module, it.currentFile);
  const mod = target ? moduleValue(it, target) : undefined;
  if (!mod?.fields) return [];
  return [...mod.fields].filter(([k]) => !k.startsWith("_") && k !== "module" && k !== "exports");
}

function pythonMember(it: Interpreter, b: ImportBinding, from: string): Value | undefined {
  const modules = it.modules!;
  const target = modules.resolve(b.module!, from);
  const mod = target ? moduleValue(it, target) : undefined;
  const own = mod?.fields?.get(b.member!);
  if (own) return own.pending ? force(own) : own;
  const sub = joinDotted(b.module!, b.member!);
  const subTarget = modules.resolve(sub, from);
  return subTarget ? moduleValue(it, subTarget) : undefined;
}

function joinDotted(module: string, member: string): string {
  return /\.$/.test(module) ? module + member : `${module}.${member}`;
}

function packageValue(it: Interpreter, names: string[], from: string): Value {
  const modules = it.modules!;
  let top: Value | undefined;
  for (const name of names) {
    const parts = name.split(".");
    const chain: Value[] = [];
    for (let i = 1; i <= parts.length; i++) {
      const dotted = parts.slice(0, i).join(".");
      const target = modules.resolve(dotted, from);
      chain.push((target ? moduleValue(it, target) : undefined) ?? { path: dotted, fields: new Map() });
    }
    // Nest a.b.c under a.b under a, keeping what earlier imports put there.
    let inner = chain[chain.length - 1]!;
    for (let i = chain.length - 2; i >= 0; i--) {
      const outer = i === 0 && top ? top : chain[i]!;
      const fields = new Map(outer.fields ?? []);
      const existing = fields.get(parts[i + 1]!);
      fields.set(parts[i + 1]!, existing?.fields && inner.fields ? { ...inner, fields: new Map([...existing.fields, ...inner.fields]) } : inner);
      inner = { ...outer, fields };
    }
    top = inner;
  }
  return top ?? { path: names[0]!.split(".")[0] };
}

function scriptMember(mod: Value, member: string | undefined): Value | undefined {
  const scope = mod.fields!;
  const exportsObj = commonExports(scope);
  if (member === undefined) return exportsObj ?? mod;
  if (member === "default") return scope.get("__default_export__") ?? exportsObj ?? mod;
  const named = scope.get(member);
  if (named) return named.pending ? force(named) : named;
  return exportsObj?.fields?.get(member);
}

function commonExports(scope: Map<string, Value>): Value | undefined {
  const moduleExports = scope.get("module")?.fields?.get("exports");
  const exportsVar = scope.get("exports");
  if (moduleExports && exportsVar?.fields) return { ...moduleExports, fields: new Map([...(exportsVar.fields ?? []), ...(moduleExports.fields ?? [])]) };
  return moduleExports ?? (exportsVar?.fields ? exportsVar : undefined);
}

/** Runs a project module's top level once per analysed file, quietly, and returns its names as a value. */
export function moduleValue(it: Interpreter, target: string): Value | undefined {
  const done = it.moduleScopes.get(target);
  if (done) return { path: target, fields: done };
  if (target.endsWith("/")) return { path: target, fields: new Map() };
  it.effects++;
  if (it.moduleScopes.size >= MAX_MODULES_PER_FILE) {
    // Past the cap, which modules a file's analysis loaded depends on its own imports: its module tables are its own.
    it.sharing = false;
    return undefined;
  }
  const loaded = it.modules!.load(target);
  if (!loaded || (loaded.module.language === "python") !== (it.module.language === "python")) return undefined;
  const scope: State = new Map();
  // Registered before running: an import cycle sees the names defined so far.
  it.moduleScopes.set(target, scope);
  it.dependencies.set(target, loaded);
  const frame: Frame = { state: scope, route: false, contextNames: [], depth: 0, globals: scope };
  const savedFile = it.currentFile;
  it.quiet++;
  it.currentFile = target;
  try {
    it.execBlock(loaded.module.body, frame);
    // Branch joins replace the state map; the functions defined above hold the first one as their globals.
    for (const [k, v] of frame.state ?? []) scope.set(k, v);
  } finally {
    it.quiet--;
    it.currentFile = savedFile;
  }
  return { path: target, fields: scope };
}

/** A lazily bound import, resolved now. */
export function force(v: Value): Value {
  return v.pending ? v.pending() : v;
}
