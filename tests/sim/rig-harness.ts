// Runs the simulated rig on the in-process runtime at max speed and captures what a recorder
// would receive: raw CDR bytes with receive times, per topic.
import { createCodec, createDefaultRegistry, type MessageCodec } from "../../nodes/messages/index.ts";
import { loadRigProfile, type RigProfile } from "../../nodes/rig/profile.ts";
import { LocalRuntime } from "../../nodes/runtime/local/index.ts";
import { createSimRig, type SimGroundTruth, type SimRunSummary } from "../../nodes/sim/index.ts";

export const EPOCH_NS = 1_767_225_600_000_000_000n; // 2026-01-01T00:00:00Z

export interface Received {
  bytes: Uint8Array;
  receivedNs: bigint;
}

export interface RigCapture {
  profile: RigProfile;
  codec: MessageCodec;
  truth: SimGroundTruth;
  summary: SimRunSummary;
  messages: Map<string, Received[]>;
}

export async function captureRig(options: { profile: string; seed: number; durationS: number; topics?: (topic: string) => boolean }): Promise<RigCapture> {
  const profile = loadRigProfile(`launch/profiles/${options.profile}.yaml`);
  const codec = createCodec(createDefaultRegistry());
  const runtime = new LocalRuntime({ codec, log: () => {} });
  const rig = createSimRig(runtime, {
    profile,
    seed: options.seed,
    speed: "max",
    encoder: codec,
    durationS: options.durationS,
    epochNs: EPOCH_NS,
    topicFilter: options.topics,
  });
  const recorder = runtime.createNode("capture", "", { parameterOverrides: { use_sim_time: true } });
  const messages = new Map<string, Received[]>();
  for (const s of profile.streams) {
    if (options.topics && !options.topics(s.topic)) continue;
    const list: Received[] = [];
    messages.set(s.topic, list);
    recorder.createSubscription(s.type, s.topic, { isRaw: true, qos: { depth: 10_000, durability: s.qos.durability, reliability: "best_effort" } }, (bytes, info) => {
      list.push({ bytes: bytes.slice(), receivedNs: info.receivedTimestamp });
    });
  }
  runtime.spin();
  const summary = await rig.run();
  await new Promise((r) => setTimeout(r, 20));
  const truth = rig.groundTruth();
  await runtime.shutdown();
  return { profile, codec, truth, summary, messages };
}

export function stampNs(message: Record<string, unknown>): bigint {
  const header = message.header as { stamp: { sec: number; nanosec: number } };
  return BigInt(header.stamp.sec) * 1_000_000_000n + BigInt(header.stamp.nanosec);
}
