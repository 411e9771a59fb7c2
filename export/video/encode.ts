// One ffmpeg encode: raw frames streamed to the child's stdin with backpressure (a slow encoder
// slows the producer instead of queueing frames in memory), the mp4 written by ffmpeg itself.
import { spawn } from "node:child_process";
import { once } from "node:events";
import { FFMPEG, encodeArgs, type EncoderChoice, type RawInput } from "./ffmpeg.ts";

export interface EncodeResult {
  path: string;
  frames: number;
}

export class FrameEncoder {
  private readonly child;
  private readonly stderr: Buffer[] = [];
  private readonly exited: Promise<number | null>;
  private frames = 0;
  private failure: Error | undefined;
  readonly frameBytes: number;

  constructor(
    readonly input: RawInput,
    readonly choice: EncoderChoice,
    readonly outPath: string,
    threads?: number,
  ) {
    this.frameBytes = input.width * input.height * (input.pixFmt === "rgb24" ? 3 : 2);
    this.child = spawn(FFMPEG, encodeArgs(input, choice, outPath, threads), { stdio: ["pipe", "ignore", "pipe"] });
    this.child.stderr.on("data", (d: Buffer) => {
      if (this.stderr.length < 64) this.stderr.push(d);
    });
    // EPIPE when ffmpeg dies early: the exit code and stderr carry the real reason.
    this.child.stdin.on("error", (err) => {
      this.failure ??= err;
    });
    this.exited = new Promise((resolve, reject) => {
      this.child.on("error", (err) => reject(new Error(`cannot start ${FFMPEG}: ${err.message}`)));
      this.child.on("close", (code) => resolve(code));
    });
    // Keep a failed child from turning into an unhandled rejection before finish() is awaited.
    this.exited.catch(() => {});
  }

  /** Writes one frame; resolves when the pipe can take more. */
  async write(frame: Uint8Array): Promise<void> {
    if (frame.byteLength !== this.frameBytes)
      throw new Error(`${this.outPath}: frame ${this.frames} has ${frame.byteLength} bytes, expected ${this.frameBytes} (${this.input.width}x${this.input.height} ${this.input.pixFmt})`);
    if (this.failure) throw this.error();
    this.frames++;
    if (!this.child.stdin.write(frame)) {
      await Promise.race([once(this.child.stdin, "drain"), this.exited.then(() => undefined)]);
      if (this.child.exitCode !== null) throw await this.finishError();
    }
  }

  /** Closes stdin and waits for ffmpeg; throws with ffmpeg's own message on failure. */
  async finish(): Promise<EncodeResult> {
    this.child.stdin.end();
    const code = await this.exited;
    if (code !== 0) throw await this.finishError();
    return { path: this.outPath, frames: this.frames };
  }

  /** Kills the child (error paths). */
  abort(): void {
    if (this.child.exitCode === null) this.child.kill("SIGKILL");
  }

  private error(): Error {
    const msg = Buffer.concat(this.stderr).toString("utf8").trim();
    return new Error(`ffmpeg (${this.choice.encoder}) failed writing ${this.outPath}${msg ? `: ${msg}` : this.failure ? `: ${this.failure.message}` : ""}`);
  }

  private async finishError(): Promise<Error> {
    await this.exited.catch(() => null);
    return this.error();
  }
}
