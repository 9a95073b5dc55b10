'use client';

const buttonClass =
  'rounded border border-slate-400 bg-white px-3 py-1.5 text-sm font-medium text-slate-800 ' +
  'hover:bg-slate-100 disabled:cursor-not-allowed disabled:border-slate-300 disabled:text-slate-500';

/** First / previous / next / last over a server-side list; says which rows are shown out of how many. */
export function Pager({
  page,
  size,
  total,
  onPage,
}: {
  page: number;
  size: number;
  total: number;
  onPage: (page: number) => void;
}) {
  const pages = Math.max(1, Math.ceil(total / size));
  const first = total === 0 ? 0 : Math.min((page - 1) * size + 1, total);
  const last = Math.min(page * size, total);
  return (
    <nav aria-label="Jobs pages" className="flex flex-wrap items-center justify-between gap-3">
      <p className="text-sm text-slate-700">
        {first > last ? `No jobs on page ${page}` : `Showing ${first}–${last} of ${total}`}
        {' · '}page {page} of {pages}
      </p>
      <div className="flex flex-wrap gap-2">
        <button
          type="button"
          className={buttonClass}
          disabled={page <= 1}
          onClick={() => onPage(1)}
        >
          First
        </button>
        <button
          type="button"
          className={buttonClass}
          disabled={page <= 1}
          onClick={() => onPage(Math.min(page - 1, pages))}
        >
          Previous
        </button>
        <button
          type="button"
          className={buttonClass}
          disabled={page >= pages}
          onClick={() => onPage(page + 1)}
        >
          Next
        </button>
        <button
          type="button"
          className={buttonClass}
          disabled={page >= pages}
          onClick={() => onPage(pages)}
        >
          Last
        </button>
      </div>
    </nav>
  );
}
