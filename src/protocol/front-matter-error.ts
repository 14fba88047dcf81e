// The YAML parser counts lines from the start of the front matter and ends
// its first message line with a colon that introduces a code frame; users
// open the whole file, so the position is given in file lines instead.
import type { YAMLError } from "yaml";

/** "at line 3, column 7: <what is wrong>", the line counted in the whole file (front matter starts after the opening `---`). */
export function frontMatterYamlError(error: YAMLError): string {
  const what = error.message.split("\n")[0]!.replace(/\s+at line \d+, column \d+:?\s*$/, "");
  const position = error.linePos?.[0];
  return position ? `at line ${position.line + 1}, column ${position.col}: ${what}` : what;
}
