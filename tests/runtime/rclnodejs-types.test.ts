// The adapter is typed against RclnodejsSurface; this proves rclnodejs's published types (the
// version package.json pins) are assignable to it, with and without generated interfaces, that
// the fake used by the contract suite is too, and that the check does fail on a drifted surface.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { REPO_ROOT } from "../support/fixtures.ts";
import { checkAssignability } from "./rclnodejs-types/check-assignability.ts";
import { obtainRclnodejsTypes } from "./rclnodejs-types/obtain-types.ts";
import type { RclnodejsTypes } from "./rclnodejs-types/obtain-types.ts";

const SURFACE = join(REPO_ROOT, "nodes", "runtime", "rclnodejs", "surface.ts");
const FAKE = join(REPO_ROOT, "tests", "runtime", "fake-rclnodejs", "index.ts");

const REAL_CHECK = `
import type * as rclnodejs from "rclnodejs";
import type { RclnodejsSurface } from "${SURFACE}";
type RealModule = typeof import("rclnodejs");
export const realConforms = (m: RealModule): RclnodejsSurface<rclnodejs.NodeOptions> => m;
`;

const FAKE_CHECK = `
import type { RclnodejsSurface } from "${SURFACE}";
import type { FakeRclnodejs } from "${FAKE}";
export const fakeConforms = (m: FakeRclnodejs): RclnodejsSurface => m;
`;

describe("RclnodejsSurface matches rclnodejs's published type definitions", { timeout: 180_000 }, () => {
  let types: RclnodejsTypes;
  beforeAll(() => {
    types = obtainRclnodejsTypes(REPO_ROOT);
  }, 120_000);

  const check = (checkSource: string, withGeneratedInterfaces: boolean, overrides?: Map<string, string>): string[] =>
    checkAssignability({ repoRoot: REPO_ROOT, rclnodejsPackageDir: types.packageDir, checkSource, withGeneratedInterfaces, overrides })
      .errors;

  it("the real module type (as published, generated interfaces absent) is assignable", () => {
    expect(check(REAL_CHECK, false)).toEqual([]);
  });

  it("the real module type with generated interfaces present is assignable, and rclnodejs's own types compile", () => {
    expect(check(REAL_CHECK, true)).toEqual([]);
  });

  it("the fake rclnodejs is assignable", () => {
    expect(check(FAKE_CHECK, true)).toEqual([]);
  });

  it("fails when the surface drifts from the real types", () => {
    const surface = readFileSync(SURFACE, "utf8");
    const drifts: Array<[string, string, boolean]> = [
      // A wrong parameter type (rclnodejs takes bigint ns).
      ["createTimer(period: bigint", "createTimer(period: number", false],
      // A member rclnodejs does not have.
      ["  isShutdown(): boolean;", "  isShutdown(): boolean;\n  spinAll(): void;", false],
      // Swapped parameter order.
      ["declareParameter(parameter: RclParameter, descriptor?: RclParameterDescriptor", "declareParameter(descriptor: RclParameterDescriptor, parameter?: RclParameter", false],
      // The string form of a type name, which only a generated literal union accepts.
      [
        "createPublisher(typeClass: RclInterfaceDescriptor, topic: string",
        "createPublisher(typeClass: string, topic: string",
        true,
      ],
    ];
    for (const [from, to, withGenerated] of drifts) {
      expect(surface).toContain(from);
      const errors = check(REAL_CHECK, withGenerated, new Map([[SURFACE, surface.replace(from, to)]]));
      expect(errors.length, `drift '${to}' must be caught`).toBeGreaterThan(0);
      expect(errors.join("\n")).toMatch(/RclnodejsSurface/);
    }
  });
});
