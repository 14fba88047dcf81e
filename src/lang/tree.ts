// The syntax tree the lowering code reads: one cursor walk over tree-sitter's
// tree into a flat table of typed arrays (type, flags, field, offsets, first
// child, next sibling), after which the native tree can go. Every property
// read on a native SyntaxNode crosses into C++, and a full JS-object copy of
// the tree cost ~340 bytes a node and more time than parsing; the table costs
// ~21 bytes a node, and nodes are light views over it, made when first read.
// The walk reads only numbers (type and field ids); each id's name and
// namedness are asked of the parser once per language.
import type { Loc } from "./ir.js";
import type { Tree } from "./parsers.js";

export interface Point {
  row: number;
  column: number;
}

const NAMED = 1;
const HAS_ERROR = 2;
const NONE = -1;

/** Names and namedness by type id, and names by field id, learned from the cursor once per language. */
interface Vocabulary {
  typeNames: string[];
  typeNamed: boolean[];
  fieldNames: Array<string | undefined>;
  fieldIds: Map<string, number>;
  /** Type ids whose unnamed tokens are kept (see KEEP_TOKENS_UNDER). */
  keepUnder: Uint8Array;
  /** Unnamed token type ids the grammar ever puts in a field (operators); other tokens skip the field lookup. */
  fieldable: Uint8Array;
  /** Their names, from the grammar's node-types.json; undefined when it is not shipped (then every token is looked up). */
  fieldableNames?: Set<string>;
  /** Named type ids that never have children (identifiers, numbers, string fragments): the walk does not try to descend. */
  leaf: Uint8Array;
  leafNames?: Set<string>;
}

interface NodeTypeInfo {
  type: string;
  named: boolean;
  fields?: Record<string, { types?: Array<{ type: string; named: boolean }> }>;
  children?: unknown;
  subtypes?: unknown;
}

function fieldableTokens(language: object): Set<string> | undefined {
  const info = (language as { nodeTypeInfo?: NodeTypeInfo[] }).nodeTypeInfo;
  if (!Array.isArray(info)) return undefined;
  const names = new Set<string>();
  for (const type of info) for (const field of Object.values(type.fields ?? {})) for (const t of field.types ?? []) if (!t.named) names.add(t.type);
  return names;
}

/** Named types the grammar gives neither fields nor children (node-types.json lists a node's named children only, and extras sit between tokens). */
function leafTypes(language: object): Set<string> | undefined {
  const info = (language as { nodeTypeInfo?: NodeTypeInfo[] }).nodeTypeInfo;
  if (!Array.isArray(info)) return undefined;
  const names = new Set<string>();
  for (const type of info) if (type.named && !type.fields && !type.children && !type.subtypes) names.add(type.type);
  return names;
}

const vocabularies = new WeakMap<object, Vocabulary>();

function vocabularyFor(tree: Tree): Vocabulary {
  const language = (tree as unknown as { language?: object }).language ?? tree;
  let vocabulary = vocabularies.get(language);
  if (!vocabulary) {
    vocabulary = {
      typeNames: [],
      typeNamed: [],
      fieldNames: [],
      fieldIds: new Map(),
      keepUnder: new Uint8Array(0x10000),
      fieldable: new Uint8Array(0x10000),
      fieldableNames: fieldableTokens(language),
      leaf: new Uint8Array(0x10000),
      leafNames: leafTypes(language),
    };
    vocabularies.set(language, vocabulary);
  }
  return vocabulary;
}

/** Source text with a line table: positions come from offsets without asking the parser. */
class SourceText {
  private readonly lineStarts: number[] = [0];
  /** The row of the last lookup: lowering asks in source order, so the next answer is mostly that row or the next. */
  private lastRow = 0;

  constructor(readonly text: string) {
    for (let i = text.indexOf("\n"); i >= 0; i = text.indexOf("\n", i + 1)) this.lineStarts.push(i + 1);
  }

  row(index: number): number {
    const starts = this.lineStarts;
    const row = this.lastRow;
    if (starts[row]! <= index && (row + 1 === starts.length || index < starts[row + 1]!)) return row;
    if (row + 1 < starts.length && starts[row + 1]! <= index && (row + 2 === starts.length || index < starts[row + 2]!)) return (this.lastRow = row + 1);
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid]! <= index) lo = mid;
      else hi = mid - 1;
    }
    return (this.lastRow = lo);
  }

  point(index: number): Point {
    const row = this.row(index);
    return { row, column: index - this.lineStarts[row]! };
  }

  /** 1-based line and column of both ends, in one object. */
  loc(start: number, end: number): Loc {
    const line = this.row(start);
    const column = start - this.lineStarts[line]!;
    const endLine = this.row(end);
    return { line: line + 1, column: column + 1, endLine: endLine + 1, endColumn: end - this.lineStarts[endLine]! + 1 };
  }
}

