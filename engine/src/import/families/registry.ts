// The mapping modules, one per event family. An event goes to the first module that lists its name
// (or, for uprobe events, recognises its shape). Adding a family = one module and one line here;
// other code can add one at run time with registerMapper (the uprobe decoders have their own
// registry in uprobes.ts).
import type { TraceEvent } from '../event';
import { arm64TimerMapper } from './arm64Timer';
import { exitsMapper } from './exits';
import { markerMapper } from './marker';
import { msrMapper } from './msr';
import { schedulerMapper } from './scheduler';
import type { EventMapper, MapContext } from './types';
import { uprobeMapper } from './uprobes';
import { x86ClockMapper } from './x86Clock';
import { x86LapicMapper } from './x86Lapic';

const MAPPERS: EventMapper[] = [
  markerMapper,
  x86ClockMapper,
  x86LapicMapper,
  msrMapper,
  arm64TimerMapper,
  exitsMapper,
  schedulerMapper,
  uprobeMapper,
];

export function registerMapper(m: EventMapper): void {
  if (!MAPPERS.includes(m)) MAPPERS.splice(MAPPERS.length - 1, 0, m);
}

export function mapperFor(ev: TraceEvent): EventMapper | undefined {
  return MAPPERS.find((m) => m.events.includes(ev.name)) ?? MAPPERS.find((m) => m.handles?.(ev) === true);
}

/** Lets every module finish its file (calls still open at the end of the capture, deferred statements). */
export function finishMappers(ctx: MapContext): void {
  for (const m of MAPPERS) m.finish?.(ctx);
}

/** Whether the event's body decodes completely with its family's decoder (true when no family claims it). */
export function decodesCompletely(ev: TraceEvent, body = ev.body): boolean {
  const m = mapperFor({ ...ev, body });
  return m === undefined || m.decodes(ev.name, body);
}
