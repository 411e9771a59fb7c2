// The library the viewer serves: what `teledemo view <path>` was pointed at, as a list of
// episodes with stable, URL-safe ids and the exact files each one may serve.
//
// Accepted layouts (the same ones `teledemo info` reads):
//   - an episode library: folders with episode.mcap (+ episode.json sidecar);
//   - one episode folder;
//   - a rosbag2 bag folder (metadata.yaml + *.mcap, split or not);
//   - a bare .mcap file;
//   - any folder holding a mix of these (e.g. ../shared/fixtures), searched a few levels deep.
// A bare .mcap has no folder of its own for labels: they go to `<stem>.teledemo/labels/` beside it.
import { existsSync, readdirSync, realpathSync, statSync } from "node:fs";
import { basename, dirname, join, relative, resolve, sep } from "node:path";
import { EPISODE_FILE, EPISODE_SIDECAR, readSidecar, type EpisodeSidecar } from "../../recorder/episode/layout.ts";
import { ALIGNMENT_FILE } from "../../recorder/aligned/api.ts";

export type EpisodeKind = "episode" | "bag" | "file";

export interface LibraryEpisode {
  id: string;
  kind: EpisodeKind;
  /** The folder holding the recording (for a bare file: the folder it is in). */
  dir: string;
  /** What the aligned reader and `teledemo info` open: the episode/bag folder or the .mcap file. */
  openPath: string;
  /** Recording files in order (absolute). */
  recordings: string[];
  /** Where the labels/ folder lives (the episode folder; for a bare file `<stem>.teledemo`). */
  labelsBase: string;
  /** Sidecar, when the recorder wrote one (and it is valid). */
  sidecar: EpisodeSidecar | undefined;
  /** Problem reading the sidecar, if any (the episode is still listed). */
  sidecarError: string | undefined;
}

export class LibraryError extends Error {}

/** Files besides the recordings that the viewer may serve for an episode folder. */
const SIDE_FILES = [EPISODE_SIDECAR, "metadata.yaml", ALIGNMENT_FILE, "qa.json"];
const MAX_DEPTH = 4;
const SKIP_DIRS = new Set(["labels", "node_modules", ".git"]);

export class Library {
  readonly root: string;
  /** realpath of the root: every served file must resolve under it. */
  readonly realRoot: string;
  /** True when the path given was a single episode, bag or file. */
  readonly single: boolean;
  private readonly given: string;
  private episodes: LibraryEpisode[] = [];
  private byId = new Map<string, LibraryEpisode>();

  constructor(path: string) {
    const full = resolve(path);
    if (!existsSync(full)) throw new LibraryError(`${path}: no such file or directory`);
    const st = statSync(full);
    if (st.isFile() && !full.endsWith(".mcap")) throw new LibraryError(`${path}: not an .mcap file, an episode, a rosbag2 bag or a library folder`);
    this.single = st.isFile() || isEpisodeDir(full) || isBagDir(full);
    this.root = st.isFile() ? dirname(full) : full;
    this.realRoot = realpathSync(this.root);
    this.given = full;
    this.refresh();
    if (this.episodes.length === 0 && !st.isDirectory()) throw new LibraryError(`${path}: nothing to view`);
  }

  /** Re-reads the folder (new episodes recorded while the viewer runs appear). */
  refresh(): void {
    const found: Omit<LibraryEpisode, "id">[] = [];
    const st = statSync(this.given);
    if (st.isFile()) found.push(fileEpisode(this.given));
    else discover(this.given, 0, found);
    const used = new Set<string>();
    const episodes: LibraryEpisode[] = [];
    for (const e of found) {
      const base = safeId(this.single ? basename(e.openPath) : relative(this.root, e.openPath) || basename(e.openPath));
      let id = base;
      for (let n = 2; used.has(id); n++) id = `${base}-${n}`;
      used.add(id);
      episodes.push({ ...e, id });
    }
    // Keep ids of already-known episodes stable across refreshes (same openPath → same id).
    const previous = new Map(this.episodes.map((e) => [e.openPath, e.id]));
    for (const e of episodes) {
      const old = previous.get(e.openPath);
      if (old !== undefined && !episodes.some((o) => o !== e && o.id === old)) e.id = old;
    }
    this.episodes = episodes.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    this.byId = new Map(this.episodes.map((e) => [e.id, e]));
  }

  list(): readonly LibraryEpisode[] {
    return this.episodes;
  }

  get(id: string): LibraryEpisode | undefined {
    let e = this.byId.get(id);
    if (!e) {
      this.refresh();
      e = this.byId.get(id);
    }
    return e;
  }

