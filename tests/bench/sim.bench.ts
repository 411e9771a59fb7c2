// bench:sim — how many times faster than real time the simulated reference rig generates its
// streams on one core (Node runs our code on one thread), every message serialized to CDR and
// delivered to a raw subscriber as a recorder would receive it. Goal: ≥ 2×.
// Baseline measured in the same run: copying the same number of bytes with memcpy, to show how
// far generation is from the cost of merely moving the data.
import { createSimRig } from "../../nodes/sim/index.ts";
import { resolveProfile } from "../../launch/cli/profile-arg.ts";
import { openRuntime } from "../../launch/cli/runtime-arg.ts";

const profileName = process.argv[2] ?? "reference";
const simSeconds = Number(process.argv[3] ?? 10);

async function main(): Promise<void> {
  const profile = resolveProfile(profileName);
  const quiet = { stdout: () => {}, stderr: (t: string) => process.stderr.write(t), isTty: false };
  const { runtime, codec } = await openRuntime("local", quiet);
  const rig = createSimRig(runtime, { profile, seed: 1, speed: "max", encoder: codec, durationS: simSeconds, epochNs: 1_767_225_600_000_000_000n });
  const sink = runtime.createNode("bench_sink", "", { parameterOverrides: { use_sim_time: true } });
  let bytes = 0;
  let messages = 0;
  for (const s of profile.streams) {
    sink.createSubscription(s.type, s.topic, { isRaw: true, qos: { depth: 1000, reliability: "best_effort", durability: s.qos.durability } }, (b: Uint8Array) => {
      bytes += b.byteLength;
      messages++;
    });
  }
  runtime.spin();
  const summary = await rig.run();
  await new Promise((r) => setTimeout(r, 20));
  await runtime.shutdown();

  const copyWall = memcpyBaseline(bytes);
  const mbPerSimS = bytes / summary.simulatedS / 1e6;
  console.log(`bench:sim profile=${profile.name} simulated=${summary.simulatedS.toFixed(1)} s wall=${summary.wallS.toFixed(2)} s`);
  console.log(`  delivered ${messages} messages, ${(bytes / 1e6).toFixed(1)} MB (${mbPerSimS.toFixed(1)} MB per simulated second)`);
  console.log(`  generation speed: ${summary.realtimeFactor.toFixed(2)}× real time on one core (goal ≥ 2×)`);
  console.log(`  baseline memcpy of the same bytes: ${copyWall.toFixed(3)} s → generation costs ${(summary.wallS / copyWall).toFixed(1)}× a plain copy`);
  const slowest = [...summary.streams].sort((a, b) => b.bytes - a.bytes).slice(0, 3);
  console.log(`  largest streams: ${slowest.map((s) => `${s.topic} ${(s.bytes / summary.simulatedS / 1e6).toFixed(1)} MB/s`).join(", ")}`);
  if (summary.realtimeFactor < 2) process.exitCode = 1;
}

function memcpyBaseline(totalBytes: number): number {
  const chunk = 921_600;
  const src = new Uint8Array(chunk).fill(7);
  const dst = new Uint8Array(chunk);
  const start = process.hrtime.bigint();
  for (let copied = 0; copied < totalBytes; copied += chunk) dst.set(src);
  return Number(process.hrtime.bigint() - start) / 1e9;
}

await main();