class NodeTable {
  count = 0;
  types: Uint16Array;
  flags: Uint8Array;
  fields: Uint16Array;
  starts: Uint32Array;
  ends: Uint32Array;
  firstChild: Int32Array;
  nextSibling: Int32Array;
  private readonly views: Array<LiteNode | undefined> = [];

  constructor(
    readonly source: SourceText,
    readonly vocabulary: Vocabulary,
    capacity: number,
  ) {
    this.types = new Uint16Array(capacity);
    this.flags = new Uint8Array(capacity);
    this.fields = new Uint16Array(capacity);
    this.starts = new Uint32Array(capacity);
    this.ends = new Uint32Array(capacity);
    this.firstChild = new Int32Array(capacity);
    this.nextSibling = new Int32Array(capacity);
  }

  add(type: number, named: boolean, field: number, start: number, end: number): number {
    if (this.count === this.types.length) this.grow();
    const i = this.count++;
    this.types[i] = type;
    this.flags[i] = named ? NAMED : 0;
    this.fields[i] = field;
    this.starts[i] = start;
    this.ends[i] = end;
    this.firstChild[i] = NONE;
    this.nextSibling[i] = NONE;
    return i;
  }

  private grow(): void {
    const size = this.types.length * 2;
    const widen = <T extends Uint8Array | Uint16Array | Uint32Array | Int32Array>(old: T, make: (n: number) => T): T => {
      const next = make(size);
      next.set(old);
      return next;
    };
    this.types = widen(this.types, (n) => new Uint16Array(n));
    this.flags = widen(this.flags, (n) => new Uint8Array(n));
    this.fields = widen(this.fields, (n) => new Uint16Array(n));
    this.starts = widen(this.starts, (n) => new Uint32Array(n));
    this.ends = widen(this.ends, (n) => new Uint32Array(n));
    this.firstChild = widen(this.firstChild, (n) => new Int32Array(n));
    this.nextSibling = widen(this.nextSibling, (n) => new Int32Array(n));
  }

  /** One view per node, so a node read twice is the same object. */
  node(i: number): LiteNode {
    return (this.views[i] ??= new LiteNode(this, i));
  }
}

export class LiteNode {
  readonly isMissing = false;

  constructor(
    private readonly table: NodeTable,
    private readonly index: number,
  ) {}

  get type(): string {
    return this.table.vocabulary.typeNames[this.table.types[this.index]!]!;
  }

  get isNamed(): boolean {
    return (this.table.flags[this.index]! & NAMED) !== 0;
  }

  get hasError(): boolean {
    return (this.table.flags[this.index]! & HAS_ERROR) !== 0;
  }

  get startIndex(): number {
    return this.table.starts[this.index]!;
  }

  get endIndex(): number {
    return this.table.ends[this.index]!;
  }

  get text(): string {
    return this.table.source.text.slice(this.table.starts[this.index]!, this.table.ends[this.index]!);
  }

  get startPosition(): Point {
    return this.table.source.point(this.startIndex);
  }

  get endPosition(): Point {
    return this.table.source.point(this.endIndex);
  }

  /** Where the node is, 1-based (the IR's Loc). */
  get loc(): Loc {
    return this.table.source.loc(this.table.starts[this.index]!, this.table.ends[this.index]!);
  }

  get children(): LiteNode[] {
    const out: LiteNode[] = [];
    for (let c = this.table.firstChild[this.index]!; c !== NONE; c = this.table.nextSibling[c]!) out.push(this.table.node(c));
    return out;
  }

  /** Field name of each child, parallel to `children`. */
  get fields(): Array<string | undefined> {
    const out: Array<string | undefined> = [];
    for (let c = this.table.firstChild[this.index]!; c !== NONE; c = this.table.nextSibling[c]!) out.push(this.table.vocabulary.fieldNames[this.table.fields[c]!]);
    return out;
  }

  get namedChildren(): LiteNode[] {
    const out: LiteNode[] = [];
    for (let c = this.table.firstChild[this.index]!; c !== NONE; c = this.table.nextSibling[c]!) {
      if (this.table.flags[c]! & NAMED) out.push(this.table.node(c));
    }
    return out;
  }

  get namedChildCount(): number {
    let n = 0;
    for (let c = this.table.firstChild[this.index]!; c !== NONE; c = this.table.nextSibling[c]!) if (this.table.flags[c]! & NAMED) n++;
    return n;
  }

  get childCount(): number {
    let n = 0;
    for (let c = this.table.firstChild[this.index]!; c !== NONE; c = this.table.nextSibling[c]!) n++;
    return n;
  }

