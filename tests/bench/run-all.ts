// npm run bench: every benchmark, one after another, each in its own process so none warms up
// or slows down another.
import { spawnSync } from "node:child_process";
import { readdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const runner = join(here, "../../launch/bin/run-ts.js");
let failed = 0;
for (const file of readdirSync(here).filter((f) => f.endsWith(".bench.ts")).sort()) {
  console.log(`\n=== ${file} ===`);
  const r = spawnSync(process.execPath, [runner, join(here, file)], { stdio: "inherit" });
  if (r.status !== 0) failed++;
}
process.exitCode = failed > 0 ? 1 : 0;
