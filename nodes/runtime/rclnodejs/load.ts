// Loads the real rclnodejs module only when the ROS runtime is chosen. The specifier is a
// variable so TypeScript does not try to resolve a package that is absent without ROS 2.
import { pathToFileURL } from "node:url";
import type { RclnodejsSurface } from "./surface.ts";

const REQUIRED = ["init", "shutdown", "isShutdown", "Node", "NodeOptions", "QoS", "Parameter", "ParameterDescriptor", "ParameterType"];

/** TELEDEMO_RCLNODEJS names another module to load instead of "rclnodejs": an rclnodejs built in
 * another folder (an absolute path), or the tests' fake, so `--runtime ros` runs the same code. */
export function rclnodejsSpecifier(env: NodeJS.ProcessEnv = process.env): string {
  const override = env["TELEDEMO_RCLNODEJS"]?.trim();
  if (!override) return "rclnodejs";
  // import() wants a URL for a file path
  return override.startsWith("/") ? pathToFileURL(override).href : override;
}

export async function loadRclnodejs(specifier = rclnodejsSpecifier()): Promise<RclnodejsSurface> {
  const loaded = (await import(specifier)) as { default?: unknown };
  // rclnodejs 2.x is ESM with everything on its default export; CJS interop puts it there too.
  const candidate = (loaded.default ?? loaded) as Record<string, unknown>;
  const missing = REQUIRED.filter((key) => candidate[key] === undefined);
  if (missing.length > 0) {
    throw new Error(`the module '${specifier}' does not look like rclnodejs: it lacks ${missing.join(", ")}`);
  }
  return candidate as unknown as RclnodejsSurface;
}
