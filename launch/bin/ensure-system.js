#!/usr/bin/env node
// Installs the Debian packages a command needs when they are missing (chromium for the viewer's
// browser tests and `teledemo view --open`, ffmpeg for video export), so the README's two
// commands work on a fresh Debian machine. Usage: ensure-system.js <command=package> ...
// Runs apt-get only when a command is absent; says what it installs; never fails silently.
import { spawnSync } from "node:child_process";

const wanted = process.argv.slice(2).map((arg) => {
  const [command, pkg] = arg.split("=");
  return { command, pkg: pkg ?? command };
});

const has = (command) => spawnSync("sh", ["-c", `command -v ${command}`], { stdio: "ignore" }).status === 0;
const missing = wanted.filter((w) => !has(w.command));
if (missing.length === 0) process.exit(0);

const packages = [...new Set(missing.map((m) => m.pkg))];
if (!has("apt-get")) {
  console.error(`teledemo: needs ${packages.join(", ")} (${missing.map((m) => m.command).join(", ")} not on PATH) and apt-get is not available; install them and retry.`);
  process.exit(1);
}
const root = typeof process.getuid === "function" && process.getuid() === 0;
const sudo = root ? [] : has("sudo") ? ["sudo"] : null;
if (sudo === null) {
  console.error(`teledemo: needs Debian packages ${packages.join(", ")}; run: sudo apt-get install -y ${packages.join(" ")}`);
  process.exit(1);
}
console.error(`teledemo: installing Debian packages ${packages.join(", ")} with apt-get (missing: ${missing.map((m) => m.command).join(", ")})`);
const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
const run = (args) => spawnSync(sudo.length ? sudo[0] : args[0], sudo.length ? args : args.slice(1), { stdio: ["ignore", "inherit", "inherit"], env }).status;
if (run(["apt-get", "update", "-qq"]) !== 0) console.error("teledemo: apt-get update failed; trying the install anyway");
if (run(["apt-get", "install", "-y", "-qq", "--no-install-recommends", ...packages]) !== 0) {
  console.error(`teledemo: apt-get install ${packages.join(" ")} failed`);
  process.exit(1);
}
const still = missing.filter((m) => !has(m.command));
if (still.length > 0) {
  console.error(`teledemo: after installing, still missing: ${still.map((m) => m.command).join(", ")}`);
  process.exit(1);
}
