// The track list, Perfetto-style: a tree of tracks (a group per VM, under it one track per VM
// instance, under each instance one per vCPU) that collapses per node; what is drawn is the list of
// visible tracks with their tops and heights. A collapsed node's track summarises its hidden
// descendants (their markers and findings are drawn on it), as Perfetto's collapsed track groups do
// (google/perfetto ui/src/widgets/track_shell.scss, `.pf-track__header--summary`).
//
// Every track has a `kind`; lanes.ts draws each kind with its own renderer. The per-vCPU timer
// tracks (the overview's `timers`: armed intervals, deadlines, deliveries, losses; timerLanes.ts)
// are `timer` children of their vCPU node, which makes the vCPU collapsible; a collapsed vCPU
// draws its timers' deliveries and losses. Pure (no DOM).

import type { TimelineRow, TimerTrack } from '../../protocol/views';

export type TrackKind = 'vm' | 'instance' | 'vcpu' | 'timer';

export interface TrackNode {
  /** Stable across reloads (collapse state is kept by id): `vm:<name>`, else the row id (`host/vm`, `host/vm/vcpuN`). */
  id: string;
  kind: TrackKind;
  /** Short name shown in the track list (the parent gives the context). */
  label: string;
  /** Full name, for the tooltip and screen readers. */
  title: string;
  /** The timeline row drawn on this track (null for a VM group header and a timer track). */
  row: TimelineRow | null;
  /** The timer drawn on a timer track. */
  timer?: TimerTrack;
  depth: number;
  children: TrackNode[];
  parent: TrackNode | null;
}

export const TRACK_HEIGHT: Record<TrackKind, number> = { vm: 22, instance: 28, vcpu: 24, timer: 30 };

export interface TrackLayout {
  node: TrackNode;
  /** Position among the visible tracks. */
  index: number;
  top: number;
  height: number;
  collapsed: boolean;
  /** Row and timer-track ids drawn on this track: its own, plus every hidden descendant's when collapsed. */
  rows: string[];
}

const ORIGIN: Record<TimelineRow['origin'], string> = {
  fresh: '',
  migration: ' · migrated here',
  restore: ' · restored here',
};

/**
 * The tree for the overview's rows: VMs in order of first appearance, instances and vCPUs in row
 * order, each vCPU's timer tracks under it in the overview's order.
 */
export function buildTrackTree(rows: readonly TimelineRow[], timers: readonly TimerTrack[] = []): TrackNode[] {
  const vms = new Map<string, TrackNode>();
  const instances = new Map<string, TrackNode>();
  const roots: TrackNode[] = [];
  const vmNode = (vm: string): TrackNode => {
    let n = vms.get(vm);
    if (!n) {
      n = { id: `vm:${vm}`, kind: 'vm', label: vm, title: vm, row: null, depth: 0, children: [], parent: null };
      vms.set(vm, n);
      roots.push(n);
    }
    return n;
  };
  for (const row of rows) {
    const vm = vmNode(row.vm);
    if (row.kind === 'instance') {
      // Generations count from 1; a later one is a new KVM VM for the same guest on the same host.
      const gen = row.generation > 1 ? ` (#${row.generation})` : '';
      const n: TrackNode = {
        id: row.id,
        kind: 'instance',
        label: `on ${row.host}${gen}`,
        title: `${row.vm} on ${row.host}${gen}${ORIGIN[row.origin]} (${row.id})`,
        row,
        depth: 1,
        children: [],
        parent: vm,
      };
      instances.set(row.instance, n);
      vm.children.push(n);
    } else {
      const parent = instances.get(row.instance) ?? vm;
      const n: TrackNode = {
        id: row.id,
        kind: 'vcpu',
        label: row.label,
        title: `${row.label} of ${row.vm} on ${row.host} (${row.id})`,
        row,
        depth: parent.depth + 1,
        children: [],
        parent,
      };
      parent.children.push(n);
      for (const timer of timers) {
        if (timer.vcpuRow !== row.id) continue;
        const c = timer.counts;
        const title =
          `${timer.label} of ${row.label} of ${row.vm} on ${row.host} (${timer.id}): ${c.armed} armed, ${c.deliveries} deliver${c.deliveries === 1 ? 'y' : 'ies'}` +
          ` (${c.late} late, ${c.early} early), ${c.lost} lost`;
        n.children.push({
          id: timer.id,
          kind: 'timer',
          label: timer.label,
          title,
          row: null,
          timer,
          depth: n.depth + 1,
          children: [],
          parent: n,
        });
      }
    }
  }
  for (const vm of roots)
    vm.title = `${vm.label}: ${vm.children.length} instance${vm.children.length === 1 ? '' : 's'}`;
  return roots;
}

/** The row or timer track a node draws itself. */
const ownRows = (n: TrackNode): string[] => (n.row ? [n.row.id] : n.timer ? [n.timer.id] : []);

function descendantRows(n: TrackNode): string[] {
  return n.children.flatMap((c) => [...ownRows(c), ...descendantRows(c)]);
}

/** The visible tracks, top to bottom, starting at `top`; `collapsed` holds node ids. */
export function layoutTracks(
  roots: readonly TrackNode[],
  collapsed: ReadonlySet<string>,
  top = 0,
): { tracks: TrackLayout[]; height: number } {
  const tracks: TrackLayout[] = [];
  let y = top;
  const visit = (n: TrackNode): void => {
    const isCollapsed = n.children.length > 0 && collapsed.has(n.id);
    const rows = [...ownRows(n), ...(isCollapsed ? descendantRows(n) : [])];
    tracks.push({ node: n, index: tracks.length, top: y, height: TRACK_HEIGHT[n.kind], collapsed: isCollapsed, rows });
    y += TRACK_HEIGHT[n.kind];
    if (!isCollapsed) n.children.forEach(visit);
  };
  roots.forEach(visit);
  return { tracks, height: y - top };
}

/** Which visible track draws each row id (its own, or the collapsed ancestor that summarises it). */
export function trackOfRow(tracks: readonly TrackLayout[]): Map<string, TrackLayout> {
  const out = new Map<string, TrackLayout>();
  for (const t of tracks) for (const r of t.rows) out.set(r, t);
  return out;
}

/** Every node id of the tree (to drop stale ids from a persisted collapse state). */
export function allIds(roots: readonly TrackNode[]): Set<string> {
  const out = new Set<string>();
  const visit = (n: TrackNode): void => {
    out.add(n.id);
    n.children.forEach(visit);
  };
  roots.forEach(visit);
  return out;
}
