import type { Metadata } from 'next';

import { SignInForm } from '../../components/auth/sign-in-form';
import { signInTarget } from '../../lib/sign-in-target';

export const metadata: Metadata = { title: 'Sign in' };

export default async function SignInPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const { next } = await searchParams;
  return (
    <div className="mx-auto mt-8 max-w-sm rounded-lg border border-slate-200 bg-white p-6 shadow-sm sm:mt-16">
      <h1 className="text-2xl font-semibold">Sign in</h1>
      <p className="mt-1 text-sm text-slate-700">
        Sign in with the account an admin made for you. On a local demo (<code>pnpm start</code>),
        the sign-ins are in{' '}
        <code className="whitespace-nowrap">.wattwise/local-credentials.json</code>.
      </p>
      <div className="mt-6">
        <SignInForm next={signInTarget(next)} />
      </div>
    </div>
  );
}
