// `<episode>/.index/models.json`: the clock models the reader fitted on open and the cross-modal
// corrections it estimated, for an episode without alignment.json — so a second open needs
// neither the fit nor the cross-modal pass. Keyed by the recording files (name, size, mtime) and
// by a fingerprint of the code and rig profile that produced them (a changed estimator or profile
// recomputes). Written atomically, only in teledemo episode folders, like the index cache.
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { z } from "zod";
import { writeFileAtomic } from "./atomic.ts";
import { INDEX_DIR } from "./index-cache.ts";

export const MODELS_FILE = "models.json";
const MODELS_CACHE_VERSION = 1;

const cacheSchema = z.object({
  version: z.literal(MODELS_CACHE_VERSION),
  key: z.string(),
  /** topic → ClockModelJson */
  models: z.record(z.string(), z.unknown()),
  /** topic → ns to add (string) */
  corrections: z.record(z.string(), z.string().regex(/^-?\d+$/)),
  crossModal: z.array(z.object({ reference: z.string(), target: z.string(), offsetNs: z.string(), confidence: z.number() })).optional(),
  /** Why no cross-modal correction was applied. */
  note: z.string().optional(),
});
export type ModelsCache = z.infer<typeof cacheSchema>;

/** The code the cached results depend on (fit, cross-modal estimation, this folder's model code). */
const CODE_DIRS = ["../../nodes/sync/clock/", "../../nodes/sync/crossmodal/"].map((d) => fileURLToPath(new URL(d, import.meta.url)));
const CODE_FILES = ["./models.ts", "./crossmodal.ts", "./reader.ts"].map((f) => fileURLToPath(new URL(f, import.meta.url)));

let codeHash: string | undefined;

/** Key of a cache entry: recording files + code + the rig profile text. */
export function modelsCacheKey(filesFingerprint: string, profileText: string | undefined): string {
  if (codeHash === undefined) {
    const h = createHash("sha256");
    const files = [...CODE_DIRS.flatMap((d) => (existsSync(d) ? readdirSync(d).filter((f) => f.endsWith(".ts")).sort().map((f) => join(d, f)) : [])), ...CODE_FILES];
    for (const f of files) if (existsSync(f)) h.update(f).update(readFileSync(f));
    codeHash = h.digest("hex");
  }
  return createHash("sha256").update(filesFingerprint).update(codeHash).update(profileText ?? "").digest("hex");
}

export function modelsCachePath(indexCachePath: string | undefined): string | undefined {
  return indexCachePath === undefined ? undefined : join(indexCachePath, "..", "..", INDEX_DIR, MODELS_FILE);
}

/** The cached entry for `key`, or a reason it is not usable (absent: neither). Never throws. */
export function readModelsCache(path: string, key: string): { cache?: ModelsCache; problem?: string } {
  if (!existsSync(path)) return {};
  try {
    const parsed = cacheSchema.safeParse(JSON.parse(readFileSync(path, "utf8")));
    if (!parsed.success) return { problem: `${path}: not a models cache (${parsed.error.issues[0]?.message ?? "invalid"}); recomputed` };
    // a stale key is the normal case after a change: recompute silently
    return parsed.data.key === key ? { cache: parsed.data } : {};
  } catch (err) {
    return { problem: `${path}: unreadable (${(err as Error).message}); recomputed` };
  }
}

export function writeModelsCache(path: string, cache: ModelsCache): void {
  writeFileAtomic(path, `${JSON.stringify(cache)}\n`);
}
