// The "ros2msg" schema text rosbag2 stores for a topic type: the root .msg text followed by each
// dependency's text behind a delimiter. Rules, as rosbag2_cpp's LocalMessageDefinitionSource::
// get_full_text builds it (and as the fixtures show):
//
// - every text is the .msg file's content verbatim (comments, blank lines, trailing newline);
// - a type's dependencies are found by msgDependencies() and visited in sorted order,
//   depth-first, pre-order; each dependency appears once per schema (first visit wins), the
//   root itself is not marked as seen;
// - each dependency is introduced by "\n" + 80 "=" + "\n" + "MSG: " + name + "\n", where name is
//   the dependency spelled "pkg/Type" (as the field wrote it or package-qualified);
// - builtin_interfaces/Time and Duration are ordinary dependencies and do appear;
// - nesting deeper than 50 levels is an error.

import { msgDependencies } from "./msgDependencies.ts";
import { parseTypeName } from "./typeName.ts";

export const SCHEMA_DELIMITER = "=".repeat(80);
const MAX_RECURSION_DEPTH = 50;

/** Returns the verbatim .msg text of a type given in any accepted spelling, or throws. */
export type MsgTextLoader = (type: string) => string;

export function buildSchemaText(rootType: string, loadText: MsgTextLoader): string {
  const seen = new Set<string>();
  const visit = (type: string, depth: number): string => {
    if (depth <= 0) throw new Error(`reached max recursion depth resolving definition of ${rootType}`);
    const text = loadText(type);
    let result = text;
    for (const dependency of msgDependencies(text, parseTypeName(type).pkg)) {
      if (seen.has(dependency)) continue;
      seen.add(dependency);
      result += `\n${SCHEMA_DELIMITER}\nMSG: ${dependency}\n`;
      result += visit(dependency, depth - 1);
    }
    return result;
  };
  return visit(rootType, MAX_RECURSION_DEPTH);
}

/** One type's text inside a concatenated schema. */
export interface SchemaPiece {
  /** As written after "MSG: " ("pkg/Type"), or the schema's own name for the root. */
  type: string;
  text: string;
}

// rosbag2 writes "\n" before the "=" line, so the piece before keeps exactly its own text.
// Writers that omit that newline (ROS 1 style, some tools) still split correctly.
const DELIMITER_LINE = /\n?={80}\r?\nMSG: *([^\r\n]+?)\s*\r?\n/g;

/**
 * Splits a concatenated ros2msg schema into its per-type texts; inverse of buildSchemaText()
 * for rosbag2-written schemas. IDL pieces ("IDL: ") are not supported.
 */
export function splitSchemaText(rootType: string, schemaText: string): SchemaPiece[] {
  if (/(?:^|\n)={80}\r?\nIDL: /.test(schemaText)) {
    throw new Error(`schema for ${rootType} contains IDL definitions; only ros2msg text is supported`);
  }
  const pieces: SchemaPiece[] = [];
  let type = rootType;
  let start = 0;
  for (const match of schemaText.matchAll(DELIMITER_LINE)) {
    pieces.push({ type, text: schemaText.slice(start, match.index) });
    type = match[1]!;
    start = match.index + match[0].length;
  }
  pieces.push({ type, text: schemaText.slice(start) });
  return pieces;
}
