// "Step to next / previous state change": the nearest line after (before) a line whose statement
// changed the model state, from the timeline index's list (a binary search, no replay).
import type { StateChangeEntry, TimelineIndex } from './timelineIndex';

export function stateChangeFrom(
  index: TimelineIndex,
  line: number,
  direction: 'next' | 'previous',
): StateChangeEntry | null {
  const list = index.stateChanges;
  // First entry whose line is > `line`.
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (list[mid].line <= line) lo = mid + 1;
    else hi = mid;
  }
  if (direction === 'next') return list[lo] ?? null;
  // Last entry whose line is < `line`.
  let i = lo - 1;
  while (i >= 0 && list[i].line >= line) i--;
  return i >= 0 ? list[i] : null;
}
