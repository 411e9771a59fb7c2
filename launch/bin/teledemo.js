#!/usr/bin/env node
// The teledemo command. Sources are TypeScript run through tsx's loader, so a checkout runs
// without a build step; the loader is registered before the CLI module is imported.
import { register } from "tsx/esm/api";

register();
const { main } = await import("../cli/main.ts");
process.exitCode = await main(process.argv.slice(2));
