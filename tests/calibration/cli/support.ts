// Helpers for the `teledemo calib` tests: the CLI as a real child process, in-process runs for
// quick cases, temp dirs, and one small simulated episode shared by a test file.
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { main } from "../../../launch/cli/main.ts";
import { runCli, type RunResult } from "../../support/cli-child.ts";

export { CLI, runCli, type RunResult } from "../../support/cli-child.ts";
export const FIXTURES = new URL("../../../../shared/fixtures/", import.meta.url).pathname;

/** The CLI's main() in this process (no child start-up cost). */
export async function runInProcess(args: string[]): Promise<RunResult> {
  let stdout = "";
  let stderr = "";
  const code = await main(args, { stdout: (t) => void (stdout += t), stderr: (t) => void (stderr += t), isTty: false });
  return { code, stdout, stderr };
}

export function tempDir(prefix: string): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Records one small-profile episode from the simulator at max speed (≈3 s) and returns its folder. */
export async function recordSmallEpisode(library: string, seconds = 2, extra: string[] = []): Promise<string> {
  const r = await runCli([
    "record", "--source", "sim", "--profile", "small", "--speed", "max", "--runtime", "local", "--min-free", "1MB",
    "--episodes", "1", "--episode-time", String(seconds), "--out", library, ...extra,
  ]);
  if (r.code !== 0) throw new Error(`teledemo record failed (${r.code}): ${r.stderr}`);
  const [dir] = readdirSync(library);
  if (!dir) throw new Error(`teledemo record wrote no episode into ${library}`);
  return join(library, dir);
}

/** No stack trace in CLI output. */
export const STACK_TRACE = /\n\s+at [^\n]+\(|\n\s+at file:/;
