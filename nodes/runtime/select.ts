// Choosing the runtime: the real rclnodejs when ROS 2 is sourced and rclnodejs loads, otherwise
// the in-process runtime. `ros` insists and explains exactly what is missing; `auto` falls back
// and says so in one line.
import type { Runtime } from "./api.ts";
import type { MessageCodec } from "./codec.ts";
import { LocalRuntime } from "./local/runtime.ts";
import type { RclnodejsSurface } from "./rclnodejs/surface.ts";

export type RuntimeChoice = "auto" | "ros" | "local";

const CHOICES: readonly RuntimeChoice[] = ["auto", "ros", "local"];

/** Validate a --runtime flag value. */
export function parseRuntimeChoice(value: string): RuntimeChoice {
  const normalized = value.trim();
  if ((CHOICES as readonly string[]).includes(normalized)) return normalized as RuntimeChoice;
  throw new Error(
    `invalid --runtime value '${value}': expected one of auto, ros, local ` +
      `(auto uses ROS 2 when it is sourced and falls back to the in-process runtime)`,
  );
}

export interface CreateRuntimeOptions {
  runtime: RuntimeChoice;
  /** Serializes messages for the in-process runtime (rclnodejs serializes its own). */
  codec: MessageCodec;
  /** One line for the user (the auto fallback notice, QoS warnings). */
  log: (line: string) => void;
  /** Environment to inspect; default process.env. */
  env?: NodeJS.ProcessEnv;
  /** Loads rclnodejs; default a dynamic import of "rclnodejs". Injectable for tests. */
  loadRclnodejs?: () => Promise<RclnodejsSurface>;
}

export async function createRuntime(options: CreateRuntimeOptions): Promise<Runtime> {
  if (options.runtime === "local") return new LocalRuntime({ codec: options.codec, log: options.log });
  const ros = await tryRos(options);
  if (ros.runtime !== undefined) return ros.runtime;
  if (options.runtime === "ros") throw new Error(ros.problem);
  options.log(`teledemo: ${ros.summary}; using the in-process runtime`);
  return new LocalRuntime({ codec: options.codec, log: options.log });
}

type RosAttempt = { runtime: Runtime; problem?: undefined; summary?: undefined } | { runtime?: undefined; problem: string; summary: string };

async function tryRos(options: CreateRuntimeOptions): Promise<RosAttempt> {
  const env = options.env ?? process.env;
  const unset = ["ROS_DISTRO", "AMENT_PREFIX_PATH"].filter((key) => !env[key]);
  if (unset.length > 0) {
    const distro = env["ROS_DISTRO"] || "<distro>";
    return {
      summary: `ROS 2 not sourced (${unset.join(" and ")} unset)`,
      problem:
        `--runtime ros needs a sourced ROS 2 environment, but ${unset.join(" and ")} ${unset.length > 1 ? "are" : "is"} unset. ` +
        `Run 'source /opt/ros/${distro}/setup.bash' (and your workspace's install/setup.bash) in this shell, ` +
        `or use --runtime local.`,
    };
  }
  let surface;
  try {
    const { loadRclnodejs } = await import("./rclnodejs/load.ts");
    surface = await (options.loadRclnodejs ?? loadRclnodejs)();
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    const notInstalled = /Cannot find (package|module) 'rclnodejs'|ERR_MODULE_NOT_FOUND/.test(reason);
    return {
      summary: `ROS 2 ${env["ROS_DISTRO"]} is sourced but rclnodejs ${notInstalled ? "is not installed" : "failed to load"}`,
      problem:
        `--runtime ros found ROS 2 ${env["ROS_DISTRO"]} but could not load rclnodejs: ${reason}. ` +
        (notInstalled
          ? `Install it with ROS 2 sourced ('npm install rclnodejs' or 'npm rebuild rclnodejs' if it was skipped), or use --runtime local.`
          : `Its native addon is probably built against another ROS 2 or Node.js: with ROS 2 sourced run 'npm rebuild rclnodejs', or use --runtime local.`),
    };
  }
  const { RclnodejsRuntime } = await import("./rclnodejs/runtime.ts");
  try {
    return { runtime: await RclnodejsRuntime.create({ rclnodejs: surface, log: options.log }) };
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return {
      summary: `rclnodejs failed to initialize (${reason})`,
      problem: `--runtime ros loaded rclnodejs but rclnodejs.init() failed: ${reason}. Check the sourced ROS 2 environment (RMW_IMPLEMENTATION, ROS_DOMAIN_ID), or use --runtime local.`,
    };
  }
}
