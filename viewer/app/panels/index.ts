// The panels the app hosts, in their default order. Each factory returns null when the episode has
// no data for it, so an episode with only std_msgs gets no 3D or camera panels.
import { agreementFactory } from "./agreement.ts";
import { cameraFactory } from "./camera.ts";
import type { PanelFactory } from "./contract.ts";
import { plotsFactory } from "./plots.ts";
import { scene3dFactory } from "./scene3d.ts";
import { tactileFactory } from "./tactile.ts";

export const PANEL_FACTORIES: PanelFactory[] = [scene3dFactory, cameraFactory, plotsFactory, tactileFactory, agreementFactory];

export type { DecodedMessage, DataSource, Panel, PanelContext, PanelFactory } from "./contract.ts";
