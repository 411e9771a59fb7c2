// Bundles the browser app in memory (esbuild, write: false) once per server start: the server
// serves the returned map as static files. Output paths are fixed because index.html and the
// worker constructor name them: /index.html, /app.js, /worker.js, /app.css, /wasm-zstd.wasm.
import { build, type BuildOptions, type Plugin } from "esbuild";
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export interface BuiltFile {
  body: Uint8Array;
  type: string;
}

const APP_DIR = dirname(fileURLToPath(import.meta.url));

const TYPES: Record<string, string> = {
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".html": "text/html; charset=utf-8",
  ".wasm": "application/wasm",
  ".map": "application/json",
};

function typeOf(path: string): string {
  const dot = path.lastIndexOf(".");
  return TYPES[dot >= 0 ? path.slice(dot) : ""] ?? "application/octet-stream";
}

// No inline script or style: the CSP (script-src 'self') forbids both.
const INDEX_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>teledemo viewer</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/app.css">
<script type="module" src="/app.js"></script>
</head>
<body>
<div id="app"></div>
</body>
</html>
`;

/**
 * "teledemo:panels" is viewer/app/panels/index.ts (PANEL_FACTORIES, written by the panels'
 * author); while that file does not exist the app builds with no panels rather than failing.
 */
const optionalPanels: Plugin = {
  name: "teledemo-optional-panels",
  setup(b) {
    b.onResolve({ filter: /^teledemo:panels$/ }, () => {
      const file = join(APP_DIR, "panels", "index.ts");
      return existsSync(file) ? { path: file } : { path: "panels", namespace: "teledemo-empty" };
    });
    b.onLoad({ filter: /.*/, namespace: "teledemo-empty" }, () => ({ contents: "export const PANEL_FACTORIES = [];", loader: "js" }));
  },
};

let cached: Promise<Map<string, BuiltFile>> | undefined;

/** Builds the app (once per process; later calls share the result). */
export function buildViewerApp(): Promise<Map<string, BuiltFile>> {
  cached ??= doBuild().catch((err: unknown) => {
    cached = undefined;
    throw err;
  });
  return cached;
}

async function doBuild(): Promise<Map<string, BuiltFile>> {
  const common: BuildOptions = {
    bundle: true,
    write: false,
    outdir: "/out",
    platform: "browser",
    target: ["chrome110", "firefox115", "safari16"],
    minify: true,
    sourcemap: false,
    legalComments: "none",
    logLevel: "silent",
    // wasm-zstd's emscripten loader has a Node branch that requires fs/path; it never runs in a browser.
    external: ["fs", "path"],
    define: { "process.env.NODE_ENV": '"production"' },
    plugins: [optionalPanels],
  };
  const [app, worker] = await Promise.all([
    build({ ...common, format: "esm", entryPoints: { app: join(APP_DIR, "main.ts"), "app-style": join(APP_DIR, "styles.css") } }),
    // A classic worker: wasm-zstd's loader recognises a worker by importScripts, which module workers lack.
    // Its wasm goes through the file loader: the loader's require("./wasm-zstd.wasm") becomes "/wasm-zstd.wasm".
    build({ ...common, format: "iife", entryPoints: { worker: join(APP_DIR, "data", "worker.ts") }, loader: { ".wasm": "file" }, assetNames: "[name]", publicPath: "/" }),
  ]);
  const result = { outputFiles: [...(app.outputFiles ?? []), ...(worker.outputFiles ?? [])] };
  const files = new Map<string, BuiltFile>();
  for (const f of result.outputFiles) {
    const name = f.path.slice(f.path.lastIndexOf("/") + 1).replace(/^app-style\.css$/, "app.css");
    files.set(`/${name}`, { body: f.contents, type: typeOf(name) });
  }
  for (const need of ["/app.js", "/worker.js", "/app.css"]) {
    if (!files.has(need)) throw new Error(`viewer build: ${need} missing from the esbuild output`);
  }
  files.set("/index.html", { body: new TextEncoder().encode(INDEX_HTML), type: typeOf("index.html") });
  if (!files.has("/wasm-zstd.wasm")) throw new Error("viewer build: /wasm-zstd.wasm missing from the esbuild output");
  return files;
}
