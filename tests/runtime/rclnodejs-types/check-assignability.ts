// Runs the TypeScript compiler (programmatic API) over a generated check file that assigns the
// real rclnodejs module type to RclnodejsSurface. The real package's files are read from the
// cache; the check file, a package.json and (optionally) the generated-interfaces stand-ins are
// overlaid in memory, so nothing is written next to the sources.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import ts from "typescript";
import { RXJS_STUB, renderGeneratedInterfaces } from "./generated-interfaces.ts";

export interface AssignabilityCheck {
  repoRoot: string;
  /** Unpacked rclnodejs package (package.json, types/). */
  rclnodejsPackageDir: string;
  /** Body of the check file; may import "rclnodejs" and use the absolute paths it is given. */
  checkSource: string;
  /** Add a generated-style types/interfaces.d.ts (and rxjs) so the generic types are concrete. */
  withGeneratedInterfaces: boolean;
  /** Replace files' contents in memory (used to prove the check can fail). */
  overrides?: Map<string, string>;
}

export interface CheckResult {
  /** Formatted diagnostics; empty when everything type-checks. */
  errors: string[];
}

export function checkAssignability(check: AssignabilityCheck): CheckResult {
  // A virtual project folder beside the cached package, laid out like an installation.
  const root = join(check.rclnodejsPackageDir, "..", "virtual-check");
  const installed = join(root, "node_modules", "rclnodejs");
  const checkFile = join(root, "check.ts");
  const overlay = new Map<string, string>(check.overrides ?? []);
  overlay.set(checkFile, check.checkSource);
  overlay.set(join(root, "package.json"), '{ "type": "module" }\n');
  if (check.withGeneratedInterfaces) {
    overlay.set(join(installed, "types", "interfaces.d.ts"), renderGeneratedInterfaces());
    overlay.set(join(root, "node_modules", "rxjs", "package.json"), '{ "name": "rxjs", "types": "index.d.ts" }\n');
    overlay.set(join(root, "node_modules", "rxjs", "index.d.ts"), RXJS_STUB);
  }
  const toReal = (path: string): string =>
    path.startsWith(installed + "/") || path === installed ? check.rclnodejsPackageDir + path.slice(installed.length) : path;

  const options: ts.CompilerOptions = {
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    strict: true,
    noEmit: true,
    allowImportingTsExtensions: true,
    verbatimModuleSyntax: true,
    isolatedModules: true,
    // With the generated interfaces present, rclnodejs's own declarations must compile cleanly
    // too; without them they cannot (the names they reference do not exist), so only then skip.
    skipLibCheck: !check.withGeneratedInterfaces,
    types: ["node"],
    typeRoots: [join(check.repoRoot, "node_modules", "@types")],
  };
  const host = ts.createCompilerHost(options, true);
  const baseFileExists = host.fileExists.bind(host);
  const baseReadFile = host.readFile.bind(host);
  const baseDirectoryExists = host.directoryExists?.bind(host);
  const baseGetSourceFile = host.getSourceFile.bind(host);
  host.fileExists = (path) => overlay.has(path) || baseFileExists(toReal(path));
  host.readFile = (path) => overlay.get(path) ?? baseReadFile(toReal(path));
  host.directoryExists = (path) =>
    installed.startsWith(path + "/") ||
    [...overlay.keys()].some((f) => f.startsWith(path + "/")) ||
    (baseDirectoryExists?.(toReal(path)) ?? true);
  host.realpath = (path) => path;
  host.getSourceFile = (path, languageVersion, onError, shouldCreate) => {
    const text = overlay.get(path);
    if (text !== undefined) return ts.createSourceFile(path, text, languageVersion, true);
    const real = toReal(path);
    if (real !== path) {
      if (!existsSync(real)) return undefined;
      return ts.createSourceFile(path, readFileSync(real, "utf8"), languageVersion, true);
    }
    return baseGetSourceFile(path, languageVersion, onError, shouldCreate);
  };

  const program = ts.createProgram({ rootNames: [checkFile], options, host });
  const diagnostics = ts.getPreEmitDiagnostics(program);
  const errors = diagnostics
    .filter((d) => d.category === ts.DiagnosticCategory.Error)
    .map((d) => ts.formatDiagnostic(d, { getCanonicalFileName: (f) => f, getCurrentDirectory: () => root, getNewLine: () => "\n" }).trim());
  return { errors };
}
