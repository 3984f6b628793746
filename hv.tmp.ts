import { Analysis } from './engine/src/analysis';
import { hoverAt } from './engine/src/editor/index';
import { S7, X86_SAME, PV } from './test/lsp/fixtures';
for (const [name, text, line, ch] of [['S7', S7, 15, 2], ['S7', S7, 14, 5], ['X86', X86_SAME, 11, 0], ['PV', PV, 10, 0], ['ids', '@host h arch=arm64 freq=25MHz\n1.000000000 h/vm1/vcpu0 ioctl KVM_GET_ONE_REG id=0x603000000013DF02 -> 5\n1.000000001 h/vm1/vcpu0 ioctl 0x4010AEAC id=KVM_REG_ARM_TIMER_CNT value=100\n', 2, 31]] as const) {
  console.log(`==== ${name} ${line}`); console.log(hoverAt(new Analysis(text), line, ch, { docsLink: (p) => `LINK/${p}` })?.markdown);
}
