// Makes a bundle pure ASCII. esbuild escapes non-ASCII characters in strings
// and templates but leaves them in regular-expression literals (evanw/esbuild
// PR #4205 is still open), and one such character is enough for the whole
// 2 MB bundle to be decoded as UTF-8 into a two-byte V8 string on every start:
// 9–14 ms against 3–4 ms for a one-byte read of the same file (measured,
// Node 20), and twice the memory for the source V8 keeps.
//
// Inside a regular-expression literal, `\uXXXX` for each UTF-16 unit means the
// same pattern with or without the u/v flag (a lead + trail surrogate escape
// pair is one code point in unicode mode); only `.source` shows the escape.
// Elsewhere (a tagged template's raw text, say) it could change meaning, so
// TypeScript's parser (already the build's compiler) finds the regex literals
// and comments, and a non-ASCII character anywhere else fails the build, naming the place.
import ts from "typescript";

/** Where escaping changes nothing: regex literals and comments (a bundle keeps licence comments). */
function escapableSpans(text) {
  const file = ts.createSourceFile("bundle.js", text, ts.ScriptTarget.Latest, false, ts.ScriptKind.JS);
  const spans = [];
  const comments = (ranges) => ranges?.forEach((r) => spans.push([r.pos, r.end]));
  const visit = (node) => {
    comments(ts.getLeadingCommentRanges(text, node.pos));
    if (node.kind === ts.SyntaxKind.RegularExpressionLiteral) spans.push([node.getStart(file), node.end]);
    else ts.forEachChild(node, visit);
  };
  visit(file);
  comments(ts.getLeadingCommentRanges(text, file.endOfFileToken.pos));
  return spans.sort((a, b) => a[0] - b[0]);
}

/** The bundle text with every non-ASCII unit of its regex literals and comments escaped; throws naming any other non-ASCII character. */
export function asciiBundle(text, file) {
  if (!/[^\x00-\x7f]/.test(text)) return text;
  const spans = escapableSpans(text);
  let span = 0;
  return text.replace(/[^\x00-\x7f]/g, (ch, at) => {
    while (span < spans.length && spans[span][1] <= at) span++;
    // Spans may nest (a comment inside a node's leading trivia is found from each ancestor); sorted by start, the first one reaching past `at` may start after it.
    let escapable = false;
    for (let k = span; k < spans.length && spans[k][0] <= at; k++) if (spans[k][0] <= at && at < spans[k][1]) escapable = true;
    let backslashes = 0;
    while (text[at - 1 - backslashes] === "\\") backslashes++;
    // `\•` is an identity escape; `\\u2022` would be a backslash and four letters.
    if (!escapable || backslashes % 2 === 1) {
      const line = text.slice(0, at).split("\n").length;
      const code = ch.charCodeAt(0).toString(16).toUpperCase().padStart(4, "0");
      throw new Error(
        `${file}:${line}: non-ASCII character U+${code} ${escapable ? "after a backslash" : "outside a regular-expression literal or comment"} cannot be escaped safely ` +
          `(near ${JSON.stringify(text.slice(Math.max(0, at - 40), at + 10))}); see scripts/ascii-bundle.mjs`,
      );
    }
    return `\\u${ch.charCodeAt(0).toString(16).padStart(4, "0")}`;
  });
}
