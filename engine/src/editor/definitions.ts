// Navigation between a statement and the statement that set the value it depends on: the counter
// offset (arm64 virtual/physical offset, x86 TSC offset), kvmclock, or the PV-time / steal-time
// address; and back, from such a write to every statement it affects. Host and VM names go to
// their directives.
import type { Analysis } from '../analysis';
import type { InstanceState, ModelState, Ref, VcpuState } from '../replay/state';
import type { Statement } from '../syntax/ast';
import { locate } from './locate';
import { instanceKey } from '../../../protocol/instanceKey';
import { pushAll } from '../util/arrays';

/** What a statement reads from the model. */
export type Dependency = 'virtual' | 'physical' | 'tsc' | 'kvmclock' | 'pv';

export function dependenciesOf(stmt: Statement, arch: 'arm64' | 'x86_64'): Dependency[] {
  const b = stmt.body;
  const counter: Dependency = arch === 'arm64' ? 'virtual' : 'tsc';
  switch (b.type) {
    case 'run':
    case 'pause':
    case 'migrate':
    case 'snapshot':
    case 'create_vcpu':
      return [counter];
    case 'get_one_reg':
    case 'set_one_reg': {
      const role = 'known' in b.reg.value ? b.reg.value.known.role : undefined;
      if (role === 'ptimer_cnt') return ['physical'];
      if (role === 'vtimer_cnt' || role === 'timer_offset') return ['virtual'];
      return [];
    }
    case 'set_counter_offset':
      return ['virtual', 'physical'];
    case 'set_system_counter_state':
    case 'get_system_counter_state':
      return ['virtual'];
    case 'guest_read':
    case 'guest_write': {
      const reg = b.reg.value;
      if (typeof reg === 'string') {
        if (reg === 'CNTVCT_EL0' || reg === 'CNTVCTSS_EL0') return ['virtual'];
        if (reg === 'CNTPCT_EL0' || reg === 'CNTPCTSS_EL0') return ['physical'];
        if (reg === 'TSC') return ['tsc'];
        if (reg === 'kvmclock') return ['kvmclock'];
        if (reg === 'stolen_time' || reg === 'steal') return ['pv'];
        return [];
      }
      const role = 'known' in reg ? reg.known.role : undefined;
      if (role === 'tsc' || role === 'tsc_adjust') return ['tsc'];
      if (role === 'kvm_steal_time') return ['pv'];
      return [];
    }
    case 'kvm_trap_read':
      return ['physical'];
    case 'kvm_write':
      return b.reg.value === 'CNTVOFF_EL2' ? ['virtual'] : b.reg.value === 'CNTPOFF_EL2' ? ['physical'] : [];
    case 'get_msrs':
    case 'set_msrs': {
      const list = b.type === 'set_msrs' ? b.writes.map((w) => w.msr) : b.msrs;
      const roles = list.map((m) => ('known' in m.value ? m.value.known.role : 'other'));
      const deps: Dependency[] = [];
      if (roles.some((r) => r === 'tsc' || r === 'tsc_adjust' || r === 'tsc_deadline')) deps.push('tsc');
      if (roles.includes('kvm_steal_time')) deps.push('pv');
      return deps;
    }
    case 'get_tsc_state':
    case 'set_tsc_state':
    case 'write_tsc_offset':
    case 'set_tsc_khz':
    case 'get_tsc_khz':
      return ['tsc'];
    case 'device_attr': {
      const role = 'known' in b.attr.value ? b.attr.value.known.role : undefined;
      if (role === 'tsc_offset') return ['tsc'];
      if (role === 'pvtime_ipa') return ['pv'];
      if (role === 'timer_offset') return ['physical'];
      return [];
    }
    case 'get_clock':
    case 'set_clock':
    case 'kvmclock_ctrl':
      return ['kvmclock'];
    case 'hvc':
    case 'stolen_update':
    case 'sched_wait':
      return ['pv'];
    default:
      return [];
  }
}

type VcpuRefs = Pick<VcpuState, 'voffsetBy' | 'poffsetBy' | 'tscOffsetBy' | 'pvAddressBy' | 'stealMsrBy'>;
type InstanceRefs = Pick<InstanceState, 'voffsetBy' | 'poffsetBy' | 'clockSetBy'> & {
  tsc: { curBy?: Ref };
  vcpus: Map<number, VcpuRefs>;
};
/** Just the "set by" references of a model state (ModelState is one); cheap to keep per line. */
interface RefState {
  instances: Map<string, InstanceRefs>;
}

function refState(state: ModelState): RefState {
  const instances = new Map<string, InstanceRefs>();
  for (const [key, i] of state.instances) {
    const vcpus = new Map<number, VcpuRefs>();
    for (const [id, v] of i.vcpus)
      vcpus.set(id, {
        voffsetBy: v.voffsetBy,
        poffsetBy: v.poffsetBy,
        tscOffsetBy: v.tscOffsetBy,
        pvAddressBy: v.pvAddressBy,
        stealMsrBy: v.stealMsrBy,
      });
    instances.set(key, {
      voffsetBy: i.voffsetBy,
      poffsetBy: i.poffsetBy,
      clockSetBy: i.clockSetBy,
      tsc: { curBy: i.tsc.curBy },
      vcpus,
    });
  }
  return { instances };
}

