/**
 * Splits a command line into argv the way a POSIX shell splits words, without running a shell:
 * whitespace separates arguments; '…' keeps its content literally; "…" keeps spaces and honours
 * \" and \\; a backslash outside quotes escapes the next character. No variables, globs or pipes.
 */
export function parseCommandLine(line: string): { argv: string[] } | { error: string } {
  const argv: string[] = [];
  let current = '';
  let inWord = false;
  let quote: "'" | '"' | null = null;

  for (let i = 0; i < line.length; i++) {
    const ch = line[i]!;
    if (quote === "'") {
      if (ch === "'") quote = null;
      else current += ch;
    } else if (quote === '"') {
      if (ch === '"') quote = null;
      else if (ch === '\\' && (line[i + 1] === '"' || line[i + 1] === '\\')) current += line[++i];
      else current += ch;
    } else if (ch === "'" || ch === '"') {
      quote = ch;
      inWord = true;
    } else if (ch === '\\' && i + 1 < line.length) {
      current += line[++i];
      inWord = true;
    } else if (/\s/.test(ch)) {
      if (inWord) argv.push(current);
      current = '';
      inWord = false;
    } else {
      current += ch;
      inWord = true;
    }
  }
  if (quote) return { error: `unterminated ${quote === "'" ? 'single' : 'double'} quote` };
  if (inWord) argv.push(current);
  return { argv };
}

/** The reverse, for display: quotes an argument only when it needs it, so that it parses back. */
export function formatArgv(argv: readonly string[]): string {
  return argv.map(quoteArg).join(' ');
}

function quoteArg(arg: string): string {
  if (/^[\w@%+=:,./-]+$/.test(arg)) return arg;
  if (!/["\\]/.test(arg)) return `"${arg}"`;
  return `'${arg.replaceAll("'", `'\\''`)}'`;
}
