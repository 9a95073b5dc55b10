'use client';

import { useState } from 'react';
import type { FormEvent } from 'react';

import { authClient } from '../../lib/auth-client';
import { FormField, inputClass } from '../form-field';

/** Email and password; on success, a full load of `next` so that every page starts signed in. */
export function SignInForm({ next }: { next: string }) {
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const data = new FormData(event.currentTarget);
    setBusy(true);
    setError(null);
    const { error: refused } = await authClient.signIn.email({
      email: String(data.get('email') ?? '').trim(),
      password: String(data.get('password') ?? ''),
    });
    if (refused) {
      setBusy(false);
      setError(
        refused.status === 401
          ? 'Wrong email or password.'
          : `Could not sign in: ${refused.message ?? refused.statusText}`,
      );
      return;
    }
    window.location.assign(next);
  }

  return (
    <form onSubmit={onSubmit} className="space-y-4">
      <FormField id="email" label="Email" required>
        {(control) => (
          <input
            {...control}
            name="email"
            type="email"
            autoComplete="username"
            required
            autoFocus
            className={inputClass}
            aria-invalid={error ? true : undefined}
          />
        )}
      </FormField>
      <FormField id="password" label="Password" required>
        {(control) => (
          <input
            {...control}
            name="password"
            type="password"
            autoComplete="current-password"
            required
            className={inputClass}
            aria-invalid={error ? true : undefined}
          />
        )}
      </FormField>
      <p id="sign-in-error" role="alert" className="min-h-5 text-sm font-medium text-red-700">
        {error}
      </p>
      <button
        type="submit"
        disabled={busy}
        className="w-full rounded bg-brand-700 px-4 py-2 text-sm font-semibold text-white hover:bg-brand-600 disabled:opacity-70"
      >
        {busy ? 'Signing in…' : 'Sign in'}
      </button>
    </form>
  );
}
