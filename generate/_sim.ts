/**
 * A discrete-event loop: actors (pods, people, AWS services, attackers) are
 * woken in time order from a binary heap and emit records, which go to the
 * {@linkcode TrailWriter} as they are made, so only the current delivery
 * period is ever held in memory.
 *
 * @module
 */
import { type RecordSpec, serializeRecord } from "./_record.ts";
import type { TrailWriter } from "./_trail_writer.ts";

/** Something that acts at `next` and then reschedules itself. */
export interface Actor {
  /** Next wake-up (ms); `Infinity` when done. */
  next: number;
  /** Emits what is due at `next` and moves `next` forward. */
  step(sim: Sim): void;
}

/** The running simulation: time window, scale, and the sink for records. */
export class Sim {
  /** Records emitted (before re-delivery). */
  events = 0;
  readonly start: number;
  readonly end: number;
  readonly scale: number;
  readonly seed: number;
  #writer: TrailWriter;

  constructor(o: { start: number; end: number; scale: number; seed: number; writer: TrailWriter }) {
    this.start = o.start;
    this.end = o.end;
    this.scale = o.scale;
    this.seed = o.seed;
    this.#writer = o.writer;
  }

  /** Emits a record; records at or after the window's end are dropped. */
  emit(r: RecordSpec): boolean {
    if (r.time >= this.end || r.time < this.start) return false;
    this.#writer.add(r.recipientAccountId, r.awsRegion, r.time, serializeRecord(r));
    this.events++;
    return true;
  }

  /** Runs the actors until every one is past the end. */
  run(actors: Actor[]): void {
    for (const a of actors) a.next = Math.floor(a.next);
    const heap = new Heap(actors.filter((a) => a.next < this.end));
    while (heap.size > 0) {
      const actor = heap.top();
      if (actor.next >= this.end) {
        heap.pop();
        continue;
      }
      if (actor.next >= this.#writer.periodEnd) this.#writer.advance(actor.next);
      const before = actor.next;
      actor.step(this);
      actor.next = Math.floor(actor.next);
      if (!(actor.next > before)) actor.next = before + 1;
      if (actor.next >= this.end) heap.pop();
      else heap.siftDownTop();
    }
  }
}

class Heap {
  #items: Actor[];
  #order = new Map<Actor, number>();

  constructor(items: Actor[]) {
    this.#items = [];
    items.forEach((a, i) => {
      this.#order.set(a, i);
      this.#push(a);
    });
  }

  get size(): number {
    return this.#items.length;
  }

  top(): Actor {
    return this.#items[0];
  }

  #less(a: Actor, b: Actor): boolean {
    return a.next < b.next || (a.next === b.next && this.#order.get(a)! < this.#order.get(b)!);
  }

  #push(a: Actor): void {
    const items = this.#items;
    items.push(a);
    let i = items.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.#less(items[i], items[parent])) break;
      [items[i], items[parent]] = [items[parent], items[i]];
      i = parent;
    }
  }

  pop(): void {
    const items = this.#items;
    const last = items.pop()!;
    if (items.length > 0) {
      items[0] = last;
      this.siftDownTop();
    }
  }

  siftDownTop(): void {
    const items = this.#items;
    const n = items.length;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1, r = l + 1;
      let m = i;
      if (l < n && this.#less(items[l], items[m])) m = l;
      if (r < n && this.#less(items[r], items[m])) m = r;
      if (m === i) return;
      [items[i], items[m]] = [items[m], items[i]];
      i = m;
    }
  }
}
