import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";

function teledemo(args: string[], env: NodeJS.ProcessEnv = {}) {
  const r = spawnSync(process.execPath, ["launch/bin/teledemo.js", ...args], {
    encoding: "utf8",
    env: { ...process.env, ROS_DISTRO: "", AMENT_PREFIX_PATH: "", ...env },
    timeout: 120_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe("teledemo CLI", () => {
  it("--help lists the commands", () => {
    const r = teledemo(["--help"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/sim\s+run the simulated rig/);
    expect(r.stdout).toMatch(/demo\s+/);
  });

  it("sim --json runs the small rig on sim time and reports every stream", () => {
    const r = teledemo(["sim", "--profile", "small", "--speed", "max", "--duration", "3", "--json", "--runtime", "auto"]);
    expect(r.stderr).toMatch(/ROS 2 .*in-process runtime/);
    expect(r.code, r.stderr).toBe(0);
    const lines = r.stdout.trim().split("\n").map((l) => JSON.parse(l) as { kind: string });
    const summary = lines.find((l) => l.kind === "summary") as unknown as {
      simulatedS: number;
      received: Array<{ topic: string; expectedHz: number; totalMessages: number }>;
    };
    expect(summary.simulatedS).toBeCloseTo(3, 5);
    expect(summary.received).toHaveLength(20);
    for (const s of summary.received) {
      if (s.expectedHz === 0) expect(s.totalMessages, s.topic).toBe(1);
      else expect(s.totalMessages / 3 / s.expectedHz, s.topic).toBeGreaterThan(0.9);
    }
  });

  it("sim prints a readable table by default", () => {
    const r = teledemo(["sim", "--profile", "small", "--speed", "max", "--duration", "1", "--runtime", "local"]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/topic\s+expected Hz\s+received Hz\s+MB\/s/);
    expect(r.stdout).toMatch(/\/lidar\/points\s+5\.0/);
  });

  it.each([
    [["sim", "--speed", "fast"], /--speed must be a positive number or "max", got "fast"/],
    [["sim", "--profile", "nope"], /unknown rig profile "nope"; built-in profiles: reference, small/],
    [["sim", "--runtime", "dds"], /--runtime/],
    [["sim", "--duration=-3"], /--duration must be a valid number, got "-3"/],
    [["sim", "--bogus"], /Unknown option '--bogus'/],
    [["frobnicate"], /unknown command "frobnicate"/],
  ])("rejects bad input %j with a clear message and exit code 2", (args, message) => {
    const r = teledemo(args);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it("--runtime ros without ROS 2 says what is missing", () => {
    const r = teledemo(["sim", "--runtime", "ros", "--duration", "1"]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/ROS_DISTRO|source \/opt\/ros/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});
