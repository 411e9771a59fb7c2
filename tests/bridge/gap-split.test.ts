// Bridge gap records written while the episode's file is being split, and while the episode
// closes: they must land in the file that stays open (with its own /teledemo/bridge channel),
// never in the file being closed, and every file must stay readable.
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { BRIDGE_GAP_FLAG, BRIDGE_GAP_METADATA, BRIDGE_LOG_TOPIC, BridgeGapMarker } from "../../launch/cli/bridge-source.ts";
import { createDefaultRegistry } from "../../nodes/messages/index.ts";
import type { BridgeEvent } from "../../nodes/bridge/client.ts";
import { EpisodeWriter, episodeFileName, type TopicSource } from "../../recorder/episode/episode-writer.ts";
import { foxgloveProtobufSchema } from "../../recorder/side/protobuf-schemas.ts";
import { tempDir, withIndexedReader } from "../recorder/support.ts";

const URL = "ws://robot:8765";

async function readFile(path: string): Promise<{ logs: string[]; gaps: Map<string, Map<string, string>>; rosMessages: number }> {
  return withIndexedReader(path, async (reader) => {
    const logs: string[] = [];
    let rosMessages = 0;
    for await (const m of reader.readMessages()) {
      const channel = reader.channelsById.get(m.channelId)!;
      if (channel.topic === BRIDGE_LOG_TOPIC) logs.push(String(foxgloveProtobufSchema("Log").decode(m.data).message));
      else rosMessages++;
    }
    const gaps = new Map<string, Map<string, string>>();
    for await (const md of reader.readMetadata()) if (md.name.startsWith(BRIDGE_GAP_METADATA)) gaps.set(md.name, md.metadata);
    return { logs, gaps, rosMessages };
  });
}

function openWriter(libraryDir: string, id: string, startNs: bigint, maxFileDurationS?: number): Promise<EpisodeWriter> {
  return EpisodeWriter.open({
    libraryDir,
    facts: {
      id,
      task: "t",
      operator: "o",
      source: "bridge",
      rigProfile: "small",
      robot: undefined,
      build: { version: "test", commit: undefined },
      startNs,
      endNs: undefined,
      outcome: "in_progress",
      flags: [],
      index: 1,
      planned: undefined,
    },
    compression: "none",
    flushIntervalMs: 60_000,
    // a file spanning maxFileDurationS is split (the first test writes 2 s apart)
    ...(maxFileDurationS === undefined ? {} : { maxFileDurationS }),
  });
}

