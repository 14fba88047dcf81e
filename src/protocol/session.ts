// The one edit bgr makes to an orchestrator's session file: add or update its
// own item under `background_agents`, keyed by id. The yaml Document API
// finds the nodes and their byte ranges; the new text is spliced into the
// original bytes so that every other key, entry, comment and the body stay
// exactly as they were (SPEC "Session file"). Pure: no I/O.
import { isMap, isScalar, isSeq, parseDocument, Scalar, type Document, type Pair, type YAMLMap, type YAMLSeq } from "yaml";
import { splitFrontMatter } from "./agent.js";
import { frontMatterYamlError } from "./front-matter-error.js";

export const SESSION_STATUSES = ["running", "completed", "failed"] as const;
export type SessionStatus = (typeof SESSION_STATUSES)[number];

export interface SessionEntry {
  id: string;
  agent: string;
  task: string;
  status: SessionStatus;
  /** Set when the run ends (SPEC); absent while running. */
  result_location?: string;
}

const ENTRY_KEYS = ["id", "agent", "task", "status", "result_location"] as const;

export class SessionFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "SessionFormatError";
  }
}

interface FrontMatterRegion {
  /** Offset of the first byte of YAML, after the opening `---` line. */
  start: number;
  /** Offset of the closing `---` line. */
  end: number;
}

function locateFrontMatter(text: string): FrontMatterRegion | undefined {
  const open = /^(\uFEFF?)---[ \t]*\r?\n/.exec(text);
  if (!open) return undefined;
  const close = /^---[ \t]*(?:\r?\n|$)/m;
  close.lastIndex = 0;
  const rest = text.slice(open[0].length);
  const match = close.exec(rest);
  if (!match) return undefined;
  return { start: open[0].length, end: open[0].length + match.index };
}

function parseFrontMatter(source: string, label: string): Document {
  const doc = parseDocument(source);
  if (doc.errors.length > 0) {
    throw new SessionFormatError(`${label}: front matter is not valid YAML ${frontMatterYamlError(doc.errors[0]!)}; fix it by hand, bgr will not rewrite it`);
  }
  if (doc.contents !== null && !isMap(doc.contents)) {
    throw new SessionFormatError(`${label}: front matter must be a mapping of keys, it is a ${isSeq(doc.contents) ? "list" : "scalar"}`);
  }
  return doc;
}

/** All `background_agents` items of a session file; [] when it has none. Throws SessionFormatError on broken YAML. */
export function readSessionEntries(text: string, label = "session file"): Array<Record<string, unknown>> {
  const region = locateFrontMatter(text);
  if (!region) return [];
  const data = parseFrontMatter(text.slice(region.start, region.end), label).toJS() as Record<string, unknown> | null;
  const list = data?.background_agents;
  return Array.isArray(list) ? list.filter((e): e is Record<string, unknown> => typeof e === "object" && e !== null) : [];
}

export function findSessionEntry(text: string, id: string, label?: string): Record<string, unknown> | undefined {
  return readSessionEntries(text, label).find((entry) => entry.id === id);
}

const PLAIN_SAFE = /^[A-Za-z_./][A-Za-z0-9_./-]*$/;
const YAML_KEYWORDS = /^(?:true|false|yes|no|on|off|null|~|y|n)$/i;

function renderScalar(value: string, style: Scalar.Type | undefined): string {
  const plainOk = PLAIN_SAFE.test(value) && !YAML_KEYWORDS.test(value);
  if (style === Scalar.PLAIN && plainOk) return value;
  if (style === Scalar.QUOTE_SINGLE && !/[\n\r\t]/.test(value)) return `'${value.replace(/'/g, "''")}'`;
  if (style === undefined && plainOk) return value;
  // JSON strings are valid YAML double-quoted scalars.
  return JSON.stringify(value);
}

/** The seed's style: ids, tasks and paths double-quoted, agent and status plain. */
function newScalar(key: (typeof ENTRY_KEYS)[number], value: string): string {
  return renderScalar(value, key === "agent" || key === "status" ? undefined : Scalar.QUOTE_DOUBLE);
}

function columnOf(text: string, offset: number): number {
  return offset - (text.lastIndexOf("\n", offset - 1) + 1);
}

