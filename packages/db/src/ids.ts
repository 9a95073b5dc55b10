import { randomBytes } from 'node:crypto';

const ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz';

/** A random id with a type prefix (`job_…`, `wkr_…`) so a log line says what it names. */
export function newId(
  prefix: 'team' | 'usr' | 'tok' | 'site' | 'node' | 'wkr' | 'job' | 'att' | 'bgt',
): string {
  const bytes = randomBytes(16);
  let out = '';
  for (const b of bytes) out += ALPHABET[b & 31];
  return `${prefix}_${out}`;
}
