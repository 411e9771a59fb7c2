// File-backed DefinitionSources (Node only): the definitions we ship with the code, our own
// colcon package's msg/ and srv/ folders, and on a robot the installed packages under
// AMENT_PREFIX_PATH — the same files rosbag2 reads, so schema texts match `ros2 bag record`'s.

import { existsSync, readFileSync, readdirSync } from "node:fs";
import { delimiter, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { DefinitionSource } from "./registry.ts";
import { fullTypeName, type InterfaceNamespace, type RosTypeName } from "./typeName.ts";

const EXTENSIONS: Record<InterfaceNamespace, string> = { msg: ".msg", srv: ".srv", action: ".action" };
const LISTED_NAMESPACES: InterfaceNamespace[] = ["msg", "srv"];

/** Standard ROS 2 definitions shipped with teledemo: nodes/messages/defs/<pkg>/<ns>/<Type>.<ext>. */
export const BUNDLED_DEFS_DIR = fileURLToPath(new URL("./defs/", import.meta.url));

/** Our colcon interface package, read by the TypeScript side from the same files colcon builds. */
export const TELEDEMO_MSGS_DIR = fileURLToPath(new URL("../msgs/teledemo_msgs/", import.meta.url));

function readIfExists(path: string): string | undefined {
  return existsSync(path) ? readFileSync(path, "utf8") : undefined;
}

function listDir(dir: string): string[] {
  return existsSync(dir) ? readdirSync(dir) : [];
}

function listPackage(pkg: string, packageDir: string): string[] {
  const types: string[] = [];
  for (const ns of LISTED_NAMESPACES) {
    for (const file of listDir(join(packageDir, ns))) {
      if (file.endsWith(EXTENSIONS[ns])) types.push(fullTypeName({ pkg, ns, name: file.slice(0, -EXTENSIONS[ns].length) }));
    }
  }
  return types;
}

/** A folder laid out <root>/<pkg>/<ns>/<Type>.<ext> (our bundled standard definitions). */
export function treeSource(root: string, name = `dir:${root}`): DefinitionSource {
  return {
    name,
    read: (type: RosTypeName) => readIfExists(join(root, type.pkg, type.ns, type.name + EXTENSIONS[type.ns])),
    list: () => listDir(root).flatMap((pkg) => listPackage(pkg, join(root, pkg))),
  };
}

/** One interface package folder (<dir>/msg/*.msg, <dir>/srv/*.srv) that provides `pkg`. */
export function packageSource(pkg: string, packageDir: string, name = `package:${packageDir}`): DefinitionSource {
  return {
    name,
    read: (type: RosTypeName) =>
      type.pkg === pkg ? readIfExists(join(packageDir, type.ns, type.name + EXTENSIONS[type.ns])) : undefined,
    list: () => listPackage(pkg, packageDir),
  };
}

/**
 * Installed packages: for each prefix of an AMENT_PREFIX_PATH value, <prefix>/share/<pkg>/<ns>/
 * <Type>.<ext>. Earlier prefixes win, as in ament_index. Lookup is lazy (a sourced ROS install
 * holds thousands of files), so this source does not list.
 */
export function amentSource(amentPrefixPath: string): DefinitionSource {
  const prefixes = amentPrefixPath.split(delimiter).filter((prefix) => prefix.length > 0);
  return {
    name: `ament:${prefixes.join(delimiter)}`,
    read: (type: RosTypeName) => {
      for (const prefix of prefixes) {
        const text = readIfExists(join(prefix, "share", type.pkg, type.ns, type.name + EXTENSIONS[type.ns]));
        if (text !== undefined) return text;
      }
      return undefined;
    },
  };
}
