// Fetches the published rclnodejs type definitions for the version package.json pins, once:
// `npm pack` into node_modules/.cache/teledemo-rclnodejs-types/<version>/, so reruns never touch
// the registry. rclnodejs itself cannot be installed here (its native build needs ROS 2).
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync } from "node:fs";
import { join, resolve } from "node:path";

export interface RclnodejsTypes {
  version: string;
  /** Folder holding the unpacked package (package.json, types/). */
  packageDir: string;
}

export function pinnedRclnodejsVersion(repoRoot: string): string {
  const pkg = JSON.parse(readFileSync(join(repoRoot, "package.json"), "utf8")) as {
    optionalDependencies?: Record<string, string>;
  };
  const version = pkg.optionalDependencies?.["rclnodejs"];
  if (version === undefined || !/^\d+\.\d+\.\d+$/.test(version)) {
    throw new Error(`package.json must pin rclnodejs to an exact version in optionalDependencies (found ${String(version)})`);
  }
  return version;
}

export function obtainRclnodejsTypes(repoRoot: string): RclnodejsTypes {
  const version = pinnedRclnodejsVersion(repoRoot);
  const cacheRoot = resolve(repoRoot, "node_modules", ".cache", "teledemo-rclnodejs-types");
  const packageDir = join(cacheRoot, version, "package");
  if (existsSync(join(packageDir, "types", "node.d.ts"))) return { version, packageDir };

  // Unpack into a scratch folder and rename into place, so an interrupted run never leaves a
  // half-filled cache that later runs would trust.
  const scratch = join(cacheRoot, `${version}.tmp-${process.pid}`);
  rmSync(scratch, { recursive: true, force: true });
  mkdirSync(scratch, { recursive: true });
  execFileSync("npm", ["pack", `rclnodejs@${version}`, "--silent", "--pack-destination", scratch], { stdio: ["ignore", "ignore", "pipe"] });
  const tarball = readdirSync(scratch).find((f) => f.endsWith(".tgz"));
  if (tarball === undefined) throw new Error(`npm pack rclnodejs@${version} produced no tarball in ${scratch}`);
  execFileSync("tar", ["xzf", tarball, "package/package.json", "package/types"], { cwd: scratch });
  mkdirSync(join(cacheRoot, version), { recursive: true });
  rmSync(packageDir, { recursive: true, force: true });
  renameSync(join(scratch, "package"), packageDir);
  rmSync(scratch, { recursive: true, force: true });
  return { version, packageDir };
}
