import { describe, expect, it } from "vitest";
import { loadRclnodejs, rclnodejsSpecifier } from "../../nodes/runtime/rclnodejs/load.ts";
import { createRuntime, parseRuntimeChoice } from "../../nodes/runtime/select.ts";
import { createFakeRclnodejs } from "./fake-rclnodejs/index.ts";
import { createJsonCodec } from "./support/json-codec.ts";

const SOURCED = { ROS_DISTRO: "jazzy", AMENT_PREFIX_PATH: "/opt/ros/jazzy" };

describe("runtime selection", () => {
  it("parses the --runtime flag and rejects anything else clearly", () => {
    expect(parseRuntimeChoice("auto")).toBe("auto");
    expect(parseRuntimeChoice("ros")).toBe("ros");
    expect(parseRuntimeChoice("local")).toBe("local");
    expect(() => parseRuntimeChoice("ROS2")).toThrow("invalid --runtime value 'ROS2': expected one of auto, ros, local");
  });

  it("auto falls back to the in-process runtime with one line when ROS 2 is not sourced", async () => {
    const lines: string[] = [];
    const runtime = await createRuntime({ runtime: "auto", codec: createJsonCodec(), log: (l) => lines.push(l), env: {} });
    expect(runtime.kind).toBe("local");
    expect(lines).toEqual(["teledemo: ROS 2 not sourced (ROS_DISTRO and AMENT_PREFIX_PATH unset); using the in-process runtime"]);
    await runtime.shutdown();
  });

  it("ros without a sourced ROS 2 says what is missing and how to fix it", async () => {
    await expect(
      createRuntime({ runtime: "ros", codec: createJsonCodec(), log: () => {}, env: { ROS_DISTRO: "humble" } }),
    ).rejects.toThrow(/AMENT_PREFIX_PATH is unset\. Run 'source \/opt\/ros\/humble\/setup\.bash'/);
  });

  it("ros with ROS 2 sourced but rclnodejs unloadable points at npm rebuild rclnodejs", async () => {
    const failing = async (): Promise<never> => {
      throw new Error("Cannot find package 'rclnodejs' imported from /x");
    };
    await expect(
      createRuntime({ runtime: "ros", codec: createJsonCodec(), log: () => {}, env: SOURCED, loadRclnodejs: failing }),
    ).rejects.toThrow(/npm rebuild rclnodejs/);
    // Here, genuinely: rclnodejs is an optional dependency whose native build fails without ROS.
    await expect(createRuntime({ runtime: "ros", codec: createJsonCodec(), log: () => {}, env: SOURCED })).rejects.toThrow(
      /could not load rclnodejs/,
    );
  });

  it("ros uses the rclnodejs adapter when it loads", async () => {
    const codec = createJsonCodec();
    const runtime = await createRuntime({
      runtime: "ros",
      codec,
      log: () => {},
      env: SOURCED,
      loadRclnodejs: async () => createFakeRclnodejs(codec),
    });
    expect(runtime.kind).toBe("ros");
    await runtime.shutdown();
  });

  it("local never looks at ROS", async () => {
    const runtime = await createRuntime({ runtime: "local", codec: createJsonCodec(), log: () => {}, env: SOURCED });
    expect(runtime.kind).toBe("local");
    await runtime.shutdown();
  });

  it("TELEDEMO_RCLNODEJS names the module to load instead of rclnodejs (a path becomes a file URL)", async () => {
    expect(rclnodejsSpecifier({})).toBe("rclnodejs");
    expect(rclnodejsSpecifier({ TELEDEMO_RCLNODEJS: " " })).toBe("rclnodejs");
    expect(rclnodejsSpecifier({ TELEDEMO_RCLNODEJS: "/opt/rclnodejs" })).toBe("file:///opt/rclnodejs");
    expect(rclnodejsSpecifier({ TELEDEMO_RCLNODEJS: "my-rclnodejs" })).toBe("my-rclnodejs");
    // A module that is not rclnodejs is refused by name, not used.
    await expect(loadRclnodejs("node:path")).rejects.toThrow(/the module 'node:path' does not look like rclnodejs: it lacks init, shutdown/);
    await expect(loadRclnodejs(rclnodejsSpecifier({ TELEDEMO_RCLNODEJS: "/nonexistent/rclnodejs/index.js" }))).rejects.toThrow(/Cannot find module/);
  });
});
