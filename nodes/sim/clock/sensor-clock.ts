// A simulated sensor's timing: it samples on its own oscillator, stamps messages with its own
// clock (offset + drift from the host's), and its messages reach the host after a transport
// latency with heavy-tailed jitter, or not at all. The host clock is the truth the rest of the
// stack must recover, so every parameter here is also reported as ground truth.
import type { SimClockSpec } from "../../rig/profile.ts";
import { Prng } from "../random.ts";

export interface ClockGroundTruth {
  sensor: string;
  /** sensor clock − host clock at the episode epoch, ns. */
  offsetNs: number;
  /** sensor clock rate error, ppm: sensor = host + offset + drift·(host − epoch). */
  driftPpm: number;
  latencyMs: number;
  jitterMs: number;
  spikeProbability: number;
  spikeMaxMs: number;
  dropProbability: number;
}

/** One sampling instant of a sensor, and what became of its messages. */
export interface SensorSample {
  /** Sequence number on the sensor's own counter (gaps show drops). */
  index: number;
  /** True capture instant on the host clock, ns. */
  captureNs: bigint;
  /** The header stamp: the capture instant read on the sensor's clock, ns. */
  stampNs: bigint;
  /** When the messages reach the host, ns; messages of one sensor arrive in order. */
  arrivalNs: bigint;
  /** Lost in transport: the host never receives this sample. */
  dropped: boolean;
}

export class SensorClock {
  private readonly rng: Prng;
  private readonly periodNs: number;
  private readonly phaseNs: number;
  private index = 0;
  private lastArrivalRel = -Infinity;

  constructor(
    readonly sensor: string,
    readonly spec: SimClockSpec,
    rateHz: number,
    /** Host time of the episode start, ns: the moment every sensor's offset refers to. */
    readonly epochNs: bigint,
    seed: number,
    streamKey: string,
  ) {
    if (!(rateHz > 0)) throw new Error(`sensor ${sensor}: a sampled stream needs a positive rate, got ${rateHz}`);
    this.rng = Prng.derive(seed, "clock", sensor, streamKey);
    this.periodNs = 1e9 / rateHz;
    // Sensors are not phase-locked to each other: each starts somewhere within its first period.
    this.phaseNs = this.rng.uniform(0, this.periodNs);
  }

  groundTruth(): ClockGroundTruth {
    return {
      sensor: this.sensor,
      offsetNs: this.spec.offset_ms * 1e6,
      driftPpm: this.spec.drift_ppm,
      latencyMs: this.spec.latency_ms,
      jitterMs: this.spec.jitter_ms,
      spikeProbability: this.spec.spike_probability,
      spikeMaxMs: this.spec.spike_max_ms,
      dropProbability: this.spec.drop_probability,
    };
  }

  /** Host ns (relative to the epoch) of a reading of the sensor clock (relative to the epoch). */
  hostFromSensorRel(sensorRelNs: number): number {
    return (sensorRelNs - this.spec.offset_ms * 1e6) / (1 + this.spec.drift_ppm * 1e-6);
  }

  sensorFromHostRel(hostRelNs: number): number {
    return hostRelNs * (1 + this.spec.drift_ppm * 1e-6) + this.spec.offset_ms * 1e6;
  }

  /** The next sample. The sensor ticks uniformly on its own clock, so in host time its period
   * is stretched by the drift, exactly as a real free-running sensor's is. */
  next(): SensorSample {
    const index = this.index++;
    const offsetNs = this.spec.offset_ms * 1e6;
    const sensorRel = offsetNs + this.phaseNs + index * this.periodNs;
    const captureRel = this.hostFromSensorRel(sensorRel);
    const arrivalRel = Math.max(captureRel + this.latencyNs(), this.lastArrivalRel);
    this.lastArrivalRel = arrivalRel;
    const dropped = this.spec.drop_probability > 0 && this.rng.next() < this.spec.drop_probability;
    return {
      index,
      captureNs: this.epochNs + BigInt(Math.round(captureRel)),
      stampNs: this.epochNs + BigInt(Math.round(sensorRel)),
      arrivalNs: this.epochNs + BigInt(Math.round(arrivalRel)),
      dropped,
    };
  }

  private latencyNs(): number {
    const s = this.spec;
    let ms = s.latency_ms + (s.jitter_ms > 0 ? this.rng.exponential(s.jitter_ms) : 0);
    if (s.spike_probability > 0 && s.spike_max_ms > 1 && this.rng.next() < s.spike_probability) {
      ms += this.rng.boundedPareto(1, s.spike_max_ms, 1.2);
    }
    return ms * 1e6;
  }
}
