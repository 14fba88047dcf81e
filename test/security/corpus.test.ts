// The labeled security corpus: every `expect:` label must be found and every
// other finding is a false positive (label format and metrics are defined at
// the top of ./corpus-scoring.ts). One test per fixture file; the per-CWE
// table is printed at the end and written to dist/corpus-score.json.
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, describe, test } from "node:test";
import { languageRoot, REPO_ROOT, scoreLanguage, type LanguageScore } from "./corpus-run.js";
import {
  CORPUS_LANGUAGES,
  type CorpusLanguage,
  describeFileScore,
  formatTable,
  listFixtureFiles,
  loadLabels,
  tabulate,
} from "./corpus-scoring.js";

// One engine run per language, shared by that language's file tests and
// started by whichever test asks first.
const runs = new Map<CorpusLanguage, Promise<LanguageScore>>();
function scored(language: CorpusLanguage): Promise<LanguageScore> {
  let run = runs.get(language);
  if (!run) {
    run = scoreLanguage(language);
    runs.set(language, run);
  }
  return run;
}

for (const language of CORPUS_LANGUAGES) {
  describe(`security corpus: ${language}`, () => {
    const files = listFixtureFiles(languageRoot(language), language);

    test("has fixtures with both expect and safe labels", async () => {
      assert.ok(files.length > 0, `no fixture files under test/fixtures/security/${language}`);
      const labels = loadLabels(languageRoot(language), files);
      assert.ok(labels.some((label) => label.kind === "expect"), `${language}: no expect labels`);
      assert.ok(labels.some((label) => label.kind === "safe"), `${language}: no safe labels`);
    });

    for (const file of files) {
      test(file, async () => {
        const score = await scored(language);
        const fileErrors = score.errors.filter((error) => error.file === file);
        assert.deepEqual(fileErrors, [], `the engine could not analyse ${language}/${file}`);
        const fileScore = score.files.find((entry) => entry.file === file);
        assert.ok(fileScore, `${language}/${file} was not scored`);
        assert.ok(fileScore.labels.length > 0, `${language}/${file} has no labels; every fixture states what it tests`);
        const problems = describeFileScore(fileScore);
        assert.ok(
          fileScore.misses.length === 0 && fileScore.falsePositives.length === 0,
          `${language}/${file}: ${fileScore.misses.length} missed, ${fileScore.falsePositives.length} false positive(s)\n${problems}`,
        );
      });
    }
  });
}

after(async () => {
  const settled = await Promise.allSettled([...runs.values()]);
  const scores = settled.flatMap((outcome) => (outcome.status === "fulfilled" ? [outcome.value] : []));
  if (scores.length === 0) return;
  const overall = tabulate(scores.flatMap((score) => score.files));
  const byLanguage = Object.fromEntries(scores.map((score) => [score.language, tabulate(score.files)]));
  writeFileSync(
    join(REPO_ROOT, "dist", "corpus-score.json"),
    JSON.stringify({ generated: new Date().toISOString(), overall, byLanguage }, null, 2) + "\n",
  );
  console.log(`\nSecurity corpus score (all languages)\n${formatTable(overall)}\n`);
  for (const score of scores) {
    const total = byLanguage[score.language]!.at(-1)!;
    console.log(
      `${score.language}: recall ${total.matched}/${total.expected}, false positives ${total.flaggedSafe + total.stray} (${total.flaggedSafe} on safe labels)`,
    );
  }
});
