// npm run bench:detect — contact detection against the simulator's ground truth on 20 simulated
// episodes (small profile, seeds 101–120, 18 s each so every demo is recorded whole; recorded
// once through the real CLI and cached under tmp/test-episodes).
//
// Detection runs exactly as the viewer runs it: the aligned reader's corrected time, then
// recorder/detect. A detected event matches a true one of the same kind on the same pad within
// 50 ms (one-to-one). Events the recording cut off (within 100 ms of its ends) are not scored.
// Prints F1 and the onset-error p95 overall and per kind, against the goals F1 ≥ 0.95 and
// p95 ≤ 10 ms, plus the detector's time per episode as a multiple of the time to read the same
// messages without detecting (the baseline, measured in the same run).
import { openAlignedEpisode } from "../../recorder/aligned/reader.ts";
import { collectSeries } from "../../recorder/detect/series.ts";
import { suggestionsFromSeries } from "../../recorder/detect/index.ts";
import { simEpisode } from "../support/sim-episode.ts";
import { emptyScore, f1, percentile, readTruth, scoreEpisode } from "../detect/truth.ts";

const EPISODES = Number(process.env.DETECT_EPISODES ?? 20);
const FIRST_SEED = 101;
const SECONDS = 18;
const MARGIN_NS = 100_000_000n;

async function main(): Promise<void> {
  console.log(`bench:detect — ${EPISODES} simulated episodes (small profile, seeds ${FIRST_SEED}–${FIRST_SEED + EPISODES - 1}, ${SECONDS} s)`);
  const dirs: string[] = [];
  for (let i = 0; i < EPISODES; i++) {
    dirs.push(await simEpisode({ profile: "small", seconds: SECONDS, seed: FIRST_SEED + i }));
    process.stdout.write(`\rrecorded/cached ${i + 1}/${EPISODES}`);
  }
  process.stdout.write("\n");

  const score = emptyScore();
  let readMs = 0;
  let detectMs = 0;
  for (const dir of dirs) {
    const ep = await openAlignedEpisode(dir);
    try {
      const t0 = performance.now();
      const series = await collectSeries(ep);
      const t1 = performance.now();
      const s = suggestionsFromSeries(series);
      const t2 = performance.now();
      readMs += t1 - t0;
      detectMs += t2 - t1;
      const truth = await readTruth(dir);
      const detected = s.events.map((e) => ({ type: e.type, target: e.target, tNs: BigInt(e.tNs) }));
      scoreEpisode(score, detected, truth.events, ep.startNs + MARGIN_NS, ep.endNs - MARGIN_NS);
    } finally {
      await ep.close();
    }
  }

  const line = (name: string, k: { truth: number; detected: number; matched: number; errorsMs: number[] }) =>
    `${name.padEnd(8)} truth ${String(k.truth).padStart(4)}  detected ${String(k.detected).padStart(4)}  matched ${String(k.matched).padStart(4)}  F1 ${f1(k).toFixed(3)}  error p50 ${percentile(k.errorsMs, 50).toFixed(1).padStart(5)} ms  p95 ${percentile(k.errorsMs, 95).toFixed(1).padStart(5)} ms`;
  console.log("");
  for (const kind of ["onset", "release", "slip"]) {
    const k = score.byKind[kind];
    if (k) console.log(line(kind, k));
  }
  console.log(line("all", score.all));
  const onset = score.byKind.onset;
  const onsetP95 = onset ? percentile(onset.errorsMs, 95) : NaN;
  const allF1 = f1(score.all);
  console.log("");
  console.log(`F1 (all kinds)   ${allF1.toFixed(3)}   goal ≥ 0.95   ${allF1 >= 0.95 ? "met" : "NOT met"}`);
  console.log(`onset error p95  ${onsetP95.toFixed(1)} ms   goal ≤ 10 ms   ${onsetP95 <= 10 ? "met" : "NOT met"}`);
  console.log(`time: reading the signals ${(readMs / dirs.length).toFixed(0)} ms/episode (baseline), detection ${(detectMs / dirs.length).toFixed(1)} ms/episode = ${(detectMs / readMs).toFixed(3)}× the baseline`);
}

await main();
