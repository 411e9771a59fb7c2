// Messages between the export's main thread and its resampling workers, and how a failure
// crosses the thread boundary (errors lose their class in structured clone).
import { EpisodeSkip, type ResampledCore } from "../resample/resample.ts";
import { LabelsError } from "../labels.ts";

export type JobReply = { id: number; ok: true; core: ResampledCore } | { id: number; ok: false; skip: boolean; message: string };

/** skip: the episode is excluded by policy or its data (reported, export continues); else a failure. */
export function describeFailure(err: unknown): { skip: boolean; message: string } {
  const message = err instanceof Error ? err.message : String(err);
  return { skip: err instanceof EpisodeSkip || err instanceof LabelsError, message };
}
