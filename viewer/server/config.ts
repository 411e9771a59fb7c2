// The labeling configuration the viewer hands the app (GET /api/config): phase types with hotkeys
// and colours, event types, contact targets, failure modes, extra hotkeys, snap distance.
// Layers, later wins key by key: the default file (launch/labeling.yaml) → `<library>/teledemo.yaml`
// (top level or under `labeling:`) → `--config FILE`. Every layer is zod-validated; an error
// names the file and the key.
import { existsSync, readFileSync } from "node:fs";
import { userInfo } from "node:os";
import { join } from "node:path";
import { parse as parseYaml } from "yaml";
import { z } from "zod";
import type { RigProfile } from "../../nodes/rig/profile.ts";
import { CONTACT_EVENT_TYPES, annotatorName } from "../../recorder/labels/schema.ts";
import type { ViewerConfig } from "../shared/http-api.ts";

export class ConfigError extends Error {}

const phaseType = z
  .object({
    name: z.string().min(1).max(64),
    hotkey: z.string().regex(/^[1-9]$/, "a digit 1-9"),
    color: z.string().regex(/^#[0-9a-fA-F]{6}$/, "a #rrggbb colour"),
  })
  .strict();

/** One layer: every key optional, unknown keys refused (a typo should not silently do nothing). */
const layer = z
  .object({
    phase_types: z.array(phaseType).min(1).max(9),
    event_types: z.array(z.enum(CONTACT_EVENT_TYPES)).min(1),
    event_targets: z.array(z.string().min(1).max(64)).min(1),
    targets_from_profile: z.string().min(1),
    failure_modes: z.array(z.string().min(1).max(64)).max(32),
    hotkeys: z.record(z.string().min(1).max(64), z.string().min(1).max(32)),
    snap_ms: z.number().nonnegative().max(10_000),
    annotator: z.union([z.literal(""), annotatorName]),
  })
  .partial()
  .strict();

export type ConfigLayer = z.infer<typeof layer>;

export const LIBRARY_CONFIG_FILE = "teledemo.yaml";

export function parseConfigLayer(text: string, source: string): ConfigLayer {
  let raw: unknown;
  try {
    raw = parseYaml(text);
  } catch (err) {
    throw new ConfigError(`${source}: not valid YAML: ${(err as Error).message}`);
  }
  if (raw === null || raw === undefined) return {};
  // A library's teledemo.yaml may hold other sections; the viewer reads `labeling:` when present.
  if (typeof raw === "object" && raw !== null && "labeling" in raw) raw = (raw as { labeling: unknown }).labeling ?? {};
  const parsed = layer.safeParse(raw);
  if (!parsed.success) {
    throw new ConfigError(`${source}: invalid labeling config: ${parsed.error.issues.map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`).join("; ")}`);
  }
  const hotkeys = parsed.data.phase_types?.map((p) => p.hotkey) ?? [];
  if (new Set(hotkeys).size !== hotkeys.length) throw new ConfigError(`${source}: phase_types: two phase types share a hotkey`);
  const names = parsed.data.phase_types?.map((p) => p.name) ?? [];
  if (new Set(names).size !== names.length) throw new ConfigError(`${source}: phase_types: a phase type is listed twice`);
  return parsed.data;
}

function readLayer(path: string): ConfigLayer {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (err) {
    throw new ConfigError(`${path}: cannot read: ${(err as Error).message}`);
  }
  return parseConfigLayer(text, path);
}

/** Contact targets of a rig: its tactile pads (stream source) and force-torque wrists (`<side>_wrist`). */
export function targetsFromProfile(profile: RigProfile): string[] {
  const out: string[] = [];
  for (const s of profile.streams) {
    if (s.kind === "tactile") out.push(s.source ?? s.frame_id ?? s.topic);
    else if (s.kind === "wrench") out.push(s.source ? `${s.source}_wrist` : wristOfTopic(s.topic));
  }
  return [...new Set(out)];
}

/** `/left_wrist/ft` → left_wrist; any other wrench topic → its path without slashes. */
export function wristOfTopic(topic: string): string {
  const parts = topic.split("/").filter((p) => p.length > 0);
  const wrist = parts.find((p) => p.endsWith("_wrist"));
  return wrist ?? parts.join("_");
}

const FALLBACK_TARGETS = ["left_gripper_left_pad", "left_gripper_right_pad", "right_gripper_left_pad", "right_gripper_right_pad", "left_wrist", "right_wrist"];

export interface LoadConfigOptions {
  /** The project default (launch/labeling.yaml). */
  defaultFile: string;
  /** The library folder: its teledemo.yaml, when present, overrides the default. */
  library?: string;
  /** `--config FILE`: overrides both. */
  file?: string;
  /** `--annotator NAME`. */
  annotator?: string;
  /** Resolves `targets_from_profile` (a built-in profile name or a path). */
  resolveProfile?: (name: string) => RigProfile;
}

export function loadViewerConfig(o: LoadConfigOptions): ViewerConfig {
  const layers: ConfigLayer[] = [readLayer(o.defaultFile)];
  if (o.library !== undefined) {
    const libFile = join(o.library, LIBRARY_CONFIG_FILE);
    if (existsSync(libFile)) layers.push(readLayer(libFile));
  }
  if (o.file !== undefined) layers.push(readLayer(o.file));
  const merged: ConfigLayer = Object.assign({}, ...layers) as ConfigLayer;
  // An explicit target list in a later layer beats a profile named in an earlier one, and vice versa.
  const lastTargets = [...layers].reverse().find((l) => l.event_targets !== undefined || l.targets_from_profile !== undefined);
  let eventTargets = FALLBACK_TARGETS;
  if (lastTargets?.event_targets) eventTargets = lastTargets.event_targets;
  else if (lastTargets?.targets_from_profile && o.resolveProfile) {
    try {
      const t = targetsFromProfile(o.resolveProfile(lastTargets.targets_from_profile));
      if (t.length > 0) eventTargets = t;
    } catch (err) {
      throw new ConfigError(`targets_from_profile: ${(err as Error).message}`);
    }
  }
  let annotator = o.annotator ?? (merged.annotator || undefined);
  if (annotator !== undefined) {
    const ok = annotatorName.safeParse(annotator);
    if (!ok.success) throw new ConfigError(`annotator ${JSON.stringify(annotator)}: ${ok.error.issues[0]?.message ?? "invalid"}`);
  } else annotator = osAnnotator();
  return {
    phaseTypes: merged.phase_types ?? [],
    eventTypes: merged.event_types ?? [...CONTACT_EVENT_TYPES],
    eventTargets,
    failureModes: merged.failure_modes ?? [],
    hotkeys: merged.hotkeys ?? {},
    annotator,
    snapMs: merged.snap_ms ?? 80,
  };
}

/** The OS user as a file-name-safe annotator name ("annotator" when there is none). */
function osAnnotator(): string {
  let name = "";
  try {
    name = userInfo().username;
  } catch {
    name = process.env.USER ?? "";
  }
  const safe = name.replace(/[^A-Za-z0-9_-]/g, "_").slice(0, 64);
  return safe.length > 0 ? safe : "annotator";
}