  /**
   * The absolute path of a file an episode may serve, or undefined. Only plain names on the
   * episode's whitelist; the resolved real path must stay inside the episode's folder and the
   * library (no symlink out).
   */
  servableFile(episode: LibraryEpisode, name: string): string | undefined {
    if (!/^[A-Za-z0-9_][A-Za-z0-9_.-]*$/.test(name) || name.includes("..")) return undefined;
    const allowed = episode.recordings.map((f) => basename(f));
    if (episode.kind !== "file") allowed.push(...SIDE_FILES);
    if (!allowed.includes(name)) return undefined;
    const candidate = join(episode.dir, name);
    let real: string;
    try {
      real = realpathSync(candidate);
      if (!statSync(real).isFile()) return undefined;
    } catch {
      return undefined;
    }
    let realDir: string;
    try {
      realDir = realpathSync(episode.dir);
    } catch {
      return undefined;
    }
    if (!within(real, realDir) || !within(real, this.realRoot)) return undefined;
    return real;
  }
}

function within(path: string, dir: string): boolean {
  return path === dir || path.startsWith(dir.endsWith(sep) ? dir : dir + sep);
}

/** Ids are URL- and file-name-safe: path separators become "~", anything else odd becomes "_". */
export function safeId(relPath: string): string {
  const id = relPath
    .replace(/\.mcap$/, "")
    .split(/[\\/]+/)
    .filter((s) => s.length > 0)
    .join("~")
    .replace(/[^A-Za-z0-9_.~-]/g, "_")
    .replace(/^\.+/, "_")
    .slice(0, 120);
  return id.length > 0 ? id : "episode";
}

export function isEpisodeDir(dir: string): boolean {
  return existsSync(join(dir, EPISODE_FILE)) || (existsSync(join(dir, EPISODE_SIDECAR)) && hasMcap(dir));
}

export function isBagDir(dir: string): boolean {
  return existsSync(join(dir, "metadata.yaml")) && hasMcap(dir);
}

function hasMcap(dir: string): boolean {
  try {
    return readdirSync(dir).some((n) => n.endsWith(".mcap"));
  } catch {
    return false;
  }
}

function mcapFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isFile() && d.name.endsWith(".mcap"))
    .map((d) => join(dir, d.name))
    .sort(naturalCompare);
}

/** episode_2.mcap before episode_10.mcap. */
function naturalCompare(a: string, b: string): number {
  return a.localeCompare(b, "en", { numeric: true });
}

function episodeFolder(dir: string): Omit<LibraryEpisode, "id"> {
  let sidecar: EpisodeSidecar | undefined;
  let sidecarError: string | undefined;
  if (existsSync(join(dir, EPISODE_SIDECAR))) {
    try {
      sidecar = readSidecar(dir);
    } catch (err) {
      sidecarError = (err as Error).message;
    }
  }
  const listed = sidecar?.files?.length ? sidecar.files.map((f) => join(dir, basename(f))).filter((f) => existsSync(f)) : [];
  const recordings = listed.length > 0 ? listed : mcapFiles(dir);
  return { kind: "episode", dir, openPath: dir, recordings, labelsBase: dir, sidecar, sidecarError };
}

function bagFolder(dir: string): Omit<LibraryEpisode, "id"> {
  return { kind: "bag", dir, openPath: dir, recordings: mcapFiles(dir), labelsBase: dir, sidecar: undefined, sidecarError: undefined };
}

function fileEpisode(file: string): Omit<LibraryEpisode, "id"> {
  const dir = dirname(file);
  return { kind: "file", dir, openPath: file, recordings: [file], labelsBase: join(dir, `${basename(file, ".mcap")}.teledemo`), sidecar: undefined, sidecarError: undefined };
}

function discover(dir: string, depth: number, out: Array<Omit<LibraryEpisode, "id">>): void {
  if (isEpisodeDir(dir)) {
    out.push(episodeFolder(dir));
    return;
  }
  if (isBagDir(dir)) {
    out.push(bagFolder(dir));
    return;
  }
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return;
  }
  for (const e of entries.sort((a, b) => naturalCompare(a.name, b.name))) {
    if (e.name.startsWith(".")) continue;
    const p = join(dir, e.name);
    if (e.isFile() && e.name.endsWith(".mcap")) out.push(fileEpisode(p));
    else if (e.isDirectory() && depth < MAX_DEPTH && !SKIP_DIRS.has(e.name) && !e.name.endsWith(".teledemo") && !e.name.includes(".staging-")) discover(p, depth + 1, out);
  }
}
