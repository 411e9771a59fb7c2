// Opens a recording through the aligned episode reader (recorder/aligned), the only place that
// knows clock models; export never re-implements alignment.
import type { AlignedEpisode } from "../../recorder/aligned/api.ts";
import { openAlignedEpisode } from "../../recorder/aligned/index.ts";

export function openEpisode(path: string): Promise<AlignedEpisode> {
  return openAlignedEpisode(path);
}
