// Textbook page-replacement policies over dense page ids 0..pages-1 and a fixed number of
// frames: LRU, FIFO, CLOCK (second chance) and Belady's OPT. Each keeps only which pages are
// resident and picks the victim when a request misses with every frame taken; what the
// eviction costs (a swap-out of a dirty page, a swap-in later) is the machine's business
// (src/policy/run.ts). All state is preallocated typed arrays: nothing allocates per
// request.

/** request(): the page was resident. */
export const HIT = -2;
/** request(): a miss that found a free frame (no victim). */
export const FILLED = -1;

export type PolicyName = "lru" | "fifo" | "clock" | "opt";
export const POLICY_NAMES: readonly PolicyName[] = ["lru", "fifo", "clock", "opt"];

/** A replacement policy: request(p) returns HIT, FILLED, or the page it evicted to make room. */
export interface Policy {
  readonly name: PolicyName;
  request(p: number): number;
}

/** LRU: a doubly linked list of the resident pages, most recent at the head; the tail goes. */
export class Lru implements Policy {
  readonly name = "lru";
  private readonly prev: Int32Array;
  private readonly next: Int32Array;
  private readonly resident: Uint8Array;
  private head = -1;
  private tail = -1;
  private used = 0;

  constructor(
    pages: number,
    private readonly frames: number,
  ) {
    this.prev = new Int32Array(pages);
    this.next = new Int32Array(pages);
    this.resident = new Uint8Array(pages);
  }

  request(p: number): number {
    if (this.resident[p] === 1) {
      if (this.head !== p) {
        this.unlink(p);
        this.pushHead(p);
      }
      return HIT;
    }
    let victim = FILLED;
    if (this.used === this.frames) {
      victim = this.tail;
      this.unlink(victim);
      this.resident[victim] = 0;
    } else this.used++;
    this.resident[p] = 1;
    this.pushHead(p);
    return victim;
  }

  private unlink(p: number): void {
    const a = this.prev[p],
      b = this.next[p];
    if (a >= 0) this.next[a] = b;
    else this.head = b;
    if (b >= 0) this.prev[b] = a;
    else this.tail = a;
  }

  private pushHead(p: number): void {
    this.prev[p] = -1;
    this.next[p] = this.head;
    if (this.head >= 0) this.prev[this.head] = p;
    this.head = p;
    if (this.tail < 0) this.tail = p;
  }
}

/** FIFO: a ring of the frames in load order; the oldest load goes, whatever its use since. */
export class Fifo implements Policy {
  readonly name = "fifo";
  private readonly ring: Int32Array;
  private readonly resident: Uint8Array;
  private hand = 0;
  private used = 0;

  constructor(pages: number, frames: number) {
    this.ring = new Int32Array(frames);
    this.resident = new Uint8Array(pages);
  }

  request(p: number): number {
    if (this.resident[p] === 1) return HIT;
    this.resident[p] = 1;
    if (this.used < this.ring.length) {
      this.ring[this.used++] = p;
      return FILLED;
    }
    const victim = this.ring[this.hand];
    this.resident[victim] = 0;
    this.ring[this.hand] = p;
    this.hand = (this.hand + 1) % this.ring.length;
    return victim;
  }
}

/** CLOCK (second chance): the frames in a circle with a referenced bit each, set on every
 *  hit and clear on load (as libCacheSim's Clock inserts with its frequency at 0); the hand
 *  clears set bits as it passes and takes the first frame whose bit is clear. */
export class Clock implements Policy {
  readonly name = "clock";
  private readonly ring: Int32Array;
  private readonly ref: Uint8Array;
  /** Frame of a resident page, -1 when it is not. */
  private readonly frameOf: Int32Array;
  private hand = 0;
  private used = 0;

  constructor(pages: number, frames: number) {
    this.ring = new Int32Array(frames);
    this.ref = new Uint8Array(frames);
    this.frameOf = new Int32Array(pages).fill(-1);
  }

