import Link from 'next/link';

import { pageAt } from '../lib/pages';

/** The honest placeholder of a page that is not built yet: what it will show, and no numbers. */
export function ComingSoon({ href }: { href: string }) {
  const page = pageAt(href);
  return (
    <section aria-labelledby="page-title" className="max-w-3xl">
      <div className="flex items-center gap-3">
        <h1 id="page-title" className="text-2xl font-semibold">
          {page.title}
        </h1>
        <span className="rounded-full bg-amber-100 px-2.5 py-0.5 text-xs font-medium text-amber-900">
          Coming
        </span>
      </div>
      <p className="mt-2 text-slate-700">{page.summary}</p>
      <div className="mt-6 rounded-lg border border-dashed border-slate-300 bg-white p-5">
        <h2 className="text-sm font-semibold text-slate-800">This page will show</h2>
        <ul className="mt-3 list-disc space-y-1.5 pl-5 text-sm text-slate-700">
          {page.plans.map((plan) => (
            <li key={plan}>{plan}</li>
          ))}
        </ul>
        <p className="mt-4 text-sm text-slate-600">
          Nothing here is measured yet, so no figures are shown. Jobs can already be submitted and
          followed on the{' '}
          <Link href="/jobs" className="font-medium text-brand-700 underline underline-offset-2">
            Jobs
          </Link>{' '}
          page.
        </p>
      </div>
    </section>
  );
}
