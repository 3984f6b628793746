// The timeline index of each open document (engine/src/timeline/timelineIndex.ts), built once per
// document version in chunks between event-loop turns and shared by every timeline request of that
// version: the webview's overview and visible-range requests, state stepping and the report. After
// an edit the index is rebuilt from the builder's last checkpoint before the first changed line, so
// typing near the end of a large trace does not replay the whole trace for the timeline.
import type { CancellationToken } from 'vscode-languageserver/node';
import { TimelineIndexBuilder, type TimelineIndex } from '../../engine/src/timeline/index';
import type { Analysis } from '../../engine/src/index';
import { cancelled, contentModified, inChunks } from './async';
import type { TraceDoc } from './documents';

interface Entry { version: number; analysis: Analysis; revision: number; builder: TimelineIndexBuilder; index: Promise<TimelineIndex> }

const built = new WeakMap<TraceDoc, Entry>();

/**
 * The index of `doc` at its current version. A request cancelled while the index is built stops
 * waiting (RequestCancelled) but the build goes on for the next request; an edit makes it obsolete
 * (ContentModified).
 */
export async function timelineIndexOf(doc: TraceDoc, token?: CancellationToken): Promise<TimelineIndex> {
  let entry = built.get(doc);
  if (!entry || entry.version !== doc.version || entry.analysis !== doc.analysis) {
    const analysis = doc.analysis;
    const version = doc.version;
    const revision = analysis.revision;
    // Same analysis: only the lines from the first change on can differ (an interrupted build
    // resumes from its own last checkpoint too). A new analysis (a full re-parse) starts over.
    const builder = entry?.analysis === analysis
      ? TimelineIndexBuilder.resume(analysis, entry.builder, analysis.firstChangeSince(entry.revision))
      : new TimelineIndexBuilder(analysis);
    const stillCurrent = (): boolean => !doc.closed && doc.version === version && doc.analysis === analysis;
    const index = inChunks(builder.nextLine, analysis.doc.lineCount - 1, (a, b) => builder.feed(a, b), undefined, stillCurrent).then(() => builder.finish());
    const fresh: Entry = { version, analysis, revision, builder, index };
    entry = fresh;
    built.set(doc, fresh);
    // A failed build is not kept as the answer (the next request builds again), but its builder's
    // checkpoints still serve that build.
    index.catch(() => { if (built.get(doc) === fresh) built.set(doc, { ...fresh, version: -1 }); });
  }
  const index = await entry.index;
  if (token?.isCancellationRequested) throw cancelled();
  if (doc.version !== entry.version || doc.analysis !== entry.analysis) throw contentModified();
  return index;
}
