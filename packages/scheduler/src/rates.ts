import {
  MS_PER_HOUR,
  pueAt,
  priceAt,
  carbonAt,
  type HourlySeries,
  type Site,
} from '@wattwise/cost-model';

/**
 * Price, PUE and carbon for every hour the simulation touches, counted from the hour that holds the
 * trace start, with running integrals so that the cost or CO2e of any interval is O(1). Hours past the
 * end of an hourly series (a 149-day trace started in October) wrap round to its start, and say so.
 */
export class HourlyRates {
  readonly site: Site;
  readonly currency: string;
  /** Calendar time of simulation second 0. */
  readonly startMs: number;
  /** Seconds from the first hour's start to simulation second 0. */
  private readonly offset: number;
  private readonly originMs: number;
  private price = new Float64Array(0);
  private pue = new Float64Array(0);
  private carbon = new Float64Array(0);
  /** ∫ price × PUE dt (currency/kWh · s) and ∫ carbon × PUE dt (kg/kWh · s) up to each hour's start. */
  private cumCost = new Float64Array(1);
  private cumCarbon = new Float64Array(1);
  private cumPue = new Float64Array(1);
  private hours = 0;
  /** Set when an hour outside an hourly series had to wrap round. */
  wrapped = false;

  constructor(site: Site, startMs: number) {
    this.site = site;
    this.currency = site.currency;
    this.startMs = startMs;
    this.originMs = Math.floor(startMs / MS_PER_HOUR) * MS_PER_HOUR;
    this.offset = (startMs - this.originMs) / 1000;
    this.ensure(24 * 8);
  }

  private wrap(series: HourlySeries, tMs: number): number {
    const len = series.values.length;
    let i = Math.floor((tMs - series.startMs) / MS_PER_HOUR);
    if (i < 0 || i >= len) {
      this.wrapped = true;
      i = ((i % len) + len) % len;
    }
    return series.startMs + i * MS_PER_HOUR;
  }

  /** Price per kWh in the hour that starts at tMs (hour index relative to the origin may be negative). */
  rawPrice(tMs: number): number {
    const t = this.site.tariff;
    return priceAt(t, t.kind === 'hourly' ? this.wrap(t.series, tMs) : tMs);
  }

  rawCarbon(tMs: number): number {
    const c = this.site.carbon;
    return carbonAt(c, c.kind === 'hourly' ? this.wrap(c.series, tMs) : tMs);
  }

  rawPue(tMs: number): number {
    return pueAt(this.site.pue, tMs);
  }

  /** Make sure hours [0, hours) are computed. */
  ensure(hours: number): void {
    if (hours <= this.hours) return;
    const n = Math.max(hours, this.hours * 2);
    const grow = (a: Float64Array, len: number) => {
      const b = new Float64Array(len);
      b.set(a);
      return b;
    };
    this.price = grow(this.price, n);
    this.pue = grow(this.pue, n);
    this.carbon = grow(this.carbon, n);
    this.cumCost = grow(this.cumCost, n + 1);
    this.cumCarbon = grow(this.cumCarbon, n + 1);
    this.cumPue = grow(this.cumPue, n + 1);
    for (let h = this.hours; h < n; h++) {
      const tMs = this.originMs + h * MS_PER_HOUR;
      const p = this.rawPrice(tMs);
      const e = this.rawPue(tMs);
      const c = this.rawCarbon(tMs);
      this.price[h] = p;
      this.pue[h] = e;
      this.carbon[h] = c;
      this.cumCost[h + 1] = this.cumCost[h]! + p * e * 3600;
      this.cumCarbon[h + 1] = this.cumCarbon[h]! + c * e * 3600;
      this.cumPue[h + 1] = this.cumPue[h]! + e * 3600;
    }
    this.hours = n;
  }

  /** Hour index (from the origin) that holds simulation second t. */
  hourOf(t: number): number {
    return Math.floor((t + this.offset) / 3600);
  }

  /** Simulation second at which hour h starts. */
  hourStart(h: number): number {
    return h * 3600 - this.offset;
  }

  priceAtHour(h: number): number {
    this.ensure(h + 1);
    return this.price[h]!;
  }

  pueAtHour(h: number): number {
    this.ensure(h + 1);
    return this.pue[h]!;
  }

  carbonAtHour(h: number): number {
    this.ensure(h + 1);
    return this.carbon[h]!;
  }

  /**
   * Running integrals at simulation second t: ∫ price × PUE, ∫ carbon × PUE and ∫ PUE dt from the
   * origin, written into `out` (no allocation: the simulator calls this at every event).
   */
  integrals(t: number, out: Float64Array): void {
    const x = t + this.offset;
    const h = Math.floor(x / 3600);
    if (h + 2 > this.hours) this.ensure(h + 2);
    const into = x - h * 3600;
    const pue = this.pue[h]!;
    out[0] = this.cumCost[h]! + this.price[h]! * pue * into;
    out[1] = this.cumCarbon[h]! + this.carbon[h]! * pue * into;
    out[2] = this.cumPue[h]! + pue * into;
  }

  private readonly a = new Float64Array(3);
  private readonly b = new Float64Array(3);

  private diff(k: number, a: number, b: number): number {
    this.integrals(a, this.a);
    this.integrals(b, this.b);
    return this.b[k]! - this.a[k]!;
  }

  /** Energy cost of a constant draw of `watts` (IT) over [a, b) seconds, with PUE applied. */
  cost(watts: number, a: number, b: number): number {
    if (b <= a || watts === 0) return 0;
    return (watts / 3.6e6) * this.diff(0, a, b);
  }

  /** kg CO2e of a constant IT draw of `watts` over [a, b) seconds, with PUE applied. */
  co2e(watts: number, a: number, b: number): number {
    if (b <= a || watts === 0) return 0;
    return (watts / 3.6e6) * this.diff(1, a, b);
  }

  /** Facility energy (kWh) of a constant IT draw over [a, b): IT energy × PUE hour by hour. */
  facilityKWh(watts: number, a: number, b: number): number {
    if (b <= a || watts === 0) return 0;
    return (watts / 3.6e6) * this.diff(2, a, b);
  }

  /**
   * What a scheduler deciding at `now` expects of hour h: hours that have ended are known; later ones
   * repeat the same hour of the last day already seen (seasonal naive, as cost-model's
   * seasonalNaiveForecast). A flat or time-of-use tariff and a constant intensity are known ahead.
   */
  forecast(h: number, now: number): { price: number; carbon: number; pue: number } {
    const lastKnown = this.hourOf(now) - 1;
    let src = h;
    if (h > lastKnown) src = h - 24 * Math.max(1, Math.ceil((h - lastKnown) / 24));
    const tMs = this.originMs + h * MS_PER_HOUR;
    const srcMs = this.originMs + src * MS_PER_HOUR;
    const price = this.site.tariff.kind === 'hourly' ? this.rawPrice(srcMs) : this.rawPrice(tMs);
    const carbon = this.site.carbon.kind === 'hourly' ? this.rawCarbon(srcMs) : this.rawCarbon(tMs);
    return { price, carbon, pue: this.rawPue(tMs) };
  }

  /** Calendar time of simulation second t, to the minute: "2023-03-04T02:00Z". */
  iso(t: number): string {
    return `${new Date(this.startMs + t * 1000).toISOString().slice(0, 16)}Z`;
  }
}