  childForFieldName(name: string): LiteNode | null {
    const id = this.table.vocabulary.fieldIds.get(name);
    if (id === undefined) return null;
    for (let c = this.table.firstChild[this.index]!; c !== NONE; c = this.table.nextSibling[c]!) {
      if (this.table.fields[c] === id) return this.table.node(c);
    }
    return null;
  }

  childrenForFieldName(name: string): LiteNode[] {
    const out: LiteNode[] = [];
    const id = this.table.vocabulary.fieldIds.get(name);
    if (id === undefined) return out;
    for (let c = this.table.firstChild[this.index]!; c !== NONE; c = this.table.nextSibling[c]!) {
      if (this.table.fields[c] === id) out.push(this.table.node(c));
    }
    return out;
  }

  descendantsOfType(type: string): LiteNode[] {
    const out: LiteNode[] = [];
    const names = this.table.vocabulary.typeNames;
    const visit = (i: number): void => {
      for (let c = this.table.firstChild[i]!; c !== NONE; c = this.table.nextSibling[c]!) {
        if (names[this.table.types[c]!] === type) out.push(this.table.node(c));
        visit(c);
      }
    };
    visit(this.index);
    return out;
  }
}

/**
 * Punctuation and keywords are skipped unless an adapter reads them: a token
 * with a field name (operators), or a child of the few nodes whose tokens
 * carry meaning (comparison operators, TypeScript `readonly` parameters).
 */
const KEEP_TOKENS_UNDER = new Set(["comparison_operator", "not in", "is not", "required_parameter", "optional_parameter"]);

export function toLiteTree(tree: Tree, text: string): LiteNode {
  const vocabulary = vocabularyFor(tree);
  const { typeNames, typeNamed, fieldNames, fieldIds, keepUnder, fieldable, fieldableNames, leaf, leafNames } = vocabulary;
  // Roughly one kept node per 6 characters of source; the table doubles when that is short.
  const table = new NodeTable(new SourceText(text), vocabulary, Math.max(64, text.length >> 2));
  const cursor = tree.walk();
  const learnType = (id: number): void => {
    const name = cursor.nodeType;
    typeNames[id] = name;
    typeNamed[id] = cursor.nodeIsNamed;
    if (KEEP_TOKENS_UNDER.has(name)) keepUnder[id] = 1;
    if (typeNamed[id] || !fieldableNames || fieldableNames.has(name)) fieldable[id] = 1;
    if (typeNamed[id] && name !== "ERROR" && !KEEP_TOKENS_UNDER.has(name) && leafNames?.has(name)) leaf[id] = 1;
  };
  const learnField = (id: number): void => {
    const name = cursor.currentFieldName ?? undefined;
    fieldNames[id] = name;
    if (name !== undefined) fieldIds.set(name, id);
  };

  const rootType = cursor.nodeTypeId;
  if (typeNames[rootType] === undefined) learnType(rootType);
  const root = table.add(rootType, true, 0, cursor.startIndex, cursor.endIndex);
  // Per open node: its table index and its last child, so siblings link in order.
  const stack: number[] = [root];
  const lastChild: number[] = [NONE];
  const finish = (node: number): void => {
    if (typeNames[table.types[node]!] === "ERROR") table.flags[node]! |= HAS_ERROR;
    if (stack.length > 0 && table.flags[node]! & HAS_ERROR) table.flags[stack[stack.length - 1]!]! |= HAS_ERROR;
  };
  if (!cursor.gotoFirstChild()) {
    finish(root);
    return table.node(root);
  }
  for (;;) {
    const parent = stack[stack.length - 1]!;
    const type = cursor.nodeTypeId;
    if (typeNames[type] === undefined) learnType(type);
    // One native call fewer for most punctuation: only named nodes and operator-like tokens can sit in a field.
    // The binding answers undefined, not 0, for a node in no field.
    const field = fieldable[type] ? (cursor.currentFieldId ?? 0) : 0;
    if (field !== 0 && fieldNames[field] === undefined) learnField(field);
    const named = typeNamed[type]!;
    let descended = false;
    if (named || field !== 0 || keepUnder[table.types[parent]!]) {
      const node = table.add(type, named, field, cursor.startIndex, cursor.endIndex);
      const previous = lastChild[lastChild.length - 1]!;
      if (previous === NONE) table.firstChild[parent] = node;
      else table.nextSibling[previous] = node;
      lastChild[lastChild.length - 1] = node;
      if (!leaf[type] && cursor.gotoFirstChild()) {
        stack.push(node);
        lastChild.push(NONE);
        descended = true;
      } else finish(node);
    }
    if (descended) continue;
    while (!cursor.gotoNextSibling()) {
      if (!cursor.gotoParent()) return table.node(root);
      const done = stack.pop()!;
      lastChild.pop();
      finish(done);
      if (stack.length === 0) return table.node(root);
    }
  }
}
