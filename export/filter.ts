// `--filter EXPR`: which episodes to export, over recorded metadata, QA and labels.
//
// Grammar (each --filter is one condition; all must hold):
//   EXPR   := KEY OP VALUE
//   OP     := "=" | "!=" | "~" | "!~" | "<" | "<=" | ">" | ">="
//   VALUE  := text; for = and != a comma-separated list means "any of" (qa=pass,warn)
// "~" is a case-insensitive substring match, "!~" its negation; < <= > >= compare numbers
// (numeric keys only). Keys (unknown keys are an error):
//   id, task, operator, profile, source    recorded facts (task: the label instruction if set)
//   outcome      success|failure|partial|unknown|in_progress — the annotator's grasp outcome when
//                labelled, else the recorded outcome
//   quality      accept|reject|none       the annotator's quality decision
//   qa           pass|warn|fail|none      `teledemo qa` verdict (computed when this key is used)
//   annotator    the chosen labels' annotator, or none
//   phase        a phase type the labels contain (phase=grasp; phase!=regrasp: none of that type);
//                set keys (phase, failure, flag): = is "contains any of", != "contains none of"
//   failure      a failure mode the labels contain
//   flag         a recorded episode flag (flag!=calibration_stale)
//   labelled     yes|no
//   duration     seconds (numeric)
export const FILTER_KEYS = ["id", "task", "operator", "profile", "source", "outcome", "quality", "qa", "annotator", "phase", "failure", "flag", "labelled", "duration"] as const;
export type FilterKey = (typeof FILTER_KEYS)[number];
const NUMERIC_KEYS = new Set<FilterKey>(["duration"]);

const OPS = ["!=", "!~", "<=", ">=", "=", "~", "<", ">"] as const;
type Op = (typeof OPS)[number];

export interface FilterCondition {
  text: string;
  key: FilterKey;
  op: Op;
  values: string[];
}

export class FilterError extends Error {}

export function parseFilter(text: string): FilterCondition {
  const m = /^\s*([A-Za-z_]+)\s*(!=|!~|<=|>=|=|~|<|>)\s*(.*?)\s*$/.exec(text);
  if (!m) throw new FilterError(`--filter "${text}": expected KEY OP VALUE, e.g. outcome=success, task~cube, duration>=5 (operators = != ~ !~ < <= > >=)`);
  const key = m[1]!.toLowerCase();
  const op = m[2] as Op;
  const value = m[3]!;
  if (!(FILTER_KEYS as readonly string[]).includes(key)) throw new FilterError(`--filter "${text}": unknown key "${key}"; keys: ${FILTER_KEYS.join(", ")}`);
  const k = key as FilterKey;
  if (value === "") throw new FilterError(`--filter "${text}": missing value after "${op}"`);
  const ordered = op === "<" || op === "<=" || op === ">" || op === ">=";
  if (ordered && !NUMERIC_KEYS.has(k)) throw new FilterError(`--filter "${text}": "${op}" compares numbers; "${k}" is not numeric (use = != ~ !~)`);
  if (NUMERIC_KEYS.has(k) && !ordered && op !== "=" && op !== "!=") throw new FilterError(`--filter "${text}": "${k}" is numeric; use = != < <= > >=`);
  const values = op === "=" || op === "!=" ? value.split(",").map((v) => v.trim()).filter((v) => v !== "") : [value];
  if (NUMERIC_KEYS.has(k) && values.some((v) => !Number.isFinite(Number(v)))) throw new FilterError(`--filter "${text}": "${k}" needs a number, got "${value}"`);
  return { text, key: k, op, values };
}

/** What a filter sees of one episode. */
export interface FilterSubject {
  id: string;
  task: string;
  operator: string;
  profile: string;
  source: string;
  outcome: string;
  quality: string;
  /** undefined until QA ran (only when a qa condition exists). */
  qa?: string;
  annotator: string;
  phases: string[];
  failures: string[];
  flags: string[];
  labelled: boolean;
  durationS: number;
}

function scalar(s: FilterSubject, key: FilterKey): string | number | string[] {
  switch (key) {
    case "id": return s.id;
    case "task": return s.task;
    case "operator": return s.operator;
    case "profile": return s.profile;
    case "source": return s.source;
    case "outcome": return s.outcome;
    case "quality": return s.quality;
    case "qa": return s.qa ?? "none";
    case "annotator": return s.annotator;
    case "phase": return s.phases;
    case "failure": return s.failures;
    case "flag": return s.flags;
    case "labelled": return s.labelled ? "yes" : "no";
    case "duration": return s.durationS;
  }
}

export function matches(c: FilterCondition, s: FilterSubject): boolean {
  const v = scalar(s, c.key);
  if (typeof v === "number") {
    const x = Number(c.values[0]);
    switch (c.op) {
      case "=": return c.values.some((y) => v === Number(y));
      case "!=": return c.values.every((y) => v !== Number(y));
      case "<": return v < x;
      case "<=": return v <= x;
      case ">": return v > x;
      case ">=": return v >= x;
      default: return false;
    }
  }
  const list = Array.isArray(v) ? v : [v];
  const eq = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();
  const has = (needle: string) => list.some((a) => a.toLowerCase().includes(needle.toLowerCase()));
  switch (c.op) {
    case "=": return c.values.some((y) => list.some((a) => eq(a, y)));
    case "!=": return c.values.every((y) => !list.some((a) => eq(a, y)));
    case "~": return has(c.values[0]!);
    case "!~": return !has(c.values[0]!);
    default: return false;
  }
}

export function matchesAll(conditions: readonly FilterCondition[], s: FilterSubject): boolean {
  return conditions.every((c) => matches(c, s));
}

export function needsQa(conditions: readonly FilterCondition[]): boolean {
  return conditions.some((c) => c.key === "qa");
}
