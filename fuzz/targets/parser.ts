// Fuzz target: the line parser. Lines from generated traces, mutated sample lines and random
// strings; parseLine must never throw or report an internal error, spans stay inside the line,
// a line carries at most 16 notes, and a parsed statement prints to a line that parses again.
import { parseLine } from '../../engine/src/syntax/parseLine';
import { printStatement } from '../../engine/src/syntax/print';
import { MAX_NOTES_PER_LINE } from '../../engine/src/text/limits';
import type { Span } from '../../engine/src/syntax/ast';
import { mutate, sampleTraces } from '../mutate';
import type { Random } from '../random';
import type { FuzzTarget } from '../target';
import { randomTrace } from '../traces';

const ALPHABET = [
  '1',
  '0',
  '.',
  ' ',
  '\t',
  'h',
  '/',
  'vm1',
  'vcpu0',
  'ioctl',
  'guest',
  'kvm',
  'sched',
  'vmm',
  'KVM_RUN',
  'read',
  '=',
  '->',
  '#',
  '@host',
  '@vm',
  'x',
  '-',
  '0x',
  '_',
  'ns',
  'ms',
  'GHz',
  '\u0000',
  '\u001b',
  'é',
];

function randomLine(rng: Random): string {
  switch (rng.int(0, 3)) {
    case 0: {
      const lines = randomTrace(rng, { hosts: 2, vms: 2, vcpus: 2, lines: 5 }).split(/\r?\n/);
      return rng.pick(lines);
    }
    case 1: {
      const lines = mutate(rng, rng.pick(sampleTraces()))
        .toString('utf8')
        .split(/\r\n|\r|\n/);
      return rng.pick(lines);
    }
    default:
      return rng.string(rng.int(0, 30), ALPHABET);
  }
}

const inside = (s: Span, len: number): boolean =>
  Number.isInteger(s.start) && Number.isInteger(s.end) && s.start >= 0 && s.start <= s.end && s.end <= len;

export const parserTarget: FuzzTarget = {
  name: 'parser',
  one(rng) {
    const line = randomLine(rng);
    let node;
    try {
      node = parseLine(line);
    } catch (e) {
      return { problem: `parseLine threw ${String(e)}`, input: line };
    }
    if (node.kind === 'error') {
      if (/internal parser error/.test(node.error.message)) return { problem: node.error.message, input: line };
      if (!inside(node.error.span, line.length))
        return { problem: `error span ${JSON.stringify(node.error.span)} outside the line`, input: line };
    }
    if (node.comment && !inside(node.comment.span, line.length))
      return { problem: 'comment span outside the line', input: line };
    if (node.kind === 'statement' || node.kind === 'directive') {
      const notes = node.kind === 'statement' ? node.statement.notes : node.notes;
      if (notes.length > MAX_NOTES_PER_LINE) return { problem: `${notes.length} notes on one line`, input: line };
      for (const n of notes)
        if (!inside(n.span, line.length))
          return { problem: `note span ${JSON.stringify(n.span)} outside the line`, input: line };
    }
    if (node.kind === 'statement') {
      const s = node.statement;
      if (!inside(s.span, line.length)) return { problem: 'statement span outside the line', input: line };
      const printed = printStatement(s);
      const again = parseLine(printed);
      if (again.kind !== 'statement')
        return {
          problem: `the printed statement does not parse: ${JSON.stringify(printed)} → ${again.kind === 'error' ? again.error.message : again.kind}`,
          input: line,
        };
    }
    return undefined;
  },
};
