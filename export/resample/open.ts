// Opens a recording through the aligned episode reader (recorder/aligned), the only place that
// knows clock models; export never re-implements alignment.
import type { AlignedEpisode } from "../../recorder/aligned/api.ts";

type OpenAligned = (path: string) => Promise<AlignedEpisode>;

// Imported by name at run time: recorder/aligned/reader.ts is written in parallel by another helper.
const READER_MODULE = "../../recorder/aligned/reader.ts";

export async function openEpisode(path: string): Promise<AlignedEpisode> {
  const mod = (await import(READER_MODULE)) as { openAlignedEpisode: OpenAligned };
  return mod.openAlignedEpisode(path);
}
