// The ROS 2 launch files in launch/ros/ cannot drift from the CLI: they parse, every $(var)
// they use is a declared <arg>, every teledemo command and flag they run exists in the real CLI
// (`teledemo <command> --help`), and their default rig profile is a built-in profile.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseXml, type XmlElement } from "../../calibration/io/xml.ts";
import { PROFILES_DIR } from "../../launch/cli/profile-arg.ts";
import { REPO_ROOT } from "../support/fixtures.ts";
import { cliLineProblems } from "./cli-lines.ts";

const LAUNCH_DIR = join(REPO_ROOT, "launch", "ros");
const files = readdirSync(LAUNCH_DIR).filter((f) => f.endsWith(".launch.xml"));

function elements(root: XmlElement, name: string): XmlElement[] {
  return root.children.flatMap((c) => (c.name === name ? [c] : elements(c, name)));
}

/** Whitespace-split command line (launch splits `cmd` the same way), with substitutions kept as tokens. */
function tokens(cmd: string): string[] {
  return cmd.match(/(?:\$\([^)]*\)|[^\s$]|\$(?!\())+/g) ?? [];
}

describe.each(files)("launch/ros/%s", (file) => {
  const root = parseXml(readFileSync(join(LAUNCH_DIR, file), "utf8"), file);
  const args = new Map(elements(root, "arg").map((a) => [a.attributes.name ?? "", a.attributes]));
  const executables = elements(root, "executable");

  it("is a launch file whose every argument is documented and every $(var) declared", () => {
    expect(root.name).toBe("launch");
    expect(executables.length).toBeGreaterThan(0);
    for (const [name, attributes] of args) {
      expect(attributes.description, `arg ${name}`).toBeTruthy();
      expect(attributes.default, `arg ${name} has a default`).toBeDefined();
    }
    for (const e of executables) {
      const used = [...Object.values(e.attributes).join(" ").matchAll(/\$\(var ([\w-]+)\)/g)].map((m) => m[1]);
      for (const name of used) expect(args.has(name as string), `$(var ${name}) in ${e.attributes.name}`).toBe(true);
      // Conditions are arguments, true or false.
      for (const cond of [e.attributes.if, e.attributes.unless]) if (cond !== undefined) expect(cond).toMatch(/^\$\(var [\w-]+\)$/);
    }
  });

  it("runs only teledemo commands and flags the real CLI has", async () => {
    const problems: string[] = [];
    for (const e of executables) {
      const [exe, ...rest] = tokens(e.attributes.cmd ?? "");
      expect(exe, `${e.attributes.name} runs $(var teledemo)`).toBe("$(var teledemo)");
      problems.push(...(await cliLineProblems(rest, `${file} ${e.attributes.name}`)));
    }
    expect(problems).toEqual([]);
  }, 120_000);

  it("runs every teledemo node on the ROS runtime, and one recorder / sync node per condition", () => {
    for (const e of executables) expect(tokens(e.attributes.cmd ?? "").join(" "), e.attributes.name).toContain("--runtime ros");
    const names = executables.map((e) => e.attributes.name);
    expect(new Set(names)).toEqual(new Set(["teledemo_sim_rig", "teledemo_recorder", "teledemo_sync"]));
    // With use_sim_time both the recorder and the sync node follow /clock; without, neither does.
    for (const name of ["teledemo_recorder", "teledemo_sync"]) {
      const variants = executables.filter((e) => e.attributes.name === name);
      expect(variants.map((v) => [v.attributes.if ?? "", v.attributes.unless ?? ""]).sort()).toEqual([["$(var use_sim_time)", ""], ["", "$(var use_sim_time)"]]);
      for (const v of variants) expect(v.attributes.cmd?.includes("--use-sim-time")).toBe(v.attributes.if !== undefined);
    }
  });

  it("defaults to a rig profile that exists", () => {
    const profile = args.get("profile")?.default;
    expect(profile).toBeDefined();
    expect(existsSync(join(PROFILES_DIR, `${profile}.yaml`))).toBe(true);
  });
});

it("launch/ros holds at least one launch file", () => {
  expect(files.length).toBeGreaterThan(0);
});

it("the command-line check catches an unknown command, flag and choice", async () => {
  expect(await cliLineProblems(["recrod"], "x")).toEqual(["x: 'teledemo recrod' is not a command (teledemo --help)"]);
  expect(await cliLineProblems(["record", "--runtime", "ros2", "--use-sim-tim"], "x")).toEqual([
    "x: --runtime ros2 is not one of auto, ros, local",
    "x: 'teledemo record --use-sim-tim' is not an option (teledemo record --help)",
  ]);
}, 120_000);
