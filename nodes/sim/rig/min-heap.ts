// A binary min-heap keyed by bigint: the rig's event queue of sensors ordered by next arrival.

export class MinHeap<T> {
  private readonly items: T[] = [];

  constructor(private readonly key: (item: T) => bigint) {}

  get size(): number {
    return this.items.length;
  }

  peek(): T | undefined {
    return this.items[0];
  }

  push(item: T): void {
    this.items.push(item);
    this.siftUp(this.items.length - 1);
  }

  /** Re-position the top item after its key grew (the common case: a sensor advanced). */
  updateTop(): void {
    this.siftDown(0);
  }

  pop(): T | undefined {
    const top = this.items[0];
    const last = this.items.pop();
    if (this.items.length > 0 && last !== undefined) {
      this.items[0] = last;
      this.siftDown(0);
    }
    return top;
  }

  private siftUp(i: number): void {
    const items = this.items;
    const item = items[i] as T;
    const k = this.key(item);
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const p = items[parent] as T;
      if (this.key(p) <= k) break;
      items[i] = p;
      i = parent;
    }
    items[i] = item;
  }

  private siftDown(i: number): void {
    const items = this.items;
    const n = items.length;
    if (n === 0) return;
    const item = items[i] as T;
    const k = this.key(item);
    for (;;) {
      const left = 2 * i + 1;
      if (left >= n) break;
      const right = left + 1;
      let child = left;
      if (right < n && this.key(items[right] as T) < this.key(items[left] as T)) child = right;
      if (this.key(items[child] as T) >= k) break;
      items[i] = items[child] as T;
      i = child;
    }
    items[i] = item;
  }
}
