import { describe, expect, it } from 'vitest';

import { cellText, nodeColours, racksOf, type NodeRow } from './gpus-view';

const node = (
  name: string,
  rack: string | null,
  utilisation: number | null,
  avgKW: number | null,
  powerState: NodeRow['powerState'] = 'on',
) => ({ name, rack, utilisation, avgKW, powerState }) as NodeRow;

/** WCAG relative luminance contrast of two #rrggbb colours. */
function contrast(a: string, b: string): number {
  const lum = (hex: string) => {
    const [r, g, bl] = [1, 3, 5].map((i) => {
      const c = parseInt(hex.slice(i, i + 2), 16) / 255;
      return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * r! + 0.7152 * g! + 0.0722 * bl!;
  };
  const [hi, lo] = [lum(a), lum(b)].sort((x, y) => y - x);
  return (hi! + 0.05) / (lo! + 0.05);
}

describe('rack grid colours', () => {
  it('steps utilisation and power, and marks nodes that are off', () => {
    const nodes = [
      node('a', 'r1', 0.02, 0),
      node('b', 'r1', 0.6, 2),
      node('c', 'r2', 0.9, 8),
      node('d', null, null, null, 'off'),
    ];
    const util = nodeColours(nodes, 'util');
    expect(nodes.map((n) => util.of(n).label)).toEqual([
      'under 5 %',
      '50–75 %',
      '75 % and over',
      'powered off',
    ]);
    // Quarters of the busiest node's 8 kW: 2 kW is the first quarter, 8 kW the last.
    const power = nodeColours(nodes, 'power');
    expect(nodes.map((n) => power.of(n).label)).toEqual([
      'no job energy',
      '0–2 kW',
      '6–8 kW',
      'powered off',
    ]);
    expect(nodeColours([node('a', 'r1', 0, 0)], 'power').legend.map((s) => s.label)).toEqual([
      'no job energy',
    ]);
    expect(cellText(nodes[1]!, 'util')).toBe('60');
    expect(cellText(nodes[2]!, 'power')).toBe('8');
    expect(cellText(nodes[3]!, 'util')).toBe('off');
    // Tiny but not nothing: said so, in a few characters.
    expect(cellText(node('e', null, 0.003, 0.0034), 'util')).toBe('<1');
    expect(cellText(node('e', null, 0.003, 0.0034), 'power')).toBe('<0.01');
    expect(cellText(node('e', null, 0, 0), 'power')).toBe('0');
    expect(racksOf(nodes).map((r) => [r.rack, r.nodes.length])).toEqual([
      ['r1', 2],
      ['r2', 1],
      [null, 1],
    ]);
  });

  it('keeps every cell text readable on its colour (4.5 : 1)', () => {
    for (const by of ['util', 'power'] as const)
      for (const s of nodeColours([node('a', null, 1, 1)], by).legend)
        expect(contrast(s.background, s.text)).toBeGreaterThanOrEqual(4.5);
  });
});
