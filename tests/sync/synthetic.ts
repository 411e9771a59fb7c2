// Synthetic sensor streams with known clock truth, for the clock-model and xcorr tests.
// Everything is seeded, so a failure reproduces.

import { gaussian, seededRandom } from "../support/random.ts";

export { gaussian, seededRandom };

export interface StreamSpec {
  rateHz: number;
  durationS: number;
  /** Sensor clock offset, ns: host = H0 + offset + (stamp − S0)·(1 + drift). */
  offsetNs: number;
  driftPpm: number;
  /** Constant transport latency (unobservable one-way), ns. */
  minLatencyNs: number;
  /** Mean of the exponential latency part, ns. */
  latencyMeanNs: number;
  spikeProbability: number;
  spikeMaxNs: number;
  seed: number;
  /** Clock steps: at host time `atS` (s into the stream) the sensor stamp jumps by `stepNs`. */
  steps?: { atS: number; stepNs: number }[];
  /** Send-time jitter of the sensor's period, ns (uniform ±). */
  periodJitterNs?: number;
}

export interface SyntheticSample {
  stamp: bigint;
  receive: bigint;
  /** Observable truth for this sample: true send time + minimum latency, ns. */
  truthHost: bigint;
  /** Index of the clock segment (number of steps before it). */
  segment: number;
}

export const H0 = 1_763_800_000_000_000_000n; // host epoch of the stream start
export const S0 = 4_200_000_000_123n; // sensor epoch: an unrelated clock (e.g. since boot)

export function generateStream(spec: StreamSpec): SyntheticSample[] {
  const rand = seededRandom(spec.seed);
  const n = Math.floor(spec.durationS * spec.rateHz);
  const period = 1e9 / spec.rateHz;
  const drift = spec.driftPpm * 1e-6;
  const steps = [...(spec.steps ?? [])].sort((a, b) => a.atS - b.atS);
  const out: SyntheticSample[] = [];
  for (let k = 0; k < n; k++) {
    const jitter = spec.periodJitterNs === undefined ? 0 : (rand() * 2 - 1) * spec.periodJitterNs;
    const sendRel = k * period + jitter; // ns since H0
    let stepTotal = 0;
    let segment = 0;
    for (const s of steps) {
      if (sendRel >= s.atS * 1e9) {
        stepTotal += s.stepNs;
        segment++;
      }
    }
    const stampRel = (sendRel - spec.offsetNs) / (1 + drift) + stepTotal;
    const stamp = S0 + BigInt(Math.round(stampRel));
    let latency = spec.minLatencyNs - spec.latencyMeanNs * Math.log(1 - rand());
    if (rand() < spec.spikeProbability) latency += rand() * spec.spikeMaxNs;
    const send = H0 + BigInt(Math.round(sendRel));
    out.push({
      stamp,
      receive: send + BigInt(Math.round(latency)),
      truthHost: send + BigInt(Math.round(spec.minLatencyNs)),
      segment,
    });
  }
  return out;
}

/** p-th percentile (0..100) by nearest rank, of a copy. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank]!;
}

/** The link of the acceptance tests: 0.4 ms constant + 2 ms mean exponential latency, 5% spikes up to 50 ms. */
export const LINK = {
  minLatencyNs: 400e3,
  latencyMeanNs: 2e6,
  spikeProbability: 0.05,
  spikeMaxNs: 50e6,
  periodJitterNs: 50e3,
} as const;
