'use client';

import { MutationCache, QueryCache, QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { TRPCClientError } from '@trpc/client';
import { useState } from 'react';
import type { ReactNode } from 'react';

/** A session that ended while a page was open (expired, signed out elsewhere): sign in again. */
function signInAgainOn401(error: unknown) {
  if (!(error instanceof TRPCClientError)) return;
  const status = (error.data as { httpStatus?: number } | undefined)?.httpStatus;
  if (status !== 401 || window.location.pathname === '/sign-in') return;
  const next = `${window.location.pathname}${window.location.search}`;
  window.location.assign(`/sign-in?next=${encodeURIComponent(next)}`);
}

export function Providers({ children }: { children: ReactNode }) {
  const [client] = useState(
    () =>
      new QueryClient({
        queryCache: new QueryCache({ onError: signInAgainOn401 }),
        mutationCache: new MutationCache({ onError: signInAgainOn401 }),
        defaultOptions: {
          queries: { retry: 1, refetchOnWindowFocus: true },
        },
      }),
  );
  return <QueryClientProvider client={client}>{children}</QueryClientProvider>;
}
