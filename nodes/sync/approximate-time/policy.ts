// A port of ROS message_filters' ApproximateTime synchronization policy
// (ros2/message_filters, include/message_filters/sync_policies/approximate_time.h), written
// from the algorithm, with the same semantics, so the benchmark can compare our synchronizer
// against what ROS users get.
//
// The algorithm (Willow Garage's "approximate time" policy):
//  - one deque per topic holds messages not yet examined; a `past` vector per topic holds
//    messages already examined for the current candidate (they may come back on cancel);
//  - only when every deque is non-empty does the search run: the heads of the deques form an
//    interval [start, end] (earliest head, latest head). Without a candidate, the first interval
//    no wider than max_interval_duration becomes the candidate and the topic of its latest head
//    becomes the PIVOT (pivot time = end); the earliest head is then moved to `past`;
//  - with a candidate, each next interval replaces it when it is better, i.e. when
//    (end − candidate_end)·(1 + age_penalty) < (start − candidate_start); the earliest head moves
//    to `past` either way;
//  - the candidate is published when it is provably optimal: when the earliest head is the pivot
//    itself (every interval containing the pivot message has been seen), or when
//    (end − candidate_end)·(1 + age_penalty) ≥ pivot_time − candidate_start (every future interval
//    is at least that wide), or — once a deque has run empty — when that inequality holds for
//    "virtual" heads: an empty topic's next message cannot be earlier than
//    max(last seen + inter-message lower bound, pivot time);
//  - publishing removes the candidate's messages and puts every examined message back;
//  - a topic whose deque + past exceeds queue_size loses its OLDEST message (any candidate is
//    cancelled and the search restarts); such a topic may not become the pivot until an interval
//    has shown that nothing it dropped could have been better.
// Semantics kept exactly: the order of the checks, the strict/non-strict comparisons, the
// has_dropped_messages rule, the duration × (1 + age_penalty) product truncated to whole
// nanoseconds as rclcpp::Duration::operator*(double) does. Differences that do not change the
// output: any number of topics ≥ 2 (ROS: 2–9), times are int64 ns as bigint, no mutex.

export interface ApproximateTimeOptions<M> {
  /** Number of synchronized topics (≥ 2). */
  topics: number;
  /** queue_size of the policy: bound on deque + past per topic. */
  queueSize: number;
  /** The header stamp of a message, ns. */
  stampOf: (message: M) => bigint;
  /** Default 0.1, as ROS. */
  agePenalty?: number;
  /** Default: unbounded, as ROS (int32 max seconds). */
  maxIntervalDurationNs?: bigint;
}

const NO_PIVOT = -1;

/** rclcpp::Duration * double: the product truncated toward zero to whole nanoseconds. */
function scaleDuration(d: bigint, scale: number): bigint {
  return BigInt(Math.trunc(Number(d) * scale));
}

export class ApproximateTimePolicy<M> {
  private readonly n: number;
  private readonly queueSize: number;
  private readonly stampOf: (m: M) => bigint;
  private agePenalty: number;
  private maxIntervalDuration: bigint;
  private readonly interMessageLowerBounds: bigint[];
  private readonly warnedAboutIncorrectBound: boolean[];
  private readonly hasDroppedMessages: boolean[];

  private readonly deques: M[][];
  private readonly past: M[][];
  private numNonEmptyDeques = 0;
  private candidate: (M | undefined)[] | undefined;
  private candidateStart = 0n;
  private candidateEnd = 0n;
  private pivotTime = 0n;
  private pivot = NO_PIVOT;
  private readonly callbacks: Array<(set: M[]) => void> = [];

  /** Messages dropped by queue overflow, per topic (ROS only sets a flag; we count too). */
  readonly droppedByOverflow: number[];
  /** Warnings ROS would log once per topic: out-of-order stamps, inter-message bound violated. */
  readonly warnings: string[] = [];

  constructor(options: ApproximateTimeOptions<M>) {
    if (!Number.isInteger(options.topics) || options.topics < 2) throw new RangeError(`ApproximateTime needs at least 2 topics, got ${options.topics}`);
    if (!Number.isInteger(options.queueSize) || options.queueSize <= 0) throw new RangeError(`queue_size must be a positive integer, got ${options.queueSize}`);
    this.n = options.topics;
    this.queueSize = options.queueSize;
    this.stampOf = options.stampOf;
    this.agePenalty = 0.1;
    this.maxIntervalDuration = 2_147_483_647n * 1_000_000_000n + 999_999_999n;
    if (options.agePenalty !== undefined) this.setAgePenalty(options.agePenalty);
    if (options.maxIntervalDurationNs !== undefined) this.setMaxIntervalDuration(options.maxIntervalDurationNs);
    this.interMessageLowerBounds = new Array<bigint>(this.n).fill(0n);
    this.warnedAboutIncorrectBound = new Array<boolean>(this.n).fill(false);
    this.hasDroppedMessages = new Array<boolean>(this.n).fill(false);
    this.droppedByOverflow = new Array<number>(this.n).fill(0);
    this.deques = Array.from({ length: this.n }, () => []);
    this.past = Array.from({ length: this.n }, () => []);
  }

