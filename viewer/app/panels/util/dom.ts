// Small DOM helpers for panels. Styles go through the CSSOM (element.style), which the viewer's
// CSP allows, never through style attributes or inline <style>.
export function el<K extends keyof HTMLElementTagNameMap>(tag: K, style: Partial<CSSStyleDeclaration> = {}, text?: string): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  Object.assign(e.style, style);
  if (text !== undefined) e.textContent = text;
  return e;
}

export function toggle(label: string, checked: boolean, onChange: (checked: boolean) => void): HTMLLabelElement {
  const l = el("label", { display: "inline-flex", alignItems: "center", gap: "4px", marginRight: "10px", cursor: "pointer", userSelect: "none", fontSize: "12px" });
  const box = el("input");
  box.type = "checkbox";
  box.checked = checked;
  box.addEventListener("change", () => onChange(box.checked));
  l.append(box, document.createTextNode(label));
  return l;
}

export function toolbar(): HTMLDivElement {
  return el("div", { display: "flex", flexWrap: "wrap", alignItems: "center", padding: "2px 4px", fontSize: "12px", gap: "2px", flex: "0 0 auto" });
}

/** A panel body: a vertical flex column filling its frame. */
export function panelRoot(): HTMLDivElement {
  return el("div", { display: "flex", flexDirection: "column", width: "100%", height: "100%", minHeight: "0", overflow: "hidden", position: "relative" });
}

/** Canvas backing size for its CSS box at the device pixel ratio; true when it changed. */
export function fitCanvas(canvas: HTMLCanvasElement, minW = 50, minH = 40): boolean {
  const dpr = Math.min(2, window.devicePixelRatio || 1);
  const w = Math.max(minW, Math.round((canvas.clientWidth || minW) * dpr));
  const h = Math.max(minH, Math.round((canvas.clientHeight || minH) * dpr));
  if (canvas.width === w && canvas.height === h) return false;
  canvas.width = w;
  canvas.height = h;
  return true;
}