/** Where a new line may be inserted after a node ending at `end`: past any same-line comment. */
function afterLineOf(text: string, end: number): { at: number; needsLeadingNewline: boolean } {
  if (end > 0 && text[end - 1] === "\n") return { at: end, needsLeadingNewline: false };
  const newline = text.indexOf("\n", end);
  if (newline === -1) return { at: text.length, needsLeadingNewline: true };
  return { at: newline + 1, needsLeadingNewline: false };
}

interface Splice {
  from: number;
  to: number;
  text: string;
}

function applySplices(text: string, splices: Splice[]): string {
  let out = text;
  for (const s of [...splices].sort((a, b) => b.from - a.from)) out = out.slice(0, s.from) + s.text + out.slice(s.to);
  return out;
}

function entryFields(entry: SessionEntry): Array<[(typeof ENTRY_KEYS)[number], string]> {
  return ENTRY_KEYS.flatMap((key) => (entry[key] === undefined ? [] : [[key, entry[key] as string] as [typeof key, string]]));
}

function blockItem(entry: SessionEntry, dashColumn: number, keyColumn: number): string {
  const fields = entryFields(entry);
  return fields
    .map(([key, value], i) =>
      i === 0
        ? `${" ".repeat(dashColumn)}-${" ".repeat(Math.max(1, keyColumn - dashColumn - 1))}${key}: ${newScalar(key, value)}\n`
        : `${" ".repeat(keyColumn)}${key}: ${newScalar(key, value)}\n`,
    )
    .join("");
}

function flowItem(entry: SessionEntry): string {
  return `{ ${entryFields(entry).map(([key, value]) => `${key}: ${newScalar(key, value)}`).join(", ")} }`;
}

/** Updates the fields of our existing item in place, value by value. */
function updateItemSplices(src: string, item: YAMLMap, entry: SessionEntry): Splice[] {
  const splices: Splice[] = [];
  const missing: Array<[(typeof ENTRY_KEYS)[number], string]> = [];
  for (const [key, value] of entryFields(entry)) {
    const pair = item.items.find((p) => isScalar(p.key) && p.key.value === key) as Pair<Scalar, unknown> | undefined;
    if (!pair) {
      missing.push([key, value]);
      continue;
    }
    const node = pair.value;
    if (isScalar(node) && String(node.value) === value) continue;
    const range = (node as { range?: [number, number, number] } | null)?.range;
    if (!range) throw new SessionFormatError(`cannot locate the "${key}" value of entry ${entry.id}`);
    const style = isScalar(node) ? node.type : undefined;
    splices.push({ from: range[0], to: range[1], text: renderScalar(value, style === Scalar.BLOCK_FOLDED || style === Scalar.BLOCK_LITERAL ? Scalar.QUOTE_DOUBLE : style) });
  }
  if (missing.length > 0) {
    if (item.flow) {
      const last = item.items[item.items.length - 1]!;
      const lastEnd = (last.value as { range?: number[] } | null)?.range?.[1] ?? (last.key as { range: number[] }).range[1];
      const added = missing.map(([key, value]) => `, ${key}: ${newScalar(key, value)}`).join("");
      splices.push({ from: lastEnd!, to: lastEnd!, text: added });
    } else {
      const keyColumn = columnOf(src, item.range![0]);
      const last = item.items[item.items.length - 1]!;
      const lastEnd = (last.value as { range?: number[] } | null)?.range?.[1] ?? (last.key as { range: number[] }).range[1];
      const { at, needsLeadingNewline } = afterLineOf(src, lastEnd);
      const lines = missing.map(([key, value]) => `${" ".repeat(keyColumn)}${key}: ${newScalar(key, value)}\n`).join("");
      splices.push({ from: at, to: at, text: (needsLeadingNewline ? "\n" : "") + lines });
    }
  }
  return splices;
}

