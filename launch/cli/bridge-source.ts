// `teledemo record --source bridge` glue: starts the foxglove_bridge source on the recorder's
// (in-process) runtime, and marks every connection gap in the episode that was open when it
// happened: an episode flag (bridge_gap), a foxglove.Log message on /teledemo/bridge (level
// WARNING at the drop, INFO at the reconnection, both in the file's timeline), and one metadata
// record per gap (teledemo.bridge_gap.N: start/end ns, seconds, reason). Stream health shows the
// gap too: every stream's rate falls and its gap count rises.
import type { RigProfile } from "../../nodes/rig/profile.ts";
import type { MessageRegistry } from "../../nodes/messages/index.ts";
import type { Nanos, Runtime } from "../../nodes/runtime/api.ts";
import { BridgeSource, type BridgeEvent } from "../../nodes/bridge/index.ts";
import type { EpisodeSideStorage, EpisodeWriter } from "../../recorder/episode/episode-writer.ts";
import { foxgloveProtobufSchema } from "../../recorder/side/protobuf-schemas.ts";
import { UsageError } from "./command.ts";

export const BRIDGE_LOG_TOPIC = "/teledemo/bridge";
export const BRIDGE_GAP_FLAG = "bridge_gap";
/** Metadata record per gap: teledemo.bridge_gap.1, .2, ... */
export const BRIDGE_GAP_METADATA = "teledemo.bridge_gap";

export type SourceKind = "sim" | "ros" | "bridge";

/** `--source` and `--url` of record and live, checked together (a bridge needs a URL, nothing else takes one). */
export function sourceOption(source: string, url: string | undefined): SourceKind {
  if (source !== "sim" && source !== "ros" && source !== "bridge") throw new UsageError(`--source must be sim, ros or bridge, got "${source}"`);
  if (source === "bridge" && url === undefined) throw new UsageError("--source bridge needs --url ws://<robot>:8765 (the robot's foxglove_bridge)");
  if (source !== "bridge" && url !== undefined) throw new UsageError("--url applies to --source bridge only");
  return source;
}

export interface StartBridgeOptions {
  runtime: Runtime;
  url: string;
  registry: MessageRegistry;
  profile: RigProfile | undefined;
  wants: (topic: string) => boolean;
  log: (line: string) => void;
  /** Connection events as they happen (the command prints them). */
  onEvent?: (event: BridgeEvent) => void;
}

export async function startBridgeSource(options: StartBridgeOptions): Promise<BridgeSource> {
  const profileQos = new Map(options.profile?.streams.map((s) => [s.topic, s.qos]) ?? []);
  const source = new BridgeSource({
    runtime: options.runtime,
    url: options.url,
    wants: options.wants,
    profileQos: (topic) => profileQos.get(topic),
    log: options.log,
    onEvent: (event) => {
      // Types the robot has and we do not (its own message packages) become known, so health
      // can read their header stamps.
      if (event.kind === "channel" && !options.registry.has(event.channel.type)) {
        try {
          options.registry.addSchema(event.channel.type, event.channel.schemaText, { origin: `bridge ${options.url}` });
        } catch (err) {
          options.log(`bridge: cannot parse the definition of ${event.channel.type} (${(err as Error).message}); its messages are recorded raw`);
        }
      }
      options.onEvent?.(event);
    },
  });
  await source.start();
  return source;
}

/** Where the marker writes: the controller's open episode and the recorder's clock. */
export interface GapMarkerTarget {
  readonly currentEpisode: EpisodeWriter | undefined;
}

/**
 * Writes connection gaps into the open episode (see the file comment). Writes go through
 * EpisodeWriter.writeSideData, so a gap that coincides with a file split lands in the new file
 * (with its own /teledemo/bridge channel) and one at the episode's end is dropped, never written
 * into a file being closed.
 */
export class BridgeGapMarker {
  /** Files (storages) that have the /teledemo/bridge channel. */
  private readonly logChannels = new WeakSet<EpisodeSideStorage>();
  private readonly gapCounts = new WeakMap<EpisodeWriter, number>();
  private lastDrop: { atNs: Nanos; reason: string } | undefined;

  constructor(
    private readonly controller: GapMarkerTarget,
    private readonly clock: { now(): Nanos },
  ) {}

  event(event: BridgeEvent): void {
    if (event.kind === "disconnected") {
      this.lastDrop = { atNs: this.clock.now(), reason: event.reason };
      this.log("WARNING", `bridge connection to ${event.url} lost: ${event.reason}; reconnecting`);
    } else if (event.kind === "reconnected") {
      const endNs = this.clock.now();
      const startNs = this.lastDrop?.atNs ?? endNs - event.gapNs;
      const seconds = Number(endNs - startNs) / 1e9;
      const reason = this.lastDrop?.reason ?? "";
      this.lastDrop = undefined;
      this.log("INFO", `bridge reconnected to ${event.url} after ${seconds.toFixed(2)} s (${event.attempts} attempt${event.attempts === 1 ? "" : "s"})`);
      const episode = this.controller.currentEpisode;
      if (episode === undefined) return;
      const n = (this.gapCounts.get(episode) ?? 0) + 1;
      const written = episode.writeSideData((storage) =>
        storage.writeMetadata(`${BRIDGE_GAP_METADATA}.${n}`, { url: event.url, start_ns: String(startNs), end_ns: String(endNs), duration_s: seconds.toFixed(3), reason }),
      );
      if (!written) return;
      this.gapCounts.set(episode, n);
      episode.addFlag(BRIDGE_GAP_FLAG);
    }
  }

  /** An episode opened: if the connection is down right now, it starts inside a gap — say so. */
  episodeStarted(): void {
    if (this.lastDrop === undefined) return;
    this.log("WARNING", `episode started while the bridge connection is down (lost ${(Number(this.clock.now() - this.lastDrop.atNs) / 1e9).toFixed(2)} s ago: ${this.lastDrop.reason}); reconnecting`);
  }

  private log(level: "INFO" | "WARNING", message: string): void {
    const episode = this.controller.currentEpisode;
    if (episode === undefined) return;
    const schema = foxgloveProtobufSchema("Log");
    const now = this.clock.now();
    const data = schema.encode({
      timestamp: { seconds: Number(now / 1_000_000_000n), nanos: Number(now % 1_000_000_000n) },
      level: level === "INFO" ? 2 : 3,
      message,
      name: "teledemo_bridge",
      file: "",
      line: 0,
    });
    const written = episode.writeSideData((storage) => {
      if (!this.logChannels.has(storage)) {
        storage.createSideChannel({ topic: BRIDGE_LOG_TOPIC, schemaName: schema.name, schemaEncoding: "protobuf", schemaData: schema.data, messageEncoding: "protobuf" });
        this.logChannels.add(storage);
      }
      storage.writeSide(BRIDGE_LOG_TOPIC, data, now, now);
    });
    if (written && level === "WARNING") episode.addFlag(BRIDGE_GAP_FLAG);
  }
}
