// --jobs worker thread: resamples the episodes it is sent (the CPU-heavy part: reading,
// decoding and interpolating every mapped stream) and posts back the numeric result; the main
// thread streams the video frames when the writer consumes them.
import { parentPort } from "node:worker_threads";
import { resampleEpisode, type ResampleRequest } from "../resample/resample.ts";
import { describeFailure, type JobReply } from "./protocol.ts";

if (!parentPort) throw new Error("export/jobs/worker.ts runs as a worker thread");
const port = parentPort;
port.on("message", (msg: { id: number; request: ResampleRequest }) => {
  resampleEpisode(msg.request).then(
    (core) => {
      const reply: JobReply = { id: msg.id, ok: true, core };
      port.postMessage(reply, [core.timestamps.buffer as ArrayBuffer, ...core.numeric.map((n) => n.data.buffer as ArrayBuffer)]);
    },
    (err: unknown) => {
      const reply: JobReply = { id: msg.id, ok: false, ...describeFailure(err) };
      port.postMessage(reply);
    },
  );
});
