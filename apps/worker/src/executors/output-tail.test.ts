import { describe, expect, it } from 'vitest';

import { OutputTail } from './output-tail';

describe('OutputTail', () => {
  it('keeps the last lines, however the output was chunked', () => {
    const tail = new OutputTail(3, 1024);
    tail.push('one\ntw');
    tail.push('o\nthree\nfo');
    tail.push('ur\nfive\n');
    expect(tail.toString()).toBe('three\nfour\nfive\n');
    expect(tail.bytes).toBe('one\ntwo\nthree\nfour\nfive\n'.length);
  });

  it('keeps a last line that has no newline', () => {
    const tail = new OutputTail(2, 1024);
    tail.push('a\nb\nc');
    expect(tail.toString()).toBe('b\nc');
  });

  it('cuts to the byte limit without splitting a character', () => {
    const tail = new OutputTail(50, 10);
    tail.push('ééééééééé'); // 9 × 2 bytes
    const text = tail.toString();
    expect(text).toBe('ééééé'); // 10 bytes, whole characters only
    expect(Buffer.byteLength(text)).toBeLessThanOrEqual(10);
  });

  it('stays bounded in memory for a long output', () => {
    const tail = new OutputTail(5, 100);
    for (let i = 0; i < 100_000; i++) tail.push(`line ${i}\n`);
    expect(tail.toString()).toBe('line 99995\nline 99996\nline 99997\nline 99998\nline 99999\n');
    expect((tail as unknown as { buffer: string }).buffer.length).toBeLessThanOrEqual(400);
  });
});
