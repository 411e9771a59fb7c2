// `teledemo agreement <episode>`: how well the annotators of an episode agree, pair by pair.
import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { parseCommandArgs } from "./args.ts";
import { type Command, UsageError } from "./command.ts";
import { renderTable } from "./table.ts";
import type { PairAgreement } from "../../recorder/labels/agreement.ts";
import { agreementFrameRate, agreementReport, DEFAULT_EVENT_TOLERANCE_NS } from "../../recorder/labels/agreement.ts";
import { readAllLabels } from "../../recorder/labels/store.ts";
import { Library } from "../../viewer/server/library.ts";
import { EpisodeService } from "../../viewer/server/episodes.ts";

const USAGE = `usage: teledemo agreement <episode> [--json]

Compares the labels of every pair of annotators of an episode (labels/<annotator>.json):
  phase-boundary MAE  mean |Δ| of the start and end of same-type phases matched one-to-one (ms)
  event F1            contact events of the same type and target matched within ${Number(DEFAULT_EVENT_TOLERANCE_NS) / 1e6} ms
  Cohen's κ           per-frame phase labels ("none" where unlabelled) at the pivot camera's rate
                      (30 Hz without cameras) over the episode's corrected timeline
A figure with nothing to compare is shown as "–" (null in JSON).
`;

function fmt(x: number | null, digits: number): string {
  return x === null ? "–" : x.toFixed(digits);
}

export const agreementCommand: Command = {
  name: "agreement",
  summary: "inter-annotator agreement on an episode: phase-boundary error, event F1, Cohen's κ",
  usage: USAGE,
  async run(argv, ctx) {
    const { values, positionals } = parseCommandArgs(argv, { json: { type: "boolean", default: false } }, true);
    if (positionals.length !== 1) throw new UsageError("give one episode (folder, bag or .mcap file)");
    const path = resolve(positionals[0]!);
    if (!existsSync(path)) throw new UsageError(`${positionals[0]}: no such file or directory`);
    const library = new Library(path);
    const episodes = library.list();
    if (!library.single || episodes.length !== 1) throw new UsageError(`${positionals[0]}: not one episode (found ${episodes.length}); give an episode folder, bag or .mcap file`);
    const episode = episodes[0]!;
    const { files, errors } = await readAllLabels(episode.labelsBase);
    for (const e of errors) ctx.stderr(`warning: ${e}\n`);
    const service = new EpisodeService(library);
    let detail;
    try {
      detail = await service.detail(episode);
    } finally {
      await service.close();
    }
    const streams = detail.streams.map((s) => ({ topic: s.topic, kind: s.kind, periodNs: s.periodNs === null ? undefined : BigInt(s.periodNs) }));
    const frameRateHz = agreementFrameRate(streams);
    const report = agreementReport(files, { startNs: BigInt(detail.startNs), endNs: BigInt(detail.endNs), frameRateHz });
    if (values.json) {
      ctx.stdout(`${JSON.stringify({ episode: episode.openPath, frameRateHz, toleranceMs: Number(DEFAULT_EVENT_TOLERANCE_NS) / 1e6, ...report, errors }, null, 2)}\n`);
      return errors.length > 0 ? 1 : 0;
    }
    ctx.stdout(`episode     ${episode.openPath}\n`);
    ctx.stdout(`annotators  ${report.annotators.length > 0 ? report.annotators.join(", ") : "none"}\n`);
    ctx.stdout(`κ grid      ${frameRateHz.toFixed(1)} Hz over ${((Number(BigInt(detail.endNs) - BigInt(detail.startNs))) / 1e9).toFixed(2)} s\n`);
    if (report.pairs.length === 0) {
      ctx.stdout(`\nnothing to compare: agreement needs labels from at least two annotators (found ${report.annotators.length})\n`);
      return errors.length > 0 ? 1 : 0;
    }
    ctx.stdout("\n");
    ctx.stdout(
      renderTable<PairAgreement>(report.pairs, [
        { title: "a", value: (p) => p.a },
        { title: "b", value: (p) => p.b },
        { title: "phase MAE ms", value: (p) => fmt(p.phaseBoundaryMaeMs, 1), align: "right" },
        { title: "phases", value: (p) => String(p.matchedPhases), align: "right" },
        { title: "event F1", value: (p) => fmt(p.eventF1, 3), align: "right" },
        { title: "events a/b/matched", value: (p) => `${p.eventsA}/${p.eventsB}/${p.matchedEvents}`, align: "right" },
        { title: "kappa", value: (p) => fmt(p.cohensKappa, 3), align: "right" },
        { title: "frames", value: (p) => String(p.frames), align: "right" },
      ]),
    );
    return errors.length > 0 ? 1 : 0;
  },
};