function vcpuRef(v: VcpuRefs, dep: Dependency): Ref | undefined {
  switch (dep) {
    case 'virtual':
      return v.voffsetBy;
    case 'physical':
      return v.poffsetBy;
    case 'tsc':
      return v.tscOffsetBy;
    case 'pv':
      return v.pvAddressBy ?? v.stealMsrBy;
    default:
      return undefined;
  }
}

function instanceRef(inst: InstanceRefs, dep: Dependency): Ref | undefined {
  switch (dep) {
    case 'virtual':
      return inst.voffsetBy;
    case 'physical':
      return inst.poffsetBy;
    case 'tsc':
      return inst.tsc.curBy;
    case 'kvmclock':
      return inst.clockSetBy;
    default:
      return undefined;
  }
}

/** The lines that set what the statement depends on, in `state`, for its vCPU (or each vCPU of a VM-level statement). */
function refsIn(state: RefState, stmt: Statement, deps: Dependency[]): Ref[] {
  const vm = stmt.where.vm?.value;
  if (vm === undefined) return [];
  const inst = state.instances.get(instanceKey(stmt.where.host.value, vm));
  if (!inst) return [];
  const out: Ref[] = [];
  const id = stmt.body.type === 'create_vcpu' ? undefined : stmt.where.vcpu?.value;
  const vcpus =
    id !== undefined ? [inst.vcpus.get(id)].filter((v): v is VcpuRefs => v !== undefined) : [...inst.vcpus.values()];
  for (const dep of deps) {
    if (dep === 'kvmclock') {
      const r = instanceRef(inst, dep);
      if (r) out.push(r);
      continue;
    }
    const refs = vcpus.map((v) => vcpuRef(v, dep)).filter((r): r is Ref => r !== undefined);
    if (refs.length === 0 && id === undefined) {
      const r = instanceRef(inst, dep);
      if (r) refs.push(r);
    }
    pushAll(out, refs);
  }
  const seen = new Set<number>();
  return out.filter((r) => !seen.has(r.line) && seen.add(r.line)).sort((a, b) => a.line - b.line);
}

/**
 * The statements that set what the statement at `line` depends on. A statement that sets the
 * value itself goes to the one whose value it replaces.
 */
function dependencyRefs(before: RefState, after: ModelState, line: number, stmt: Statement): Ref[] {
  const host = after.hosts.get(stmt.where.host.value);
  if (!host) return [];
  const deps = dependenciesOf(stmt, host.arch);
  const now = refsIn(after, stmt, deps);
  if (now.every((r) => r.line !== line)) return now;
  return refsIn(before, stmt, deps).filter((r) => r.line !== line);
}

export interface Location {
  line: number;
  start: number;
  end: number;
}

const locOf = (r: Ref): Location => ({ line: r.line, start: r.span.start, end: r.span.end });

/** Go to definition from `line`/`character`. */
export function definitionAt(analysis: Analysis, line: number, character: number): Location[] {
  const loc = locate(analysis.doc, line, character);
  const t = loc.target;
  const after = analysis.stateAfter(line);
  if (t?.kind === 'host') {
    const h = after.hosts.get(t.name);
    return h && h.declared.line !== line ? [locOf(h.declared)] : [];
  }
  if (t?.kind === 'vm') {
    const g = after.guests.get(t.name);
    return g?.declared && g.declared.line !== line ? [locOf(g.declared)] : [];
  }
  if (!loc.stmt) return [];
  return dependencyRefs(analysis.stateAfter(line - 1), after, line, loc.stmt).map(locOf);
}

/** Whether any value in the state was set by `line` (a statement that can still have effects). */
function live(state: ModelState, line: number): boolean {
  for (const inst of state.instances.values()) {
    if (
      inst.voffsetBy?.line === line ||
      inst.poffsetBy?.line === line ||
      inst.tsc.curBy?.line === line ||
      inst.clockSetBy?.line === line
    )
      return true;
    for (const v of inst.vcpus.values()) {
      if (
        v.voffsetBy?.line === line ||
        v.poffsetBy?.line === line ||
        v.tscOffsetBy?.line === line ||
        v.pvAddressBy?.line === line ||
        v.stealMsrBy?.line === line
      )
        return true;
    }
  }
  return false;
}

/**
 * Scans for the statements that depend on what `target` set, in chunks: `scan(from, to)` visits
 * lines `from`..`to` (call it with consecutive ranges after `target`) and returns whether the
 * value can still be read further on. Results accumulate in `found`.
 */
export class ReferenceScanner {
  readonly found: Location[] = [];
  private previous: RefState | undefined;

  constructor(
    private readonly analysis: Analysis,
    readonly target: number,
  ) {}

  /** Whether the statement at `target` set anything at all. */
  setsAnything(): boolean {
    return live(this.analysis.stateAfter(this.target), this.target);
  }

  scan(from: number, to: number): boolean {
    let alive = true;
    this.previous ??= refState(this.analysis.stateAfter(from - 1));
    this.analysis.replayRange(from, to, (line, state) => {
      const node = this.analysis.doc.node(line);
      if (node.kind === 'statement' && line > this.target) {
        const refs = dependencyRefs(this.previous!, state, line, node.statement);
        if (refs.some((r) => r.line === this.target))
          this.found.push({ line, start: node.statement.span.start, end: node.statement.span.end });
      }
      if (node.kind === 'statement') this.previous = refState(state);
      alive = live(state, this.target);
    });
    return alive;
  }
}
