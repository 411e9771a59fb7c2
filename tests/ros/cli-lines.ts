// Checks a teledemo command line written outside the code (a launch file, the README) against
// the real CLI: the command exists, every --flag is in `teledemo <command> --help`, and a value
// the help spells as a choice (e.g. `--source sim|ros|bridge`) is one of the choices. The help is
// taken from the CLI's own main() in process (what launch/bin/teledemo.js runs), not a child
// process per command: these checks need the text, not a process start.
import { main } from "../../launch/cli/main.ts";

const helpCache = new Map<string, Promise<string>>();

/** `teledemo <command> --help` (or `teledemo --help` for ""), as the CLI prints it. */
export function cliHelp(command: string): Promise<string> {
  let help = helpCache.get(command);
  if (help === undefined) {
    let stdout = "";
    let stderr = "";
    const ctx = { stdout: (t: string) => void (stdout += t), stderr: (t: string) => void (stderr += t), isTty: false };
    help = main(command === "" ? ["--help"] : [command, "--help"], ctx).then((code) => {
      if (code !== 0) throw new Error(`teledemo ${command} --help exited ${code}: ${stderr}`);
      return stdout;
    });
    helpCache.set(command, help);
  }
  return help;
}

/** The problems of one command line (tokens after `teledemo`); [] when it is fine. Tokens that
 * are placeholders (`$(var x)`, `<dir>`, `$HOME/...`) are not checked as values. */
export async function cliLineProblems(tokens: string[], where: string): Promise<string[]> {
  const [command, ...rest] = tokens;
  if (command === undefined) return [`${where}: no teledemo command`];
  const commands = await cliHelp("");
  if (!new RegExp(`^\\s+${command}\\s`, "m").test(commands)) return [`${where}: 'teledemo ${command}' is not a command (teledemo --help)`];
  const help = await cliHelp(command);
  const problems: string[] = [];
  for (let i = 0; i < rest.length; i++) {
    const token = rest[i] as string;
    if (!token.startsWith("--")) continue;
    const flag = token.split("=")[0] as string;
    const line = help.split("\n").find((l) => new RegExp(`^\\s+${flag}(\\s|$)`).test(l));
    if (line === undefined) {
      problems.push(`${where}: 'teledemo ${command} ${flag}' is not an option (teledemo ${command} --help)`);
      continue;
    }
    // lower-case alternatives are choices; upper-case ones (NAME|FILE) are placeholders
    const choices = /^\s+--[\w-]+\s+([a-z0-9_.]+(?:\|[a-z0-9_.]+)+)\s/.exec(line)?.[1]?.split("|");
    const value = token.includes("=") ? token.slice(token.indexOf("=") + 1) : rest[i + 1];
    if (choices !== undefined && value !== undefined && /^[\w.]+$/.test(value) && !choices.includes(value)) {
      problems.push(`${where}: ${flag} ${value} is not one of ${choices.join(", ")}`);
    }
  }
  return problems;
}
