import { createServer } from 'node:net';

import { describe, expect, it } from 'vitest';

import { backoffMs, classifyFailure, createApi, retryTransient } from './client';

function closedPort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

describe('classifyFailure', () => {
  it('calls an unreachable server transient, with the root cause as the message', async () => {
    const api = createApi(`http://127.0.0.1:${await closedPort()}`, 'token');
    const err = await api.health.check.query().catch((e: unknown) => e);
    expect(classifyFailure(err)).toMatchObject({ kind: 'transient', code: 'UNREACHABLE' });
    expect(classifyFailure(err).message).toMatch(/ECONNREFUSED/);
  });
});

describe('retryTransient', () => {
  it('retries a transient failure with backoff until the deadline has passed', async () => {
    const api = createApi(`http://127.0.0.1:${await closedPort()}`, 'token');
    let calls = 0;
    const started = Date.now();
    const r = await retryTransient(
      () => {
        calls++;
        return api.health.check.query();
      },
      { deadline: Date.now() + 1_500 },
    );
    expect(r.ok).toBe(false);
    expect(calls).toBeGreaterThan(1);
    expect(Date.now() - started).toBeLessThan(3_000);
  });
});

describe('backoffMs', () => {
  it('grows exponentially with jitter and stays under its cap', () => {
    for (let i = 0; i < 100; i++) {
      const first = backoffMs(1, 500, 10_000);
      expect(first).toBeGreaterThanOrEqual(250);
      expect(first).toBeLessThanOrEqual(500);
      const late = backoffMs(20, 500, 10_000);
      expect(late).toBeGreaterThanOrEqual(5_000);
      expect(late).toBeLessThanOrEqual(10_000);
    }
  });
});
