'use client';

import Link from 'next/link';
import { usePathname } from 'next/navigation';

import { PORTAL_PAGES } from '../lib/pages';

export function Nav() {
  const pathname = usePathname();
  // Signed out, the pages are out of reach: the sign-in page shows none.
  if (pathname === '/sign-in') return null;
  return (
    <nav
      aria-label="Portal"
      className="border-b border-slate-200 bg-white md:min-h-[calc(100vh-3.5rem)] md:w-56 md:shrink-0 md:border-b-0 md:border-r"
    >
      <ul className="flex gap-1 overflow-x-auto p-2 md:flex-col md:overflow-visible">
        {PORTAL_PAGES.map((page) => {
          const current = page.href === '/' ? pathname === '/' : pathname.startsWith(page.href);
          return (
            <li key={page.href}>
              <Link
                href={page.href}
                aria-current={current ? 'page' : undefined}
                className={
                  'flex items-center gap-2 whitespace-nowrap rounded px-3 py-2 text-sm ' +
                  (current
                    ? 'bg-brand-50 font-semibold text-brand-700'
                    : 'text-slate-700 hover:bg-slate-100 hover:text-ink')
                }
              >
                {page.title}
              </Link>
            </li>
          );
        })}
      </ul>
    </nav>
  );
}
