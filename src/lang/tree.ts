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

export function toLiteTree(tree: Tree, text: string): LiteNode {
  const source = new SourceText(text);
  const cursor = tree.walk();
  // Missing nodes are found by syntaxErrors on the native tree; reading the flag per node here would cost a native call each.
  const make = (): LiteNode => new LiteNode(cursor.nodeType, cursor.nodeIsNamed, false, cursor.startIndex, cursor.endIndex, source);
  const root = make();
  const stack: LiteNode[] = [root];
  if (!cursor.gotoFirstChild()) return root;
  for (;;) {
    const node = make();
    const parent = stack[stack.length - 1]!;
    parent.children.push(node);
    parent.fields.push(cursor.currentFieldName ?? undefined);
    if (cursor.gotoFirstChild()) {
      stack.push(node);
      continue;
    }
    node.hasError = node.type === "ERROR" || node.isMissing;
    while (!cursor.gotoNextSibling()) {
      if (!cursor.gotoParent()) return root;
      const done = stack.pop()!;
      done.hasError ||= done.type === "ERROR" || done.isMissing || done.children.some((c) => c.hasError);
      if (stack.length === 0) return root;
    }
  }
}
