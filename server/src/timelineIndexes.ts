// The timeline index of each open document (engine/src/timeline/timelineIndex.ts), built once per
// document version in chunks between event-loop turns and shared by every timeline request of that
// version: the webview's overview and visible-range requests, state stepping and the report. After
// an edit the index is rebuilt from the builder's last checkpoint before the first changed line, so
// typing near the end of a large trace does not replay the whole trace for the timeline. Once the
// timeline has been asked for, a document opened afterwards builds its index along the replay that
// finds its diagnostics (TimelineIndexBuilder.attach) instead of replaying the trace a second time
// when the timeline asks (issue #17: the timeline follows the active editor, so it asks at once).
import type { CancellationToken } from 'vscode-languageserver/node';
import { TimelineIndexBuilder, type TimelineIndex } from '../../engine/src/timeline/index';
import type { Analysis } from '../../engine/src/index';
import { cancelled, contentModified, inChunks } from './async';
import type { TraceDoc } from './documents';

interface Entry {
  version: number;
  analysis: Analysis;
  revision: number;
  builder: TimelineIndexBuilder;
  index: Promise<TimelineIndex>;
}

const built = new WeakMap<TraceDoc, Entry>();

/** A builder riding along the replay of a document's analysis, from `revision` on. */
interface Riding {
  analysis: Analysis;
  revision: number;
  builder: TimelineIndexBuilder;
  detach: () => void;
}

const riding = new WeakMap<TraceDoc, Riding>();
/** Whether any timeline was asked for in this session: until then nothing rides along. */
let timelineUsed = false;

/** DocumentEvents.analysed: a new analysis of `doc`; its index rides along once the timeline is in use. */
export function rideAlong(doc: TraceDoc): void {
  riding.get(doc)?.detach();
  riding.delete(doc);
  if (!timelineUsed) return;
  const builder = new TimelineIndexBuilder(doc.analysis);
  riding.set(doc, { analysis: doc.analysis, revision: doc.analysis.revision, builder, detach: builder.attach() });
}

/** Resolves when the analysis has replayed every line (the diagnostics replay), or the document moved on. */
async function replayed(analysis: Analysis, stillCurrent: () => boolean): Promise<void> {
  // The diagnostics replay runs in chunks between turns (documents.ts); checking every few ms costs nothing.
  while (stillCurrent() && !analysis.done) await new Promise((resolve) => setTimeout(resolve, 5));
}

/**
 * The index of `doc` at its current version. A request cancelled while the index is built stops
 * waiting (RequestCancelled) but the build goes on for the next request; an edit makes it obsolete
 * (ContentModified).
 */
export async function timelineIndexOf(doc: TraceDoc, token?: CancellationToken): Promise<TimelineIndex> {
  timelineUsed = true;
  let entry = built.get(doc);
  if (!entry || entry.version !== doc.version || entry.analysis !== doc.analysis) {
    const analysis = doc.analysis;
    const version = doc.version;
    const revision = analysis.revision;
    const stillCurrent = (): boolean => !doc.closed && doc.version === version && doc.analysis === analysis;
    const ride = riding.get(doc);
    let index: Promise<TimelineIndex>;
    let builder: TimelineIndexBuilder;
    if (ride?.analysis === analysis && entry?.analysis !== analysis) {
      // The builder that rode along the diagnostics replay: let that replay finish, then take what
      // it built (from the first change since it attached, if an edit came between) and feed the rest.
      riding.delete(doc);
      const from = analysis.firstChangeSince(ride.revision);
      if (from < ride.builder.nextLine) ride.detach();
      builder = from < ride.builder.nextLine ? TimelineIndexBuilder.resume(analysis, ride.builder, from) : ride.builder;
      const taken = builder;
      index = replayed(analysis, stillCurrent)
        .then(() => {
          ride.detach();
          return inChunks(
            taken.nextLine,
            analysis.doc.lineCount - 1,
            (a, b) => taken.feed(a, b),
            undefined,
            stillCurrent,
          );
        })
        .then(() => taken.finish());
    } else {
      // Same analysis: only the lines from the first change on can differ (an interrupted build
      // resumes from its own last checkpoint too). A new analysis (a full re-parse) starts over.
      builder =
        entry?.analysis === analysis
          ? TimelineIndexBuilder.resume(analysis, entry.builder, analysis.firstChangeSince(entry.revision))
          : new TimelineIndexBuilder(analysis);
      const b = builder;
      index = inChunks(b.nextLine, analysis.doc.lineCount - 1, (a, c) => b.feed(a, c), undefined, stillCurrent).then(
        () => b.finish(),
      );
    }
    const fresh: Entry = { version, analysis, revision, builder, index };
    entry = fresh;
    built.set(doc, fresh);
    // A failed build is not kept as the answer (the next request builds again), but its builder's
    // checkpoints still serve that build.
    index.catch(() => {
      if (built.get(doc) === fresh) built.set(doc, { ...fresh, version: -1 });
    });
  }
  const index = await entry.index;
  if (token?.isCancellationRequested) throw cancelled();
  if (doc.version !== entry.version || doc.analysis !== entry.analysis) throw contentModified();
  return index;
}
