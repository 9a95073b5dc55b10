// The time window every portal query takes, checked one way everywhere: `to` after `from`, at most
// MAX_PERIOD_DAYS long, each refusal naming its field.
import { z } from 'zod';

export const MAX_PERIOD_DAYS = 400;
const DAY_MS = 86_400_000;

export const instant = z.iso.datetime({ offset: true });

/**
 * Adds the window's issues to `ctx`; returns its length in days, or null when it is refused (or a
 * bound did not parse, in which case that field's own issue speaks).
 */
export function checkPeriod(
  p: { from: string | Date; to: string | Date },
  ctx: z.RefinementCtx,
): number | null {
  const from = p.from instanceof Date ? p.from.getTime() : Date.parse(p.from);
  const to = p.to instanceof Date ? p.to.getTime() : Date.parse(p.to);
  if (Number.isNaN(from) || Number.isNaN(to)) return null;
  const days = (to - from) / DAY_MS;
  if (days <= 0) {
    ctx.addIssue({ code: 'custom', path: ['to'], message: `must be after from (${iso(from)})` });
    return null;
  }
  if (days > MAX_PERIOD_DAYS) {
    ctx.addIssue({
      code: 'custom',
      path: ['from'],
      message: `the period spans ${Math.ceil(days)} days; at most ${MAX_PERIOD_DAYS}`,
    });
    return null;
  }
  return days;
}

const iso = (ms: number) => new Date(ms).toISOString();
