// The "Replay State" tree view (explorer): the model state after a line, as the commands Replay to
// Cursor, Step to Next / Previous State Change and Replay Trace leave it — hosts, VMs (with a pending
// stop), instances and their vCPUs with counters in decimal and as time, their timers (armed, compare
// value, deadline), and the line that set each value (click to go there). Built from
// hvtimer/stateAt's StateView. It follows the active editor: another trace's state is replaced by
// the new active trace's (at its cursor), and a closed trace's state is cleared.
import * as vscode from 'vscode';
import { documentName } from '../../protocol/documentName';
import type { InstanceView, StateAtResult, VcpuView } from '../../protocol/requests';

export const REPLAY_STATE_VIEW = 'hvtimer.replayState';

export interface StateNode {
  id: string;
  label: string;
  description?: string;
  tooltip?: string | vscode.MarkdownString;
  /** A 0-based line of the trace this value came from: clicking reveals it. */
  line?: number;
  children: StateNode[];
  parent?: StateNode;
  expanded?: boolean;
}

const node = (
  id: string,
  label: string,
  description?: string,
  line?: number | null,
  children: StateNode[] = [],
): StateNode => ({ id, label, description, line: line ?? undefined, children });

/** ns (decimal string) as seconds with 9 decimals, without the engine's formatter. */
const seconds = (ns: string): string => `${ns.length > 9 ? ns.slice(0, -9) : '0'}.${ns.slice(-9).padStart(9, '0')} s`;

/** One node per guest timer with a compare value (docs/timers.md#t4-editor-and-timeline): armed or not, the compare value, the deadline. */
function timerNodes(prefix: string, v: VcpuView): StateNode[] {
  return Object.entries(v.timers)
    .filter(([, t]) => t.cmp !== null)
    .map(([name, t]) => {
      const cmp = t.cmp_is_time ? `expiry ${seconds(t.cmp!)}` : `${name === 'lapic' ? 'deadline' : 'CVAL'} ${t.cmp}`;
      const parts = [
        t.armable ? 'armed' : 'not armed',
        cmp,
        ...(t.deadline_ns !== null ? [`fires ${seconds(t.deadline_ns)}`] : []),
        ...(t.mode ? [t.mode] : []),
      ];
      const n = node(
        `${prefix}/timer/${name}`,
        name,
        parts.join(' · '),
        t.armed_at_line === null ? null : t.armed_at_line - 1,
      );
      if (t.last_delivery)
        n.children.push(
          node(
            `${prefix}/timer/${name}/last`,
            'last delivery',
            `${t.last_delivery.verdict} at ${seconds(t.last_delivery.time_ns)}`,
            t.last_delivery.line - 1,
          ),
        );
      return n;
    });
}

function vcpuNode(prefix: string, v: VcpuView): StateNode {
  const id = `${prefix}/vcpu${v.id}`;
  const fields: StateNode[] = [
    node(`${id}/counter`, `guest ${v.counterName}`, `${v.guestCounter.decimal} (${v.guestCounter.time})`),
  ];
  if (v.virtualOffset)
    fields.push(
      node(
        `${id}/voff`,
        'virtual offset',
        `${v.virtualOffset.decimal} (${v.virtualOffset.time})`,
        v.setBy.virtualOffset,
      ),
    );
  if (v.physicalOffset)
    fields.push(
      node(
        `${id}/poff`,
        'physical offset',
        `${v.physicalOffset.decimal} (${v.physicalOffset.time})`,
        v.setBy.physicalOffset,
      ),
    );
  if (v.physicalTrap) fields.push(node(`${id}/trap`, 'physical counter trap', v.physicalTrap, v.setBy.trap));
  if (v.cntpct) fields.push(node(`${id}/cntpct`, 'guest CNTPCT', `${v.cntpct.decimal} (${v.cntpct.time})`));
  if (v.tscOffset)
    fields.push(node(`${id}/tscoff`, 'TSC offset', `${v.tscOffset.decimal} (${v.tscOffset.time})`, v.setBy.tscOffset));
  if (v.tscKhz) fields.push(node(`${id}/khz`, 'TSC frequency', `${v.tscKhz} kHz`));
  if (v.stolenNs !== null) fields.push(node(`${id}/stolen`, 'stolen time', `${v.stolenNs} ns`, v.setBy.pvAddress));
  if (v.pvAddress) fields.push(node(`${id}/pv`, 'stolen-time address', v.pvAddress, v.setBy.pvAddress));
  const timers = timerNodes(id, v);
  if (timers.length) fields.push(node(`${id}/timers`, 'timers', `${timers.length}`, null, timers));
  const state = v.running ? 'running' : v.everRan ? 'stopped' : 'not run yet';
  return node(id, `vcpu${v.id}`, `${state} · ${v.counterName} ${v.guestCounter.decimal}`, v.createdLine, fields);
}