  request(p: number): number {
    const f = this.frameOf[p];
    if (f >= 0) {
      this.ref[f] = 1;
      return HIT;
    }
    if (this.used < this.ring.length) {
      this.place(this.used++, p);
      return FILLED;
    }
    const n = this.ring.length;
    while (this.ref[this.hand] === 1) {
      this.ref[this.hand] = 0;
      this.hand = (this.hand + 1) % n;
    }
    const victim = this.ring[this.hand];
    this.frameOf[victim] = -1;
    this.place(this.hand, p);
    this.hand = (this.hand + 1) % n;
    return victim;
  }

  private place(f: number, p: number): void {
    this.ring[f] = p;
    this.ref[f] = 0;
    this.frameOf[p] = f;
  }
}

/** Belady's OPT: evicts the resident page whose next request is farthest in the future (never
 *  requested again counts as infinitely far). It needs the whole request sequence up front:
 *  the next use of each request is computed backwards, and the resident pages sit in a max-heap
 *  on their next use. request() must be called with the sequence's pages in order. */
export class Opt implements Policy {
  readonly name = "opt";
  /** nextUse[i]: index of the next request of seq[i]'s page after i (seq.length: none). */
  private readonly nextUse: Int32Array;
  private readonly heap: Int32Array;
  private readonly key: Int32Array;
  /** Heap slot of a resident page, -1 when it is not resident. */
  private readonly slot: Int32Array;
  private size = 0;
  private i = 0;

  constructor(
    private readonly seq: Int32Array,
    pages: number,
    frames: number,
  ) {
    const n = seq.length;
    this.nextUse = new Int32Array(n);
    const last = new Int32Array(pages).fill(n);
    for (let i = n - 1; i >= 0; i--) {
      this.nextUse[i] = last[seq[i]];
      last[seq[i]] = i;
    }
    this.heap = new Int32Array(frames);
    this.key = new Int32Array(pages);
    this.slot = new Int32Array(pages).fill(-1);
  }

  request(p: number): number {
    const i = this.i++;
    if (this.seq[i] !== p) throw new RangeError(`opt: request ${i} is page ${p}, the sequence says ${this.seq[i]}`);
    const next = this.nextUse[i];
    if (this.slot[p] >= 0) {
      this.key[p] = next; // a later next use: the page moves up toward the root
      this.up(this.slot[p]);
      return HIT;
    }
    let victim = FILLED;
    if (this.size === this.heap.length) {
      victim = this.heap[0];
      this.slot[victim] = -1;
      this.key[p] = next;
      this.heap[0] = p;
      this.slot[p] = 0;
      this.down(0);
      return victim;
    }
    this.key[p] = next;
    this.heap[this.size] = p;
    this.slot[p] = this.size;
    this.up(this.size++);
    return victim;
  }

  private up(k: number): void {
    const h = this.heap;
    const p = h[k];
    while (k > 0) {
      const parent = (k - 1) >> 1;
      if (this.key[h[parent]] >= this.key[p]) break;
      h[k] = h[parent];
      this.slot[h[k]] = k;
      k = parent;
    }
    h[k] = p;
    this.slot[p] = k;
  }

  private down(k: number): void {
    const h = this.heap;
    const p = h[k];
    const n = this.size;
    for (;;) {
      let c = 2 * k + 1;
      if (c >= n) break;
      if (c + 1 < n && this.key[h[c + 1]] > this.key[h[c]]) c++;
      if (this.key[h[c]] <= this.key[p]) break;
      h[k] = h[c];
      this.slot[h[k]] = k;
      k = c;
    }
    h[k] = p;
    this.slot[p] = k;
  }
}

/** The policy `name` for `pages` distinct pages and `frames` frames; OPT takes the sequence. */
export function makePolicy(name: PolicyName, pages: number, frames: number, seq?: Int32Array): Policy {
  switch (name) {
    case "lru":
      return new Lru(pages, frames);
    case "fifo":
      return new Fifo(pages, frames);
    case "clock":
      return new Clock(pages, frames);
    case "opt":
      if (!seq) throw new RangeError("opt needs the request sequence");
      return new Opt(seq, pages, frames);
  }
}
