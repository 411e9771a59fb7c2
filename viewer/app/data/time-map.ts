// Corrected time of a message in the browser, from the episode's stored clock models
// (EpisodeDetail.alignment): the same pure function the aligned episode reader applies on the
// server — the header stamp through the stream's clock model plus its cross-modal latency
// correction; streams without a model (no header stamp) run on receive (log) time.
import type { AlignmentFileJson } from "../../../recorder/aligned/api.ts";
import type { SegmentedClockModel } from "../../../nodes/sync/clock/clockModel.ts";
import { clockModelFromJson } from "../../../nodes/sync/clock/serialization.ts";
import { readHeaderStamp } from "../../../nodes/sync/synchronizer/stamp.ts";

export type TopicTimeMap = (bytes: Uint8Array, logNs: bigint) => bigint;

export interface TimeMaps {
  forTopic(topic: string, type: string): TopicTimeMap;
  /** Models that could not be used (bad JSON): the topic falls back to receive time. */
  problems: string[];
}

export function timeMaps(alignment: AlignmentFileJson | null): TimeMaps {
  const problems: string[] = [];
  const cache = new Map<string, TopicTimeMap>();
  const receiveTime: TopicTimeMap = (_bytes, logNs) => logNs;
  function build(topic: string, type: string): TopicTimeMap {
    const entry = alignment?.streams[topic];
    if (!entry) return receiveTime;
    let offset = 0n;
    try {
      offset = BigInt(entry.crossModalOffsetNs);
    } catch {
      problems.push(`${topic}: crossModalOffsetNs ${JSON.stringify(entry.crossModalOffsetNs)} is not an integer`);
    }
    if (entry.clockModel === undefined || entry.source === "receive-time") return (_b, logNs) => logNs + offset;
    let model: SegmentedClockModel;
    try {
      model = clockModelFromJson(entry.clockModel);
    } catch (err) {
      problems.push(`${topic}: ${err instanceof Error ? err.message : String(err)}; using receive time`);
      return receiveTime;
    }
    if (model.segments.length === 0) return (_b, logNs) => logNs + offset;
    const rosType = entry.type || type;
    return (bytes, logNs) => {
      let stamp: bigint | undefined;
      try {
        stamp = readHeaderStamp(rosType, bytes);
      } catch {
        stamp = undefined;
      }
      return stamp === undefined ? logNs + offset : model.toHost(stamp, logNs) + offset;
    };
  }
  return {
    problems,
    forTopic(topic, type) {
      let m = cache.get(topic);
      if (!m) {
        m = build(topic, type);
        cache.set(topic, m);
      }
      return m;
    },
  };
}