function upsertInFrontMatter(src: string, doc: Document, entry: SessionEntry, label: string): string {
  const root = doc.contents as YAMLMap | null;
  const header = `background_agents:\n${blockItem(entry, 2, 4)}`;
  if (root === null || root.items.length === 0) {
    const sep = src === "" || src.endsWith("\n") ? "" : "\n";
    return src + sep + header;
  }
  const pair = root.items.find((p) => isScalar(p.key) && p.key.value === "background_agents") as Pair<Scalar, unknown> | undefined;
  if (!pair) {
    if (root.flow) throw new SessionFormatError(`${label}: front matter is a flow mapping ({…}); write it as block YAML so bgr can add background_agents`);
    const sep = src.endsWith("\n") ? "" : "\n";
    return src + sep + header;
  }
  const value = pair.value as unknown;
  if (value === null || (isScalar(value) && (value.value === null || value.value === ""))) {
    // `background_agents:` with nothing (or ~) after it.
    const keyRange = pair.key.range!;
    const valueRange = (value as Scalar | null)?.range;
    const keyLineEnd = src.indexOf("\n", keyRange[1]);
    const lineEnd = keyLineEnd === -1 ? src.length : keyLineEnd;
    const splices: Splice[] = [];
    if (valueRange && valueRange[1] > valueRange[0]) splices.push({ from: valueRange[0], to: valueRange[1], text: "" });
    splices.push({ from: lineEnd, to: lineEnd, text: `\n${blockItem(entry, 2, 4).replace(/\n$/, "")}` });
    return applySplices(src, splices);
  }
  if (!isSeq(value)) {
    throw new SessionFormatError(`${label}: "background_agents" must be a list of entries, it is ${isMap(value) ? "a mapping" : "a scalar"}`);
  }
  const seq = value as YAMLSeq;
  const mine = seq.items.find((item) => isMap(item) && (item as YAMLMap).get("id") === entry.id) as YAMLMap | undefined;
  if (mine) return applySplices(src, updateItemSplices(src, mine, entry));
  if (seq.flow && seq.items.length === 0) {
    // `background_agents: []` is a placeholder: it becomes a block list, the seed's shape.
    const lineStart = src.lastIndexOf("\n", seq.range![0]) + 1;
    const keyEnd = src.slice(lineStart, seq.range![0]).replace(/[ \t]+$/, "").length + lineStart;
    const lineEndAt = src.indexOf("\n", seq.range![1]);
    const lineEnd = lineEndAt === -1 ? src.length : lineEndAt;
    const rest = src.slice(seq.range![1], lineEnd).replace(/^\s*\]/, "");
    const dashColumn = columnOf(src, (pair.key as Scalar).range![0]) + 2;
    return applySplices(src, [{ from: keyEnd, to: lineEnd, text: `${rest}\n${blockItem(entry, dashColumn, dashColumn + 2).replace(/\n$/, "")}` }]);
  }
  if (seq.flow) {
    const close = src.lastIndexOf("]", seq.range![1]);
    const before = src.slice(seq.range![0] + 1, close).trim();
    return applySplices(src, [{ from: close, to: close, text: `${before ? ", " : ""}${flowItem(entry)}` }]);
  }
  const dashColumn = columnOf(src, seq.range![0]);
  const firstMap = seq.items.find((item) => isMap(item) && !(item as YAMLMap).flow) as YAMLMap | undefined;
  const keyColumn = firstMap ? columnOf(src, firstMap.range![0]) : dashColumn + 2;
  const lastItem = seq.items[seq.items.length - 1] as { range?: number[] };
  const { at, needsLeadingNewline } = afterLineOf(src, lastItem.range![1]!);
  return applySplices(src, [{ from: at, to: at, text: (needsLeadingNewline ? "\n" : "") + blockItem(entry, dashColumn, keyColumn) }]);
}

function withoutEntry(data: unknown, id: string): string {
  const copy = { ...((data as Record<string, unknown> | null) ?? {}) };
  if (Array.isArray(copy.background_agents)) {
    copy.background_agents = copy.background_agents.filter((e) => !(e && typeof e === "object" && (e as { id?: unknown }).id === id));
    if ((copy.background_agents as unknown[]).length === 0) delete copy.background_agents;
  } else if (copy.background_agents === null) {
    delete copy.background_agents;
  }
  return JSON.stringify(copy);
}

