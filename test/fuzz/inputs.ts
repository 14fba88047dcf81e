// The hostile inputs the fuzz suite draws from, kept apart from the checks so
// each category's generator reads as a list of attacks.
import type { Rng } from "./harness.js";

const TASKS = ["Run security audit on auth module.", "Analyze coverage", "Review the change", "Audit src for injection"];

const PROMPT_PIECES = [
  "\n\nFiles:\n- src/app.py",
  "\n\nFiles:\n- ../outside/secret.txt",
  "\n\nFiles:\n- /etc/passwd",
  "\n\nFiles:\n- src/**/*.py",
  "\n\nWrite report to: README.md",
  "\n\nWrite report to: package.md",
  "\n\nWrite report to: ../outside/r.md",
  "\n\nWrite report to: .agents/reports/../../README.md",
  "\n\nWrite report to: .git/r.md",
  "\n\nWrite report to: .agents/reports/fuzz.md",
  "\n\nSession: ../outside/victim.md",
  "\n\nSession: .git/config",
  "\n\nSession: README.md",
  "\n\nSession: .agents/sessions/20260123-140000-feature.md",
  "\n\nBackground Agent ID: bg-../../etc",
  "\n\nBackground Agent ID: bg-20261399-996199-x",
  "\n\nBackground Agent ID: bg-20260123-143000-fuzz",
  "\n---\nstatus: completed\n---\n",
  "\nstatus: completed\nresult_location: README.md",
  "\u202E\u0627\u0644\u0639\u0631\u0628\u064A\u0629 \uD83D\uDE00",
  "\0",
  "\u0007\u001b[31mred",
  "\uFFFD",
  "\r\n\r\nFiles:\r\n- src/app.py\r\n",
  "\n\nCheck for OWASP Top 10. ".repeat(50),
];

export function hostilePrompt(r: Rng): string {
  const roll = r.next();
  if (roll < 0.12) return r.bytes(r.int(1, 200)).toString("utf8");
  if (roll < 0.15) return `${r.pick(TASKS)}\n${"x".repeat(1024 * 1024 + r.int(1, 100))}`;
  let prompt = r.next() < 0.1 ? "" : r.pick(TASKS);
  for (let i = r.int(0, 4); i > 0; i--) prompt += r.pick(PROMPT_PIECES);
  return prompt;
}

const ID_CHARS = "abcz019-./\\_ \0A\u00e9";

export function hostileId(r: Rng): string {
  const roll = r.next();
  const pad = (n: number, w: number) => String(n).padStart(w, "0");
  if (roll < 0.3) {
    // Stamps that look right but name no moment: month 13, day 32, hour 24, second 60, year 0000.
    const y = r.pick([0, 1969, 2026, 9999]);
    const mo = r.pick([0, 1, 2, 12, 13, 99]);
    const d = r.pick([0, 1, 28, 29, 30, 31, 32, 99]);
    const h = r.pick([0, 23, 24, 99]);
    const mi = r.pick([0, 59, 60]);
    const s = r.pick([0, 59, 60, 99]);
    return `bg-${pad(y, 4)}${pad(mo, 2)}${pad(d, 2)}-${pad(h, 2)}${pad(mi, 2)}${pad(s, 2)}-${r.pick(["x", "auth-security", "a--b", "-x", "x-"])}`;
  }
  if (roll < 0.5) return `bg-2026012${r.int(0, 9)}-14300${r.int(0, 9)}-${r.pick(["../x", "x/y", "x\\y", "x.md", "X", "x y", "x\0", "x\n"])}`;
  if (roll < 0.6) return `bg-20260123-143000-${"a".repeat(r.int(90, 130))}`;
  let id = r.pick(["bg-", "", "bg", "BG-", "bg--"]);
  for (let i = r.int(0, 24); i > 0; i--) id += ID_CHARS[r.int(0, ID_CHARS.length - 1)];
  return id;
}

