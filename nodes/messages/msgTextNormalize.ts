// Compares .msg texts by meaning rather than by bytes: two texts that differ only in comments,
// blank lines and spacing describe the same CDR layout. Used to detect conflicting definitions
// and to compare our comment-free bundled definitions with upstream files.

// String constants run to the end of the line, so a "#" there is part of the value.
const STRING_CONSTANT = /^\s*w?string(?:<=\d+)?\s+[A-Z][A-Z0-9_]*\s*=/;

function stripComment(line: string): string {
  if (STRING_CONSTANT.test(line)) return line;
  const hash = line.indexOf("#");
  return hash === -1 ? line : line.slice(0, hash);
}

/** Field and constant lines only, trimmed, single-spaced, "NAME=value" without spaces. */
export function normalizeMsgText(text: string): string {
  return text
    .split(/\r?\n/)
    .map((line) => stripComment(line).trim().replace(/\s+/g, " ").replace(/ ?= ?/, "="))
    .filter((line) => line.length > 0)
    .join("\n");
}
