// The simulated rig node: publishes every stream of a rig profile as a real station's drivers
// would — sensor-clock header stamps, host arrival after transport latency, occasional losses —
// through the same runtime API the robot's drivers reach through rclnodejs.
import type { RigProfile, StreamSpec } from "../../rig/profile.ts";
import { simClockFor } from "../../rig/profile.ts";
import type { Nanos, Publisher, RosMessage, Runtime, RuntimeNode } from "../../runtime/api.ts";
import { QOS_TF_STATIC } from "../../runtime/api.ts";
import type { ClockGroundTruth, SensorSample } from "../clock/sensor-clock.ts";
import { SensorClock } from "../clock/sensor-clock.ts";
import { mat4FromXyzRpy, poseOf } from "../world/rigid.ts";
import { clockMessage, tfMessage } from "../ros-messages.ts";
import type { DemoGroundTruth, SceneGeometry } from "../types.ts";
import { DemoTimeline, type ScheduledDemo } from "./demo-timeline.ts";
import { MinHeap } from "./min-heap.ts";
import { Pacer, type Speed } from "./pacer.ts";
import type { DemoFactory, SimDemo } from "./ports.ts";
import { type Capture, type Producer, ProducerFactory } from "./producers.ts";

export interface MessageEncoder {
  encode(type: string, message: RosMessage): Uint8Array;
}

export interface SimRigOptions {
  profile: RigProfile;
  seed: number;
  speed: Speed;
  encoder: MessageEncoder;
  demos: DemoFactory;
  /** Host time of the rig's start, ns; defaults to the system clock now. Fix it for reproducible stamps. */
  epochNs?: Nanos;
  /** Stop after this much host time, seconds; runs until stopped when absent. */
  durationS?: number;
  /** Pause between demonstrations, seconds. */
  demoGapS?: number;
  /** Only publish streams whose topic passes. */
  topicFilter?: (topic: string) => boolean;
  nodeName?: string;
}

/** The simulator's truth, for writing into episodes so accuracy can be measured. */
export interface SimGroundTruth {
  profile: string;
  seed: number;
  epochNs: string;
  speed: Speed;
  clocks: Record<string, ClockGroundTruth>;
  demos: Array<{ index: number; seed: number; startNs: string; truth: DemoGroundTruth }>;
}

export interface StreamCounters {
  topic: string;
  type: string;
  expectedHz: number;
  published: number;
  dropped: number;
  bytes: number;
}

export interface SimRunSummary {
  simulatedS: number;
  wallS: number;
  realtimeFactor: number;
  streams: StreamCounters[];
}

interface Emitter {
  clock: SensorClock;
  sample: SensorSample;
  streams: Array<{ spec: StreamSpec; publisher: Publisher; produce: Producer; counters: StreamCounters }>;
}

export class SimRig {
  readonly node: RuntimeNode;
  private readonly pacer: Pacer;
  private readonly epochNs: Nanos;
  private readonly timeline: DemoTimeline;
  private readonly emitters: Emitter[] = [];
  private readonly counters: StreamCounters[] = [];
  private readonly clockPublisher?: Publisher;
  private readonly truthPublisher: Publisher;
  private readonly clockTruth: Record<string, ClockGroundTruth> = {};
  private readonly demoTruth: SimGroundTruth["demos"] = [];
  private stopped = false;
  private simNowNs: Nanos;

  constructor(
    runtime: Runtime,
    private readonly options: SimRigOptions,
  ) {
    const { profile } = options;
    this.pacer = new Pacer(options.speed);
    this.epochNs = options.epochNs ?? BigInt(Date.now()) * 1_000_000n;
    this.simNowNs = this.epochNs;
    this.node = runtime.createNode(options.nodeName ?? "teledemo_sim_rig");
    if (this.pacer.usesSimTime) {
      this.clockPublisher = this.node.createPublisher("rosgraph_msgs/msg/Clock", "/clock", { qos: { depth: 10, reliability: "reliable" } });
    }
    this.truthPublisher = this.node.createPublisher("std_msgs/msg/String", "/sim/ground_truth", { qos: QOS_TF_STATIC });
    this.timeline = new DemoTimeline(
      options.demos,
      profile,
      options.seed,
      this.epochNs,
      BigInt(Math.round((options.demoGapS ?? 1) * 1e9)),
      (d) => this.recordDemo(d),
    );
    const producers = new ProducerFactory(profile);
    this.buildEmitters(producers);
  }

  groundTruth(): SimGroundTruth {
    return {
      profile: this.options.profile.name,
      seed: this.options.seed,
      epochNs: this.epochNs.toString(),
      speed: this.options.speed,
      clocks: { ...this.clockTruth },
      demos: [...this.demoTruth],
    };
  }

  /** Host time the rig has reached (sim time outside real-time mode). */
  now(): Nanos {
    return this.simNowNs;
  }

  stop(): void {
    this.stopped = true;
  }

  /** How many times faster than real time the rig is running. */
  realtimeFactor(): number {
    return this.pacer.realtimeFactor(this.simNowNs);
  }

