// The version string recorded into episodes and printed by --version: package version plus the
// git commit of the checkout when there is one.
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");

let cached: { version: string; commit: string | undefined } | undefined;

export function teledemoBuild(): { version: string; commit: string | undefined } {
  if (cached) return cached;
  const pkg = JSON.parse(readFileSync(resolve(REPO_ROOT, "package.json"), "utf8")) as { version?: string };
  let commit: string | undefined;
  try {
    commit = execFileSync("git", ["rev-parse", "--short=12", "HEAD"], { cwd: REPO_ROOT, stdio: ["ignore", "pipe", "ignore"] }).toString().trim();
  } catch {
    commit = undefined;
  }
  cached = { version: pkg.version ?? "0.0.0", commit };
  return cached;
}

export function teledemoVersion(): string {
  const b = teledemoBuild();
  return b.commit ? `${b.version} (${b.commit})` : b.version;
}
