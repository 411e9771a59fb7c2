// The rig profile an episode names, and the simulator's clock truth a simulated episode carries
// (sim_ground_truth.clocks: per sensor offset, drift and fixed transport latency), for reports
// that give the error of each estimate.
import { existsSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { loadRigProfile, type RigProfile } from "../../nodes/rig/profile.ts";

const BUILTIN_PROFILES = fileURLToPath(new URL("../../launch/profiles/", import.meta.url));

/** The rig profile an episode names (built-in name or a path), if it can be loaded. */
export function episodeProfile(name: string | undefined): RigProfile | undefined {
  const path = profilePath(name);
  if (path === undefined) return undefined;
  try {
    return loadRigProfile(path);
  } catch {
    return undefined;
  }
}

/** The profile file an episode names (built-in name or a path), if it exists. */
function profilePath(name: string | undefined): string | undefined {
  if (!name) return undefined;
  const looksLikePath = name.includes("/") || /\.ya?ml$/.test(name);
  const path = looksLikePath ? resolve(name) : join(BUILTIN_PROFILES, `${name}.yaml`);
  return existsSync(path) ? path : undefined;
}

/** The profile file's text (keys caches of results that depend on it). */
export function profileText(name: string | undefined): string | undefined {
  const path = profilePath(name);
  try {
    return path === undefined ? undefined : readFileSync(path, "utf8");
  } catch {
    return undefined;
  }
}

export interface ClockTruth {
  offsetNs: number;
  driftPpm: number;
  latencyMs: number;
}

export interface SimTruth {
  epochNs: bigint;
  forTopic(topic: string): { sensor: string; clock: ClockTruth } | undefined;
  /** True clock-model offset (host − stamp incl. the fixed latency) and drift at a stamp. */
  modelTruth(topic: string, stampNs: bigint): { offsetNs: number; driftPpm: number } | undefined;
  /** True cross-modal correction of `topic` relative to `reference` (latency difference), ns. */
  crossModalNs(topic: string, reference: string): number | undefined;
}

/** The simulator's truth of a simulated episode, or undefined for a real recording. */
export function simTruth(facts: Readonly<Record<string, string>>, profile: RigProfile | undefined): SimTruth | undefined {
  const raw = facts.sim_ground_truth;
  if (!raw || !profile) return undefined;
  let truth: { epochNs: string; clocks: Record<string, ClockTruth> };
  try {
    truth = JSON.parse(raw) as typeof truth;
  } catch {
    return undefined;
  }
  const sensors = new Map(profile.streams.map((s) => [s.topic, s.sensor] as const));
  const epochNs = BigInt(truth.epochNs);
  const forTopic = (topic: string) => {
    const sensor = sensors.get(topic);
    const clock = sensor === undefined ? undefined : truth.clocks[sensor];
    return sensor !== undefined && clock ? { sensor, clock } : undefined;
  };
  return {
    epochNs,
    forTopic,
    modelTruth(topic, stampNs) {
      const t = forTopic(topic);
      if (!t) return undefined;
      // Truth: stamp = host + offset + drift·(host − epoch); receive ≥ host capture + fixed latency.
      const stampRel = Number(stampNs - epochNs);
      const hostRel = (stampRel - t.clock.offsetNs) / (1 + t.clock.driftPpm * 1e-6);
      return { offsetNs: hostRel + t.clock.latencyMs * 1e6 - stampRel, driftPpm: (1 / (1 + t.clock.driftPpm * 1e-6) - 1) * 1e6 };
    },
    crossModalNs(topic, reference) {
      const a = forTopic(topic);
      const b = forTopic(reference);
      return a && b ? (a.clock.latencyMs - b.clock.latencyMs) * 1e6 : undefined;
    },
  };
}
