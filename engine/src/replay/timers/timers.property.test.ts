// Property (fast-check): random arm64 traces — a guest that arms its virtual timer again and again,
// deliveries up to 50 µs after each deadline, and migrations restored idempotently with
// KVM_ARM_SET_COUNTER_OFFSET (Off1 = Off0 - (T1-T0)*F - (C0-C1)) — never get a timer diagnostic,
// and every delivery is judged against the deadline computed here by hand from the counter
// function: t_d = T + ceil((CVAL + O - V) × 1e9 / F) (docs/format.md#3-directives-lines-starting-with-, kvm_timer_should_fire).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { Analysis } from '../../analysis';
import { formatTime } from '../../values/format';
import type { TimerDelivery } from './events';

const S = 1_000_000_000n;
const floorDiv = (a: bigint, b: bigint): bigint => (a >= 0n ? a / b : -((-a + b - 1n) / b));
const ceilDiv = (a: bigint, b: bigint): bigint => -floorDiv(-a, b);

interface Host {
  name: string;
  v: bigint;
  f: bigint;
}
/** C(t) = V + floor(t × F / 1e9) (counter=V@0). */
const counter = (h: Host, t: bigint): bigint => h.v + floorDiv(t * h.f, S);
/** The first t ≥ now with C(t) - off ≥ cval. */
const deadline = (h: Host, off: bigint, cval: bigint, now: bigint): bigint => {
  const t = ceilDiv((cval + off - h.v) * S, h.f);
  return t > now ? t : now;
};

interface Carried {
  length: bigint;
  jitter: bigint;
}
interface Plan {
  f: bigint;
  dstCounter: bigint;
  policy: 'advance' | 'freeze';
  ticks: { gap: bigint; length: bigint; jitter: bigint }[][];
  downtimes: bigint[];
  carried: (Carried | null)[];
}

const plan: fc.Arbitrary<Plan> = fc.record({
  f: fc.constantFrom(25_000_000n, 100_000_000n, 1_000_000_000n, 19_200_000n),
  dstCounter: fc.bigInt(0n, 1n << 40n),
  policy: fc.constantFrom('advance' as const, 'freeze' as const),
  // stays on each instance: ticks of 1–50 ms, armed 0–2 ms after the last one, delivered 0–50 µs late
  ticks: fc.array(
    fc.array(
      fc.record({
        gap: fc.bigInt(1_000n, 2_000_000n),
        length: fc.bigInt(1_000_000n, 50_000_000n),
        jitter: fc.bigInt(0n, 50_000n),
      }),
      { minLength: 1, maxLength: 6 },
    ),
    { minLength: 1, maxLength: 3 },
  ),
  downtimes: fc.array(fc.bigInt(1_000_000n, 3_000_000_000n), { minLength: 2, maxLength: 2 }),
  // a timer armed before the pause and restored with TIMER_CTL / TIMER_CVAL (it may fall in the downtime)
  carried: fc.array(
    fc.option(fc.record({ length: fc.bigInt(1_000_000n, 4_000_000_000n), jitter: fc.bigInt(0n, 50_000n) }), {
      nil: null,
    }),
    { minLength: 2, maxLength: 2 },
  ),
});

/** Per delivery line: the deadline (t_d) and when lateness counts from (the resume point if later). */
interface Built {
  lines: string[];
  deadlines: Map<number, { td: bigint; from: bigint }>;
}

