// Failures the fuzz suite finds whose fix belongs to another change, each with where it is fixed.
// They are counted and printed apart from new failures; when one is no longer seen the runner says
// so, and its entry must be removed (an entry that matches nothing hides nothing).
export interface KnownIssue { id: string; matches: RegExp; fixedBy: string }

export const KNOWN_ISSUES: KnownIssue[] = [
  {
    id: 'issue #15 item 1: x86 scaleTsc divides by a host kHz of 0 (freq below 1000 Hz with KVM_SET_TSC_KHZ)',
    matches: /RangeError: Division by zero|internal error: Division by zero/,
    fixedBy: 'the x86-model change of issue #15 (engine/src/replay/x86.ts, clock.ts)',
  },
];

export const knownIssueOf = (problem: string): KnownIssue | undefined => KNOWN_ISSUES.find((k) => k.matches.test(problem));
