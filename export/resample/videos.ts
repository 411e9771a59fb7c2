// The video features' frame streams: one pass of the aligned reader over the image topic on the
// episode's grid, each frame converted as it is consumed (an episode of frames is never held).
import type { ResampledEpisode, VideoFeature } from "../model.ts";
import { convertImage } from "./images.ts";
import { openEpisode } from "./open.ts";
import type { ResampledCore, VideoPlan } from "./resample.ts";

async function* streamFrames(path: string, gridNs: readonly bigint[], plan: VideoPlan): AsyncGenerator<Uint8Array> {
  const episode = await openEpisode(path);
  try {
    const options = { topics: [plan.topic], ...(plan.toleranceNs !== undefined ? { toleranceNs: new Map([[plan.topic, plan.toleranceNs]]) } : {}) };
    let i = 0;
    for await (const { states } of episode.resample(gridNs, options)) {
      const state = states.get(plan.topic);
      if (!state?.message) throw new Error(`${path}: ${plan.topic} has no image for grid frame ${i}`);
      yield convertImage(state.message.decode(), plan.pixel, { width: plan.width, height: plan.height, encoding: "" }, plan.topic);
      i++;
    }
    if (i !== gridNs.length) throw new Error(`${path}: ${plan.topic} gave ${i} frames for ${gridNs.length} grid times`);
  } finally {
    await episode.close();
  }
}

export function videoFeature(path: string, gridNs: readonly bigint[], plan: VideoPlan): VideoFeature {
  return {
    key: plan.key,
    pixel: plan.pixel,
    width: plan.width,
    height: plan.height,
    sources: plan.sources,
    frames: () => streamFrames(path, gridNs, plan),
  };
}

/** The writers' view of a resampled episode. */
export function toResampledEpisode(core: ResampledCore): ResampledEpisode {
  const { videos, ...rest } = core;
  return { ...rest, videos: videos.map((v) => videoFeature(core.source, core.gridNs, v)) };
}
