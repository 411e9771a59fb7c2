import { afterAll, describe, expect, it } from "vitest";
import { join } from "node:path";
import { parse as parseYaml } from "yaml";
import { readFileSync } from "node:fs";
import { McapStreamReader } from "@mcap/core";
import { crc32 } from "node:zlib";
import { loadDecompressHandlers } from "@mcap/support";
import { McapStorage } from "../../recorder/storage/mcap-storage.ts";
import { tempDir, withIndexedReader } from "./support.ts";

const tmp = tempDir();
afterAll(() => tmp.cleanup());

const QOS = { history: "keep_last", depth: 5, reliability: "best_effort", durability: "volatile" } as const;

describe("MCAP storage plugin", () => {
  for (const compression of ["none", "zstd"] as const) {
    it(`writes an indexed ros2 file (${compression}) that @mcap/core reads back`, async () => {
      const path = join(tmp.dir, `basic-${compression}.mcap`);
      const storage = await McapStorage.open(path, { compression, library: "teledemo test", chunkSize: 4096, rosDistro: "jazzy" });
      storage.createTopic({ name: "/a", type: "std_msgs/msg/String", schemaText: "string data\n", offeredQos: [QOS] });
      storage.createTopic({ name: "/b", type: "std_msgs/msg/Int32", schemaText: "int32 data\n", offeredQos: [QOS, { ...QOS, reliability: "reliable" }] });
      const sent: Array<{ topic: string; data: Uint8Array; t: bigint }> = [];
      for (let i = 0; i < 500; i++) {
        const topic = i % 3 === 0 ? "/b" : "/a";
        const data = new Uint8Array(10 + (i % 50)).fill(i & 0xff);
        const t = 1_000_000_000n + BigInt(i) * 1_000_000n;
        storage.write(topic, data, t, t - 5n);
        sent.push({ topic, data, t });
      }
      // a message bigger than the chunk
      const big = new Uint8Array(20_000).fill(7);
      storage.write("/a", big, 2_000_000_000n, 2_000_000_000n);
      sent.push({ topic: "/a", data: big, t: 2_000_000_000n });
      storage.writeMetadata("teledemo.episode", { id: "x" });
      storage.writeAttachment({ name: "calib.yaml", mediaType: "application/yaml", data: new TextEncoder().encode("a: 1\n"), logTimeNs: 5n });
      await storage.flush();
      const result = await storage.close();
      expect(result.messageCount).toBe(sent.length);

      await withIndexedReader(path, async (reader) => {
        expect(reader.header.profile).toBe("ros2");
        expect(reader.statistics?.messageCount).toBe(BigInt(sent.length));
        expect(reader.chunkIndexes.length).toBeGreaterThan(2);
        const channels = [...reader.channelsById.values()];
        expect(channels.map((c) => c.topic)).toEqual(["/a", "/b"]);
        for (const c of channels) {
          expect(c.messageEncoding).toBe("cdr");
          const qos = parseYaml(c.metadata.get("offered_qos_profiles") ?? "") as unknown[];
          expect(qos.length).toBe(c.topic === "/b" ? 2 : 1);
          expect(reader.schemasById.get(c.schemaId)?.encoding).toBe("ros2msg");
        }
        const got = [];
        for await (const m of reader.readMessages()) got.push(m);
        expect(got.length).toBe(sent.length);
        const byTime = [...sent].sort((a, b) => (a.t < b.t ? -1 : a.t > b.t ? 1 : 0));
        got.forEach((m, i) => {
          expect(m.logTime).toBe(byTime[i]!.t);
          expect(Buffer.from(m.data).equals(Buffer.from(byTime[i]!.data))).toBe(true);
        });
        const names = [];
        for await (const m of reader.readMetadata()) names.push(m.name);
        expect(names).toEqual(["teledemo.episode", "rosbag2"]);
        const rosbag2 = [];
        for await (const m of reader.readMetadata({ name: "rosbag2" })) rosbag2.push(m);
        const bag = parseYaml(rosbag2[0]!.metadata.get("serialized_metadata")!) as Record<string, unknown>;
        expect(bag.storage_identifier).toBe("mcap");
        expect(bag.message_count).toBe(sent.length);
        const atts = [];
        for await (const a of reader.readAttachments()) atts.push(a);
        expect(atts.map((a) => a.name)).toEqual(["calib.yaml"]);
        // every chunk carries its CRC-32 (patched into the header after the worker computed it),
        // not 0 ("not computed")
        const file = readFileSync(path);
        for (const ci of reader.chunkIndexes) {
          const at = Number(ci.chunkStartOffset);
          const crc = file.readUInt32LE(at + 33);
          const compressionLength = file.readUInt32LE(at + 37);
          const recordsLength = Number(file.readBigUInt64LE(at + 41 + compressionLength));
          const records = file.subarray(at + 49 + compressionLength, at + 49 + compressionLength + recordsLength);
          if (compression === "none") expect(crc).toBe(crc32(records));
          expect(crc).not.toBe(0);
        }
      });
      // The streaming reader checks every chunk and attachment CRC and reads to the footer.
      const stream = new McapStreamReader({ decompressHandlers: await loadDecompressHandlers(), validateCrcs: true });
      stream.append(readFileSync(path));
      const kinds = new Map<string, number>();
      for (let r; (r = stream.nextRecord()); ) kinds.set(r.type, (kinds.get(r.type) ?? 0) + 1);
      expect(stream.done()).toBe(true);
      expect(kinds.get("Message")).toBe(sent.length);
      expect(kinds.get("Footer")).toBe(1);
      expect(kinds.get("SummaryOffset")).toBeGreaterThanOrEqual(5);
    });
  }

  it("closes a valid file when the disk fills mid-recording", async () => {
    const path = join(tmp.dir, "full.mcap");
    const storage = await McapStorage.open(path, { compression: "none", library: "t", chunkSize: 8192, failAfterBytes: 50_000 });
    storage.createTopic({ name: "/a", type: "std_msgs/msg/String", schemaText: "string data\n", offeredQos: [QOS] });
    for (let i = 0; i < 200; i++) {
      storage.write("/a", new Uint8Array(1000).fill(i), BigInt(i), BigInt(i));
      if (storage.needsDrain) await storage.drain();
    }
    await storage.flush();
    expect(storage.error?.message).toMatch(/ENOSPC/);
    const result = await storage.close();
    expect(result.writeError).toMatch(/ENOSPC/);
    await withIndexedReader(path, async (reader) => {
      let n = 0;
      for await (const m of reader.readMessages()) {
        expect(m.data[0]).toBe(n & 0xff);
        n++;
      }
      expect(n).toBeGreaterThan(10);
      expect(reader.statistics?.messageCount).toBe(BigInt(n));
    });
  });
});