  async run(): Promise<SimRunSummary> {
    const endNs = this.options.durationS === undefined ? undefined : this.epochNs + BigInt(Math.round(this.options.durationS * 1e9));
    this.pacer.start(this.epochNs);
    this.publishClock(this.epochNs);
    this.publishStatic();
    this.timeline.demoAt(this.epochNs);
    const heap = new MinHeap<Emitter>((e) => e.sample.arrivalNs);
    for (const e of this.emitters) heap.push(e);
    const wallStart = process.hrtime.bigint();
    while (!this.stopped) {
      const e = heap.peek();
      if (!e) break;
      const sample = e.sample;
      if (endNs !== undefined && sample.arrivalNs > endNs) break;
      // most samples are due at once (max speed, or behind the wall clock): no await for those
      const wait = this.pacer.waitFor(sample.arrivalNs);
      if (wait !== undefined) {
        await wait;
        if (this.stopped) break;
      }
      this.simNowNs = sample.arrivalNs;
      this.emit(e, sample);
      e.sample = e.clock.next();
      heap.updateTop();
    }
    if (endNs !== undefined && !this.stopped) this.simNowNs = endNs;
    const wallS = Number(process.hrtime.bigint() - wallStart) / 1e9;
    const simulatedS = Number(this.simNowNs - this.epochNs) / 1e9;
    return { simulatedS, wallS, realtimeFactor: wallS > 0 ? simulatedS / wallS : 0, streams: this.counters.map((c) => ({ ...c })) };
  }

  private emit(e: Emitter, sample: SensorSample): void {
    if (sample.dropped) {
      for (const s of e.streams) s.counters.dropped++;
      return;
    }
    this.publishClock(sample.arrivalNs);
    const capture = this.capture(sample);
    for (const s of e.streams) {
      const produced = s.produce(capture);
      const bytes = produced instanceof Uint8Array ? produced : this.options.encoder.encode(s.spec.type, produced);
      s.publisher.publish(bytes);
      s.counters.published++;
      s.counters.bytes += bytes.byteLength;
    }
  }

  private capture(sample: SensorSample): Capture {
    const { demo, t } = this.timeline.demoAt(sample.captureNs);
    return new SampleCapture(sample.stampNs, sample.index, demo.demo, t);
  }

  private publishClock(ns: Nanos): void {
    this.clockPublisher?.publish(this.options.encoder.encode("rosgraph_msgs/msg/Clock", clockMessage(ns)));
  }

  private publishStatic(): void {
    const { profile } = this.options;
    const spec = profile.streams.find((s) => s.kind === "tf_static");
    if (!spec || !this.passes(spec.topic)) return;
    const publisher = this.node.createPublisher(spec.type, spec.topic, { qos: spec.qos });
    const transforms = profile.static_frames.map((f) => ({ parent: f.parent, child: f.child, transform: poseOf(mat4FromXyzRpy(f.xyz, f.rpy)) }));
    const bytes = this.options.encoder.encode(spec.type, tfMessage(this.epochNs, transforms));
    publisher.publish(bytes);
    this.counters.push({ topic: spec.topic, type: spec.type, expectedHz: 0, published: 1, dropped: 0, bytes: bytes.byteLength });
  }

  private buildEmitters(producers: ProducerFactory): void {
    const { profile, seed } = this.options;
    const groups = new Map<string, StreamSpec[]>();
    for (const s of profile.streams) {
      if (s.kind === "tf_static" || s.rate_hz <= 0 || !this.passes(s.topic)) continue;
      const key = `${s.sensor}@${s.rate_hz}`;
      groups.set(key, [...(groups.get(key) ?? []), s]);
    }
    for (const [key, specs] of groups) {
      const first = specs[0] as StreamSpec;
      const clockSpec = simClockFor(profile, first.sensor);
      const clock = new SensorClock(first.sensor, clockSpec, first.rate_hz, this.epochNs, seed, key);
      this.clockTruth[first.sensor] = clock.groundTruth();
      const streams = specs.map((spec) => {
        const counters: StreamCounters = { topic: spec.topic, type: spec.type, expectedHz: spec.rate_hz, published: 0, dropped: 0, bytes: 0 };
        this.counters.push(counters);
        return { spec, publisher: this.node.createPublisher(spec.type, spec.topic, { qos: spec.qos }), produce: producers.create(spec), counters };
      });
      this.emitters.push({ clock, sample: clock.next(), streams });
    }
  }

  private passes(topic: string): boolean {
    return this.options.topicFilter ? this.options.topicFilter(topic) : true;
  }

  private recordDemo(d: ScheduledDemo): void {
    this.demoTruth.push({ index: d.index, seed: d.seed, startNs: d.startNs.toString(), truth: d.demo.groundTruth });
    const json = JSON.stringify(this.groundTruth());
    this.truthPublisher.publish(this.options.encoder.encode("std_msgs/msg/String", { data: json }));
  }
}

/** The world at one capture instant; the scene is built on first use (a class, not a closure per sample). */
class SampleCapture implements Capture {
  private built: SceneGeometry | undefined;
  constructor(
    readonly stampNs: bigint,
    readonly index: number,
    readonly demo: SimDemo,
    readonly t: number,
  ) {}

  scene(): SceneGeometry {
    return (this.built ??= this.demo.sceneAt(this.t));
  }
}
