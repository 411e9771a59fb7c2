// The panels' registry, resolved by viewer/app/build.ts to viewer/app/panels/index.ts (or to an
// empty list while that file does not exist yet).
declare module "teledemo:panels" {
  export const PANEL_FACTORIES: import("./panels/contract.ts").PanelFactory[];
}
