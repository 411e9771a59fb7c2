// Cost of ClockModelEstimator.add() on a 1 kHz stream (a script, not a timed test):
//   node launch/bin/run-ts.js tests/sync/clock-speed.ts
import { ClockModelEstimator } from "../../nodes/sync/clock/estimator.ts";
import { generateStream } from "./synthetic.ts";

const samples = generateStream({
  rateHz: 1000,
  durationS: 600,
  offsetNs: 30e6,
  driftPpm: 100,
  minLatencyNs: 400e3,
  latencyMeanNs: 2e6,
  spikeProbability: 0.05,
  spikeMaxNs: 50e6,
  periodJitterNs: 50e3,
  seed: 1,
});
const stamps = samples.map((s) => s.stamp);
const receives = samples.map((s) => s.receive);

function once(): { nsPerAdd: number; est: ClockModelEstimator } {
  const est = new ClockModelEstimator();
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < stamps.length; i++) est.add(stamps[i]!, receives[i]!);
  const t1 = process.hrtime.bigint();
  return { nsPerAdd: Number(t1 - t0) / stamps.length, est };
}

once(); // warm up the JIT
const runs = [once(), once(), once()];
const best = Math.min(...runs.map((r) => r.nsPerAdd));
const stats = runs[0]!.est.stats();
console.log(`ClockModelEstimator.add(): ${best.toFixed(0)} ns per sample (best of 3, ${stamps.length} samples at 1 kHz; ${stats.hullVertices} hull vertices at the end)`);
console.log(`  all runs: ${runs.map((r) => r.nsPerAdd.toFixed(0)).join(", ")} ns`);
