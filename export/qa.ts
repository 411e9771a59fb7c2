// The QA verdict for `--filter qa=…`, from recorder/qa's runQa (cached by it as <episode>/qa.json).
// Imported by name at run time and checked defensively: recorder/qa is written in parallel.
import { z } from "zod";

const QA_MODULE = "../recorder/qa/index.ts";
const verdictSchema = z.enum(["pass", "warn", "fail"]);

export type QaVerdict = z.infer<typeof verdictSchema>;

export async function qaVerdict(path: string): Promise<QaVerdict> {
  let mod: { runQa?: (path: string) => Promise<unknown> };
  try {
    mod = (await import(QA_MODULE)) as typeof mod;
  } catch (err) {
    throw new Error(`--filter qa needs recorder/qa, which is not available in this checkout: ${(err as Error).message}`);
  }
  if (typeof mod.runQa !== "function") throw new Error("recorder/qa/index.ts does not export runQa()");
  const report = (await mod.runQa(path)) as Record<string, unknown> | null;
  const raw = report && (report.verdict ?? report.status ?? report.result);
  const parsed = verdictSchema.safeParse(raw);
  if (!parsed.success) throw new Error(`${path}: QA report without a pass/warn/fail verdict`);
  return parsed.data;
}
