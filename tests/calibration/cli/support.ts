// Helpers for the `teledemo calib` tests: the CLI as a real child process, in-process runs for
// quick cases, temp dirs, and one small simulated episode shared by a test file.
import { spawn } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { main } from "../../../launch/cli/main.ts";

export const CLI = resolve("launch/bin/teledemo.js");
export const FIXTURES = new URL("../../../../shared/fixtures/", import.meta.url).pathname;

export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export function runCli(args: string[], timeoutMs = 60_000): Promise<RunResult> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolvePromise({ code, stdout, stderr });
    });
  });
}

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
