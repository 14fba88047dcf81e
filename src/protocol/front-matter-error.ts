// The YAML parser ends its first message line with a colon that introduces a
// code frame, and counts lines from the start of the text it was given; users
// open the whole file, so the position is given in file lines instead.
import type { YAMLError } from "yaml";

/** "at line 3, column 7: <what is wrong>"; `linesBefore` = lines of the file before the parsed text. */
export function yamlErrorAt(error: YAMLError, linesBefore = 0): string {
  const what = error.message.split("\n")[0]!.replace(/\s+at line \d+, column \d+:?\s*$/, "");
  const position = error.linePos?.[0];
  return position ? `at line ${position.line + linesBefore}, column ${position.col}: ${what}` : what;
}

/** The same for front matter, which starts after the opening `---` line. */
export function frontMatterYamlError(error: YAMLError): string {
  return yamlErrorAt(error, 1);
}
