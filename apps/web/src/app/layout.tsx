import type { Metadata } from 'next';
import Link from 'next/link';
import type { ReactNode } from 'react';

import { UserMenu } from '../components/auth/user-menu';
import { Nav } from '../components/nav';
import { ServerStatus } from '../components/server-status';
import { Providers } from './providers';
import './globals.css';

export const metadata: Metadata = {
  title: { default: 'Wattwise', template: '%s · Wattwise' },
  description: 'Cost, energy and carbon of an AI data centre, job by job.',
};

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body>
        <Providers>
          <a
            href="#main"
            className="sr-only focus:not-sr-only focus:absolute focus:left-2 focus:top-2 focus:z-10 focus:rounded focus:bg-white focus:px-3 focus:py-2"
          >
            Skip to content
          </a>
          <header className="flex flex-wrap items-center justify-between gap-x-4 gap-y-2 border-b border-slate-200 bg-white px-4 py-3">
            <Link href="/" className="text-lg font-semibold tracking-tight text-brand-700">
              Wattwise
            </Link>
            <div className="flex flex-wrap items-center gap-x-6 gap-y-2">
              <ServerStatus />
              <UserMenu />
            </div>
          </header>
          <div className="md:flex">
            <Nav />
            <main id="main" className="min-w-0 flex-1 px-4 py-6 md:px-8">
              {children}
            </main>
          </div>
        </Providers>
      </body>
    </html>
  );
}
