// Mapping files: which recorded stream becomes which dataset feature. YAML, validated here (the
// edge) with zod; built-in mappings live in export/mappings/<rig profile>.yaml and are picked from
// the episode's rig_profile, `--mapping FILE` overrides. Format documented in export/mappings/README.md.
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parse as parseYaml } from "yaml";
import { z } from "zod";

export const MAPPINGS_DIR = resolve(dirname(fileURLToPath(import.meta.url)), "mappings");

/** A field path into a decoded message ("position", "wrench.force.x", "float64_values"). */
const fieldPath = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$/, "a field name or dotted path");

const numericSource = z
  .object({
    topic: z.string().min(1),
    /**
     * Field(s) concatenated in order. interpolate mode: fields of the reader's interpolated value
     * (JointState position/velocity/effort, Wrench force/torque, Imu orientation/angular_velocity/
     * linear_acceleration, TactileArray pressure/shear_x/shear_y). nearest mode: paths into the
     * decoded message.
     */
    field: z.union([fieldPath, z.array(fieldPath).min(1)]),
    /** Pick these elements by name (JointState joint names), in this order. */
    select: z.array(z.string().min(1)).min(1).optional(),
  })
  .strict();

const numericFeature = z
  .object({
    kind: z.literal("numeric").default("numeric"),
    dtype: z.enum(["float32", "float64"]).default("float32"),
    /** interpolate: linear (slerp for quaternions) between the samples around each grid time; nearest: the reader's sample. */
    mode: z.enum(["interpolate", "nearest"]).default("interpolate"),
    /** Beyond this a grid frame is stale (flag/drop policy). Default: the reader's (1.5 × stream period). */
    tolerance_ms: z.number().positive().max(60_000).optional(),
    sources: z.array(numericSource).min(1),
    /** Element names (default: the selected joint names, else none). */
    names: z.array(z.string()).optional(),
    /** Per-frame shape (default [D]); its product must equal the element count. */
    shape: z.array(z.number().int().positive()).min(1).max(4).optional(),
    /** Optional features are left out when an episode lacks the topic; required ones fail the episode. */
    required: z.boolean().default(true),
  })
  .strict();

const videoFeature = z
  .object({
    kind: z.literal("video"),
    topic: z.string().min(1),
    /** rgb: rgb8/bgr8/rgba8/bgra8/mono8 images as rgb24; depth: 16UC1 (mm) as uint16. */
    pixel: z.enum(["rgb", "depth"]).default("rgb"),
    tolerance_ms: z.number().positive().max(60_000).optional(),
    required: z.boolean().default(true),
  })
  .strict();

const featureKey = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z0-9_]+)*$/, "a dotted feature key like observation.state");

export const mappingFileSchema = z
  .object({
    /** Mapping name (shown in reports). */
    name: z.string().min(1),
    description: z.string().optional(),
    /** Rig profiles this mapping is the default for. */
    rig_profiles: z.array(z.string()).default([]),
    /**
     * Task (language instruction) for recordings that carry none (rosbag2 bags teledemo did not
     * record); a recorded task or a labels instruction takes precedence.
     */
    task: z.string().min(1).optional(),
    features: z.record(featureKey, z.union([videoFeature, numericFeature])),
  })
  .strict()
  .superRefine((m, ctx) => {
    if (!("observation.state" in m.features)) ctx.addIssue({ code: "custom", message: "a mapping needs an observation.state feature", path: ["features"] });
    for (const [key, f] of Object.entries(m.features)) {
      if (f.kind === "video" && !key.startsWith("observation.images.")) ctx.addIssue({ code: "custom", message: `video feature ${key} must be named observation.images.<camera>`, path: ["features", key] });
      if (f.kind !== "video" && key.startsWith("observation.images.")) ctx.addIssue({ code: "custom", message: `${key} is an image key: give it kind: video`, path: ["features", key] });
      if (f.kind === "numeric" && f.names && f.shape && f.shape.length === 1 && f.names.length !== f.shape[0])
        ctx.addIssue({ code: "custom", message: `${key}: ${f.names.length} names for shape [${f.shape.join(", ")}]`, path: ["features", key, "names"] });
    }
  });

export type MappingFile = z.infer<typeof mappingFileSchema>;
export type NumericFeatureSpec = z.infer<typeof numericFeature>;
export type VideoFeatureSpec = z.infer<typeof videoFeature>;
export type FeatureSpec = NumericFeatureSpec | VideoFeatureSpec;

export class MappingError extends Error {}

export function parseMapping(text: string, source: string): MappingFile {
  let raw: unknown;
  try {
    raw = parseYaml(text);
  } catch (err) {
    throw new MappingError(`${source}: not valid YAML: ${(err as Error).message}`);
  }
  const parsed = mappingFileSchema.safeParse(raw);
  if (!parsed.success) {
    throw new MappingError(`${source}: not a valid export mapping: ${parsed.error.issues.map((i) => `${i.path.join(".") || "(top)"}: ${i.message}`).join("; ")}`);
  }
  return parsed.data;
}

export function loadMapping(path: string): MappingFile {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (err) {
    throw new MappingError(`cannot read mapping ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  return parseMapping(text, path);
}

/** The built-in mapping for a rig profile, or undefined. */
export function builtinMappingFor(rigProfile: string): { path: string; mapping: MappingFile } | undefined {
  for (const file of readdirSync(MAPPINGS_DIR).filter((f) => f.endsWith(".yaml")).sort()) {
    const path = join(MAPPINGS_DIR, file);
    const mapping = loadMapping(path);
    if (mapping.rig_profiles.includes(rigProfile)) return { path, mapping };
  }
  const direct = join(MAPPINGS_DIR, `${rigProfile}.yaml`);
  return existsSync(direct) ? { path: direct, mapping: loadMapping(direct) } : undefined;
}

export function sourceFields(source: z.infer<typeof numericSource>): string[] {
  return typeof source.field === "string" ? [source.field] : source.field;
}

/** Every topic a mapping reads. */
export function mappingTopics(mapping: MappingFile): string[] {
  const topics = new Set<string>();
  for (const f of Object.values(mapping.features)) {
    if (f.kind === "video") topics.add(f.topic);
    else for (const s of f.sources) topics.add(s.topic);
  }
  return [...topics];
}
