/**
 * The memory store's entries in order of expiry (ties: the order they were first stored), so a full map gives
 * up its dead and its closest-to-expiry entries in O(log n) each, however large it is. Sorting every entry to
 * find them cost a flood of logins more than the logins themselves.
 *
 * A binary min-heap with lazy deletion: an entry whose expiry moves (a touch) or that leaves the map is not
 * searched for; it is pushed again, and stale heap items are dropped when they reach the top. When stale items
 * outnumber the live, the heap is rebuilt from the map.
 */

export interface Expiring {
  expiresAt: number;
  /** When it was first stored, in the map's own count: breaks ties in favour of evicting the oldest. */
  readonly seq: number;
}

interface Item<E> {
  expiresAt: number;
  seq: number;
  key: string;
  entry: E;
}

const before = <E>(a: Item<E>, b: Item<E>): boolean =>
  a.expiresAt < b.expiresAt || (a.expiresAt === b.expiresAt && a.seq < b.seq);

export class ExpiryQueue<E extends Expiring> {
  #heap: Array<Item<E>> = [];

  /** `map` is the store's own: an item is live while the map still holds its entry with the same expiry. */
  constructor(private readonly map: ReadonlyMap<string, E>) {}

  /** Records `entry` (new, or with a new expiry) under `key`. */
  push(key: string, entry: E): void {
    if (this.#heap.length > 2 * this.map.size + 1024) this.#rebuild();
    this.#heap.push({ expiresAt: entry.expiresAt, seq: entry.seq, key, entry });
    this.#up(this.#heap.length - 1);
  }

  /** The live entry closest to expiry, removed from the queue (the caller removes it from the map), or null. */
  pop(): { key: string; entry: E } | null {
    for (;;) {
      const top = this.#heap[0];
      if (!top) return null;
      this.#removeTop();
      if (this.#isLive(top)) return { key: top.key, entry: top.entry };
    }
  }

  /** The expiry of the live entry closest to expiry, or Infinity. */
  peekExpiry(): number {
    for (;;) {
      const top = this.#heap[0];
      if (!top) return Infinity;
      if (this.#isLive(top)) return top.expiresAt;
      this.#removeTop();
    }
  }

  clear(): void {
    this.#heap = [];
  }

  #isLive(item: Item<E>): boolean {
    return this.map.get(item.key) === item.entry && item.entry.expiresAt === item.expiresAt;
  }

  #rebuild(): void {
    this.#heap = [...this.map].map(([key, entry]) => ({
      expiresAt: entry.expiresAt,
      seq: entry.seq,
      key,
      entry,
    }));
    for (let i = (this.#heap.length >> 1) - 1; i >= 0; i--) this.#down(i);
  }

  #removeTop(): void {
    const last = this.#heap.pop()!;
    if (this.#heap.length === 0) return;
    this.#heap[0] = last;
    this.#down(0);
  }

  #up(index: number): void {
    const heap = this.#heap;
    const item = heap[index]!;
    while (index > 0) {
      const parent = (index - 1) >> 1;
      if (!before(item, heap[parent]!)) break;
      heap[index] = heap[parent]!;
      index = parent;
    }
    heap[index] = item;
  }

  #down(index: number): void {
    const heap = this.#heap;
    const item = heap[index]!;
    const half = heap.length >> 1;
    while (index < half) {
      let child = 2 * index + 1;
      const right = child + 1;
      if (right < heap.length && before(heap[right]!, heap[child]!)) child = right;
      if (!before(heap[child]!, item)) break;
      heap[index] = heap[child]!;
      index = child;
    }
    heap[index] = item;
  }
}
