// Vue single-file components: only the <script> blocks are code. Everything
// else is blanked to spaces (newlines kept), so the TypeScript parser sees the
// script at its own lines and columns and findings point into the .vue file.
// A v-html binding in the template becomes a call `__vhtml__(expr)` written
// over its own blanked line, so rules can treat it like an innerHTML write.

/** The callee a template's v-html="expr" is lowered to. */
export const VUE_V_HTML = "__vhtml__";

const SCRIPT = /<script\b[^>]*>([\s\S]*?)<\/script\s*>/gi;
const V_HTML = /\sv-html\s*=\s*(?:"([^"]*)"|'([^']*)')/g;
// Only plain expressions are copied out: entities or markup in one would not parse.
const SIMPLE_EXPRESSION = /^[\w$.[\]'"`?:|&!()\s,+-]+$/;

function blank(text: string): string {
  return text.replace(/[^\n]/g, " ");
}

export function vueScript(text: string): string {
  const out = blank(text).split("");
  for (const m of text.matchAll(SCRIPT)) {
    const start = m.index! + m[0].indexOf(">") + 1;
    const body = m[1]!;
    for (let i = 0; i < body.length; i++) out[start + i] = body[i]!;
  }
  const template = text.search(/<template\b/i);
  if (template >= 0) {
    for (const m of text.matchAll(V_HTML)) {
      if (m.index! < template || insideScript(text, m.index!)) continue;
      const expression = (m[1] ?? m[2] ?? "").trim();
      if (!expression || !SIMPLE_EXPRESSION.test(expression)) continue;
      const call = `;${VUE_V_HTML}(${expression});`;
      // Written over the attribute itself, which is at least as long as the call minus a few characters.
      const at = m.index!;
      const lineEnd = text.indexOf("\n", at);
      const room = (lineEnd < 0 ? text.length : lineEnd) - at;
      if (call.length > room) continue;
      for (let i = 0; i < call.length; i++) out[at + i] = call[i]!;
    }
  }
  return out.join("");
}

function insideScript(text: string, index: number): boolean {
  for (const m of text.matchAll(SCRIPT)) if (index > m.index! && index < m.index! + m[0].length) return true;
  return false;
}
