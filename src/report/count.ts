// Whole numbers with thousands separators, as `toLocaleString("en-US")` writes them, without
// loading ICU's number formatting for it (its first use costs a process ~20 ms: cold start,
// issue 12). The odd values (-0, infinities, NaN) still go through toLocaleString.

/** Math.round(n) grouped by threes with commas: 1234567.4 -> "1,234,567". */
export function countText(n: number): string {
  const r = Math.round(n);
  if (!Number.isSafeInteger(r) || Object.is(r, -0)) return r.toLocaleString("en-US");
  return String(r).replace(/\B(?=(\d{3})+(?!\d))/g, ",");
}
