// The recorder node: subscribes raw (CDR bytes, no decoding) to the topics to record, stamps
// every message with the node clock's receive time (sim time when the source runs on it), and
// hands them to whatever episode is open. It knows nothing about files.
import type { MessageInfo, Nanos, QosProfile, Runtime, RuntimeNode, Subscription } from "../../nodes/runtime/api.ts";
import type { TopicSource } from "../episode/episode-writer.ts";

/** Where received messages go (the open episode), or nowhere between episodes. */
export interface MessageSink {
  write(topic: string, source: TopicSource, data: Uint8Array, logTimeNs: Nanos, publishTimeNs: Nanos): void;
}

export interface TopicSelection {
  /** Record exactly these topics (a rig profile's streams) ... */
  topics?: Array<{ topic: string; type: string; qos?: QosProfile }>;
  /** ... or every topic the graph has, filtered by these. */
  include?: RegExp;
  exclude?: RegExp;
}

export interface RecorderNodeOptions {
  runtime: Runtime;
  /** The ros2msg schema text of a type, or undefined if its definition is unknown. */
  schemaText: (type: string) => string | undefined;
  selection: TopicSelection;
  useSimTime: boolean;
  log: (line: string) => void;
  nodeName?: string;
  /** Subscription queue depth (large: a recorder must not drop). */
  depth?: number;
}

export interface TopicCounters {
  topic: string;
  type: string;
  received: number;
  bytes: number;
  /** Receive time of the last message, node clock. */
  lastNs: Nanos | undefined;
}

interface Recorded {
  source: TopicSource;
  subscription: Subscription;
  counters: TopicCounters;
  /** Latched topics (all publishers transient_local): the last messages, replayed into every episode. */
  latched?: Array<{ data: Uint8Array; publishNs: Nanos }>;
  latchedDepth: number;
}

export class RecorderNode {
  readonly node: RuntimeNode;
  private readonly recorded = new Map<string, Recorded>();
  private readonly warned = new Set<string>();
  private sink: MessageSink | undefined;
  /** Called on each message before it goes to the sink (so an episode it starts includes it). */
  onMessage: ((topic: string, receivedNs: Nanos) => void) | undefined;

  constructor(private readonly options: RecorderNodeOptions) {
    this.node = options.runtime.createNode(options.nodeName ?? "teledemo_recorder", "", {
      parameterOverrides: { use_sim_time: options.useSimTime },
    });
  }

  now(): Nanos {
    return this.node.now();
  }

  /** Subscribes to every selected topic that exists now (call again to pick up new ones). */
  discover(): string[] {
    const added: string[] = [];
    const { selection } = this.options;
    const wanted: Array<{ topic: string; type: string; qos?: QosProfile }> = selection.topics
      ? selection.topics
      : this.node.getTopicNamesAndTypes().flatMap((t) => (t.types[0] === undefined ? [] : [{ topic: t.name, type: t.types[0] }]));
    for (const { topic, type, qos } of wanted) {
      const known = this.recorded.get(topic);
      if (known !== undefined) {
        // A topic whose type changed keeps being recorded with the first type, bytes as they come.
        if (known.source.type !== type) this.warnOnce(`type:${topic}:${type}`, `recorder: ${topic} now carries ${type}, but is recorded as ${known.source.type} (its first type); messages are stored raw`);
        continue;
      }
      if (selection.include && !selection.include.test(topic)) continue;
      if (selection.exclude && selection.exclude.test(topic)) continue;
      this.subscribe(topic, type, qos);
      added.push(topic);
    }
    return added;
  }

  /** Topics subscribed so far with what was received on each. */
  counters(): TopicCounters[] {
    return [...this.recorded.values()].map((r) => ({ ...r.counters }));
  }

