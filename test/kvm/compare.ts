// The kernel's and the model's TSC offsets side by side, per scenario (the table of
// test/kvm/FINDINGS.md and of issue #18's closing note), with what else was compared and the values
// PVM faked. The kvm layer writes it for its live recordings to test-results/kvm/compare.md; for
// captures already on disk:
//   node --import tsx test/kvm/compare.ts [DIR]     (default test/kvm/fixtures: SCENARIO.trace + SCENARIO.vmm.txt)
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { checkCapture, signedText, type ModelCheck } from './modelCheck';
import { PVM_FAKES } from './pvmFakes';

/** The statement that caused a write, shortened for the table. */
function cause(text: string): string {
  const t = text.replace(/ took=\S+/, '').replace(/ -> .*$/, '');
  const attr = /KVM_SET_DEVICE_ATTR .*attr=KVM_VCPU_TSC_OFFSET value=(\d+)/.exec(t);
  if (attr) return `KVM_VCPU_TSC_OFFSET ${signedText(BigInt(attr[1]))}`;
  return t.replace(/^ioctl /, '').replace(/^guest write (\S+) = (\S+)/, 'guest wrmsr $1=$2');
}

/** Markdown: one row per kvm_write_tsc_offset of each capture. */
export function offsetsTable(checks: ModelCheck[]): string {
  const rows = [
    '| scenario | ms | vCPU | written by | kernel `next` | model | kernel − model (ticks) | m/n kernel | m/n model |',
    '|---|---:|---|---|---:|---:|---:|---|---|',
  ];
  for (const c of checks) {
    const fakedNext = new Map(
      c.disagreements
        .filter((d) => d.what === 'tsc_offset' && d.source === 'kvm' && d.fake)
        .map((d) => [d.line, d.fake!]),
    );
    const multiVm = new Set(c.offsets.map((o) => o.vm)).size > 1;
    for (const o of c.offsets) {
      const fake = fakedNext.get(o.line);
      rows.push(
        `| ${c.name.replace(/\.trace$/, '')} | ${o.ms.toFixed(1)} | ${multiVm ? `${o.vm}/` : ''}vcpu${o.vcpu} | ${cause(o.cause)} | ${signedText(o.kernelNext)} | ${signedText(o.model)} | ${fake ? `PVM (${fake})` : BigInt.asIntN(64, o.kernelNext - o.model).toString()} | ${o.kernelMatched ?? '–'} | ${o.modelMatched ?? '–'} |`,
      );
    }
  }
  return rows.join('\n');
}

/** What each comparison of modelCheck.ts is, as the kernel or the VMM recorded it. */
const LABEL: Readonly<Record<string, string>> = {
  'kvm tsc_offset': 'write_tsc_offset next',
  'kvm prev': 'write_tsc_offset prev',
  'kvm track_tsc': 'track_tsc',
  'kvm update_master_clock': 'update_master_clock',
  'kvm kvmclock': 'pvclock system_time',
  'kvm TSC': 'pvclock tsc_timestamp',
  'ioctl TSC': 'GET_MSRS IA32_TSC',
  'ioctl TSC_ADJUST': 'GET_MSRS IA32_TSC_ADJUST',
  'ioctl TSC_KHZ': 'GET_TSC_KHZ',
  'ioctl kvmclock': 'GET_CLOCK',
  'ioctl tsc_offset': 'GET_DEVICE_ATTR TSC offset',
  'guest TSC': 'guest rdtsc',
};

/** Markdown: per capture, what else agreed and which fakes it holds. */
export function summaryTable(checks: ModelCheck[]): string {
  const rows = [
    '| scenario | agreed with the model | PVM fakes (listed, not compared) | other differences |',
    '|---|---|---|---|',
  ];
  for (const c of checks) {
    const agreed = [...c.agreed]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([k, n]) => `${LABEL[k] ?? k} ×${n}`)
      .join(', ');
    const fakes = new Map<string, number>();
    for (const d of c.disagreements) if (d.fake) fakes.set(d.fake, (fakes.get(d.fake) ?? 0) + 1);
    if (c.cpuidRewritten.length) fakes.set('cpuid-tsc-adjust-rewritten', c.cpuidRewritten.length);
    const other = c.disagreements.filter((d) => !d.fake).length;
    rows.push(
      `| ${c.name.replace(/\.trace$/, '')} | ${agreed} | ${[...fakes].map(([k, n]) => `${k} ×${n}`).join(', ') || '–'} | ${other || 'none'} |`,
    );
  }
  return rows.join('\n');
}

/** The PVM fakes list as Markdown (FINDINGS.md, the report). */
export const fakesTable = (): string =>
  [
    '| id | value | what PVM puts there |',
    '|---|---|---|',
    ...PVM_FAKES.map((f) => `| ${f.id} | ${f.value} | ${f.pvm} |`),
  ].join('\n');

/** Checks every SCENARIO.trace of a directory (with its SCENARIO.vmm.txt when there is one). */
export function checkDirectory(dir: string, order?: string[]): ModelCheck[] {
  const names = readdirSync(dir)
    .filter((f) => f.endsWith('.trace'))
    .map((f) => f.replace(/\.trace$/, ''));
  const sorted = order
    ? [...order.filter((n) => names.includes(n)), ...names.filter((n) => !order.includes(n)).sort()]
    : names.sort();
  return sorted.map((n) => {
    const vmm = path.join(dir, `${n}.vmm.txt`);
    return checkCapture(
      `${n}.trace`,
      readFileSync(path.join(dir, `${n}.trace`), 'utf8'),
      existsSync(vmm) ? { vmmOutput: readFileSync(vmm, 'utf8') } : {},
    );
  });
}

/** vmm.c's scenario order. */
export const SCENARIOS = [
  'boot',
  'restore-0',
  'restore-100ms',
  'restore-1500ms',
  'same-advanced',
  'zero-writes',
  'hotplug',
  'tsc-offset-attr',
  'tsc-khz-vm',
  'tsc-khz-vcpu',
  'kvmclock',
  'cpuid-tsc-adjust',
  'guest-rdtsc',
];

if (require.main === module) {
  const dir = process.argv[2] ?? path.join(__dirname, 'fixtures');
  const checks = checkDirectory(dir, SCENARIOS);
  process.stdout.write(`${offsetsTable(checks)}\n\n${summaryTable(checks)}\n`);
}
