// A plain-object copy of a tree-sitter tree, built in one cursor walk.
// Every property read on a native SyntaxNode crosses into C++; lowering
// reads each node several times, so copying once is several times faster.
import type { Tree } from "./parsers.js";

export interface Point {
  row: number;
  column: number;
}

export class LiteNode {
  readonly children: LiteNode[] = [];
  /** Field name of each child, parallel to `children`. */
  readonly fields: Array<string | undefined> = [];
  hasError = false;
  private named?: LiteNode[];

  constructor(
    readonly type: string,
    readonly isNamed: boolean,
    readonly isMissing: boolean,
    readonly startIndex: number,
    readonly endIndex: number,
    private readonly source: SourceText,
  ) {}

  get text(): string {
    return this.source.text.slice(this.startIndex, this.endIndex);
  }

  get startPosition(): Point {
    return this.source.point(this.startIndex);
  }

  get endPosition(): Point {
    return this.source.point(this.endIndex);
  }

  get namedChildren(): LiteNode[] {
    this.named ??= this.children.filter((c) => c.isNamed);
    return this.named;
  }

  get namedChildCount(): number {
    return this.namedChildren.length;
  }

  get childCount(): number {
    return this.children.length;
  }

  childForFieldName(name: string): LiteNode | null {
    const i = this.fields.indexOf(name);
    return i < 0 ? null : this.children[i]!;
  }

  childrenForFieldName(name: string): LiteNode[] {
    const out: LiteNode[] = [];
    this.fields.forEach((f, i) => {
      if (f === name) out.push(this.children[i]!);
    });
    return out;
  }

  descendantsOfType(type: string): LiteNode[] {
    const out: LiteNode[] = [];
    const visit = (n: LiteNode): void => {
      for (const c of n.children) {
        if (c.type === type) out.push(c);
        visit(c);
      }
    };
    visit(this);
    return out;
  }
}

/** Source text with a line table: positions come from offsets without asking the parser. */
class SourceText {
  private readonly lineStarts: number[] = [0];

  constructor(readonly text: string) {
    for (let i = text.indexOf("\n"); i >= 0; i = text.indexOf("\n", i + 1)) this.lineStarts.push(i + 1);
  }

  point(index: number): Point {
    let lo = 0;
    let hi = this.lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.lineStarts[mid]! <= index) lo = mid;
      else hi = mid - 1;
    }
    return { row: lo, column: index - this.lineStarts[lo]! };
  }
}

/**
 * Punctuation and keywords are skipped unless an adapter reads them: a token
 * with a field name (operators), or a child of the few nodes whose tokens
 * carry meaning (comparison operators, TypeScript `readonly` parameters).
 */
const KEEP_TOKENS_UNDER = new Set(["comparison_operator", "not in", "is not", "required_parameter", "optional_parameter"]);

export function toLiteTree(tree: Tree, text: string): LiteNode {
  const source = new SourceText(text);
  const cursor = tree.walk();
  // Missing nodes are found by syntaxErrors on the native tree; reading the flag per node here would cost a native call each.
  const make = (named: boolean): LiteNode => new LiteNode(cursor.nodeType, named, false, cursor.startIndex, cursor.endIndex, source);
  const root = make(true);
  const stack: LiteNode[] = [root];
  if (!cursor.gotoFirstChild()) return root;
  for (;;) {
    const parent = stack[stack.length - 1]!;
    const named = cursor.nodeIsNamed;
    const field = cursor.currentFieldName ?? undefined;
    let descended = false;
    if (named || field !== undefined || KEEP_TOKENS_UNDER.has(parent.type)) {
      const node = make(named);
      parent.children.push(node);
      parent.fields.push(field);
      if (cursor.gotoFirstChild()) {
        stack.push(node);
        descended = true;
      } else node.hasError = node.type === "ERROR";
    }
    if (descended) continue;
    while (!cursor.gotoNextSibling()) {
      if (!cursor.gotoParent()) return root;
      const done = stack.pop()!;
      done.hasError ||= done.type === "ERROR" || done.children.some((c) => c.hasError);
      if (stack.length === 0) return root;
    }
  }
}
