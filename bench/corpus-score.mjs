// Recall and false-positive rate of bgr's security engine on the labeled
// corpus (test/fixtures/security), per CWE and per language. Metrics are
// defined at the top of test/security/corpus-scoring.ts; the corpus test
// (npm test) asserts the same labels one by one.
import { existsSync } from "node:fs";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const built = path.join(repo, "dist", "test", "security");
if (!existsSync(path.join(built, "corpus-run.js"))) {
  console.error("bench/corpus-score: dist/test/security is missing; build first: npx tsc -p . (npm run bench does)");
  process.exit(1);
}
const { scoreCorpus } = await import(pathToFileURL(path.join(built, "corpus-run.js")).href);
const { formatTable, tabulate } = await import(pathToFileURL(path.join(built, "corpus-scoring.js")).href);

let scores;
try {
  scores = await scoreCorpus();
} catch (error) {
  console.error(`bench/corpus-score: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
console.log("Security corpus, all languages\n");
console.log(formatTable(tabulate(scores.flatMap((score) => score.files))));
for (const score of scores) {
  const all = tabulate(score.files).at(-1);
  const pct = (v) => (v === null ? "-" : `${(v * 100).toFixed(0)}%`);
  console.log(
    `\n${score.language}: recall ${all.matched}/${all.expected} (${pct(all.recall)}), ` +
      `false positives ${all.flaggedSafe + all.stray} (${all.flaggedSafe} on ${all.safe} safe labels, ${all.stray} elsewhere), ` +
      `FP rate ${pct(all.fpRate)}, precision ${pct(all.precision)}, parse errors ${score.errors.length}`,
  );
}
