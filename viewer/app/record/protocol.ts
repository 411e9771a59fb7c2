// The recorder's ws control protocol as the browser sees it (recorder/control/ws-control.ts):
// requests {id, action}; replies {id, ok, state, episode, elapsedS, health, error?}; broadcasts
// {event, state, episode, elapsedS, health}. Everything received is validated here before the
// page shows it; unknown event kinds and extra fields pass through untouched.
import { z } from "zod";

export const RECORD_ACTIONS = ["start", "stop", "discard", "mark_success", "mark_failure", "pause", "resume", "shutdown", "status"] as const;
export type RecordAction = (typeof RECORD_ACTIONS)[number];

export const CONTROLLER_STATES = ["waiting", "recording", "paused", "closing", "resetting", "stopped"] as const;

const latency = z.object({ p50: z.number(), p95: z.number(), p99: z.number(), max: z.number() });

export const streamHealthSchema = z.object({
  topic: z.string(),
  expectedHz: z.number().nullish(),
  rateHz: z.number(),
  messages: z.number(),
  gaps: z.number(),
  latencyMs: latency.nullish(),
  status: z.string(),
});
export type StreamHealth = z.infer<typeof streamHealthSchema>;

const common = {
  state: z.string().optional(),
  episode: z.number().optional(),
  elapsedS: z.number().nullish(),
  health: z.array(streamHealthSchema).nullish(),
};

export const replySchema = z.object({ id: z.unknown().optional(), ok: z.boolean(), error: z.string().optional(), ...common });
export type Reply = z.infer<typeof replySchema>;

export const eventSchema = z.looseObject({ kind: z.string(), index: z.number().optional(), id: z.string().optional(), outcome: z.string().optional(), reason: z.string().optional(), error: z.string().optional(), seconds: z.number().optional(), path: z.string().optional() });
export type RecordEvent = z.infer<typeof eventSchema>;

export const broadcastSchema = z.object({ event: eventSchema, ...common });
export type Broadcast = z.infer<typeof broadcastSchema>;

export type Incoming = { type: "reply"; reply: Reply } | { type: "broadcast"; broadcast: Broadcast } | { type: "invalid"; error: string };

export function parseIncoming(text: string): Incoming {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return { type: "invalid", error: "the recorder sent something that is not JSON" };
  }
  const b = broadcastSchema.safeParse(raw);
  if (b.success) return { type: "broadcast", broadcast: b.data };
  const r = replySchema.safeParse(raw);
  if (r.success) return { type: "reply", reply: r.data };
  return { type: "invalid", error: `unexpected message from the recorder: ${r.error.issues[0]?.message ?? "invalid"}` };
}

/**
 * Which buttons make sense in a state (the recorder ignores the rest anyway). While resetting
 * between episodes, "start" begins the next episode now instead of waiting out --reset-time.
 */
export function actionsFor(state: string): Set<RecordAction> {
  switch (state) {
    case "waiting":
    case "resetting":
      return new Set(["start", "shutdown"]);
    case "recording":
      return new Set(["stop", "discard", "mark_success", "mark_failure", "pause", "shutdown"]);
    case "paused":
      return new Set(["resume", "stop", "discard", "mark_success", "mark_failure", "shutdown"]);
    default:
      return new Set();
  }
}

/** One line describing an event for the page's log. */
export function describeEvent(e: RecordEvent): string {
  const n = e.index !== undefined ? ` #${e.index}` : "";
  switch (e.kind) {
    case "episode_started":
      return `episode${n} started${e.id ? ` (${e.id})` : ""}`;
    case "episode_closed":
      return `episode${n} saved${e.id ? ` (${e.id})` : ""}${e.outcome ? `, outcome ${e.outcome}` : ""}`;
    case "episode_discarded":
      return `episode${n} discarded${e.reason ? `: ${e.reason}` : ""}`;
    case "reset":
      return `reset: ${e.seconds ?? "?"} s before the next episode`;
    case "paused":
    case "resumed":
      return `episode${n} ${e.kind}`;
    case "outcome":
      return `episode${n} marked ${e.outcome ?? "?"}`;
    case "stopped":
      return `recorder stopped${e.reason ? `: ${e.reason}` : ""}${e.error ? ` (${e.error})` : ""}`;
    default:
      return e.kind;
  }
}
