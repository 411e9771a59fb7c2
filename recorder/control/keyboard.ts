// The teleoperator's keys while recording (stdin in raw mode):
//   → or n  end the episode (keep it)      ← or r  discard it and re-record
//   s / f   mark success / failure          space   pause / resume
//   Esc, q or Ctrl-C  stop the session (the open episode is kept)
import type { EpisodeController } from "../episode/controller.ts";

export const KEY_HELP = "keys: → or n end episode · ← or r discard · s success · f failure · space pause · q stop";

export interface KeyInput {
  isTTY?: boolean;
  setRawMode?(mode: boolean): unknown;
  on(event: "data", listener: (chunk: Buffer | string) => void): unknown;
  off(event: "data", listener: (chunk: Buffer | string) => void): unknown;
  resume(): unknown;
  pause(): unknown;
}

/** Maps one keypress to an action; returns false for keys it does not know. */
export function handleKey(key: string, controller: EpisodeController): boolean {
  switch (key) {
    case "\x1b[C":
    case "n":
      void controller.stop();
      return true;
    case "\x1b[D":
    case "r":
      void controller.discard();
      return true;
    case "s":
      controller.markOutcome("success");
      return true;
    case "f":
      controller.markOutcome("failure");
      return true;
    case " ":
      void controller.togglePause();
      return true;
    case "\x1b":
    case "q":
    case "\x03":
      void controller.shutdown("stopped at the keyboard");
      return true;
    default:
      return false;
  }
}

/** Binds the keys to `controller`; returns the function that unbinds them. */
export function bindKeyboard(input: KeyInput, controller: EpisodeController): () => void {
  if (!input.isTTY || input.setRawMode === undefined) return () => {};
  input.setRawMode(true);
  input.resume();
  const listener = (chunk: Buffer | string) => {
    const text = chunk.toString();
    // Arrow keys arrive as one escape sequence; anything else may be several keys at once.
    if (text.startsWith("\x1b[")) handleKey(text.slice(0, 3), controller);
    else for (const key of text) handleKey(key, controller);
  };
  input.on("data", listener);
  return () => {
    input.off("data", listener);
    input.setRawMode?.(false);
    input.pause();
  };
}
