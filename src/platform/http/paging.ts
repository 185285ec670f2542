/** Which slice of a long list to show. A page past the end shows the last page rather than an empty table. */
export type PageWindow = { page: number; pages: number; offset: number; size: number; total: number };

export function pageWindow(total: number, requested: number, size: number): PageWindow {
  const pages = Math.max(1, Math.ceil(total / size));
  const page = Math.min(Math.max(1, requested), pages);
  return { page, pages, offset: (page - 1) * size, size, total };
}

type PageItem = { number: number; href: string; current: boolean } | { ellipsis: true };

/** Parameters for the nhsuk pagination component, or undefined when everything fits on one page. */
export function paginationLinks(w: PageWindow, href: (page: number) => string) {
  if (w.pages === 1) return undefined;
  // First, last and the neighbours of the current page; gaps become an ellipsis.
  const shown = [...new Set([1, w.page - 1, w.page, w.page + 1, w.pages])].filter((p) => p >= 1 && p <= w.pages).sort((a, b) => a - b);
  const items: PageItem[] = [];
  shown.forEach((p, i) => {
    if (i > 0 && p - shown[i - 1] > 1) items.push({ ellipsis: true });
    items.push({ number: p, href: href(p), current: p === w.page });
  });
  return {
    previous: w.page > 1 ? { href: href(w.page - 1) } : undefined,
    next: w.page < w.pages ? { href: href(w.page + 1) } : undefined,
    items,
  };
}

/** A list URL that keeps its filters, dropping empty ones and page 1. */
export function listHref(path: string, params: Record<string, string | number | undefined>): string {
  const query = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (v === undefined || v === '' || (k === 'page' && v === 1)) continue;
    query.set(k, String(v));
  }
  const s = query.toString();
  return s ? `${path}?${s}` : path;
}
