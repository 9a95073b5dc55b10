const HOME = '/';

/**
 * Where to go after signing in: the page the visitor was sent from (`?next=`), as long as it is a
 * page of this portal; anything else (another site, `//host`, the sign-in page itself) goes home.
 */
export function signInTarget(next: string | string[] | undefined): string {
  if (typeof next !== 'string' || !next.startsWith('/')) return HOME;
  // Resolve against a placeholder origin: a path that leaves it (`//evil.test`, `/\evil.test`) is foreign.
  const base = 'http://portal.invalid';
  let url: URL;
  try {
    url = new URL(next, base);
  } catch {
    return HOME;
  }
  if (url.origin !== base || url.pathname.startsWith('/sign-in')) return HOME;
  return `${url.pathname}${url.search}${url.hash}`;
}