  /** Called with one message per topic (index order) for every synchronized set. */
  registerCallback(cb: (set: M[]) => void): void {
    this.callbacks.push(cb);
  }

  setAgePenalty(agePenalty: number): void {
    if (!(agePenalty >= 0)) throw new RangeError(`age penalty must be ≥ 0, got ${agePenalty}`);
    this.agePenalty = agePenalty;
  }

  setInterMessageLowerBound(topic: number, lowerBoundNs: bigint): void {
    this.checkTopic(topic);
    if (lowerBoundNs < 0n) throw new RangeError("inter-message lower bound must be ≥ 0");
    this.interMessageLowerBounds[topic] = lowerBoundNs;
  }

  setMaxIntervalDuration(ns: bigint): void {
    if (ns < 0n) throw new RangeError("max interval duration must be ≥ 0");
    this.maxIntervalDuration = ns;
  }

  /** Messages held (deque + past) per topic. */
  queued(): number[] {
    return this.deques.map((d, i) => d.length + this.past[i]!.length);
  }

  add(topic: number, message: M): void {
    this.checkTopic(topic);
    const deque = this.deques[topic]!;
    deque.push(message);
    if (deque.length === 1) {
      this.numNonEmptyDeques++;
      if (this.numNonEmptyDeques === this.n) this.process();
    } else {
      this.checkInterMessageBound(topic);
    }
    // During the process() above, this deque may briefly have held queue_size + 1 messages.
    if (deque.length + this.past[topic]!.length > this.queueSize) {
      // Cancel any ongoing candidate search: put every examined message back.
      this.numNonEmptyDeques = 0;
      for (let i = 0; i < this.n; i++) this.recoverAll(i);
      // Drop the oldest message of the offending topic.
      deque.shift();
      this.droppedByOverflow[topic]!++;
      this.hasDroppedMessages[topic] = true;
      if (this.pivot !== NO_PIVOT) {
        this.candidate = undefined;
        this.pivot = NO_PIVOT;
        this.process();
      }
    }
  }

  private checkTopic(topic: number): void {
    if (!Number.isInteger(topic) || topic < 0 || topic >= this.n) throw new RangeError(`topic index ${topic} out of range [0, ${this.n})`);
  }

  private checkInterMessageBound(i: number): void {
    if (this.warnedAboutIncorrectBound[i]) return;
    const deque = this.deques[i]!;
    const msgTime = this.stampOf(deque[deque.length - 1]!);
    let previous: bigint;
    if (deque.length === 1) {
      const v = this.past[i]!;
      if (v.length === 0) return;
      previous = this.stampOf(v[v.length - 1]!);
    } else {
      previous = this.stampOf(deque[deque.length - 2]!);
    }
    if (msgTime < previous) {
      this.warnings.push(`topic ${i}: messages arrived out of order`);
      this.warnedAboutIncorrectBound[i] = true;
    } else if (msgTime - previous < this.interMessageLowerBounds[i]!) {
      this.warnings.push(`topic ${i}: messages arrived closer (${msgTime - previous} ns) than the lower bound (${this.interMessageLowerBounds[i]} ns)`);
      this.warnedAboutIncorrectBound[i] = true;
    }
  }

  private dequeDeleteFront(i: number): void {
    const q = this.deques[i]!;
    q.shift();
    if (q.length === 0) this.numNonEmptyDeques--;
  }

  private dequeMoveFrontToPast(i: number): void {
    const q = this.deques[i]!;
    this.past[i]!.push(q.shift()!);
    if (q.length === 0) this.numNonEmptyDeques--;
  }

  private makeCandidate(): void {
    this.candidate = this.deques.map((q) => q[0]);
    // Every examined message is older than this better candidate: forget them.
    for (const v of this.past) v.length = 0;
  }

  /** Move the last `count` examined messages of topic i back to the front of its deque. */
  private recover(i: number, count: number): void {
    const v = this.past[i]!;
    const q = this.deques[i]!;
    for (; count > 0; count--) q.unshift(v.pop()!);
    if (q.length > 0) this.numNonEmptyDeques++;
  }

