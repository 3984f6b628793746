import { readFileSync } from 'node:fs';
import { Analysis } from './engine/src/analysis';
import { completionsAt, signatureHelpAt } from './engine/src/editor/index';
const base = readFileSync('sample-traces/arm64-migration-by-value.hvtrace', 'utf8');
for (const partial of ['', '20.7 ', '20.7 dst/vm1 ', '20.7 dst/vm1 ioctl ', '20.7 dst/vm1/vcpu0 ioctl ', '20.7 dst/vm1/vcpu0 ioctl KVM_SET_ONE_REG ', '20.7 dst/vm1/vcpu0 ioctl KVM_SET_ONE_REG id=', '20.7 dst/vm1/vcpu0 ioctl KVM_SET_ONE_REG id=KVM_REG_ARM_TIMER_CNT ', '20.7 dst/vm1 vmm migrate to=', '20.7 dst/vm1/vcpu0 guest read ', '20.7 dst/vm1/vcpu0 kvm timer_irq ', '@host x ', '@vm x policy=', '# hvtimer-disable-next-line ', '20.7 dst/vm1/vcpu0 ioctl KVM_SET_DEVICE_ATTR group=KVM_ARM_VCPU_PVTIME_CTRL attr=']) {
  const text = `${base}${partial}`;
  const a = new Analysis(text);
  const line = a.doc.lineCount - 1;
  const c = completionsAt(a, line, partial.length);
  const s = signatureHelpAt(a, line, partial.length);
  console.log(JSON.stringify(partial), '=>', c.items.slice(0, 12).map((i) => i.label).join(' | '), c.items.length, '|| sig:', s ? `${s.label} [${s.activeParameter}] ${s.activeParameter >= 0 ? s.label.slice(...s.parameters[s.activeParameter].label) : ''}` : '-');
}
