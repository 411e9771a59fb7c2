// --profile takes a built-in profile name (launch/profiles/<name>.yaml) or a path to a YAML file.
import { existsSync, readdirSync } from "node:fs";
import { resolve } from "node:path";
import { loadRigProfile, ProfileError, type RigProfile } from "../../nodes/rig/profile.ts";
import { UsageError } from "./command.ts";
import { REPO_ROOT } from "./version.ts";

export const PROFILES_DIR = resolve(REPO_ROOT, "launch/profiles");

export function builtinProfiles(): string[] {
  return readdirSync(PROFILES_DIR)
    .filter((f) => f.endsWith(".yaml"))
    .map((f) => f.slice(0, -".yaml".length))
    .sort();
}

export function resolveProfile(nameOrPath: string): RigProfile {
  const builtin = resolve(PROFILES_DIR, `${nameOrPath}.yaml`);
  const looksLikePath = nameOrPath.includes("/") || nameOrPath.endsWith(".yaml") || nameOrPath.endsWith(".yml");
  const path = !looksLikePath && existsSync(builtin) ? builtin : looksLikePath ? resolve(nameOrPath) : undefined;
  if (!path) throw new UsageError(`unknown rig profile "${nameOrPath}"; built-in profiles: ${builtinProfiles().join(", ")}, or give a path to a .yaml file`);
  try {
    return loadRigProfile(path);
  } catch (err) {
    if (err instanceof ProfileError) throw new UsageError(err.message);
    throw err;
  }
}
