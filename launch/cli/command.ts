// The shape every teledemo subcommand has, and the error type that becomes a clean exit.

export interface CommandContext {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  /** True when stdout is an interactive terminal (live tables redraw in place). */
  isTty: boolean;
}

export interface Command {
  name: string;
  summary: string;
  usage: string;
  run(argv: string[], ctx: CommandContext): Promise<number>;
}

/** A problem the user can fix: printed as one clear line, exit code 2, no stack trace. */
export class UsageError extends Error {}
