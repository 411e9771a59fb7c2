// Suggestions per episode (recorder/detect over the aligned reader), computed once and cached
// while the recording is unchanged: in memory (concurrent requests share one computation) and,
// for teledemo episode folders, in `<episode>/suggestions.json` so a restarted viewer does not
// read a large recording again. The cache key is the recording files' sizes and mtimes, the
// alignment file's, and the detector version; a stale or unreadable cache is recomputed.
import { readFile, stat } from "node:fs/promises";
import { join } from "node:path";
import { z } from "zod";
import { ALIGNMENT_FILE } from "../../recorder/aligned/api.ts";
import { detectSuggestions, DETECTOR_VERSION } from "../../recorder/detect/index.ts";
import { writeAtomic } from "../../recorder/labels/store.ts";
import type { Suggestions } from "../shared/http-api.ts";
import type { EpisodeService } from "./episodes.ts";
import { HttpError } from "./body.ts";
import type { LibraryEpisode } from "./library.ts";

const EMPTY: Suggestions = { events: [], phases: [] };
export const SUGGESTIONS_FILE = "suggestions.json";

const cachedFile = z.object({
  schema: z.literal("teledemo/suggestions"),
  key: z.string(),
  suggestions: z.object({
    events: z.array(z.object({ id: z.string(), type: z.enum(["onset", "release", "slip", "impact"]), target: z.string(), tNs: z.string(), confidence: z.number() })),
    phases: z.array(z.object({ id: z.string(), type: z.string(), startNs: z.string(), endNs: z.string(), confidence: z.number() })),
  }),
});

export class SuggestionService {
  private readonly cache = new Map<string, { key: string; value: Promise<Suggestions> }>();

  constructor(private readonly episodes: EpisodeService) {}

  private async key(e: LibraryEpisode): Promise<string> {
    const parts: string[] = [`detector ${DETECTOR_VERSION}`];
    for (const f of [...e.recordings, ...(e.kind === "file" ? [] : [join(e.dir, ALIGNMENT_FILE)])]) {
      try {
        const s = await stat(f);
        parts.push(`${s.size}:${s.mtimeMs}`);
      } catch {
        parts.push("missing");
      }
    }
    return parts.join("|");
  }

  private async fromDisk(e: LibraryEpisode, key: string): Promise<Suggestions | undefined> {
    if (e.kind !== "episode") return undefined;
    try {
      const parsed = cachedFile.safeParse(JSON.parse(await readFile(join(e.dir, SUGGESTIONS_FILE), "utf8")));
      return parsed.success && parsed.data.key === key ? parsed.data.suggestions : undefined;
    } catch {
      return undefined;
    }
  }

  private async toDisk(e: LibraryEpisode, key: string, suggestions: Suggestions): Promise<void> {
    if (e.kind !== "episode") return;
    try {
      await writeAtomic(join(e.dir, SUGGESTIONS_FILE), `${JSON.stringify({ schema: "teledemo/suggestions", key, suggestions })}\n`);
    } catch {
      // a read-only library still gets its suggestions, just not cached on disk
    }
  }

  async of(e: LibraryEpisode): Promise<Suggestions> {
    const key = await this.key(e);
    const hit = this.cache.get(e.openPath);
    if (hit && hit.key === key) return hit.value;
    const value = (async () => {
      const stored = await this.fromDisk(e, key);
      if (stored) return stored;
      let aligned;
      try {
        aligned = await this.episodes.openAligned(e);
      } catch (err) {
        throw new HttpError(422, `cannot align ${e.id} for suggestions: ${(err as Error).message}`);
      }
      if (!aligned) return EMPTY;
      const fresh = await detectSuggestions(aligned);
      await this.toDisk(e, key, fresh);
      return fresh;
    })();
    this.cache.set(e.openPath, { key, value });
    value.catch(() => this.cache.delete(e.openPath));
    return value;
  }
}