  private recoverAll(i: number): void {
    this.recover(i, this.past[i]!.length);
  }

  private recoverAndDelete(i: number): void {
    const v = this.past[i]!;
    const q = this.deques[i]!;
    while (v.length > 0) q.unshift(v.pop()!);
    q.shift();
    if (q.length > 0) this.numNonEmptyDeques++;
  }

  private publishCandidate(): void {
    const set = this.candidate as M[];
    for (const cb of this.callbacks) cb(set);
    this.candidate = undefined;
    this.pivot = NO_PIVOT;
    this.numNonEmptyDeques = 0;
    for (let i = 0; i < this.n; i++) this.recoverAndDelete(i);
  }

  /** Earliest (end=false) or latest (end=true) head; ties keep the lowest index. */
  private candidateBoundary(end: boolean): { index: number; time: bigint } {
    let time = this.stampOf(this.deques[0]![0]!);
    let index = 0;
    for (let i = 1; i < this.n; i++) {
      const t = this.stampOf(this.deques[i]![0]!);
      if ((t < time) !== end) {
        time = t;
        index = i;
      }
    }
    return { index, time };
  }

  private virtualTime(i: number): bigint {
    const q = this.deques[i]!;
    if (q.length === 0) {
      const v = this.past[i]!;
      const lowerBound = this.stampOf(v[v.length - 1]!) + this.interMessageLowerBounds[i]!;
      return lowerBound > this.pivotTime ? lowerBound : this.pivotTime;
    }
    return this.stampOf(q[0]!);
  }

  private virtualCandidateBoundary(end: boolean): { index: number; time: bigint } {
    const times = Array.from({ length: this.n }, (_, i) => this.virtualTime(i));
    let time = times[0]!;
    let index = 0;
    for (let i = 0; i < this.n; i++) {
      if ((times[i]! < time) !== end) {
        time = times[i]!;
        index = i;
      }
    }
    return { index, time };
  }

  private process(): void {
    const penalty = 1 + this.agePenalty;
    while (this.numNonEmptyDeques === this.n) {
      const { index: endIndex, time: endTime } = this.candidateBoundary(true);
      const { index: startIndex, time: startTime } = this.candidateBoundary(false);
      for (let i = 0; i < this.n; i++) {
        // No dropped message could have been better than the ones we have, so this topic may
        // be the pivot again.
        if (i !== endIndex) this.hasDroppedMessages[i] = false;
      }
      if (this.pivot === NO_PIVOT) {
        if (endTime - startTime > this.maxIntervalDuration) {
          this.dequeDeleteFront(startIndex);
          continue;
        }
        if (this.hasDroppedMessages[endIndex]) {
          this.dequeDeleteFront(startIndex);
          continue;
        }
        this.makeCandidate();
        this.candidateStart = startTime;
        this.candidateEnd = endTime;
        this.pivot = endIndex;
        this.pivotTime = endTime;
        this.dequeMoveFrontToPast(startIndex);
      } else {
        if (scaleDuration(endTime - this.candidateEnd, penalty) >= startTime - this.candidateStart) {
          this.dequeMoveFrontToPast(startIndex);
        } else {
          this.makeCandidate();
          this.candidateStart = startTime;
          this.candidateEnd = endTime;
          this.dequeMoveFrontToPast(startIndex);
        }
      }
      const ageCheck = scaleDuration(endTime - this.candidateEnd, penalty);
      if (startIndex === this.pivot) {
        // Every candidate containing the pivot message has been examined.
        this.publishCandidate();
      } else if (ageCheck >= this.pivotTime - this.candidateStart) {
        // Any future candidate contains [pivot_time, end_time], already too wide.
        this.publishCandidate();
      } else if (this.numNonEmptyDeques < this.n) {
        // Use the inter-message lower bounds to try to prove optimality before waiting.
        const virtualMoves = new Array<number>(this.n).fill(0);
        for (;;) {
          const vEnd = this.virtualCandidateBoundary(true);
          const vStart = this.virtualCandidateBoundary(false);
          const vAge = scaleDuration(vEnd.time - this.candidateEnd, penalty);
          if (vAge >= this.pivotTime - this.candidateStart) {
            this.publishCandidate();
            break;
          }
          if (vAge < vStart.time - this.candidateStart) {
            // An optimistic future candidate would be better: wait for messages.
            this.numNonEmptyDeques = 0;
            for (let i = 0; i < this.n; i++) this.recover(i, virtualMoves[i]!);
            break;
          }
          // Here vStart.index !== pivot (else the two tests above would be complementary).
          this.dequeMoveFrontToPast(vStart.index);
          virtualMoves[vStart.index]!++;
        }
      }
    }
  }
}
