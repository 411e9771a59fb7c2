// `teledemo info` on files other tools wrote (every fixture, including the split wbag bag and the
// truncated file), `recover` on the truncated one, and bad input.
import { copyFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { inspectPath, type RecordingReport } from "../../recorder/info/inspect.ts";
import { recoverMcap } from "../../recorder/mcap/recover.ts";
import { main } from "../../launch/cli/main.ts";
import { FIXTURES, tempDir, withIndexedReader } from "./support.ts";

const tmp = tempDir();
afterAll(() => tmp.cleanup());

async function cli(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = "";
  let err = "";
  const code = await main(args, { stdout: (t) => (out += t), stderr: (t) => (err += t), isTty: false });
  return { code, out, err };
}

const FILES = [
  "rosbag2/only_topics.mcap",
  "rosbag2/array_msgs_0.mcap",
  "rosbag2/base_msgs_0.mcap",
  "rosbag2/cdr_test/cdr_test_0.mcap",
  "rosbag2/wbag/wbag_0.mcap",
  "truncated/test_sample.mcap",
  "truncated/test_sample_truncated.mcap",
];

describe("teledemo info on fixtures written by other tools", () => {
  for (const f of FILES) {
    it(f, async () => {
      const report = (await inspectPath(join(FIXTURES, f))) as RecordingReport;
      expect(report.kind).toBe("file");
      expect(report.files[0]!.profile).toBe("ros2");
      expect(report.messageCount).toBeGreaterThan(0);
      for (const t of report.topics) {
        expect(t.messageEncoding).toBe("cdr");
        expect(t.type).toMatch(/\/msg\//);
      }
      const text = await cli(["info", join(FIXTURES, f)]);
      expect(text.code).toBe(0);
      expect(text.out).toContain("health");
      const json = await cli(["info", "--json", join(FIXTURES, f)]);
      expect(JSON.parse(json.out).messageCount).toBe(report.messageCount);
    });
  }

  it("reads the split wbag bag as one recording (its metadata.yaml lists the files)", async () => {
    const report = (await inspectPath(join(FIXTURES, "rosbag2/wbag"))) as RecordingReport;
    expect(report.kind).toBe("bag");
    expect(report.files).toHaveLength(5);
    expect(report.messageCount).toBe(6074); // metadata.yaml's message_count
    expect(report.topics.map((t) => t.topic).sort()).toEqual(["AAA", "BBB", "CCC", "DDD", "EEE", "FFF", "GGG", "HHH"]);
    expect(report.topics.find((t) => t.topic === "AAA")!.messageCount).toBe(804);
    const viaFile = (await inspectPath(join(FIXTURES, "rosbag2/wbag/metadata.yaml"))) as RecordingReport;
    expect(viaFile.messageCount).toBe(6074);
  });

  it("reads cdr_test as a bag folder", async () => {
    const report = (await inspectPath(join(FIXTURES, "rosbag2/cdr_test"))) as RecordingReport;
    expect(report.kind).toBe("bag");
    expect(report.topics.length).toBe(2);
  });

  it("scans the truncated file and says it is truncated", async () => {
    const report = (await inspectPath(join(FIXTURES, "truncated/test_sample_truncated.mcap"))) as RecordingReport;
    const full = (await inspectPath(join(FIXTURES, "truncated/test_sample.mcap"))) as RecordingReport;
    expect(report.health).toBe("truncated");
    expect(report.files[0]!.indexed).toBe(false);
    expect(report.files[0]!.healthDetail.join("\n")).toMatch(/scanning/);
    expect(full.health).toBe("ok");
    expect(report.messageCount).toBe(full.messageCount);
    const text = await cli(["info", join(FIXTURES, "truncated/test_sample_truncated.mcap")]);
    expect(text.code).toBe(0);
    expect(text.out).toMatch(/health\s+truncated/);
    expect(text.out).toMatch(/teledemo recover/);
  });

  it("recovers the truncated file into a valid indexed copy, leaving the original alone", async () => {
    const input = join(tmp.dir, "cut.mcap");
    copyFileSync(join(FIXTURES, "truncated/test_sample_truncated.mcap"), input);
    const result = await cli(["recover", input]);
    expect(result.code, result.err).toBe(0);
    expect(result.out).toMatch(/lost\s+58 bytes/);
    await withIndexedReader(join(tmp.dir, "cut.recovered.mcap"), async (reader) => {
      expect(reader.statistics!.messageCount).toBe(14n);
      expect(reader.header.profile).toBe("ros2");
      const names: string[] = [];
      for await (const m of reader.readMetadata()) names.push(m.name);
      expect(names).toContain("teledemo.recovery");
      expect(names).toContain("rosbag2");
    });
    const again = await cli(["recover", input]);
    expect(again.code).toBe(1);
    expect(again.err).toMatch(/already exists/);
    const report = await recoverMcap(join(FIXTURES, "truncated/test_sample.mcap"), { out: join(tmp.dir, "whole.mcap") });
    expect(report.inputWasComplete).toBe(true);
  });
});

describe("bad input", () => {
  it("a file that is not MCAP: clear error naming the file, exit 1, no stack trace", async () => {
    const bad = join(tmp.dir, "garbage.mcap");
    writeFileSync(bad, Buffer.from("this is not an mcap file at all, just text\n".repeat(20)));
    for (const cmd of ["info", "recover"]) {
      const r = await cli([cmd, bad]);
      expect(r.code).toBe(1);
      expect(r.err).toContain(bad);
      expect(r.err).toMatch(/not an MCAP file/);
      expect(r.err).not.toMatch(/\n\s+at /);
    }
  });

  it("a corrupt chunk is dropped and reported, the rest is kept", async () => {
    const { readFileSync } = await import("node:fs");
    const bytes = Buffer.from(readFileSync(join(FIXTURES, "rosbag2/base_msgs_0.mcap")));
    // flip bytes in the middle of the data section (inside a chunk or message)
    for (let i = 600; i < 640; i++) bytes[i] = bytes[i]! ^ 0xff;
    const path = join(tmp.dir, "corrupt.mcap");
    writeFileSync(path, bytes);
    const r = await cli(["info", path]);
    expect(r.err).not.toMatch(/\n\s+at /);
    expect([0, 1]).toContain(r.code);
  });

  it("info --verify finds a chunk that fails its CRC; recover keeps every other chunk", async () => {
    const { McapStorage } = await import("../../recorder/storage/mcap-storage.ts");
    const { readFileSync } = await import("node:fs");
    const path = join(tmp.dir, "rot.mcap");
    const storage = await McapStorage.open(path, { compression: "none", library: "t", chunkSize: 64 * 1024 });
    storage.createTopic({ name: "/a", type: "std_msgs/msg/String", schemaText: "string data\n", offeredQos: [] });
    for (let i = 0; i < 400; i++) storage.write("/a", new Uint8Array(1000).fill(i & 0xff), BigInt(i), BigInt(i));
    await storage.close();
    const bytes = Buffer.from(readFileSync(path));
    const at = Math.floor(bytes.length / 2);
    for (let i = at; i < at + 16; i++) bytes[i] = bytes[i]! ^ 0x55; // bit rot inside a chunk's messages
    const rot = join(tmp.dir, "rotten.mcap");
    writeFileSync(rot, bytes);
    expect(((await inspectPath(rot)) as RecordingReport).health).toBe("ok"); // the summary cannot know
    const verified = (await inspectPath(rot, { verify: true })) as RecordingReport;
    expect(verified.health).toBe("corrupt");
    expect(verified.files[0]!.healthDetail.join("\n")).toMatch(/CRC mismatch/);
    const text = await cli(["info", "--verify", rot]);
    expect(text.out).toMatch(/health\s+corrupt/);
    const report = await recoverMcap(rot);
    expect(report.droppedChunks).toHaveLength(1);
    expect(report.messages).toBeGreaterThan(300);
    expect(report.messages).toBeLessThan(400);
    await withIndexedReader(report.output, async (reader) => expect(reader.statistics!.messageCount).toBe(BigInt(report.messages)));
  });

  it("missing paths and wrong usage", async () => {
    expect((await cli(["info", join(tmp.dir, "nope")])).err).toMatch(/no such file/);
    expect((await cli(["info"])).code).toBe(2);
    expect((await cli(["recover"])).code).toBe(2);
    expect((await cli(["record", "--compression", "lz5"])).code).toBe(2);
    expect((await cli(["record", "--source", "bridge"])).code).toBe(2);
  });
});
