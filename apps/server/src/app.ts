import http from 'node:http';

import { createHTTPHandler } from '@trpc/server/adapters/standalone';
import { appRouter, authRequestHandler, createContext } from '@wattwise/api';
import type { ApiDeps } from '@wattwise/api';
import type { Logger } from 'pino';

import { createMetrics } from './metrics';

const procedures = new Set(Object.keys(appRouter._def.procedures));

/** A bounded label for metrics: the procedure for single tRPC calls, `batch` for batches. */
function routeLabel(url: string): string {
  const path = url.split('?')[0] ?? '';
  if (path === '/healthz' || path === '/metrics') return path;
  if (path.startsWith('/api/auth/')) return '/api/auth';
  if (path.startsWith('/trpc/')) {
    const name = path.slice('/trpc/'.length);
    if (procedures.has(name)) return `/trpc/${name}`;
    return name.includes(',') ? '/trpc/batch' : '/trpc/unknown';
  }
  return 'other';
}

export function createApp(deps: ApiDeps, logger: Logger): http.Server {
  const metrics = createMetrics(deps.db);
  const trpc = createHTTPHandler({
    router: appRouter,
    basePath: '/trpc/',
    createContext: ({ req }) => createContext(deps, req.headers.authorization, req.headers.cookie),
    onError({ error, path }) {
      if (error.code === 'INTERNAL_SERVER_ERROR')
        logger.error({ err: error, path }, 'procedure failed');
    },
  });
  // Sign-in, sign-out and sessions for the portal, which forwards /api/auth/* here.
  const auth = deps.auth && authRequestHandler(deps.auth);

  return http.createServer((req, res) => {
    const started = process.hrtime.bigint();
    const url = req.url ?? '/';
    res.on('finish', () => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      metrics.observe(req.method ?? 'GET', routeLabel(url), res.statusCode, seconds);
      logger.debug(
        { method: req.method, url, status: res.statusCode, ms: seconds * 1000 },
        'request',
      );
    });

    if (url.startsWith('/trpc/')) return trpc(req, res);
    if (auth && url.startsWith('/api/auth/')) {
      auth(req, res).catch((err: unknown) => {
        logger.error({ err }, 'sign-in handler failed');
        if (!res.headersSent) res.writeHead(500);
        res.end();
      });
      return;
    }
    if (url === '/healthz') {
      res.writeHead(200, { 'content-type': 'application/json' });
      return res.end(JSON.stringify({ ok: true, version: deps.version, database: deps.dbKind }));
    }
    if (url === '/metrics') {
      metrics.registry.metrics().then(
        (text) => {
          res.writeHead(200, { 'content-type': metrics.registry.contentType });
          res.end(text);
        },
        (err: unknown) => {
          logger.error({ err }, 'metrics collection failed');
          res.writeHead(500).end('metrics collection failed\n');
        },
      );
      return;
    }
    res.writeHead(404, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ error: `no route for ${req.method} ${url.split('?')[0]}` }));
  });
}
