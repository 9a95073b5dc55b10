import type { Metadata } from 'next';
import { Suspense } from 'react';

import { JobPage } from '../../../components/jobs/job-page';

export async function generateMetadata({
  params,
}: {
  params: Promise<{ id: string }>;
}): Promise<Metadata> {
  const { id } = await params;
  return { title: `Job ${id}` };
}

export default async function JobRoute({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  return (
    <Suspense fallback={<p className="text-sm text-slate-700">Loading the job…</p>}>
      <JobPage id={decodeURIComponent(id)} />
    </Suspense>
  );
}
