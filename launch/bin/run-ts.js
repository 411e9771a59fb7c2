#!/usr/bin/env node
// Runs one TypeScript script (benchmarks, tools) through tsx's loader: node run-ts.js file.ts [args].
import { register } from "tsx/esm/api";
import { pathToFileURL } from "node:url";
import { resolve } from "node:path";

register();
const [script, ...rest] = process.argv.slice(2);
if (!script) {
  console.error("usage: run-ts.js <script.ts> [args...]");
  process.exit(2);
}
process.argv = [process.argv[0], resolve(script), ...rest];
await import(pathToFileURL(resolve(script)).href);
