import type { BackendReport } from '@wattwise/nn-core';
import type { GpuDetection } from '@wattwise/nn-core/gpus';
import { detectGpus } from '@wattwise/nn-core/gpus';

import type { ConnectionOptions } from '../connection';
import { createApi, describeCallError, serverUrl } from '../connection';

/** The Node.js versions Wattwise supports (as in the root package.json's engines). */
export const NODE_REQUIREMENT = '>=20.19';

/** Whether `version` (e.g. `20.20.2`) satisfies a `>=MAJOR.MINOR[.PATCH]` requirement. */
export function satisfiesMinimum(version: string, requirement: string): boolean {
  const parse = (v: string) =>
    v
      .replace(/^[^\d]*/, '')
      .split('.')
      .map((p) => Number.parseInt(p, 10) || 0);
  const have = parse(version);
  const need = parse(requirement);
  for (let i = 0; i < 3; i++) {
    const h = have[i] ?? 0;
    const n = need[i] ?? 0;
    if (h !== n) return h > n;
  }
  return true;
}

export type DoctorReport = {
  /** Whether every essential check passed: Node.js, server, database, a TensorFlow.js backend. */
  ok: boolean;
  node: { version: string; required: string; ok: boolean };
  server: { url: string; reachable: boolean; version?: string; latencyMs?: number; error?: string };
  database: { reachable: boolean; kind?: string; latencyMs?: number; error?: string };
  gpus: GpuDetection;
  tensorflow: BackendReport | { chosen: null; backends: []; error: string };
};

async function checkServer(url: string): Promise<Pick<DoctorReport, 'server' | 'database'>> {
  const started = performance.now();
  try {
    const health = await createApi(url, undefined, 5_000).health.check.query();
    return {
      server: {
        url,
        reachable: true,
        version: health.version,
        latencyMs: round(performance.now() - started),
      },
      database: {
        reachable: health.database.ok,
        kind: health.database.kind,
        latencyMs: round(health.database.latencyMs),
        ...(health.database.error ? { error: health.database.error } : {}),
      },
    };
  } catch (err) {
    const error = describeCallError(err, url);
    return {
      server: { url, reachable: false, error },
      database: { reachable: false, error: 'not checked: the server did not answer' },
    };
  }
}

async function checkTensorflow(): Promise<DoctorReport['tensorflow']> {
  try {
    // Loaded only here: TensorFlow.js takes a moment to import and no other command needs it.
    const { backendReport } = await import('@wattwise/nn-core');
    return await backendReport();
  } catch (err) {
    return { chosen: null, backends: [], error: err instanceof Error ? err.message : String(err) };
  }
}

const round = (ms: number) => Math.round(ms * 10) / 10;

export async function runDoctor(opts: ConnectionOptions): Promise<DoctorReport> {
  const url = serverUrl(opts);
  const node = {
    version: process.versions.node,
    required: NODE_REQUIREMENT,
    ok: satisfiesMinimum(process.versions.node, NODE_REQUIREMENT),
  };
  const [connection, gpus, tensorflow] = await Promise.all([
    checkServer(url),
    detectGpus(),
    checkTensorflow(),
  ]);
  const ok =
    node.ok &&
    connection.server.reachable &&
    connection.database.reachable &&
    tensorflow.chosen !== null;
  return { ok, node, ...connection, gpus, tensorflow };
}

/** The report as a checklist: ✓ passed, ✗ failed (essential), ! worth knowing (not essential). */
export function formatDoctor(r: DoctorReport): string {
  const lines: string[] = ['wattwise doctor', ''];
  const mark = (ok: boolean, essential = true) => (ok ? '✓' : essential ? '✗' : '!');
  lines.push(`${mark(r.node.ok)} Node.js ${r.node.version} (needs ${r.node.required})`);
  lines.push(
    r.server.reachable
      ? `${mark(true)} server ${r.server.url} answers (version ${r.server.version}, ${r.server.latencyMs} ms)`
      : `${mark(false)} server ${r.server.url}: ${r.server.error}`,
  );
  lines.push(
    r.database.reachable
      ? `${mark(true)} database ${r.database.kind} answers (${r.database.latencyMs} ms)`
      : `${mark(false)} database${r.database.kind ? ` ${r.database.kind}` : ''}: ${r.database.error}`,
  );
  if (r.gpus.gpus.length) {
    lines.push(`${mark(true)} GPUs: ${r.gpus.gpus.length}`);
    for (const g of r.gpus.gpus) {
      const memory = g.memoryMb !== undefined ? `, ${(g.memoryMb / 1024).toFixed(1)} GiB` : '';
      lines.push(`    ${g.index}: ${g.name}${memory}${g.uuid ? ` (${g.uuid})` : ''}`);
    }
  } else {
    lines.push(
      `${mark(false, false)} GPUs: none found (${r.gpus.reason ?? 'nvidia-smi listed none'})`,
    );
  }
  if ('error' in r.tensorflow) {
    lines.push(`${mark(false)} TensorFlow.js: ${r.tensorflow.error}`);
  } else {
    const chosen = r.tensorflow.chosen;
    lines.push(
      chosen
        ? `${mark(true)} TensorFlow.js backend: ${chosen}`
        : `${mark(false)} TensorFlow.js: no backend loads`,
    );
    for (const b of r.tensorflow.backends) {
      lines.push(
        `    ${b.loaded ? '✓' : '·'} ${b.name.padEnd(14)} ${b.loaded ? 'loads' : `not loaded: ${b.reason}`}`,
      );
    }
  }
  lines.push('', r.ok ? 'All essential checks passed.' : 'Some essential checks failed (✗).');
  return lines.join('\n') + '\n';
}
