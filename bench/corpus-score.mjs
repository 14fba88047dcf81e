// Recall and false positives of bgr's security engine on the labeled corpus
// (test/fixtures/security), per CWE, and next to it Bandit and ESLint +
// eslint-plugin-security judged by the same scorer on the same labels.
// Metrics are defined at the top of test/security/corpus-scoring.ts; the
// corpus test (npm test) asserts bgr's labels one by one.
import { existsSync } from "node:fs";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { banditFindings, eslintFindings } from "./corpus/peers.mjs";

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const built = path.join(repo, "dist", "test", "security");
if (!existsSync(path.join(built, "corpus-run.js"))) {
  console.error("bench/corpus-score: dist/test/security is missing; build first: npx tsc -p . (npm run bench does)");
  process.exit(1);
}
const { languageRoot, scoreLanguage } = await import(pathToFileURL(path.join(built, "corpus-run.js")).href);
const scoring = await import(pathToFileURL(path.join(built, "corpus-scoring.js")).href);
const { CORPUS_LANGUAGES, formatTable, listFixtureFiles, loadLabels, scoreFile, tabulate } = scoring;

const pct = (v) => (v === null ? "-" : `${(v * 100).toFixed(0)}%`);

function scorePeer(language, findings) {
  const root = languageRoot(language);
  const files = listFixtureFiles(root, language);
  const labels = loadLabels(root, files);
  return files.map((file) => scoreFile(file, labels.filter((label) => label.file === file), findings));
}

function summaryRow(tool, fileScores) {
  const all = tabulate(fileScores).at(-1);
  return `| ${tool} | ${all.matched}/${all.expected} | ${pct(all.recall)} | ${all.flaggedSafe}/${all.safe} | ${all.stray} | ${pct(all.fpRate)} | ${pct(all.precision)} |`;
}

const peers = {};
let peerError;
try {
  peers.python = { tool: "Bandit", files: scorePeer("python", banditFindings(languageRoot("python"))) };
  for (const language of ["javascript", "typescript"]) {
    peers[language] = { tool: "ESLint + plugin-security", files: scorePeer(language, eslintFindings(languageRoot(language))) };
  }
} catch (error) {
  peerError = error instanceof Error ? error.message : String(error);
}

const bgrScores = [];
let bgrError;
try {
  for (const language of CORPUS_LANGUAGES) bgrScores.push(await scoreLanguage(language));
} catch (error) {
  bgrError = error instanceof Error ? error.message : String(error);
}

if (bgrScores.length === CORPUS_LANGUAGES.length) {
  console.log("bgr on the security corpus, all languages\n");
  console.log(formatTable(tabulate(bgrScores.flatMap((score) => score.files))));
}
console.log("\nPer language, same labels, same scorer (FP rate = FP / (FP + unflagged safe labels))\n");
console.log("| tool | found | recall | safe flagged | stray | FP rate | precision |");
console.log("|---|---:|---:|---:|---:|---:|---:|");
for (const language of CORPUS_LANGUAGES) {
  console.log(`| **${language}** | | | | | | |`);
  const bgr = bgrScores.find((score) => score.language === language);
  if (bgr) console.log(summaryRow("bgr", bgr.files));
  if (peers[language]) console.log(summaryRow(peers[language].tool, peers[language].files));
}
if (peerError) console.error(`\nbench/corpus-score: peers: ${peerError}`);
if (bgrError) console.error(`\nbench/corpus-score: bgr: ${bgrError}`);
if (peerError || bgrError) process.exit(1);
