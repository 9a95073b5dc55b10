/**
 * The end of a process's combined output, bounded in lines and bytes, kept in bounded memory
 * however much the process writes.
 */
export class OutputTail {
  private buffer = '';
  /** Bytes seen in all, kept or not. */
  bytes = 0;

  constructor(
    readonly maxLines = 50,
    readonly maxBytes = 16 * 1024,
  ) {}

  push(chunk: string): void {
    this.bytes += Buffer.byteLength(chunk);
    this.buffer += chunk;
    // Every character is at least one byte, so the last maxBytes characters hold the whole tail.
    if (this.buffer.length > 4 * this.maxBytes) this.buffer = this.buffer.slice(-2 * this.maxBytes);
  }

  /** The last `maxLines` lines, cut further to the last `maxBytes` bytes (on a character boundary). */
  toString(): string {
    const lines = this.buffer.split('\n');
    const trailingNewline = lines.at(-1) === '';
    if (trailingNewline) lines.pop();
    let text = lines.slice(-this.maxLines).join('\n') + (trailingNewline ? '\n' : '');
    const encoded = Buffer.from(text, 'utf8');
    if (encoded.length > this.maxBytes) {
      let start = encoded.length - this.maxBytes;
      // Skip UTF-8 continuation bytes (10xxxxxx) so the cut does not split a character.
      while (start < encoded.length && (encoded[start]! & 0xc0) === 0x80) start++;
      text = encoded.subarray(start).toString('utf8');
    }
    return text;
  }
}
