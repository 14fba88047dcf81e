// Streaming XML for Cobertura, JaCoCo and Clover: saxes is fed 64 KiB at a
// time, so a 500 MB report never sits in memory, and its line tracking gives
// corrupt or truncated files a line number.
import { createReadStream } from "node:fs";
import { SaxesParser } from "saxes";
import { CoverageParseError, READ_CHUNK_BYTES, throwIfAborted, type ReaderContext } from "./common.js";

export interface XmlHandlers {
  open(name: string, attributes: Record<string, string>, line: number): void;
  close(name: string, line: number): void;
  /** Text inside elements, only delivered when wanted (Cobertura <source>). */
  text?(text: string): void;
}

export async function streamXml(ctx: ReaderContext, handlers: XmlHandlers): Promise<void> {
  // DTD references (JaCoCo's report.dtd) are never fetched: saxes does not resolve external entities.
  const parser = new SaxesParser({ position: true });
  let failure: CoverageParseError | undefined;
  const fail = (error: unknown, line = parser.line) => {
    if (failure) return;
    const message = (error as Error).message.replace(/^[^:]*:\d+:\d+: /, "");
    failure = error instanceof CoverageParseError ? error : new CoverageParseError(ctx.display, line, `invalid XML: ${message}`);
  };
  parser.on("error", (error) => fail(error));
  parser.on("opentag", (node) => {
    if (failure) return;
    try {
      handlers.open(node.name, node.attributes as Record<string, string>, parser.line);
    } catch (error) {
      fail(error);
    }
  });
  parser.on("closetag", (node) => {
    if (failure) return;
    try {
      handlers.close(node.name, parser.line);
    } catch (error) {
      fail(error);
    }
  });
  if (handlers.text) {
    const onText = handlers.text;
    parser.on("text", (text) => {
      if (!failure) onText(text);
    });
  }
  const stream = createReadStream(ctx.path, { encoding: "utf8", highWaterMark: READ_CHUNK_BYTES });
  for await (const chunk of stream as AsyncIterable<string>) {
    throwIfAborted(ctx.signal);
    parser.write(chunk);
    if (failure) {
      stream.destroy();
      throw failure;
    }
  }
  parser.close();
  if (failure) throw failure;
}

export function intAttribute(ctx: ReaderContext, attributes: Record<string, string>, name: string, line: number, element: string): number {
  const raw = attributes[name];
  const value = Number(raw);
  if (raw === undefined || raw.trim() === "" || !Number.isFinite(value)) {
    throw new CoverageParseError(ctx.display, line, `<${element}> has ${raw === undefined ? `no ${name}` : `a non-numeric ${name}="${raw}"`}`);
  }
  return value;
}
