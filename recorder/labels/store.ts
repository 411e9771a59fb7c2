// The labels sidecar store: `<episode>/labels/<annotator>.json`, one file per annotator.
//
// - Every read and write goes through the zod schema (./schema.ts): a corrupt file is reported,
//   never silently replaced.
// - Writes are atomic: temp file in the same folder + fsync + rename + fsync of the folder, so a
//   crash leaves either the old or the new file, never half of one.
// - Optimistic concurrency: every save names the revision it was based on; a save against any
//   other revision is refused with the current file (the HTTP layer turns that into a 409), so two
//   annotators editing the same file never overwrite each other.
// - History: each save appends who/when/what, computed by diffing the old and new content.
import { randomBytes } from "node:crypto";
import { constants } from "node:fs";
import { mkdir, open, readdir, readFile, rename, rm } from "node:fs/promises";
import { join } from "node:path";
import {
  annotatorName,
  emptyLabelsContent,
  LABELS_DIR,
  LABELS_SCHEMA,
  LABELS_VERSION,
  labelsFile,
  type LabelsContent,
  type LabelsFile,
} from "./schema.ts";
import { diffLabels } from "./diff.ts";

/** A labels file on disk that is not valid JSON or does not match the schema. */
export class LabelsFileError extends Error {}

/** An annotator name that cannot be a file name. */
export class AnnotatorNameError extends Error {}

export type SaveResult =
  | { ok: true; file: LabelsFile }
  /** The file changed since `baseRevision`: nothing was written. */
  | { ok: false; current: LabelsFile };

/** History entries kept per file; the oldest are dropped beyond this (the file stays small). */
export const MAX_HISTORY = 2000;

export function checkAnnotator(name: string): string {
  const parsed = annotatorName.safeParse(name);
  if (!parsed.success) throw new AnnotatorNameError(`invalid annotator name ${JSON.stringify(name)}: ${parsed.error.issues[0]?.message ?? "invalid"}`);
  return parsed.data;
}

export function labelsDir(episodeDir: string): string {
  return join(episodeDir, LABELS_DIR);
}

export function labelsPath(episodeDir: string, annotator: string): string {
  return join(labelsDir(episodeDir), `${checkAnnotator(annotator)}.json`);
}

/** Annotators with a labels file beside the episode, sorted. */
export async function listAnnotators(episodeDir: string): Promise<string[]> {
  let names: string[];
  try {
    names = await readdir(labelsDir(episodeDir));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return [];
    throw err;
  }
  return names
    .filter((n) => n.endsWith(".json"))
    .map((n) => n.slice(0, -".json".length))
    .filter((n) => annotatorName.safeParse(n).success)
    .sort();
}

/** A fresh, unsaved file (revision 0) for an annotator who has not labelled the episode yet. */
export function emptyLabelsFile(episodeId: string, annotator: string, task = ""): LabelsFile {
  return {
    schema: LABELS_SCHEMA,
    version: LABELS_VERSION,
    episodeId,
    annotator: checkAnnotator(annotator),
    revision: 0,
    updated: "",
    content: emptyLabelsContent(task),
    history: [],
  };
}

/** Reads and validates one annotator's file; undefined when there is none. */
export async function readLabelsFile(episodeDir: string, annotator: string): Promise<LabelsFile | undefined> {
  const path = labelsPath(episodeDir, annotator);
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw err;
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new LabelsFileError(`${path}: not valid JSON: ${(err as Error).message}`);
  }
  const parsed = labelsFile.safeParse(raw);
  if (!parsed.success) {
    throw new LabelsFileError(`${path}: not a labels file: ${parsed.error.issues.slice(0, 5).map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`).join("; ")}`);
  }
  return parsed.data;
}

/** Reads one annotator's file, or an empty revision-0 file when there is none yet. */
export async function readLabels(episodeDir: string, episodeId: string, annotator: string, task = ""): Promise<LabelsFile> {
  return (await readLabelsFile(episodeDir, annotator)) ?? emptyLabelsFile(episodeId, annotator, task);
}

/** Every annotator's file of an episode (corrupt files are skipped and reported in `errors`). */
export async function readAllLabels(episodeDir: string): Promise<{ files: LabelsFile[]; errors: string[] }> {
  const files: LabelsFile[] = [];
  const errors: string[] = [];
  for (const name of await listAnnotators(episodeDir)) {
    try {
      const f = await readLabelsFile(episodeDir, name);
      if (f) files.push(f);
    } catch (err) {
      errors.push((err as Error).message);
    }
  }
  return { files, errors };
}

// Saves to one file are serialized within this process, so the revision check and the rename are
// one step (the server is the only writer of a library's labels).
const queues = new Map<string, Promise<unknown>>();

function serialized<T>(key: string, body: () => Promise<T>): Promise<T> {
  const before = queues.get(key) ?? Promise.resolve();
  const run = before.then(body, body);
  const tail = run.catch(() => undefined);
  queues.set(key, tail);
  void tail.then(() => {
    if (queues.get(key) === tail) queues.delete(key);
  });
  return run;
}

export interface SaveOptions {
  episodeId: string;
  annotator: string;
  baseRevision: number;
  /** Already validated against `labelsContent` by the caller (the HTTP edge). */
  content: LabelsContent;
  /** Who made the change (defaults to the file's annotator). */
  by?: string;
  now?: Date;
}

/**
 * Saves one annotator's labels if the file is still at `baseRevision`; otherwise returns the
 * current file and writes nothing.
 */
export async function saveLabels(episodeDir: string, o: SaveOptions): Promise<SaveResult> {
  const path = labelsPath(episodeDir, o.annotator);
  return serialized(path, async () => {
    const current = (await readLabelsFile(episodeDir, o.annotator)) ?? emptyLabelsFile(o.episodeId, o.annotator, o.content.episode.instruction);
    if (current.revision !== o.baseRevision) return { ok: false, current };
    const updated = (o.now ?? new Date()).toISOString();
    const revision = current.revision + 1;
    const before = current.revision === 0 ? emptyLabelsContent(o.content.episode.instruction) : current.content;
    const changes = diffLabels(before, o.content);
    const history = [...current.history, { revision, annotator: checkAnnotator(o.by ?? o.annotator), at: updated, changes }].slice(-MAX_HISTORY);
    const next: LabelsFile = {
      schema: LABELS_SCHEMA,
      version: LABELS_VERSION,
      episodeId: o.episodeId,
      annotator: checkAnnotator(o.annotator),
      revision,
      updated,
      content: o.content,
      history,
    };
    // Validate what we are about to write (refinements included), so the file is always readable.
    const checked = labelsFile.parse(next);
    await writeAtomic(path, `${JSON.stringify(checked, null, 2)}\n`);
    return { ok: true, file: checked };
  });
}

/** Writes `text` to `path` atomically: temp file + fsync + rename + fsync of the folder. */
export async function writeAtomic(path: string, text: string): Promise<void> {
  const dir = join(path, "..");
  await mkdir(dir, { recursive: true });
  const tmp = `${path}.tmp-${process.pid}-${randomBytes(4).toString("hex")}`;
  const handle = await open(tmp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, 0o644);
  try {
    await handle.writeFile(text, "utf8");
    await handle.sync();
  } catch (err) {
    await handle.close();
    await rm(tmp, { force: true });
    throw err;
  }
  await handle.close();
  try {
    await rename(tmp, path);
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
  }
  // fsync the folder so the rename itself survives a power cut.
  const d = await open(dir, "r");
  try {
    await d.sync();
  } finally {
    await d.close();
  }
}
