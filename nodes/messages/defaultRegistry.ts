// The registry every teledemo process starts from.

import { amentSource, packageSource, treeSource, BUNDLED_DEFS_DIR, TELEDEMO_MSGS_DIR } from "./definitionSources.ts";
import { MessageRegistry, type DefinitionSource } from "./registry.ts";

export interface DefaultRegistryOptions {
  /**
   * An AMENT_PREFIX_PATH value (pass `process.env.AMENT_PREFIX_PATH` on a robot). Installed
   * definitions then take precedence over bundled ones, so recorded schema texts carry the
   * upstream comments exactly as `ros2 bag record` on that machine would write them.
   */
  amentPrefixPath?: string | undefined;
}

export function createDefaultRegistry(options: DefaultRegistryOptions = {}): MessageRegistry {
  const sources: DefinitionSource[] = [];
  if (options.amentPrefixPath !== undefined && options.amentPrefixPath !== "") {
    sources.push(amentSource(options.amentPrefixPath));
  }
  sources.push(packageSource("teledemo_msgs", TELEDEMO_MSGS_DIR, "teledemo_msgs"));
  sources.push(treeSource(BUNDLED_DEFS_DIR, "bundled"));
  return new MessageRegistry(sources);
}