describe("bridge gap marking and file splits", () => {
  it("writes a gap that coincides with a split into the new file, and drops one at the episode's close", async () => {
    const { dir, cleanup } = tempDir("teledemo-gap-split-");
    try {
      const registry = createDefaultRegistry();
      const source: TopicSource = {
        type: "std_msgs/msg/String",
        schemaText: registry.schemaText("std_msgs/msg/String"),
        offeredQos: [{ history: "keep_last", depth: 10, reliability: "reliable", durability: "volatile" }],
      };
      const startNs = 1_700_000_000_000_000_000n;
      const writer = await openWriter(dir, "gap-split", startNs, 1);
      let nowNs = startNs;
      const marker = new BridgeGapMarker({ currentEpisode: writer }, { now: () => nowNs });
      const cdrString = (text: string) => {
        const body = new TextEncoder().encode(`${text}\0`);
        const out = new Uint8Array(8 + body.length);
        out.set([0, 1, 0, 0]);
        new DataView(out.buffer).setUint32(4, body.length, true);
        out.set(body, 8);
        return out;
      };
      const drop = (reason: string): BridgeEvent => ({ kind: "disconnected", url: URL, reason, atNs: nowNs });
      const back = (gapNs: bigint): BridgeEvent => ({ kind: "reconnected", url: URL, atNs: nowNs, gapNs, attempts: 2 });

      writer.write("/chatter", source, cdrString("a"), nowNs, nowNs);
      // A message starts a split (the file spans too long): the gap arrives while the old file closes.
      nowNs += 2_000_000_000n;
      writer.write("/chatter", source, cdrString("b"), nowNs, nowNs);
      marker.event(drop("first drop"));
      nowNs += 300_000_000n;
      marker.event(back(300_000_000n));
      await writer.settled();
      // Again, so the second gap goes into a third file that needs its own log channel.
      nowNs += 2_000_000_000n;
      writer.write("/chatter", source, cdrString("c"), nowNs, nowNs);
      marker.event(drop("second drop"));
      nowNs += 500_000_000n;
      marker.event(back(500_000_000n));
      // close() called while that split is still under way: the episode is not closed yet, so a
      // gap reported now still goes into the file that stays.
      const closing = writer.close(nowNs + 1n);
      marker.event(drop("third drop"));
      marker.event(back(1n));
      // close() resumes first once the split is done (it waited first) and starts finishing the
      // file; from then on nothing is written and nothing throws.
      await writer.settled();
      expect(() => marker.event(drop("fourth drop"))).not.toThrow();
      expect(() => marker.event(back(1n))).not.toThrow();
      const closed = await closing;
      expect(closed.result.writeError).toBeUndefined();
      expect(closed.sidecar.flags).toContain(BRIDGE_GAP_FLAG);
      expect(closed.sidecar.files).toEqual([episodeFileName(0), episodeFileName(1), episodeFileName(2)]);

      const files = await Promise.all(closed.sidecar.files.map((f) => readFile(join(closed.dir, f))));
      // The first file was being closed when the first gap happened: it holds no record of it.
      expect(files[0]!.logs).toEqual([]);
      expect(files[0]!.gaps.size).toBe(0);
      expect(files[1]!.logs).toEqual([expect.stringMatching(/lost: first drop/), expect.stringMatching(/reconnected .* after 0\.30 s \(2 attempts\)/)]);
      expect([...files[1]!.gaps.keys()]).toEqual([`${BRIDGE_GAP_METADATA}.1`]);
      expect(files[1]!.gaps.get(`${BRIDGE_GAP_METADATA}.1`)?.get("reason")).toBe("first drop");
      expect(files[2]!.logs).toEqual([
        expect.stringMatching(/lost: second drop/),
        expect.stringMatching(/after 0\.50 s/),
        expect.stringMatching(/lost: third drop/),
        expect.stringMatching(/reconnected/),
      ]);
      expect([...files[2]!.gaps.keys()].sort()).toEqual([`${BRIDGE_GAP_METADATA}.2`, `${BRIDGE_GAP_METADATA}.3`]);
      const second = files[2]!.gaps.get(`${BRIDGE_GAP_METADATA}.2`);
      expect(second?.get("duration_s")).toBe("0.500");
      expect(BigInt(second!.get("end_ns")!) - BigInt(second!.get("start_ns")!)).toBe(500_000_000n);
      // The ROS messages are all there, one per file.
      expect(files.map((f) => f.rosMessages)).toEqual([1, 1, 1]);
      expect(files.flatMap((f) => f.logs).some((l) => l.includes("fourth drop"))).toBe(false);
    } finally {
      cleanup();
    }
  });

  it("marks an episode that starts while the connection is down", async () => {
    const { dir, cleanup } = tempDir("teledemo-gap-next-");
    try {
      let nowNs = 1_700_000_000_000_000_000n;
      const first = await openWriter(dir, "first", nowNs);
      const target: { currentEpisode: EpisodeWriter | undefined } = { currentEpisode: first };
      const marker = new BridgeGapMarker(target, { now: () => nowNs });
      nowNs += 1_000_000_000n;
      marker.event({ kind: "disconnected", url: URL, reason: "cable", atNs: nowNs });
      target.currentEpisode = undefined;
      const a = await first.close(nowNs);
      nowNs += 500_000_000n;
      const second = await openWriter(dir, "second", nowNs);
      target.currentEpisode = second;
      marker.episodeStarted();
      nowNs += 2_000_000_000n;
      marker.event({ kind: "reconnected", url: URL, atNs: nowNs, gapNs: 2_500_000_000n, attempts: 4 });
      const b = await second.close(nowNs);
      expect(a.sidecar.flags).toEqual([BRIDGE_GAP_FLAG]);
      expect(b.sidecar.flags).toEqual([BRIDGE_GAP_FLAG]);
      const fa = await readFile(a.path);
      const fb = await readFile(b.path);
      expect(fa.logs).toEqual([expect.stringMatching(/lost: cable/)]);
      expect(fb.logs).toEqual([expect.stringMatching(/episode started while the bridge connection is down \(lost 0\.50 s ago: cable\)/), expect.stringMatching(/after 2\.50 s \(4 attempts\)/)]);
      // The gap record spans the whole outage, from before this episode's start.
      const gap = fb.gaps.get(`${BRIDGE_GAP_METADATA}.1`);
      expect(gap?.get("duration_s")).toBe("2.500");
      expect(gap?.get("reason")).toBe("cable");
    } finally {
      cleanup();
    }
  });
});
