'use client';

import { useQuery } from '@tanstack/react-query';
import { usePathname } from 'next/navigation';
import { useState } from 'react';

import { authClient } from '../../lib/auth-client';
import { api } from '../../lib/trpc';

/** Who is signed in (name, role, team) and the sign-out button, for the top bar. */
export function UserMenu() {
  const onSignIn = usePathname() === '/sign-in';
  const me = useQuery({
    queryKey: ['users.me'],
    queryFn: ({ signal }) => api.users.me.query(undefined, { signal }),
    staleTime: 5 * 60_000,
    enabled: !onSignIn,
  });
  const [error, setError] = useState<string | null>(null);

  if (onSignIn || !me.data) return null;
  const { name, role, teamName } = me.data;

  async function signOut() {
    setError(null);
    const { error: failed } = await authClient.signOut();
    if (failed) {
      setError(`Not signed out: ${failed.message ?? failed.statusText}`);
      return;
    }
    window.location.assign('/sign-in');
  }

  return (
    <div className="flex flex-wrap items-center gap-x-3 gap-y-1 text-sm">
      <p className="text-slate-700">
        <span className="font-medium text-ink">{name}</span>{' '}
        <span>
          ({role}
          {teamName ? `, ${teamName}` : ''})
        </span>
      </p>
      <button
        type="button"
        onClick={() => void signOut()}
        className="rounded border border-slate-300 px-2.5 py-1 text-slate-800 hover:bg-slate-100"
      >
        Sign out
      </button>
      {error && (
        <p role="alert" className="basis-full text-red-700">
          {error}
        </p>
      )}
    </div>
  );
}
