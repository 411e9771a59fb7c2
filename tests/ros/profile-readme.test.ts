// launch/profiles/README.md documents the rig profile format; this keeps it honest: every key
// of the zod schema (nodes/rig/profile.ts) appears in the README's tables, and the README's
// real-robot example is a valid profile with no sim section.
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { z } from "zod";
import { parseRigProfile, rigProfileSchema } from "../../nodes/rig/profile.ts";
import { tempDir } from "../recorder/support.ts";
import { runCli } from "../support/cli-child.ts";
import { REPO_ROOT } from "../support/fixtures.ts";

const README = readFileSync(join(REPO_ROOT, "launch", "profiles", "README.md"), "utf8");

interface Def {
  type: string;
  innerType?: z.ZodType;
  element?: z.ZodType;
  valueType?: z.ZodType;
  shape?: Record<string, z.ZodType>;
}
const defOf = (schema: z.ZodType): Def => (schema as unknown as { def: Def }).def;

/** Every key path of the schema: `streams[].qos.depth`, `sim.clocks.<sensor>.offset_ms`, … */
function keyPaths(schema: z.ZodType, prefix: string): string[] {
  const def = defOf(schema);
  switch (def.type) {
    case "optional":
    case "default":
    case "nullable":
      return keyPaths(def.innerType as z.ZodType, prefix);
    case "array":
      return keyPaths(def.element as z.ZodType, `${prefix}[]`);
    case "record":
      return keyPaths(def.valueType as z.ZodType, `${prefix}.<key>`);
    case "object":
      return Object.entries(def.shape ?? {}).flatMap(([key, value]) => {
        const path = prefix === "" ? key : `${prefix}.${key}`;
        return [path, ...keyPaths(value, path)];
      });
    default:
      return [];
  }
}

/** The README names a key path in a table row: in full, or (for the sim clock settings and
 * grouped rows like `cameras[].fx`, `cameras[].fy`) as its last segment in a row of its section. */
function documented(path: string): boolean {
  if (path.includes(".<key>")) {
    const clockKey = path.split(".").at(-1) as string;
    return path.endsWith(".<key>") ? README.includes(`\`${path.slice(0, -".<key>".length)}\``) : new RegExp(`^\\| \`${clockKey}\` \\|`, "m").test(README);
  }
  if (/^sim\.default_clock\./.test(path)) return new RegExp(`^\\| \`${path.split(".").at(-1)}\` \\|`, "m").test(README);
  return README.includes(`\`${path}\``);
}

function exampleYaml(): string {
  const section = README.slice(README.indexOf("## Example: a real robot"));
  const match = /```yaml\n([\s\S]*?)```/.exec(section);
  if (!match?.[1]) throw new Error("launch/profiles/README.md: no yaml block in the real-robot example");
  return match[1];
}

describe("launch/profiles/README.md", () => {
  it("documents every key of the rig profile schema", () => {
    const paths = keyPaths(rigProfileSchema, "");
    expect(paths.length).toBeGreaterThan(40);
    expect(paths.filter((p) => !documented(p))).toEqual([]);
  });

  it("lists every stream kind the schema accepts", () => {
    const kinds = defOf(defOf(rigProfileSchema).shape?.streams as z.ZodType).element;
    const kindEnum = defOf(kinds as z.ZodType).shape?.kind as unknown as { options: string[] };
    const row = README.split("\n").find((l) => l.startsWith("| `streams[].kind`")) ?? "";
    for (const kind of kindEnum.options) expect(row).toContain(`\`${kind}\``);
  });

  it("has a real-robot example that is a valid profile without a sim section", () => {
    const profile = parseRigProfile(exampleYaml(), "README example");
    expect(profile.sim).toBeUndefined();
    expect(profile.robot.firmware).not.toEqual({});
    expect(profile.streams.some((s) => s.qos.reliability === "best_effort")).toBe(true);
  });

  it("a mistake in the example stops teledemo record at once, naming the file and the key (as the README says)", async () => {
    const tmp = tempDir("teledemo-profile-readme-");
    try {
      const file = join(tmp.dir, "my_robot.yaml");
      writeFileSync(file, exampleYaml().replace("rate_hz: 500", "rate_hz: fast"));
      const r = await runCli(["record", "--source", "ros", "--runtime", "local", "--profile", file, "--out", join(tmp.dir, "lib")]);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(`${file}: invalid rig profile:`);
      expect(r.stderr).toMatch(/streams\.2\.rate_hz: /);
      expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
    } finally {
      tmp.cleanup();
    }
  }, 120_000);
});
