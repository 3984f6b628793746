// The tracefs bookkeeping against a plain directory standing in for /sys/kernel/tracing: what is
// written where, that uprobe_events is only ever appended to (other users' probes survive), and
// that leftovers of dead recorders are found. (The kvm layer checks the real tracefs.)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { RecordingSession, removeStale } from './tracefs';

function fakeTracefs(): string {
  const root = mkdtempSync(path.join(tmpdir(), 'hvtimer-tracefs-'));
  mkdirSync(path.join(root, 'instances'));
  writeFileSync(path.join(root, 'uprobe_events'), 'p:someone_else/probe /bin/true:0x1000\n');
  return root;
}

test('a session appends its probes, writes filters into its instance, and appends their removal', () => {
  const root = fakeTracefs();
  const s = new RecordingSession(root, '77_beef');
  assert.equal(s.group, 'hvtimer_77_beef');
  assert.equal(s.instance, path.join(root, 'instances', 'hvtimer-77-beef'));
  s.create();
  assert.equal(readFileSync(s.file('tracing_on'), 'utf8'), '0');
  mkdirSync(s.file('events', 'hvtimer_77_beef', 'hvt_KVM_RUN'), { recursive: true });
  s.defineProbe({
    event: 'hvtimer_77_beef/hvt_KVM_RUN',
    line: 'p:hvtimer_77_beef/hvt_KVM_RUN /l:0x10 fd=%di:s32',
    filter: 'req == 0xae80',
  });
  assert.equal(readFileSync(s.file('events', 'hvtimer_77_beef', 'hvt_KVM_RUN', 'filter'), 'utf8'), 'req == 0xae80');
  s.cleanup();
  assert.equal(
    readFileSync(path.join(root, 'uprobe_events'), 'utf8'),
    'p:someone_else/probe /bin/true:0x1000\np:hvtimer_77_beef/hvt_KVM_RUN /l:0x10 fd=%di:s32\n-:hvtimer_77_beef/hvt_KVM_RUN\n',
  );
  // A plain directory cannot be rmdir'ed with files in it: the failure is kept, not thrown, and reported.
  assert.match(s.cleanupErrors.join(), /removing .*hvtimer-77-beef/);
  assert.deepEqual(s.leftovers(), [s.instance, 'p:hvtimer_77_beef/hvt_KVM_RUN']);
  s.cleanup(); // idempotent: nothing is appended twice
  assert.equal(
    readFileSync(path.join(root, 'uprobe_events'), 'utf8')
      .split('\n')
      .filter((l) => l.startsWith('-:')).length,
    1,
  );
});

test('events this kernel lacks are reported, the others enabled with their filters', () => {
  const root = fakeTracefs();
  const s = new RecordingSession(root, '78_1');
  s.create();
  mkdirSync(s.file('events', 'kvm', 'kvm_msr'), { recursive: true });
  writeFileSync(s.file('events', 'kvm', 'kvm_msr', 'enable'), '0');
  const missing = s.enableEvents([{ event: 'kvm/kvm_msr', filter: 'ecx == 0x10' }, { event: 'sched/sched_stat_wait' }]);
  assert.deepEqual(missing, ['sched/sched_stat_wait']);
  assert.equal(readFileSync(s.file('events', 'kvm', 'kvm_msr', 'enable'), 'utf8'), '1');
  assert.equal(readFileSync(s.file('events', 'kvm', 'kvm_msr', 'filter'), 'utf8'), 'ecx == 0x10');
});

test('stale leftovers: groups and instances of recorders that are gone are removed, a live one is not', () => {
  const root = fakeTracefs();
  // pid 2^22 + 1 is above pid_max's ceiling (4194304): no such process can exist.
  const dead = 4194305;
  writeFileSync(
    path.join(root, 'uprobe_events'),
    `p:hvtimer_${dead}_ab/hvt_KVM_RUN /l:0x10\nr:hvtimer_${process.pid}_cd/hvt_ioctl_ret /l:0x10\np:someone_else/probe /bin/true:0x1000\n`,
  );
  mkdirSync(path.join(root, 'instances', `hvtimer-${dead}-ab`));
  mkdirSync(path.join(root, 'instances', `hvtimer-${process.pid}-cd`));
  const removed = removeStale(root);
  assert.deepEqual(removed, [path.join(root, 'instances', `hvtimer-${dead}-ab`), `hvtimer_${dead}_ab/hvt_KVM_RUN`]);
  assert.ok(!existsSync(path.join(root, 'instances', `hvtimer-${dead}-ab`)));
  assert.ok(existsSync(path.join(root, 'instances', `hvtimer-${process.pid}-cd`)));
  assert.ok(readFileSync(path.join(root, 'uprobe_events'), 'utf8').endsWith(`-:hvtimer_${dead}_ab/hvt_KVM_RUN\n`));
});
