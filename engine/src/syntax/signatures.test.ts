// The argument patterns (`sig`) of every operation and directive are what their parsers accept: a
// statement built from each pattern's example values parses without an error or an "unknown
// argument" note, and leaving out a required `key=` is a parse error that names the key.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseLine } from './parseLine';
import { DIRECTIVE_SYNTAX } from './directiveParsers';
import { NOTE_SYNTAX, OPS_BY_ACTOR, type Level } from './statementParsers';
import { exampleOf, parseSig, PLACEHOLDERS } from './signatures';

const WHERE: Record<Level, string> = {
  vcpu: 'h/vm1/vcpu0',
  vm: 'h/vm1',
  vm_or_vcpu: 'h/vm1',
  host_or_vm: 'h',
  any: 'h/vm1',
};

function statement(actor: string, op: string, level: Level, args: string, result: string): string {
  return `1.000000000 ${WHERE[level]} ${actor} ${op}${args ? ` ${args}` : ''}${result ? ` -> ${result}` : ''}`;
}

test('every placeholder a pattern uses is defined, and every operation has a pattern and a description', () => {
  for (const [actor, ops] of Object.entries(OPS_BY_ACTOR)) {
    for (const [op, spec] of Object.entries(ops)) {
      assert.ok(spec.doc.length > 10, `${actor} ${op} has no description`);
      for (const p of parseSig(spec.sig)) {
        if (!p.literal) assert.ok(Object.hasOwn(PLACEHOLDERS, p.name), `${actor} ${op}: unknown placeholder ${p.name}`);
      }
    }
  }
});

test('a statement built from each pattern (with and without its optional parts) parses cleanly', () => {
  let checked = 0;
  for (const [actor, ops] of Object.entries(OPS_BY_ACTOR)) {
    for (const [op, spec] of Object.entries(ops)) {
      for (const withOptional of [true, false]) {
        const { args, result } = exampleOf(spec.sig, withOptional);
        const text = statement(actor, op, spec.level, args, result);
        const n = parseLine(text);
        assert.equal(n.kind, 'statement', `${text}: ${n.kind === 'error' ? n.error.message : ''}`);
        if (n.kind !== 'statement') continue;
        assert.deepEqual(
          n.statement.notes.filter((x) => x.code === 'HVT091').map((x) => x.message),
          [],
          text,
        );
        checked++;
      }
    }
  }
  const note = parseLine(statement('vmm', 'note', NOTE_SYNTAX.level, exampleOf(NOTE_SYNTAX.sig).args, ''));
  assert.equal(note.kind, 'statement');
  // 17 ioctls + 2 LAPIC + 4 proposed, 3 guest, 5 kvm (write, traps, trap, stolen_update, write_tsc_offset)
  // + 7 timer + 3 capture, 1 sched, 6 vmm = 48 operations, twice each.
  assert.equal(checked, 96);
});

test('leaving out a required key= is a parse error naming it', () => {
  for (const [actor, ops] of Object.entries(OPS_BY_ACTOR)) {
    for (const [op, spec] of Object.entries(ops)) {
      const params = parseSig(spec.sig);
      for (const p of params.filter((x) => x.key && !x.optional && !x.result)) {
        const args = params
          .filter((x) => !x.result && x !== p)
          .map((x) =>
            x.literal
              ? x.name
              : `${x.key ? `${x.key}=` : x.keyPlaceholder ? `${PLACEHOLDERS[x.keyPlaceholder].example}=` : ''}${PLACEHOLDERS[x.name].example}`,
          )
          .join(' ');
        const n = parseLine(statement(actor, op, spec.level, args, ''));
        assert.equal(n.kind, 'error', `${actor} ${op} without ${p.key}=`);
        if (n.kind === 'error')
          assert.match(n.error.message, new RegExp(`${p.key}=`), `${actor} ${op} without ${p.key}=`);
      }
    }
  }
});

test('every directive pattern parses cleanly', () => {
  for (const [keyword, d] of Object.entries(DIRECTIVE_SYNTAX)) {
    const { args } = exampleOf(d.sig);
    const n = parseLine(`${keyword} ${args}`);
    assert.equal(n.kind, 'directive', `${keyword} ${args}: ${n.kind === 'error' ? n.error.message : ''}`);
    if (n.kind === 'directive')
      assert.deepEqual(
        n.notes.filter((x) => x.code === 'HVT091'),
        [],
        `${keyword} ${args}`,
      );
  }
});

test('a pattern reads into keys, placeholders, optional, repeated and result parts', () => {
  assert.deepEqual(
    parseSig('id=REG [flags=CLOCK_FLAGS] MSR=VALUE... -> clock=NS').map((p) => [
      p.key ?? p.keyPlaceholder,
      p.name,
      p.optional,
      p.repeated,
      p.result,
    ]),
    [
      ['id', 'REG', false, false, false],
      ['flags', 'CLOCK_FLAGS', true, false, false],
      ['MSR', 'VALUE', false, true, false],
      ['clock', 'NS', false, false, true],
    ],
  );
  assert.deepEqual(
    parseSig('GREG = VALUE').map((p) => [p.name, p.literal]),
    [
      ['GREG', false],
      ['=', true],
      ['VALUE', false],
    ],
  );
});
