/**
 * Percentiles of a sample by linear interpolation between closest ranks (the "R-7" rule that
 * spreadsheets and NumPy use), so p50 of [1, 2, 3, 4] is 2.5 rather than a jump to one side.
 * An empty sample has no percentile (`undefined`).
 */
export function percentile(values: readonly number[], p: number): number | undefined {
  if (!values.length) return undefined;
  if (p < 0 || p > 100) throw new RangeError(`percentile must be within 0..100, got ${p}`);
  const sorted = [...values].sort((a, b) => a - b);
  const rank = (p / 100) * (sorted.length - 1);
  const low = Math.floor(rank);
  const high = Math.ceil(rank);
  return sorted[low]! + (sorted[high]! - sorted[low]!) * (rank - low);
}
