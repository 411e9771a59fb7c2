// bench:sim — how many times faster than real time the simulated reference rig generates its
// streams on one core (Node runs our code on one thread), every message serialized to CDR and
// delivered to a raw subscriber as a recorder would receive it. Goal: ≥ 2×.
// The machine is often shared, so both are printed: wall time, and the process's CPU time
// (process.cpuUsage: what one core spends, whatever else runs). A 1 s warm-up run first lets the
// JIT settle. Baselines measured in the same run: copying the same number of bytes with memcpy,
// and a fixed pure-JS arithmetic workload (its CPU/wall ratio shows how contended the core is).
import { createSimRig } from "../../nodes/sim/index.ts";
import { resolveProfile } from "../../launch/cli/profile-arg.ts";
import { openRuntime } from "../../launch/cli/runtime-arg.ts";

const profileName = process.argv[2] ?? "reference";
const simSeconds = Number(process.argv[3] ?? 10);

async function main(): Promise<void> {
  await generate(1); // warm-up
  const cpu0 = process.cpuUsage();
  const { summary, bytes, messages, profile } = await generate(simSeconds);
  const cpu = process.cpuUsage(cpu0);
  const cpuS = (cpu.user + cpu.system) / 1e6;
  const cpuFactor = summary.simulatedS / cpuS;

  const copyWall = memcpyBaseline(bytes);
  const calib = arithmeticBaseline();
  const mbPerSimS = bytes / summary.simulatedS / 1e6;
  console.log(`bench:sim profile=${profile.name} simulated=${summary.simulatedS.toFixed(1)} s wall=${summary.wallS.toFixed(2)} s cpu=${cpuS.toFixed(2)} s`);
  console.log(`  delivered ${messages} messages, ${(bytes / 1e6).toFixed(1)} MB (${mbPerSimS.toFixed(1)} MB per simulated second)`);
  console.log(`  generation speed: ${cpuFactor.toFixed(2)}× real time per CPU second of one core (goal ≥ 2×); ${summary.realtimeFactor.toFixed(2)}× by wall time`);
  console.log(`  baseline memcpy of the same bytes: ${copyWall.toFixed(3)} s → generation costs ${(summary.wallS / copyWall).toFixed(1)}× a plain copy`);
  console.log(`  baseline arithmetic loop: ${calib.cpuMs.toFixed(0)} ms CPU in ${calib.wallMs.toFixed(0)} ms wall (wall/CPU ${(calib.wallMs / calib.cpuMs).toFixed(2)}: above 1 the core is shared)`);
  const slowest = [...summary.streams].sort((a, b) => b.bytes - a.bytes).slice(0, 3);
  console.log(`  largest streams: ${slowest.map((s) => `${s.topic} ${(s.bytes / summary.simulatedS / 1e6).toFixed(1)} MB/s`).join(", ")}`);
  if (cpuFactor < 2) process.exitCode = 1;
}

async function generate(seconds: number) {
  const profile = resolveProfile(profileName);
  const quiet = { stdout: () => {}, stderr: (t: string) => process.stderr.write(t), isTty: false };
  const { runtime, codec } = await openRuntime("local", quiet);
  const rig = createSimRig(runtime, { profile, seed: 1, speed: "max", encoder: codec, durationS: seconds, epochNs: 1_767_225_600_000_000_000n });
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
  return { summary, bytes, messages, profile };
}

/** A fixed float workload (~0.3 s on an idle core): the same work every run. */
function arithmeticBaseline(): { cpuMs: number; wallMs: number } {
  const a = new Float64Array(1 << 16);
  const cpu0 = process.cpuUsage();
  const wall0 = process.hrtime.bigint();
  let sum = 0;
  for (let r = 0; r < 2000; r++) for (let i = 0; i < a.length; i++) sum += a[i] = a[i]! * 0.5 + i * 1e-3;
  const cpu = process.cpuUsage(cpu0);
  if (!(sum > 0)) throw new Error("baseline loop did not run");
  return { cpuMs: (cpu.user + cpu.system) / 1e3, wallMs: Number(process.hrtime.bigint() - wall0) / 1e6 };
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
