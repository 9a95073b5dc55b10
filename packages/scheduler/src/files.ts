/** Read trace, node and site files, and the trace copies bundled in `data/` (Node only). */
import { existsSync, readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { fileURLToPath } from 'node:url';

import { findGridZone, validateSite, type Site } from '@wattwise/cost-model';
import { gridSite } from '@wattwise/cost-model/node';

import { InputError, TraceError } from './errors';
import type { NodeSpec } from './model';
import {
  parseNodes,
  parseTrace,
  TRACE_FORMATS,
  type TraceFormat,
  type TraceImport,
} from './traces';

/** Where `data/` is when run from source; a bundle passes its own copy. */
export const DEFAULT_DATA_DIR = fileURLToPath(new URL('../data/', import.meta.url));

/** The bundled copies (see data/README.md for source, commit and licence). */
export const BUNDLED_TRACES = {
  alibaba2023: 'alibaba-gpu-v2023/openb_pod_list_default.csv',
  alibaba2023Gpuspec: 'alibaba-gpu-v2023/openb_pod_list_gpuspec33.csv',
  alibaba2023Multigpu: 'alibaba-gpu-v2023/openb_pod_list_multigpu50.csv',
  alibaba2023Nodes: 'alibaba-gpu-v2023/openb_node_list_gpu_node.csv',
  alibaba2023AllNodes: 'alibaba-gpu-v2023/openb_node_list_all_node.csv',
  alibaba2025: 'alibaba-gpu-v2025-dlrm/disaggregated_DLRM_trace.csv',
} as const;

export function bundledPath(name: keyof typeof BUNDLED_TRACES, dataDir = DEFAULT_DATA_DIR): string {
  return `${dataDir.replace(/\/?$/, '/')}${BUNDLED_TRACES[name]}`;
}

function read(path: string, what: string): string {
  if (!existsSync(path)) throw new InputError(what, path, 'does not exist');
  return readFileSync(path, 'utf8');
}

/**
 * "FORMAT:PATH" → the trace, every row checked (errors name the file's base name, the line and the
 * field). A bare format with no path reads the bundled copy (alibaba2023, alibaba2025).
 */
export function readTrace(spec: string, dataDir = DEFAULT_DATA_DIR): TraceImport {
  const colon = spec.indexOf(':');
  const format = (colon < 0 ? spec : spec.slice(0, colon)) as TraceFormat;
  if (!TRACE_FORMATS.includes(format))
    throw new InputError(
      'trace',
      spec,
      `must be FORMAT:PATH with FORMAT one of ${TRACE_FORMATS.join(', ')}`,
    );
  let path = colon < 0 ? '' : spec.slice(colon + 1);
  if (path === '') {
    if (format !== 'alibaba2023' && format !== 'alibaba2025')
      throw new InputError('trace', spec, `needs a path: ${format}:FILE`);
    path = bundledPath(format, dataDir);
  }
  return parseTrace(format, read(path, 'trace'), basename(path));
}

export function readNodes(path: string): NodeSpec[] {
  return parseNodes(read(path, 'nodes'), basename(path));
}

/**
 * A site: a bundled 2023 grid zone ("US-CAL-CISO", "DE-LU", "CAISO"…) with hourly prices and carbon,
 * or a JSON site file: `{ "zone": "DE-LU", "pue": 1.3, "adderPerKWh": 0.05 }`, or a whole cost-model
 * Site (flat or time-of-use tariff, constant carbon; an hourly series as `{ startIso, values }`).
 */
export function readSite(
  zoneOrFile: string,
  options: { pue?: number; dataDir?: string } = {},
): Site {
  const pue = options.pue ?? 1.2;
  if (!/\.json$/i.test(zoneOrFile)) {
    findGridZone(zoneOrFile);
    return gridSite(zoneOrFile, { pue, dataDir: options.dataDir });
  }
  const file = basename(zoneOrFile);
  const text = read(zoneOrFile, 'site');
  let doc: Record<string, unknown>;
  try {
    doc = JSON.parse(text) as Record<string, unknown>;
  } catch (err) {
    throw new TraceError(
      file,
      1,
      'JSON',
      undefined,
      `is not valid: ${err instanceof Error ? err.message : String(err)}`,
    );
  }
  if (doc === null || typeof doc !== 'object')
    throw new TraceError(file, 1, 'site', doc, 'must be a JSON object');
  const filePue =
    typeof doc.pue === 'number' || typeof doc.pue === 'object' ? (doc.pue as Site['pue']) : pue;
  if (typeof doc.zone === 'string') {
    return gridSite(doc.zone, {
      pue: filePue,
      adderPerKWh: typeof doc.adderPerKWh === 'number' ? doc.adderPerKWh : 0,
      dataDir: options.dataDir,
    });
  }
  const series = (v: unknown, unit: string, currency?: string) => {
    const s = v as { startIso?: string; values?: unknown[]; name?: string };
    const startMs = Date.parse(s?.startIso ?? '');
    if (!Number.isFinite(startMs) || !Array.isArray(s.values))
      throw new TraceError(
        file,
        1,
        'series',
        v,
        'must be { "startIso": ISO hour, "values": [numbers] }',
      );
    return {
      name: s.name ?? 'site',
      unit,
      currency,
      startMs,
      values: Float64Array.from(s.values as number[]),
    };
  };
  const tariff = doc.tariff as Site['tariff'] & { series?: unknown };
  const carbon = doc.carbon as Site['carbon'] & { series?: unknown };
  const currency = String(doc.currency ?? 'USD');
  try {
    return validateSite({
      id: String(doc.id ?? file),
      name: String(doc.name ?? file),
      currency,
      pue: filePue,
      tariff:
        tariff?.kind === 'hourly'
          ? { kind: 'hourly', series: series(tariff.series, `${currency}/kWh`, currency) }
          : tariff,
      carbon:
        carbon?.kind === 'hourly'
          ? { kind: 'hourly', series: series(carbon.series, 'kgCO2e/kWh') }
          : carbon,
    });
  } catch (err) {
    if (err instanceof TraceError) throw err;
    if (err instanceof InputError)
      throw new TraceError(file, 1, err.field, undefined, err.message.slice(err.field.length + 1));
    throw new TraceError(
      file,
      1,
      'site',
      undefined,
      `is not a site: ${err instanceof Error ? err.message : String(err)}`,
    );
  }
}
