// The foxglove_bridge source: the robot's topics, received over the Foxglove WebSocket protocol,
// are republished byte-for-byte (pre-serialized CDR) into the local runtime by a node named
// teledemo_bridge, so everything downstream — the recorder node's raw subscriptions, the sync
// node, a live server — runs exactly the code path it runs for the simulated rig or a ROS graph.
// The republishers offer the robot's QoS (see channel.ts offeredQosOf), which is what the
// recorder then stores as offered_qos_profiles.
import type { Nanos, Publisher, QosProfile, Runtime, RuntimeNode } from "../runtime/api.ts";
import { offeredQosOf, type RosChannel } from "./channel.ts";
import { BridgeClient, type BridgeEvent } from "./client.ts";

export interface BridgeSourceOptions {
  runtime: Runtime;
  url: string;
  /** Topics to take from the robot (default all). */
  wants?: (topic: string) => boolean;
  /** The rig profile's QoS for a topic, used when the server does not advertise QoS. */
  profileQos?: (topic: string) => QosProfile | undefined;
  /** A topic appeared (its publisher exists now: subscribe to it). */
  onTopic?: (channel: RosChannel) => void;
  onEvent?: (event: BridgeEvent) => void;
  log: (line: string) => void;
  nodeName?: string;
  backoffMs?: { initial: number; max: number };
  pingMs?: number;
}

interface Republished {
  type: string;
  /** Offered transient_local: the bridge sends the latched message again to every new subscriber. */
  latched: boolean;
  /** Latched topics: the last message republished (a resubscription's replay of it is dropped). */
  last: Uint8Array | undefined;
  /** Set by a reconnection: the next message may be the replay of `last`. */
  replayExpected: boolean;
  /** The first publisher publishes; the others only stand for further offering publishers. */
  publishers: Publisher[];
}

export class BridgeSource {
  readonly node: RuntimeNode;
  readonly client: BridgeClient;
  private readonly topics = new Map<string, Republished>();
  private readonly schemas = new Map<string, string>();
  private readonly warned = new Set<string>();
  /** Messages republished per topic. */
  readonly counts = new Map<string, number>();
  /** Latched messages the bridge replayed after a reconnection, not republished again. */
  replaysDropped = 0;

  constructor(private readonly options: BridgeSourceOptions) {
    this.node = options.runtime.createNode(options.nodeName ?? "teledemo_bridge");
    this.client = new BridgeClient({
      url: options.url,
      ...(options.wants ? { wants: options.wants } : {}),
      ...(options.backoffMs ? { backoffMs: options.backoffMs } : {}),
      ...(options.pingMs ? { pingMs: options.pingMs } : {}),
      onMessage: (channel, data, arrivalNs) => this.republish(channel, data, arrivalNs),
      onEvent: (event) => this.onEvent(event),
    });
  }

  /** Connects to the bridge; rejects with a clear message if it cannot be reached at all. */
  start(): Promise<void> {
    return this.client.start();
  }

  stop(): void {
    this.client.close();
  }

  /** The schema text the bridge advertised for a type (rosbag2's format), if any. */
  schemaText(type: string): string | undefined {
    return this.schemas.get(type);
  }

  private onEvent(event: BridgeEvent): void {
    if (event.kind === "channel") this.addTopic(event.channel);
    else if (event.kind === "reconnected") for (const topic of this.topics.values()) topic.replayExpected = topic.latched;
    else if (event.kind === "skipped") this.warnOnce(`skip:${event.topic}`, `bridge: not recording ${event.topic}: ${event.reason}`);
    this.options.onEvent?.(event);
  }

  private addTopic(channel: RosChannel): void {
    const known = this.topics.get(channel.topic);
    if (known !== undefined) {
      if (known.type !== channel.type) {
        this.warnOnce(`type:${channel.topic}:${channel.type}`, `bridge: ${channel.topic} is now advertised as ${channel.type}; it keeps being republished as ${known.type}`);
      }
      return;
    }
    const previous = this.schemas.get(channel.type);
    if (previous === undefined) this.schemas.set(channel.type, channel.schemaText);
    else if (previous !== channel.schemaText) {
      this.warnOnce(`schema:${channel.type}`, `bridge: ${channel.topic} advertises a different definition of ${channel.type} than another topic; the first one is recorded`);
    }
    const offered = offeredQosOf(channel, this.options.profileQos ?? (() => undefined));
    const publishers = (offered ?? [undefined]).map((qos) =>
      this.node.createPublisher(channel.type, channel.topic, qos ? { qos: { ...qos, depth: Math.max(1, qos.depth) } } : {}),
    );
    const latched = offered !== undefined && offered.length > 0 && offered.every((q) => q.durability === "transient_local");
    this.topics.set(channel.topic, { type: channel.type, publishers, latched, last: undefined, replayExpected: false });
    this.options.onTopic?.(channel);
  }

  private republish(channel: RosChannel, data: Uint8Array, _arrivalNs: Nanos): void {
    const topic = this.topics.get(channel.topic);
    if (topic === undefined || topic.type !== channel.type) return;
    if (topic.latched) {
      // A local subscriber gets a latched message once; the bridge resends it to each new
      // connection, so the first message after a reconnection that equals the last one is that
      // replay, not a new publication.
      const replay = topic.replayExpected && topic.last !== undefined && sameBytes(topic.last, data);
      topic.replayExpected = false;
      if (replay) {
        this.replaysDropped++;
        return;
      }
      topic.last = data;
    }
    this.counts.set(channel.topic, (this.counts.get(channel.topic) ?? 0) + 1);
    topic.publishers[0]?.publish(data);
  }

  private warnOnce(key: string, line: string): void {
    if (this.warned.has(key)) return;
    this.warned.add(key);
    this.options.log(line);
  }
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.byteLength === b.byteLength && Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));
}
