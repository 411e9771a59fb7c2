// Keyboard actions of the episode page. Defaults match launch/labeling.yaml; the project config's
// `hotkeys` (action → key) override them. Phase types' own keys (1–9) come from phaseTypes.
export const DEFAULT_HOTKEYS: Record<string, string> = {
  play_pause: " ",
  frame_back: "ArrowLeft",
  frame_forward: "ArrowRight",
  phase_start: "[",
  phase_end: "]",
  add_contact: "c",
  accept_suggestion: "Enter",
  reject_suggestion: "x",
  delete: "Delete",
  next_event: "n",
  previous_event: "p",
  undo: "ctrl+z",
  redo: "ctrl+shift+z",
};

export type HotkeyAction = keyof typeof DEFAULT_HOTKEYS | "second_back" | "second_forward";

/** "ctrl+shift+z" style chord of a key event (ctrl and meta are one modifier: Cmd on macOS). */
export function chordOf(ev: KeyboardEvent): string {
  const parts: string[] = [];
  if (ev.ctrlKey || ev.metaKey) parts.push("ctrl");
  if (ev.altKey) parts.push("alt");
  // Shift is part of printable keys already ("{" vs "["); only name it for named keys and ctrl chords.
  const named = ev.key.length > 1 || parts.length > 0;
  if (ev.shiftKey && named) parts.push("shift");
  parts.push(ev.key.length === 1 ? ev.key.toLowerCase() : ev.key);
  return parts.join("+");
}

function normalize(chord: string): string {
  const parts = chord.split("+").filter((p) => p.length > 0);
  if (chord.endsWith("+")) parts.push("+");
  if (parts.length === 0) return chord === " " ? " " : chord;
  const key = parts.pop()!;
  const mods = parts.map((m) => m.toLowerCase()).map((m) => (m === "cmd" || m === "meta" || m === "control" ? "ctrl" : m));
  const order = ["ctrl", "alt", "shift"].filter((m) => mods.includes(m));
  return [...order, key.length === 1 ? key.toLowerCase() : key].join("+");
}

export class Hotkeys {
  private readonly byChord = new Map<string, HotkeyAction>();

  constructor(overrides: Record<string, string>) {
    const merged = { ...DEFAULT_HOTKEYS, ...overrides };
    for (const [action, key] of Object.entries(merged)) this.byChord.set(key === " " ? " " : normalize(key), action as HotkeyAction);
    // Shift + the frame keys: one second (the issue fixes these).
    const back = normalize(merged["frame_back"] ?? "ArrowLeft");
    const fwd = normalize(merged["frame_forward"] ?? "ArrowRight");
    this.byChord.set(`shift+${back}`, "second_back");
    this.byChord.set(`shift+${fwd}`, "second_forward");
    if (merged["delete"] === "Delete") this.byChord.set("Backspace", "delete");
  }

  action(ev: KeyboardEvent): HotkeyAction | undefined {
    return this.byChord.get(chordOf(ev));
  }

  keyOf(action: string): string {
    for (const [k, a] of this.byChord) if (a === action) return k === " " ? "Space" : k;
    return "";
  }
}
