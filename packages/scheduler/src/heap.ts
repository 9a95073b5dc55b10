/**
 * A min-heap of events as typed arrays: a time, an int32 payload and an insertion sequence that
 * breaks ties, so events at the same time pop in the order they were pushed (the simulator's
 * determinism rests on it). No object is allocated per event.
 */
export class EventQueue {
  private times: Float64Array;
  private seqs: Float64Array;
  private data: Int32Array;
  private n = 0;
  private seq = 0;

  constructor(capacity = 1024) {
    const c = Math.max(16, capacity);
    this.times = new Float64Array(c);
    this.seqs = new Float64Array(c);
    this.data = new Int32Array(c);
  }

  get size(): number {
    return this.n;
  }

  /** Time of the earliest event, Infinity when empty. */
  peekTime(): number {
    return this.n > 0 ? this.times[0]! : Infinity;
  }

  /** Payload of the earliest event; undefined behaviour when empty (check `size`). */
  peekData(): number {
    return this.data[0]!;
  }

  push(time: number, payload: number): void {
    if (this.n === this.times.length) this.grow();
    const t = this.times;
    const s = this.seqs;
    const d = this.data;
    const seq = this.seq++;
    let i = this.n++;
    while (i > 0) {
      const p = (i - 1) >> 1;
      const tp = t[p]!;
      if (tp < time || (tp === time && s[p]! < seq)) break;
      t[i] = tp;
      s[i] = s[p]!;
      d[i] = d[p]!;
      i = p;
    }
    t[i] = time;
    s[i] = seq;
    d[i] = payload;
  }

  /** Removes the earliest event and returns its payload (read its time with peekTime first). */
  pop(): number {
    const t = this.times;
    const s = this.seqs;
    const d = this.data;
    const top = d[0]!;
    const n = --this.n;
    if (n > 0) {
      const lt = t[n]!;
      const ls = s[n]!;
      const ld = d[n]!;
      let i = 0;
      for (;;) {
        let c = 2 * i + 1;
        if (c >= n) break;
        const r = c + 1;
        if (r < n && (t[r]! < t[c]! || (t[r] === t[c] && s[r]! < s[c]!))) c = r;
        const tc = t[c]!;
        if (lt < tc || (lt === tc && ls < s[c]!)) break;
        t[i] = tc;
        s[i] = s[c]!;
        d[i] = d[c]!;
        i = c;
      }
      t[i] = lt;
      s[i] = ls;
      d[i] = ld;
    }
    return top;
  }

  clear(): void {
    this.n = 0;
    this.seq = 0;
  }

  private grow(): void {
    const c = this.times.length * 2;
    const t = new Float64Array(c);
    t.set(this.times);
    const s = new Float64Array(c);
    s.set(this.seqs);
    const d = new Int32Array(c);
    d.set(this.data);
    this.times = t;
    this.seqs = s;
    this.data = d;
  }
}
