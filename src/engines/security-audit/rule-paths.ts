// Matching callee and member paths against rule patterns, and the per-config
// indexes the interpreter consults at every call site. Kept apart from the
// rule schema (rules.ts) so analysing a file never loads zod or yaml.
import type { PropagatorSpec, SanitizerSpec, SourceSpec, TaintConfig } from "./rules.js";

interface ConfigIndexes {
  sanitizers: PathIndex<SanitizerSpec>;
  sources: PathIndex<SourceSpec>;
  propagators: PathIndex<PropagatorSpec>;
}

const configIndexes = new WeakMap<TaintConfig, ConfigIndexes>();

/** Sanitizers, sources and propagators of a taint configuration, indexed once per configuration. */
export function indexesFor(config: TaintConfig): ConfigIndexes {
  let indexes = configIndexes.get(config);
  if (!indexes) {
    indexes = {
      sanitizers: new PathIndex(config.sanitizers.map((s) => ({ patterns: s.call, item: s }))),
      sources: new PathIndex(config.sources.map((s) => ({ patterns: s.path, item: s }))),
      propagators: new PathIndex(config.propagators.map((p) => ({ patterns: p.call, item: p }))),
    };
    configIndexes.set(config, indexes);
  }
  return indexes;
}
const patternCache = new Map<string, RegExp>();

/**
 * Callee / member paths: "os.system" matches exactly; a leading "*." matches
 * any receiver ("*.execute" ⇒ "db.cursor().execute"); "*" elsewhere matches
 * one segment and "**" any number ("requests.**" ⇒ "requests.Session().get").
 */
export function pathMatches(pattern: string, value: string | undefined): boolean {
  if (value === undefined) return false;
  let re = patternCache.get(pattern);
  if (!re) {
    let body = "";
    let rest = pattern;
    if (rest.startsWith("*.")) {
      body = "(?:.+\\.)?";
      rest = rest.slice(2);
    }
    body += rest
      .split(".")
      .map((seg) => (seg === "**" ? ".+" : seg === "*" ? "[^.]+" : seg.replace(/[\\^$+?()[\]{}|]/g, "\\$&").replace(/\*/g, "[^.]*")))
      .join("\\.");
    re = new RegExp(`^${body}$`);
    patternCache.set(pattern, re);
  }
  return re.test(value);
}

interface CompiledList {
  /** Patterns by their last segment ("*.execute" under "execute"): a path only meets the few that can match it. */
  byLast: Map<string, RegExp>;
  /** Patterns whose last segment is a wildcard. */
  wild?: RegExp;
  memo: Map<string, boolean>;
}

function alternation(patterns: string[]): RegExp {
  for (const p of patterns) pathMatches(p, "");
  return new RegExp(`^(?:${patterns.map((p) => patternCache.get(p)!.source.slice(1, -1)).join("|")})$`);
}

// Rule lists are matched against every call site: an index by last
// segment, one alternation per bucket, and a memo per distinct path.
const compiledLists = new WeakMap<readonly string[], CompiledList>();

function compileList(patterns: readonly string[]): CompiledList {
  const buckets = new Map<string, string[]>();
  const wild: string[] = [];
  for (const p of patterns) {
    const last = p.slice(p.lastIndexOf(".") + 1);
    if (last.includes("*") || last.includes("(") || last.includes("[")) wild.push(p);
    else buckets.set(last, [...(buckets.get(last) ?? []), p]);
  }
  const byLast = new Map<string, RegExp>();
  for (const [last, list] of buckets) byLast.set(last, alternation(list));
  return { byLast, wild: wild.length ? alternation(wild) : undefined, memo: new Map() };
}

export function anyPathMatches(patterns: readonly string[], value: string | undefined): boolean {
  if (value === undefined || patterns.length === 0) return false;
  let compiled = compiledLists.get(patterns);
  if (!compiled) {
    compiled = compileList(patterns);
    compiledLists.set(patterns, compiled);
  }
  let hit = compiled.memo.get(value);
  if (hit === undefined) {
    const bucket = compiled.byLast.get(value.slice(value.lastIndexOf(".") + 1));
    hit = (bucket?.test(value) ?? false) || (compiled.wild?.test(value) ?? false);
    if (compiled.memo.size > 20000) compiled.memo.clear();
    compiled.memo.set(value, hit);
  }
  return hit;
}

/**
 * Which of many (patterns, item) entries match a path, answered from an index
 * by last segment so a path meets only the entries that could match it; used
 * for sink matchers, sanitizers and sources, which every call site consults.
 */
export class PathIndex<T> {
  private readonly byLast = new Map<string, Array<{ patterns: readonly string[]; item: T; order: number }>>();
  private readonly wild: Array<{ patterns: readonly string[]; item: T; order: number }> = [];
  private readonly memo = new Map<string, T[]>();

  constructor(entries: ReadonlyArray<{ patterns: readonly string[]; item: T }>) {
    for (const [order, { patterns, item }] of entries.entries()) {
      const entry = { patterns, item, order };
      const lasts = new Set<string>();
      let isWild = false;
      for (const p of entry.patterns) {
        const last = p.slice(p.lastIndexOf(".") + 1);
        if (last.includes("*") || last.includes("(") || last.includes("[")) isWild = true;
        else lasts.add(last);
      }
      if (isWild) this.wild.push(entry);
      else for (const last of lasts) this.byLast.set(last, [...(this.byLast.get(last) ?? []), entry]);
    }
  }

  /** Matching items, in the order the entries were given. */
  lookup(path: string | undefined): T[] {
    if (path === undefined) return [];
    let hit = this.memo.get(path);
    if (!hit) {
      const candidates = [...(this.byLast.get(path.slice(path.lastIndexOf(".") + 1)) ?? []), ...this.wild];
      hit = candidates
        .filter((c) => anyPathMatches(c.patterns, path))
        .sort((a, b) => a.order - b.order)
        .map((c) => c.item);
      if (this.memo.size > 50000) this.memo.clear();
      this.memo.set(path, hit);
    }
    return hit;
  }
}
