// Suggestions for annotators: contact events and phase proposals detected on an aligned episode
// (corrected time), in the viewer API's shape. Ids are stable for a given episode and detector
// version (type, target and time), so an accepted or rejected suggestion stays recognised when
// the suggestions are recomputed.
import { createHash } from "node:crypto";
import type { AlignedEpisode } from "../aligned/api.ts";
import { detectContacts, type DetectedEvent } from "./contacts.ts";
import { proposePhases, type DetectedPhase } from "./phases.ts";
import { collectSeries, type DetectionSeries } from "./series.ts";

export { collectSeries } from "./series.ts";
export { detectContacts } from "./contacts.ts";
export { proposePhases } from "./phases.ts";

export const DETECTOR_VERSION = "1";

export interface EventSuggestionOut {
  id: string;
  type: DetectedEvent["type"];
  target: string;
  tNs: string;
  confidence: number;
}

export interface PhaseSuggestionOut {
  id: string;
  type: string;
  startNs: string;
  endNs: string;
  confidence: number;
}

export interface SuggestionsOut {
  events: EventSuggestionOut[];
  phases: PhaseSuggestionOut[];
}

function ns(t0: bigint, seconds: number): bigint {
  return t0 + BigInt(Math.round(seconds * 1e9));
}

function suggestionId(kind: string, ...parts: string[]): string {
  return `s${DETECTOR_VERSION}-${kind}-${createHash("sha1").update(parts.join("|")).digest("hex").slice(0, 12)}`;
}

const round3 = (x: number) => Math.round(x * 1000) / 1000;

export function suggestionsFromSeries(series: DetectionSeries): SuggestionsOut & { detected: { events: DetectedEvent[]; phases: DetectedPhase[] } } {
  const { intervals, events } = detectContacts(series.tactile, series.wrench);
  const phases = proposePhases(series.joints, intervals);
  const t0 = series.t0Ns;
  return {
    events: events.map((e) => {
      const tNs = ns(t0, e.t).toString();
      // id from the millisecond the event fell in: small numeric changes do not rename it
      return { id: suggestionId(e.type, e.type, e.target, String(Math.round(e.t * 1000))), type: e.type, target: e.target, tNs, confidence: round3(e.confidence) };
    }),
    phases: phases.map((p, i) => ({
      id: suggestionId("phase", p.type, String(i), String(Math.round(p.start * 1000))),
      type: p.type,
      startNs: ns(t0, p.start).toString(),
      endNs: ns(t0, p.end).toString(),
      confidence: round3(p.confidence),
    })),
    detected: { events, phases },
  };
}

/** Every suggestion for an episode: one pass over its tactile, wrench and joint-state messages. */
export async function detectSuggestions(episode: AlignedEpisode): Promise<SuggestionsOut> {
  const series = await collectSeries(episode);
  const { events, phases } = suggestionsFromSeries(series);
  return { events, phases };
}
