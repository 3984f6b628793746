// Helpers for tests of the timeline (only tests import this module).
import type { Analysis } from '../analysis';
import { TimelineIndexBuilder, type TimelineIndex } from './timelineIndex';

/** The index of the whole document, synchronously (the language server builds it in chunks). */
export function buildTimelineIndex(analysis: Analysis): TimelineIndex {
  const b = new TimelineIndexBuilder(analysis);
  b.feed(0, analysis.doc.lineCount - 1);
  return b.finish();
}
