// The aligned episode reader: every stream of a recording on one corrected timeline.
export * from "./api.ts";
export { openAlignedEpisode, streamKind, type OpenAlignedOptions } from "./reader.ts";
export { AlignedOpenError, recordingFiles } from "./source.ts";
export { readAlignmentFile } from "./models.ts";
