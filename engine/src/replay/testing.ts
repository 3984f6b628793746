// Helpers for the replay tests (only tests import this module): the state after a line and the
// events a line produced, of a trace given as lines. Line numbers are 1-based, as in an editor.
import { Analysis } from '../analysis';
import { replayJson } from '../state/replayJson';
import type { ReplayEvent } from './events';
import type { ModelState } from './state';
import type { ReplayJson } from '../../../protocol/views';

/**
 * A vCPU's timers in their reset state in the replay JSON (docs/timers.md#t2-model: CTL 0, CVAL 0;
 * disabled, so neither armable nor with a deadline), as written by hand from the spec.
 */
export const RESET_TIMERS_JSON = {
  vtimer: {
    ctl: '0',
    cmp: '0',
    cmp_is_time: false,
    armable: false,
    deadline_ns: null,
    armed_at_line: null,
    last_delivery: null,
  },
  ptimer: {
    ctl: '0',
    cmp: '0',
    cmp_is_time: false,
    armable: false,
    deadline_ns: null,
    armed_at_line: null,
    last_delivery: null,
  },
};

/** The CLI's replay JSON after line `line1` (1-based). */
export const jsonAfter = (lines: string[], line1: number): ReplayJson => replayJson(modelAfter(lines, line1));

/** The model state after line `line1` (1-based). */
export const modelAfter = (lines: string[], line1: number): ModelState =>
  new Analysis(lines.join('\n')).stateAfter(line1 - 1);

/** The replay events of line `line1` (1-based). */
export function eventsOf(lines: string[], line1: number): ReplayEvent[] {
  const out: ReplayEvent[] = [];
  new Analysis(lines.join('\n')).replayRange(line1 - 1, line1 - 1, (_line, _state, events) => out.push(...events));
  return out;
}
