// README.md "Running on a robot": every teledemo command line in it exists in the real CLI
// (command, flags, choices), every repository path and launch argument it names exists, the
// services and parameters it lists are the recorder's, and the errors it quotes are the ones the
// code prints.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseXml } from "../../calibration/io/xml.ts";
import { createRuntime } from "../../nodes/runtime/select.ts";
import { CONTROL_SERVICES } from "../../recorder/control/ros-services.ts";
import { REPO_ROOT } from "../support/fixtures.ts";
import { createJsonCodec } from "../runtime/support/json-codec.ts";
import { cliLineProblems } from "./cli-lines.ts";

const README = readFileSync(join(REPO_ROOT, "README.md"), "utf8");
const start = README.indexOf("## Running on a robot");
const SECTION = start < 0 ? "" : README.slice(start, README.indexOf("\n## ", start + 3));

/** Shell words of one command line (quotes grouped, not expanded). */
function words(line: string): string[] {
  return [...line.matchAll(/"([^"]*)"|'([^']*)'|(\S+)/g)].map((m) => m[1] ?? m[2] ?? m[3] ?? "");
}

/** Every teledemo invocation: lines of the sh blocks and inline `teledemo …` / `npx teledemo …` spans. */
function teledemoLines(): string[] {
  const blocks = [...SECTION.matchAll(/```sh\n([\s\S]*?)```/g)].flatMap((m) => (m[1] ?? "").replace(/\\\n\s*/g, " ").split("\n"));
  const inline = [...SECTION.matchAll(/`((?:npx )?teledemo [^`]+)`/g)].map((m) => m[1] ?? "");
  return [...blocks, ...inline]
    .map((l) => l.replace(/#.*$/, "").trim())
    .filter((l) => /(^|\s)(npx )?teledemo\s/.test(l) && !l.includes("ros2 launch"));
}

describe("README: Running on a robot", () => {
  it("exists and covers Humble and Jazzy, colcon, rclnodejs, ros2 launch, the bridge and troubleshooting", () => {
    expect(SECTION.length).toBeGreaterThan(2000);
    for (const needle of ["Humble", "Jazzy", "colcon build --packages-select teledemo_msgs", "npm rebuild rclnodejs", "--runtime ros", "ros2 launch", "--source bridge --url ws://robot:8765", "### Troubleshooting"]) {
      expect(SECTION).toContain(needle);
    }
  });

  it("every teledemo command line exists in the real CLI", async () => {
    const lines = teledemoLines();
    expect(lines.length).toBeGreaterThan(4);
    const problems: string[] = [];
    for (const line of lines) {
      const w = words(line);
      problems.push(...(await cliLineProblems(w.slice(w.indexOf("teledemo") + 1), `README "${line}"`)));
    }
    expect(problems).toEqual([]);
  }, 120_000);

  it("every repository path it names exists", () => {
    const paths = new Set([
      ...[...SECTION.matchAll(/\]\(((?:launch|nodes|recorder)\/[^)]+)\)/g)].map((m) => m[1] as string),
      ...[...SECTION.matchAll(/~\/teledemo\/([\w./-]+)/g)].map((m) => m[1] as string),
      ...[...SECTION.matchAll(/\$HOME\/teledemo\/([\w./-]+)/g)].map((m) => m[1] as string),
    ]);
    expect(paths.size).toBeGreaterThan(3);
    for (const path of paths) expect(existsSync(join(REPO_ROOT, path)), path).toBe(true);
  });

  it("names only launch arguments the launch file declares", () => {
    const launch = parseXml(readFileSync(join(REPO_ROOT, "launch/ros/teledemo.launch.xml"), "utf8"), "teledemo.launch.xml");
    const declared = new Set(launch.children.filter((c) => c.name === "arg").map((c) => c.attributes.name));
    const used = [...SECTION.matchAll(/\b([a-z_]+):=/g)].map((m) => m[1]);
    expect(used.length).toBeGreaterThan(2);
    for (const name of used) expect(declared.has(name), `${name}:=`).toBe(true);
    const argsLine = SECTION.slice(SECTION.indexOf("Arguments:"), SECTION.indexOf("teledemo is not an ament package"));
    for (const name of declared) expect(argsLine, `argument ${name} documented`).toContain(`\`${name}\``);
  });

  it("lists the recorder's services and parameters as the code declares them", () => {
    for (const name of [...SECTION.matchAll(/\/teledemo_recorder\/(\w+)/g)].map((m) => m[1])) expect(CONTROL_SERVICES as readonly string[]).toContain(name);
    const parameters = readFileSync(join(REPO_ROOT, "recorder/node/parameters.ts"), "utf8");
    const declared = [...parameters.matchAll(/\["(\w+)", "/g)].map((m) => m[1] as string);
    expect(declared.length).toBeGreaterThan(5);
    for (const name of declared) expect(SECTION).toContain(`\`${name}\``);
  });

  it("quotes the errors the code prints", async () => {
    await expect(createRuntime({ runtime: "ros", codec: createJsonCodec(), log: () => {}, env: {} })).rejects.toThrow(
      "--runtime ros needs a sourced ROS 2 environment, but ROS_DISTRO and AMENT_PREFIX_PATH are unset",
    );
    expect(SECTION).toContain("--runtime ros needs a sourced ROS 2 environment, but ROS_DISTRO and AMENT_PREFIX_PATH are unset");
    expect(readFileSync(join(REPO_ROOT, "nodes/runtime/select.ts"), "utf8")).toContain("could not load rclnodejs");
    expect(readFileSync(join(REPO_ROOT, "launch/cli/record.ts"), "utf8")).toContain("nothing received yet: the ROS graph has");
  });
});
