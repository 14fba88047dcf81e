// Project configuration: `.agents/config.yaml`, else `bgr.config.{yaml,yml,json}`.
// A config we cannot parse is an error naming the file, never silently ignored:
// an ignored `exclude` would quietly widen an audit.
import { readFile } from "node:fs/promises";
import path from "node:path";
import { parse as parseYaml, YAMLError } from "yaml";
import { z } from "zod";
import { yamlErrorAt } from "../protocol/front-matter-error.js";
import { readIgnoreFiles } from "./ignore-files.js";

const stringList = (what: string) =>
  z.union([z.string().transform((s) => [s]), z.array(z.string())], { error: `expected ${what}, or a list of them` });

const configSchema = z
  .object({
    exclude: stringList("a gitignore-style path").default([]),
    rules: z
      .object({ disable: stringList("a rule id or CWE-N").default([]) })
      .passthrough()
      .default({ disable: [] }),
    audit: z.record(z.string(), z.unknown()).optional(),
    coverage: z.record(z.string(), z.unknown()).optional(),
    review: z.record(z.string(), z.unknown()).optional(),
    model: z.string().optional(),
    provider: z.string().optional(),
    baseUrl: z.string().optional(),
  })
  .passthrough();

export type BgrConfig = z.infer<typeof configSchema> & {
  exclude: string[];
  rules: { disable: string[] };
  /** Workspace-relative path of the file read, absent when none exists. */
  source?: string;
  /** Ignore files whose lines lead `exclude` (.semgrepignore, .bandit, pyproject.toml, .bgrignore). */
  ignoreFiles?: string[];
};

export const CONFIG_FILES = [
  ".agents/config.yaml",
  ".agents/config.yml",
  "bgr.config.yaml",
  "bgr.config.yml",
  "bgr.config.json",
] as const;

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ConfigError";
  }
}

export function parseConfig(text: string, source: string): BgrConfig {
  let raw: unknown;
  try {
    raw = source.endsWith(".json") ? JSON.parse(text) : parseYaml(text);
  } catch (error) {
    const detail = error instanceof YAMLError ? yamlErrorAt(error) : (error as Error).message.split("\n")[0];
    throw new ConfigError(`${source}: cannot parse, ${detail}: fix the syntax`);
  }
  const parsed = configSchema.safeParse(raw ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue?.path.join(".") || "(top level)";
    throw new ConfigError(`${source}: ${where}: ${issue?.message ?? "invalid"}: fix or remove that key`);
  }
  return { ...parsed.data, source };
}

const cache = new Map<string, Promise<BgrConfig>>();

async function readConfig(root: string): Promise<BgrConfig> {
  for (const name of CONFIG_FILES) {
    let text: string;
    try {
      text = await readFile(path.join(root, name), "utf8");
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") continue;
      throw new ConfigError(`${name}: cannot read (${(error as Error).message})`);
    }
    return parseConfig(text, name);
  }
  return { exclude: [], rules: { disable: [] } };
}

/** Read once per process and root; engines and the runtime share the result. */
export function loadConfig(root: string): Promise<BgrConfig> {
  const key = path.resolve(root);
  let pending = cache.get(key);
  if (!pending) {
    // Ignore files of other tools (and .bgrignore) come ahead of the config's own exclude: see ignore-files.ts.
    pending = Promise.all([readConfig(key), readIgnoreFiles(key)]).then(([config, ignores]) =>
      ignores.length ? { ...config, exclude: [...ignores.flatMap((s) => s.patterns), ...config.exclude], ignoreFiles: ignores.map((s) => s.file) } : config,
    );
    cache.set(key, pending);
    pending.catch(() => cache.delete(key));
  }
  return pending;
}