  /** Route messages to `sink` (an open episode), or drop them (undefined: between episodes).
   * A new sink first gets the latched topics' messages, stamped `atNs`. */
  setSink(sink: MessageSink | undefined, atNs?: Nanos, replayLatched = true): void {
    this.sink = sink;
    if (sink === undefined || !replayLatched) return;
    const at = atNs ?? this.now();
    for (const [topic, r] of this.recorded) {
      this.refreshQos(topic, r);
      for (const m of r.latched ?? []) sink.write(topic, r.source, m.data, at, m.publishNs);
    }
  }

  destroy(): void {
    for (const r of this.recorded.values()) this.node.destroySubscription(r.subscription);
    this.recorded.clear();
    this.node.destroy();
  }

  private subscribe(topic: string, type: string, expected?: QosProfile): void {
    const offered = this.node.getPublishersInfoByTopic(topic).map((p) => p.qos);
    // Before its publisher exists, a profile topic is subscribed as the profile says it is offered.
    const qos = subscriptionQos(offered.length > 0 ? offered : expected ? [expected] : [], this.options.depth ?? 10_000);
    let schemaText = this.options.schemaText(type);
    if (schemaText === undefined) {
      this.warnOnce(`schema:${type}`, `recorder: no definition for ${type} (topic ${topic}); recording it raw with an empty schema`);
      schemaText = "";
    }
    const entry: Recorded = {
      source: { type, schemaText, offeredQos: [] },
      counters: { topic, type, received: 0, bytes: 0, lastNs: undefined },
      latchedDepth: 0,
      subscription: undefined as unknown as Subscription,
    };
    setOffered(entry, offered);
    entry.subscription = this.node.createSubscription(type, topic, { isRaw: true, qos }, (data: Uint8Array, info: MessageInfo) => this.receive(topic, entry, data, info));
    this.recorded.set(topic, entry);
  }

  private receive(topic: string, r: Recorded, data: Uint8Array, info: MessageInfo): void {
    const c = r.counters;
    c.received++;
    c.bytes += data.byteLength;
    c.lastNs = info.receivedTimestamp;
    if (r.source.offeredQos.length === 0) this.refreshQos(topic, r);
    this.onMessage?.(topic, info.receivedTimestamp);
    if (r.latched !== undefined) {
      r.latched.push({ data: data.slice(), publishNs: info.sourceTimestamp });
      if (r.latched.length > r.latchedDepth) r.latched.shift();
    }
    try {
      this.sink?.write(topic, r.source, data, info.receivedTimestamp, info.sourceTimestamp);
    } catch (err) {
      this.warnOnce(`write:${topic}`, `recorder: could not store a message on ${topic}: ${(err as Error).message}`);
    }
  }

  private refreshQos(topic: string, r: Recorded): void {
    const offered = this.node.getPublishersInfoByTopic(topic).map((p) => p.qos);
    if (offered.length > 0) setOffered(r, offered);
  }

  private warnOnce(key: string, line: string): void {
    if (this.warned.has(key)) return;
    this.warned.add(key);
    this.options.log(line);
  }
}

function setOffered(r: Recorded, offered: QosProfile[]): void {
  r.source = { ...r.source, offeredQos: offered };
  const latched = offered.length > 0 && offered.every((q) => q.durability === "transient_local");
  r.latchedDepth = latched ? Math.max(1, ...offered.map((q) => q.depth)) : 0;
  if (latched) r.latched ??= [];
  else delete r.latched;
}

/** As rosbag2 adapts its subscription to what is offered: reliable only if every publisher is,
 * transient_local only if every publisher is (otherwise it would match none of the others). */
export function subscriptionQos(offered: QosProfile[], depth: number): QosProfile {
  const allReliable = offered.length > 0 && offered.every((q) => q.reliability === "reliable");
  const allLatched = offered.length > 0 && offered.every((q) => q.durability === "transient_local");
  return { history: "keep_last", depth, reliability: allReliable ? "reliable" : "best_effort", durability: allLatched ? "transient_local" : "volatile" };
}
