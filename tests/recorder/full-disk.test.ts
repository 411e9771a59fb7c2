// A disk that really fills while recording: the recorder (a real child process) writes into a
// 16 MB tmpfs. Where mounting is not permitted (not root, no CAP_SYS_ADMIN), an OS file-size
// limit (`ulimit -f`, which makes write() fail with EFBIG) plays the full disk instead.
// Either way: a clear error naming the file, exit code 1, no stack trace, a valid indexed file
// holding everything written up to the failure, and a sidecar flagged write_error.
import { execFileSync, spawn } from "node:child_process";
import { mkdirSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createCodec, createDefaultRegistry } from "../../nodes/messages/index.ts";
import { readSidecar } from "../../recorder/episode/layout.ts";
import { CLI, type RunResult } from "../support/cli-child.ts";
import { tempDir, withIndexedReader } from "./support.ts";

const CAPACITY = 16 * 1024 * 1024;
const tmp = tempDir("teledemo-full-disk-");
const mountPoint = join(tmp.dir, "disk");
let mounted = false;

beforeAll(() => {
  mkdirSync(mountPoint);
  // TELEDEMO_FULL_DISK=ulimit exercises the fallback on a machine that could mount
  if (process.env.TELEDEMO_FULL_DISK === "ulimit") return;
  try {
    execFileSync("mount", ["-t", "tmpfs", "-o", `size=${CAPACITY}`, "tmpfs", mountPoint], { stdio: "ignore" });
    mounted = true;
  } catch {
    mounted = false; // fall back to the file-size limit
  }
});

afterAll(() => {
  if (mounted) execFileSync("umount", [mountPoint], { stdio: "ignore" });
  tmp.cleanup();
});

function record(library: string): Promise<RunResult> {
  const args = ["record", "--profile", "small", "--speed", "max", "--runtime", "local", "--episodes", "1", "--episode-time", "30", "--chunk-size", "1MB", "--min-free", "1MB", "--out", library];
  const quoted = [process.execPath, CLI, ...args].map((a) => `'${a.replace(/'/g, "'\\''")}'`).join(" ");
  // bash's ulimit -f counts 1024-byte blocks; harmless (far above the tmpfs size) when mounted
  const limitKb = mounted ? 1_000_000 : CAPACITY / 1024;
  return new Promise((resolve, reject) => {
    const child = spawn("bash", ["-c", `ulimit -f ${limitKb}; exec ${quoted}`], { stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill("SIGKILL"), 120_000);
    child.on("error", reject);
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

describe("recording onto a disk that fills", () => {
  it("stops with a clear error and leaves a valid file with everything written before", async () => {
    const library = join(mountPoint, "lib");
    const r = await record(library);
    expect(r.signal).toBeNull();
    expect(r.code, r.stderr).toBe(1);
    const [id] = readdirSync(library);
    const file = join(library, id!, "episode.mcap");
    // the error says what happened and to which file, without a stack trace
    expect(r.stderr).toMatch(mounted ? /recording stopped: ENOSPC: no space left on device/ : /recording stopped: EFBIG: file too large/);
    expect(r.stderr).toContain(file);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    const sidecar = readSidecar(join(library, id!));
    expect(sidecar.flags).toContain("write_error");

    // valid and indexed: every message is reachable through the index and decodes
    const registry = createDefaultRegistry();
    const codec = createCodec(registry);
    let messages = 0;
    let firstNs: bigint | undefined;
    let lastNs = 0n;
    const perTopic = new Map<string, bigint[]>();
    await withIndexedReader(file, async (reader) => {
      const channels = reader.channelsById;
      for await (const m of reader.readMessages()) {
        messages++;
        const ch = channels.get(m.channelId)!;
        const schema = reader.schemasById.get(ch.schemaId)!;
        if (ch.messageEncoding === "cdr") expect(() => codec.decode(schema.name, m.data)).not.toThrow();
        firstNs ??= m.logTime;
        lastNs = m.logTime;
        let times = perTopic.get(ch.topic);
        if (times === undefined) perTopic.set(ch.topic, (times = []));
        times.push(m.logTime);
      }
      expect(reader.statistics?.messageCount).toBe(BigInt(messages));
    });
    // Nothing written before the failure is lost: the file holds data up to the disk's size, less
    // at most the chunk being written when it filled (1 MB) and the summary.
    const size = statSync(file).size;
    expect(size).toBeGreaterThan(CAPACITY - 2.5 * 1024 * 1024);
    expect(size).toBeLessThanOrEqual(CAPACITY);
    expect(Number(lastNs - firstNs!) / 1e9).toBeGreaterThan(2);
    // ...and without holes: the 200 Hz force-torque stream has no interval over 3 periods
    const ft = perTopic.get("/left_wrist/ft")!;
    expect(ft.length).toBeGreaterThan(400);
    let worst = 0n;
    for (let i = 1; i < ft.length; i++) if (ft[i]! - ft[i - 1]! > worst) worst = ft[i]! - ft[i - 1]!;
    expect(Number(worst) / 1e6).toBeLessThan(15);
  }, 150_000);
});
