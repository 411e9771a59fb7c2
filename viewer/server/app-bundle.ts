// The browser app's files, bundled in memory by viewer/app/build.ts (esbuild) once per server
// start. While the app cannot be built (the module is missing or the build fails) the server
// serves one static page that says so, instead of failing to start: the API still works.

export interface StaticFile {
  body: Uint8Array;
  type: string;
}

type BuildApp = () => Promise<Map<string, StaticFile>>;

function notBuiltPage(reason: string): Map<string, StaticFile> {
  const esc = reason.replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c]!);
  const html = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>teledemo viewer</title></head>
<body><h1>teledemo viewer</h1><p>The browser app is not built: ${esc}</p>
<p>The API is available under <code>/api/</code>.</p></body></html>
`;
  return new Map([["/index.html", { body: new TextEncoder().encode(html), type: "text/html; charset=utf-8" }]]);
}

export interface AppBundle {
  files: Map<string, StaticFile>;
  /** Why the real app is not served, when it is not. */
  problem: string | undefined;
}

export async function loadAppBundle(): Promise<AppBundle> {
  let mod: Record<string, unknown>;
  try {
    mod = (await import("../app/build.ts")) as Record<string, unknown>;
  } catch (err) {
    const problem = `viewer/app/build.ts could not be loaded (${(err as Error).message.split("\n")[0]})`;
    return { files: notBuiltPage(problem), problem };
  }
  const build = mod.buildViewerApp;
  if (typeof build !== "function") {
    const problem = "viewer/app/build.ts does not export buildViewerApp()";
    return { files: notBuiltPage(problem), problem };
  }
  try {
    const files = await (build as BuildApp)();
    if (!files.has("/index.html")) throw new Error("the bundle has no /index.html");
    return { files, problem: undefined };
  } catch (err) {
    const problem = `building the app failed: ${(err as Error).message.split("\n").slice(0, 3).join(" ")}`;
    return { files: notBuiltPage(problem), problem };
  }
}
