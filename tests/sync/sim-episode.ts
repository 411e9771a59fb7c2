// A simulated episode for the synchronizer tests and bench:sync. The rig runs at max speed
// behind a capturing stand-in runtime, so each message's receive time is exactly the sim's
// arrival instant (no executor scheduling in between), and the sensor clocks' truth gives every
// message's true capture time.
import { createCodec, createDefaultRegistry, type MessageCodec } from "../../nodes/messages/index.ts";
import { loadRigProfile, type RigProfile, type SimClockSpec } from "../../nodes/rig/profile.ts";
import type { Runtime } from "../../nodes/runtime/api.ts";
import { createSimRig, type SimGroundTruth } from "../../nodes/sim/index.ts";
import { readHeaderStamp } from "../../nodes/sync/synchronizer/stamp.ts";
import type { SyncStreamSpec } from "../../nodes/sync/synchronizer/index.ts";

export const EPISODE_EPOCH_NS = 1_767_225_600_000_000_000n; // 2026-01-01T00:00:00Z

export interface EpisodeEvent {
  topic: string;
  type: string;
  bytes: Uint8Array;
  receiveNs: bigint;
  stampNs: bigint;
}

export interface SimEpisode {
  profile: RigProfile;
  codec: MessageCodec;
  truth: SimGroundTruth;
  /** Every sensor message in receive order. */
  events: EpisodeEvent[];
  /** Sensor of each topic (streams of one sensor share its clock). */
  sensorOf: Map<string, string>;
  wallS: number;
}

export interface EpisodeOptions {
  profile: string | RigProfile;
  seed: number;
  durationS: number;
  topics?: (topic: string) => boolean;
  /** Replace sensors' simulated clocks (merged over the profile's). */
  clocks?: Record<string, Partial<SimClockSpec>>;
}

export async function runSimEpisode(options: EpisodeOptions): Promise<SimEpisode> {
  const base = typeof options.profile === "string" ? loadRigProfile(`launch/profiles/${options.profile}.yaml`) : options.profile;
  const profile: RigProfile = structuredClone(base);
  if (options.clocks !== undefined) {
    const sim = profile.sim ?? { clocks: {}, default_clock: {} };
    for (const [sensor, spec] of Object.entries(options.clocks)) sim.clocks[sensor] = { ...(sim.clocks[sensor] ?? {}), ...spec };
    profile.sim = sim;
  }
  const codec = createCodec(createDefaultRegistry());
  const types = new Map(profile.streams.map((s) => [s.topic, s.type] as const));
  const events: EpisodeEvent[] = [];
  let now = (): bigint => 0n;
  const stub = {
    kind: "local",
    createNode: () => ({
      createPublisher: (type: string, topic: string) => ({
        topic,
        type,
        publish: (message: Uint8Array) => {
          if (!types.has(topic) || topic === "/tf_static") return;
          const stampNs = readHeaderStamp(type, message);
          if (stampNs === undefined) return;
          events.push({ topic, type, bytes: message, receiveNs: now(), stampNs });
        },
        subscriptionCount: () => 1,
      }),
    }),
    spin: () => {},
    shutdown: async () => {},
  } as unknown as Runtime;
  const rig = createSimRig(stub, { profile, seed: options.seed, speed: "max", encoder: codec, durationS: options.durationS, epochNs: EPISODE_EPOCH_NS, topicFilter: options.topics });
  now = () => rig.now();
  const t0 = performance.now();
  await rig.run();
  const wallS = (performance.now() - t0) / 1e3;
  return { profile, codec, truth: rig.groundTruth(), events, sensorOf: new Map(profile.streams.map((s) => [s.topic, s.sensor] as const)), wallS };
}

/** True capture instant (host clock) of a message from its header stamp and its sensor's clock truth. */
export function trueCaptureNs(ep: SimEpisode, topic: string, stampNs: bigint): number {
  const c = ep.truth.clocks[ep.sensorOf.get(topic)!]!;
  const rel = Number(stampNs - EPISODE_EPOCH_NS);
  return Number(EPISODE_EPOCH_NS) + (rel - c.offsetNs) / (1 + c.driftPpm * 1e-6);
}

/** True capture instant relative to the epoch, ns (float; avoids 2^53 rounding of absolute ns). */
export function trueCaptureRelNs(ep: SimEpisode, topic: string, stampNs: bigint): number {
  const c = ep.truth.clocks[ep.sensorOf.get(topic)!]!;
  const rel = Number(stampNs - EPISODE_EPOCH_NS);
  return (rel - c.offsetNs) / (1 + c.driftPpm * 1e-6);
}

/** The synchronizer's stream list from a profile, limited to the topics present. */
export function syncStreams(profile: RigProfile, present: (topic: string) => boolean): SyncStreamSpec[] {
  return profile.streams
    .filter((s) => s.rate_hz > 0 && present(s.topic))
    .map((s) => ({ topic: s.topic, type: s.type, kind: s.kind, rateHz: s.rate_hz, toleranceMs: s.tolerance_ms }));
}

/** The camera_info topic sharing the pivot camera's clock and stamps (for image-free runs). */
export function pivotInfoTopic(profile: RigProfile): string {
  const pivot = profile.streams.find((s) => s.topic === profile.pivot_topic)!;
  const info = profile.streams.find((s) => s.kind === "camera_info" && s.sensor === pivot.sensor && s.source === pivot.source);
  if (info === undefined) throw new Error(`no camera_info shares the pivot ${pivot.topic}'s clock`);
  return info.topic;
}
