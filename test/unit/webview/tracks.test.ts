// The track list (webview/src/tracks.ts): a group per VM, its instances under it, their vCPUs under
// those; collapsing a node hides its descendants and draws their rows on it. Rows as the engine
// gives them for arm64-migration-by-value (src/vm1 and dst/vm1, two vCPUs each).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { TimelineRow } from '../../../protocol/views';
import { allIds, buildTrackTree, layoutTracks, TRACK_HEIGHT, trackOfRow } from '../../../webview/src/tracks';

function row(id: string, origin: TimelineRow['origin'] = 'fresh', generation = 1): TimelineRow {
  const [host, vm, vcpu] = id.split('/');
  return {
    id,
    kind: vcpu ? 'vcpu' : 'instance',
    label: vcpu ?? `${vm} on ${host}`,
    host,
    vm,
    instance: `${host}/${vm}`,
    vcpu: vcpu ? Number(vcpu.slice(4)) : null,
    generation,
    origin,
    intervals: [],
  };
}

const ROWS = [
  row('src/vm1'),
  row('src/vm1/vcpu0'),
  row('src/vm1/vcpu1'),
  row('dst/vm1', 'migration'),
  row('dst/vm1/vcpu0', 'migration'),
  row('dst/vm1/vcpu1', 'migration'),
];

test('a VM group with its instances and their vCPUs beneath', () => {
  const [vm, ...rest] = buildTrackTree(ROWS);
  assert.equal(rest.length, 0);
  assert.deepEqual([vm.id, vm.kind, vm.label, vm.title], ['vm:vm1', 'vm', 'vm1', 'vm1: 2 instances']);
  assert.deepEqual(
    vm.children.map((c) => [c.id, c.label, c.depth]),
    [
      ['src/vm1', 'on src', 1],
      ['dst/vm1', 'on dst', 1],
    ],
  );
  assert.equal(vm.children[1].title, 'vm1 on dst · migrated here (dst/vm1)');
  assert.deepEqual(
    vm.children[0].children.map((c) => [c.id, c.label, c.depth, c.title]),
    [
      ['src/vm1/vcpu0', 'vcpu0', 2, 'vcpu0 of vm1 on src (src/vm1/vcpu0)'],
      ['src/vm1/vcpu1', 'vcpu1', 2, 'vcpu1 of vm1 on src (src/vm1/vcpu1)'],
    ],
  );
  // A second KVM VM for the guest on the same host says which generation it is.
  assert.equal(buildTrackTree([row('h/vm1', 'restore', 2)])[0].children[0].label, 'on h (#2)');
  assert.deepEqual(
    [...allIds(buildTrackTree(ROWS))],
    ['vm:vm1', 'src/vm1', 'src/vm1/vcpu0', 'src/vm1/vcpu1', 'dst/vm1', 'dst/vm1/vcpu0', 'dst/vm1/vcpu1'],
  );
});

test('expanded: every track, stacked (22 + 28 + 24 + 24 + 28 + 24 + 24 = 174 px)', () => {
  assert.deepEqual([TRACK_HEIGHT.vm, TRACK_HEIGHT.instance, TRACK_HEIGHT.vcpu], [22, 28, 24]);
  const { tracks, height } = layoutTracks(buildTrackTree(ROWS), new Set());
  assert.deepEqual(
    tracks.map((t) => [t.node.id, t.top, t.height, t.collapsed]),
    [
      ['vm:vm1', 0, 22, false],
      ['src/vm1', 22, 28, false],
      ['src/vm1/vcpu0', 50, 24, false],
      ['src/vm1/vcpu1', 74, 24, false],
      ['dst/vm1', 98, 28, false],
      ['dst/vm1/vcpu0', 126, 24, false],
      ['dst/vm1/vcpu1', 150, 24, false],
    ],
  );
  assert.equal(height, 174);
  assert.deepEqual(tracks[0].rows, []);
});