function build(p: Plan): Built {
  const hosts: Host[] = [
    { name: 'a', v: 0n, f: p.f },
    { name: 'b', v: p.dstCounter, f: p.f },
  ];
  const lines = [
    '@hvtrace 1',
    `@host a arch=arm64 freq=${p.f} ecv=2 vhe=1`,
    `@host b arch=arm64 freq=${p.f} ecv=2 vhe=1 counter=${p.dstCounter}@0.0`,
    `@vm g vcpus=1 policy=${p.policy}`,
  ];
  const deadlines: Built['deadlines'] = new Map(); // 0-based line of a delivery -> its deadline by hand
  const at = (t: bigint, h: Host, what: string): number => {
    lines.push(`${formatTime(t)} ${h.name}/g${what}`);
    return lines.length - 1;
  };
  let t = 10n * S;
  let h = hosts[0];
  at(t, h, ' ioctl KVM_CREATE_VCPU id=0');
  let off = counter(h, t); // §6.1.1: voffset = C(t)
  t += 100_000n;
  at(t, h, '/vcpu0 ioctl KVM_RUN');
  p.ticks.forEach((stay, i) => {
    for (const k of stay) {
      t += k.gap;
      const cval = counter(h, t + k.length) - off;
      at(t, h, `/vcpu0 guest write CNTV_CVAL_EL0 = ${cval}`);
      at(t, h, '/vcpu0 guest write CNTV_CTL_EL0 = 1');
      const td = deadline(h, off, cval, t);
      t = td + k.jitter;
      at(t, h, '/vcpu0 kvm exit IRQ');
      deadlines.set(at(t, h, '/vcpu0 kvm timer_irq vtimer level=1'), { td, from: td });
      t += 1_000n;
      at(t, h, '/vcpu0 guest write CNTV_CTL_EL0 = 3'); // the handler masks it
      at(t, h, '/vcpu0 kvm timer_irq vtimer level=0');
    }
    if (i === p.ticks.length - 1) return;
    // migrate to the other host: pause (T0, C0, Off0), create, idempotent offset at T1, resume
    const src = h;
    const dst = hosts[1 - hosts.indexOf(h)];
    const carry = p.carried[i];
    let cval: bigint | undefined;
    if (carry) {
      t += 100_000n;
      cval = counter(h, t + carry.length) - off;
      at(t, h, `/vcpu0 guest write CNTV_CVAL_EL0 = ${cval}`);
      at(t, h, '/vcpu0 guest write CNTV_CTL_EL0 = 1');
    }
    t += 1_000_000n;
    const t0 = t;
    at(t, src, ' vmm pause');
    at(t, src, ` vmm migrate to=${dst.name}`);
    t += p.downtimes[i];
    at(t, dst, ' ioctl KVM_CREATE_VCPU id=0');
    t += 1_000_000n;
    const elapsed = p.policy === 'advance' ? floorDiv((t - t0) * p.f, S) : 0n;
    off = off - elapsed - (counter(src, t0) - counter(dst, t));
    at(t, dst, ` ioctl KVM_ARM_SET_COUNTER_OFFSET counter_offset=${BigInt.asUintN(64, off)}`);
    if (cval !== undefined) {
      at(t, dst, '/vcpu0 ioctl KVM_SET_ONE_REG id=KVM_REG_ARM_TIMER_CTL value=1');
      at(t, dst, `/vcpu0 ioctl KVM_SET_ONE_REG id=KVM_REG_ARM_TIMER_CVAL value=${cval}`);
    }
    const restoredAt = t;
    t += 10_000n;
    at(t, dst, '/vcpu0 ioctl KVM_RUN');
    h = dst;
    if (cval !== undefined && carry) {
      // t_d on the destination, not before the restore; a deadline before the resume counts from it
      const td = deadline(dst, off, cval, restoredAt);
      const from = td > t ? td : t;
      t = from + carry.jitter;
      at(t, dst, '/vcpu0 kvm timer_irq vtimer level=1'); // raised at a load or by the hardware timer
      deadlines.set(lines.length - 1, { td, from });
      t += 1_000n;
      at(t, dst, '/vcpu0 guest write CNTV_CTL_EL0 = 3');
      at(t, dst, '/vcpu0 kvm timer_irq vtimer level=0');
    }
  });
  return { lines, deadlines };
}

test('property: idempotent arm64 restores and deliveries within 50 µs never give a timer diagnostic; each delivery is judged against the hand-computed deadline', () => {
  fc.assert(
    fc.property(plan, (p) => {
      const { lines, deadlines } = build(p);
      const a = new Analysis(lines.join('\n'));
      const timerCodes = a
        .diagnostics()
        .filter((d) => /^HVT04[0-5]$/.test(d.code))
        .map((d) => `${d.code}@${d.range.start.line + 1}: ${d.message}`);
      assert.deepEqual(timerCodes, []);
      const judged = new Map<number, TimerDelivery>();
      a.replayRange(0, lines.length - 1, (line, _s, events) => {
        for (const e of events) if (e.kind === 'timerDelivery') judged.set(line, e);
      });
      assert.deepEqual(
        [...judged.keys()].sort((x, y) => x - y),
        [...deadlines.keys()],
      );
      for (const [line, { td, from }] of deadlines) {
        const e = judged.get(line)!;
        assert.equal(e.early, undefined, `line ${line + 1} judged early`);
        assert.equal(e.first, true);
        assert.equal(e.late?.deadline, td, `line ${line + 1}: deadline`);
        assert.equal(e.late?.from, from, `line ${line + 1}: lateness counted from`);
        assert.ok(e.late!.ns >= 0n && e.late!.ns <= 50_000n, `line ${line + 1}: ${e.late!.ns} ns late`);
      }
    }),
    { numRuns: 150 },
  );
});
