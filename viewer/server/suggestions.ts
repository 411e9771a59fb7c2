// Suggestions per episode (recorder/detect over the aligned reader), computed once and cached
// while the recording is unchanged; concurrent requests share one computation.
import { stat } from "node:fs/promises";
import { detectSuggestions } from "../../recorder/detect/index.ts";
import type { Suggestions } from "../shared/http-api.ts";
import type { EpisodeService } from "./episodes.ts";
import { HttpError } from "./body.ts";
import type { LibraryEpisode } from "./library.ts";

const EMPTY: Suggestions = { events: [], phases: [] };

export class SuggestionService {
  private readonly cache = new Map<string, { key: string; value: Promise<Suggestions> }>();

  constructor(private readonly episodes: EpisodeService) {}

  private async key(e: LibraryEpisode): Promise<string> {
    const parts: string[] = [];
    for (const f of e.recordings) {
      try {
        const s = await stat(f);
        parts.push(`${s.size}:${s.mtimeMs}`);
      } catch {
        parts.push("missing");
      }
    }
    return parts.join("|");
  }

  async of(e: LibraryEpisode): Promise<Suggestions> {
    const key = await this.key(e);
    const hit = this.cache.get(e.openPath);
    if (hit && hit.key === key) return hit.value;
    const value = (async () => {
      let aligned;
      try {
        aligned = await this.episodes.openAligned(e);
      } catch (err) {
        throw new HttpError(422, `cannot align ${e.id} for suggestions: ${(err as Error).message}`);
      }
      if (!aligned) return EMPTY;
      return detectSuggestions(aligned);
    })();
    this.cache.set(e.openPath, { key, value });
    value.catch(() => this.cache.delete(e.openPath));
    return value;
  }
}
