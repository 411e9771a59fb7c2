// Per-panel settings inside the app's settings object: each panel keeps its own key so panels that
// share a context never overwrite each other's toggles.
import type { PanelContext } from "../contract.ts";
import { obj, type Obj } from "./values.ts";

export class PanelSettings {
  constructor(
    private readonly ctx: PanelContext,
    private readonly key: string,
  ) {}

  get(): Obj {
    try {
      return obj(this.ctx.loadSettings()[this.key]) ?? {};
    } catch {
      return {};
    }
  }

  bool(name: string, fallback: boolean): boolean {
    const v = this.get()[name];
    return typeof v === "boolean" ? v : fallback;
  }

  number(name: string, fallback: number): number {
    const v = this.get()[name];
    return typeof v === "number" && Number.isFinite(v) ? v : fallback;
  }

  string(name: string, fallback: string): string {
    const v = this.get()[name];
    return typeof v === "string" ? v : fallback;
  }

  set(name: string, value: unknown): void {
    let all: Obj = {};
    try {
      all = { ...this.ctx.loadSettings() };
    } catch {
      all = {};
    }
    all[this.key] = { ...(obj(all[this.key]) ?? {}), [name]: value };
    this.ctx.saveSettings(all);
  }
}