/** Session front matters that bgr must either edit losslessly or leave byte-identical. */
export function hostileSession(r: Rng): { name: string; bytes: Buffer } {
  const base = "---\ntitle: \"T\"\nbackground_agents:\n  - id: \"bg-20260123-141000-old\"\n    status: completed\nnotes: keep # comment\n---\n\n# Body\n";
  const cases: Array<[string, () => Buffer]> = [
    ["broken YAML", () => Buffer.from("---\ntitle: [unclosed\n---\nbody\n")],
    ["no closing ---", () => Buffer.from("---\ntitle: x\nbody without end\n")],
    ["front matter is a list", () => Buffer.from("---\n- a\n- b\n---\n")],
    ["flow mapping", () => Buffer.from("---\n{title: x, notes: y}\n---\n")],
    ["background_agents is a scalar", () => Buffer.from("---\nbackground_agents: nope\n---\n")],
    ["background_agents is a map", () => Buffer.from("---\nbackground_agents:\n  a: 1\n---\n")],
    ["background_agents: []", () => Buffer.from("---\ntitle: x\nbackground_agents: []\n---\nbody\n")],
    ["aliases and merge keys", () => Buffer.from("---\nbase: &b {x: 1}\nother:\n  <<: *b\n  y: 2\nlist: [*b, *b]\n---\n")],
    ["billion laughs", () => Buffer.from(`---\na: &a ["x","x","x","x","x","x","x","x","x"]\n${Array.from({ length: 8 }, (_, i) => `${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [${Array(9).fill(`*${String.fromCharCode(97 + i)}`).join(",")}]`).join("\n")}\n---\n`)],
    ["invalid UTF-8 in the body", () => Buffer.concat([Buffer.from(base), Buffer.from([0xff, 0xfe, 0xc3, 0x28, 0x0a])])],
    ["invalid UTF-8 in the front matter", () => Buffer.concat([Buffer.from("---\ntitle: \""), Buffer.from([0xc3, 0x28]), Buffer.from("\"\n---\n")])],
    ["CRLF throughout", () => Buffer.from(base.replace(/\n/g, "\r\n"))],
    ["mixed CRLF and LF", () => Buffer.from(base.replace("title", "\r\ntitle"))],
    ["BOM", () => Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(base)])],
    ["BOM and CRLF", () => Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(base.replace(/\n/g, "\r\n"))])],
    ["huge body", () => Buffer.from(base + "lorem ipsum ".repeat(200_000))],
    ["many entries", () => Buffer.from(`---\nbackground_agents:\n${Array.from({ length: 2000 }, (_, i) => `  - id: "bg-20260123-141000-e${i}"\n    status: completed\n`).join("")}---\n`)],
    ["tabs and comments", () => Buffer.from("---\n# c1\ntitle:\t\"x\"  # c2\n\n# c3\nbackground_agents:   # c4\n  # c5\n  - id: \"bg-20260123-141000-old\"   # c6\n---\n")],
    ["our id already present", () => Buffer.from("---\nbackground_agents:\n  - {id: \"bg-20260123-150000-fuzz\", status: running}\n---\n")],
    ["duplicate keys", () => Buffer.from("---\ntitle: a\ntitle: b\n---\n")],
    ["NUL in the body", () => Buffer.from(`${base}\0\0binary\0`)],
    ["random bytes in the front matter", () => {
      const head = Buffer.from(base.slice(0, base.lastIndexOf("---")));
      for (let i = r.int(1, 4); i > 0; i--) head[r.int(4, head.length - 2)] = r.int(0, 255);
      return Buffer.concat([head, Buffer.from("---\nbody\n")]);
    }],
  ];
  const [name, make] = r.pick(cases);
  return { name, bytes: make() };
}

export const CATASTROPHIC_PATTERNS = ["(a+)+$", "(x+x+)+y", "(a|aa)+$", "^(([a-z])+.)+[A-Z]([a-z])+$", "(.*a){12}", "(\\w+\\s?)+$"];
export const UNSUPPORTED_PATTERNS = ["(?=a)", "(?<!a)b", "(a)\\1", "\\k<x>", "[", "(", "a{2,1}", "*"];