/**
 * Returns the session text with our entry added or updated. Throws
 * SessionFormatError (and changes nothing) when the front matter cannot be
 * parsed, or when the result would not read back as exactly "the same data
 * plus our entry" — the splice is checked, not trusted.
 */
export function upsertSessionEntry(text: string, entry: SessionEntry, label = "session file"): string {
  const region = locateFrontMatter(text);
  if (!region) {
    if (/^\uFEFF?---[ \t]*\r?\n/.test(text)) {
      throw new SessionFormatError(`${label}: front matter has no closing '---' line; fix it by hand, bgr will not rewrite it`);
    }
    const bom = text.startsWith("\uFEFF") ? "\uFEFF" : "";
    const header = `---\n${upsertInFrontMatter("", parseFrontMatter("", label), entry, label)}---\n`;
    return `${bom}${onlyCrlf(text) ? header.replace(/\n/g, "\r\n") : header}${text.slice(bom.length)}`;
  }
  const original = text.slice(region.start, region.end);
  // The splices write "\n"; a file written with CRLF throughout is edited in
  // LF and turned back, so its line endings stay uniform and every other byte stays.
  const crlf = onlyCrlf(original);
  const src = crlf ? original.replace(/\r\n/g, "\n") : original;
  const doc = parseFrontMatter(src, label);
  const before = doc.toJS();
  const updatedSrc = upsertInFrontMatter(src, doc, entry, label);
  const afterDoc = parseDocument(updatedSrc);
  const after = afterDoc.toJS() as Record<string, unknown> | null;
  const written = (after?.background_agents as Array<Record<string, unknown>> | undefined)?.filter((e) => e?.id === entry.id) ?? [];
  const expected = Object.fromEntries(entryFields(entry));
  const consistent =
    afterDoc.errors.length === 0 &&
    withoutEntry(before, entry.id) === withoutEntry(after, entry.id) &&
    written.length === 1 &&
    Object.entries(expected).every(([k, v]) => written[0]![k] === v);
  if (!consistent) {
    throw new SessionFormatError(`${label}: could not update entry ${entry.id} without disturbing the rest of the front matter; the file was left untouched`);
  }
  return text.slice(0, region.start) + (crlf ? updatedSrc.replace(/\n/g, "\r\n") : updatedSrc) + text.slice(region.end);
}

/** Every line break is CRLF (and there is at least one). */
function onlyCrlf(text: string): boolean {
  return text.includes("\r\n") && !/(^|[^\r])\n/.test(text);
}

/** The body under the front matter, for callers that need it (e.g. check). */
export function sessionBody(text: string): string {
  return splitFrontMatter(text).body;
}

const FATAL_UTF8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

/**
 * The byte-level form of upsertSessionEntry: only the front matter is decoded
 * (it must be UTF-8 to be edited); everything after its closing `---` line is
 * copied byte for byte, so a body holding any bytes at all survives.
 */
export function upsertSessionEntryBytes(bytes: Uint8Array, entry: SessionEntry, label = "session file"): Buffer {
  const raw = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  // latin1 maps byte n to char n, so offsets found in it are byte offsets.
  const asBytes = raw.toString("latin1");
  const open = /^(?:\xEF\xBB\xBF)?---[ \t]*\r?\n/.exec(asBytes);
  let headEnd: number;
  if (!open) {
    headEnd = 0;
  } else {
    const close = /^---[ \t]*(?:\r?\n|$)/m.exec(asBytes.slice(open[0].length));
    headEnd = close ? open[0].length + close.index + close[0].length : raw.length;
  }
  let head: string;
  try {
    head = FATAL_UTF8.decode(raw.subarray(0, headEnd));
  } catch {
    throw new SessionFormatError(`${label}: front matter holds bytes that are not UTF-8; bgr will not rewrite it (fix the encoding by hand)`);
  }
  const updated = upsertSessionEntry(head, entry, label);
  return Buffer.concat([Buffer.from(updated, "utf8"), raw.subarray(headEnd)]);
}

/** `readSessionEntries` on bytes; a body that is not UTF-8 does not matter. */
export function readSessionEntriesBytes(bytes: Uint8Array, label = "session file"): Array<Record<string, unknown>> {
  const raw = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return readSessionEntries(raw.toString("utf8"), label);
}