test("a collapsed instance draws its vCPUs' rows; a collapsed VM draws everything; leaves do not collapse", () => {
  const tree = buildTrackTree(ROWS);
  const one = layoutTracks(tree, new Set(['src/vm1', 'dst/vm1/vcpu0']));
  assert.deepEqual(
    one.tracks.map((t) => t.node.id),
    ['vm:vm1', 'src/vm1', 'dst/vm1', 'dst/vm1/vcpu0', 'dst/vm1/vcpu1'],
  );
  assert.deepEqual(one.tracks[1].rows, ['src/vm1', 'src/vm1/vcpu0', 'src/vm1/vcpu1']);
  assert.equal(one.tracks[3].collapsed, false, 'a vCPU without child tracks does not collapse');
  assert.equal(one.height, 22 + 28 + 28 + 24 + 24);
  const byRow = trackOfRow(one.tracks);
  assert.equal(byRow.get('src/vm1/vcpu1')?.node.id, 'src/vm1');
  assert.equal(byRow.get('dst/vm1/vcpu1')?.node.id, 'dst/vm1/vcpu1');
  const all = layoutTracks(tree, new Set(['vm:vm1']));
  assert.deepEqual(
    all.tracks.map((t) => [t.node.id, t.rows.length]),
    [['vm:vm1', 6]],
  );
  assert.equal(all.height, 22);
});

test('timer tracks sit under their vCPU, which becomes collapsible and then draws them (30 px each)', () => {
  const counts = { armed: 3, deliveries: 2, early: 0, late: 1, lost: 0 };
  const timers = [
    {
      id: 'dst/vm1/vcpu0/vtimer',
      vcpuRow: 'dst/vm1/vcpu0',
      timer: 'vtimer' as const,
      label: 'vtimer (CNTV)',
      series: 'vm1/vcpu0/vtimer',
      counts,
    },
    {
      id: 'dst/vm1/vcpu0/ptimer',
      vcpuRow: 'dst/vm1/vcpu0',
      timer: 'ptimer' as const,
      label: 'ptimer (CNTP)',
      series: 'vm1/vcpu0/ptimer',
      counts,
    },
  ];
  const tree = buildTrackTree(ROWS, timers);
  const vcpu0 = tree[0].children[1].children[0];
  assert.deepEqual(
    vcpu0.children.map((c) => [c.id, c.kind, c.label, c.depth, c.row]),
    [
      ['dst/vm1/vcpu0/vtimer', 'timer', 'vtimer (CNTV)', 3, null],
      ['dst/vm1/vcpu0/ptimer', 'timer', 'ptimer (CNTP)', 3, null],
    ],
  );
  assert.equal(
    vcpu0.children[0].title,
    'vtimer (CNTV) of vcpu0 of vm1 on dst (dst/vm1/vcpu0/vtimer): 3 armed, 2 deliveries (1 late, 0 early), 0 lost',
  );
  // 174 px of the other tracks + 2 × 30.
  assert.equal(TRACK_HEIGHT.timer, 30);
  const open = layoutTracks(tree, new Set());
  assert.equal(open.height, 174 + 60);
  assert.deepEqual(
    open.tracks.slice(5, 8).map((t) => [t.node.id, t.top, t.height, t.rows]),
    [
      ['dst/vm1/vcpu0', 126, 24, ['dst/vm1/vcpu0']],
      ['dst/vm1/vcpu0/vtimer', 150, 30, ['dst/vm1/vcpu0/vtimer']],
      ['dst/vm1/vcpu0/ptimer', 180, 30, ['dst/vm1/vcpu0/ptimer']],
    ],
  );
  const folded = layoutTracks(tree, new Set(['dst/vm1/vcpu0']));
  assert.equal(folded.height, 174);
  const byRow = trackOfRow(folded.tracks);
  assert.equal(byRow.get('dst/vm1/vcpu0/vtimer')?.node.id, 'dst/vm1/vcpu0');
  assert.equal(folded.tracks.find((t) => t.node.id === 'dst/vm1/vcpu0')?.collapsed, true);
  assert.ok(allIds(tree).has('dst/vm1/vcpu0/ptimer'));
});