function instanceNode(i: InstanceView): StateNode {
  const id = `instance/${i.key}`;
  const flags = [
    i.origin,
    i.running ? 'running' : 'stopped',
    ...(i.current ? ['current'] : []),
    ...(i.counterOffsetUsed ? ['COUNTER_OFFSET'] : []),
  ];
  const children = i.vcpus.map((v) => vcpuNode(id, v));
  if (i.kvmclock)
    children.unshift(
      node(`${id}/kvmclock`, 'kvmclock', `${i.kvmclock.decimal} ns (${i.kvmclock.time})`, i.kvmclockSetLine),
    );
  const n = node(id, i.key, flags.join(' · '), i.originLine, children);
  n.expanded = i.current;
  return n;
}

/** The tree of one StateAtResult. */
export function stateNodes(r: StateAtResult, name: string): StateNode[] {
  const v = r.view;
  const header = node('header', `After line ${r.line + 1}`, `${name} · t = ${v.time} s`, r.line);
  header.tooltip = new vscode.MarkdownString(r.markdown);
  const hosts = node(
    'hosts',
    'Hosts',
    `${v.hosts.length}`,
    null,
    v.hosts.map((h) =>
      node(
        `host/${h.name}`,
        h.name,
        `${h.arch} · ${h.freq} Hz · counter ${h.counter.decimal} (${h.counter.time})${h.cntpoff ? ' · CNTPOFF' : ''}`,
        h.declaredLine,
      ),
    ),
  );
  const vms = node(
    'vms',
    'VMs',
    `${v.guests.length}`,
    null,
    v.guests.map((g) => {
      const stop = g.stop
        ? [
            node(
              `vm/${g.name}/stop`,
              `pending ${g.stop.kind}`,
              `at ${g.stop.timeNs} ns on ${g.stop.instance}`,
              g.stop.line,
            ),
          ]
        : [];
      return node(`vm/${g.name}`, g.name, `policy ${g.policy} · ${g.currentInstance ?? 'not started'}`, null, stop);
    }),
  );
  const instances = node('instances', 'Instances', `${v.instances.length}`, null, v.instances.map(instanceNode));
  for (const n of [hosts, vms, instances]) n.expanded = true;
  const roots = [header, hosts, vms, instances];
  const link = (n: StateNode): void =>
    n.children.forEach((c) => {
      c.parent = n;
      link(c);
    });
  roots.forEach(link);
  return roots;
}

export class ReplayStateProvider implements vscode.TreeDataProvider<StateNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<StateNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private roots: StateNode[] = [];
  /** The document and line shown, and the state (tests and the step commands read it). */
  current: { uri: string; line: number; result: StateAtResult } | undefined;
  private view: vscode.TreeView<StateNode> | undefined;

  attach(view: vscode.TreeView<StateNode>): void {
    this.view = view;
  }

  /**
   * Shows a state; reveals the view without taking the focus from the editor (`reveal: false` when
   * it only follows the active editor: the view is updated where it is, not brought up).
   */
  async show(uri: string, result: StateAtResult, options: { reveal?: boolean } = {}): Promise<void> {
    this.current = { uri, line: result.line, result };
    this.roots = stateNodes(result, documentName(uri));
    this.changed.fire(undefined);
    if (this.view) this.view.message = undefined;
    if (this.view && options.reveal !== false)
      await Promise.resolve(this.view.reveal(this.roots[0], { select: false, focus: false })).catch(() => undefined);
  }

  /** Nothing to show (the trace was closed): the view says how to fill it. */
  clear(): void {
    this.current = undefined;
    this.roots = [];
    this.changed.fire(undefined);
    if (this.view)
      this.view.message = 'Open a trace: the view shows its state at the cursor (hvtimer: Replay to Cursor).';
  }

  /** Every node as `label: description`, depth-first (tests). */
  flatten(): string[] {
    const out: string[] = [];
    const walk = (n: StateNode, depth: number): void => {
      out.push(`${'  '.repeat(depth)}${n.label}${n.description ? `: ${n.description}` : ''}`);
      n.children.forEach((c) => walk(c, depth + 1));
    };
    this.roots.forEach((r) => walk(r, 0));
    return out;
  }

  getChildren(element?: StateNode): StateNode[] {
    return element ? element.children : this.roots;
  }
  getParent(element: StateNode): StateNode | undefined {
    return element.parent;
  }

  getTreeItem(n: StateNode): vscode.TreeItem {
    const state =
      n.children.length === 0
        ? vscode.TreeItemCollapsibleState.None
        : n.expanded
          ? vscode.TreeItemCollapsibleState.Expanded
          : vscode.TreeItemCollapsibleState.Collapsed;
    const item = new vscode.TreeItem(n.label, state);
    item.id = n.id;
    item.description = n.description;
    item.tooltip =
      n.tooltip ?? (n.line !== undefined ? `${n.label}: ${n.description ?? ''}\nset on line ${n.line + 1}` : undefined);
    if (n.line !== undefined && this.current) {
      item.command = { title: 'Go to line', command: 'hvtimer.revealLine', arguments: [this.current.uri, n.line] };
    }
    return item;
  }

  dispose(): void {
    this.changed.dispose();
  }
}
