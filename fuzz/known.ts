// Failures the fuzz suite finds whose fix belongs to another change, each with where it is fixed.
// They are counted and printed apart from new failures; when one is no longer seen the runner says
// so, and its entry must be removed (an entry that matches nothing hides nothing).
export interface KnownIssue {
  id: string;
  matches: RegExp;
  fixedBy: string;
}

export const KNOWN_ISSUES: KnownIssue[] = [];

export const knownIssueOf = (problem: string): KnownIssue | undefined =>
  KNOWN_ISSUES.find((k) => k.matches.test(problem));
