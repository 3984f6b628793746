// Layer 'kvm': `hvtimer record` against this machine's real KVM. Builds the test VMM
// (test/kvm/vmm.c) with `cc` into test-results/kvm/, then runs test/kvm/kvm.test.ts, which records
// every scenario, checks the captures and that tracefs is left clean, then imports and replays each
// and checks the model against every value the kernel recorded. Where root, /dev/kvm,
// a C compiler, tracefs or uprobes are missing it says so in one line, prints what it would have
// run, and passes empty (allowEmpty) instead of failing.
import { spawnSync } from 'node:child_process';
import { accessSync, constants, existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { nodeTest, root } from '../test-lib.mjs';

export const name = 'kvm';
export const order = 20;

const OUT = path.join(root, 'test-results', 'kvm');
const VMM = path.join(OUT, 'vmm');
const TRACEFS = '/sys/kernel/tracing';

/** Why this machine cannot run the layer, or undefined. */
function missing() {
  if (process.platform !== 'linux' || process.arch !== 'x64')
    return `the test VMM is x86_64 Linux only (this is ${process.platform}/${process.arch})`;
  if (process.getuid?.() !== 0) return 'not root (uprobes and tracefs need root)';
  try {
    accessSync('/dev/kvm', constants.R_OK | constants.W_OK);
  } catch {
    return 'no usable /dev/kvm';
  }
  if (spawnSync('cc', ['--version']).status !== 0) return 'no C compiler (cc)';
  if (!existsSync(`${TRACEFS}/trace_clock`)) spawnSync('mount', ['-t', 'tracefs', 'nodev', TRACEFS]);
  if (!existsSync(`${TRACEFS}/trace_clock`)) return `tracefs is not mounted on ${TRACEFS} and cannot be`;
  if (!existsSync(`${TRACEFS}/uprobe_events`)) return 'this kernel has no uprobe_events';
  return undefined;
}

export async function run() {
  const why = missing();
  if (why) {
    console.log(
      `  kvm: skipped: ${why}. Would run: cc -O2 -pthread -o ${path.relative(root, VMM)} test/kvm/vmm.c, then for each scenario of \`vmm list\`: node dist/cli.js record -o test-results/kvm/SCENARIO.trace -- ${path.relative(root, VMM)} SCENARIO, then import and replay each against the model`,
    );
    return { passed: 0, failed: 0, skipped: 0, allowEmpty: true };
  }
  mkdirSync(OUT, { recursive: true });
  const cc = spawnSync(
    'cc',
    ['-O2', '-Wall', '-Wextra', '-Werror', '-pthread', '-o', VMM, path.join(root, 'test/kvm/vmm.c')],
    { encoding: 'utf8' },
  );
  if (cc.status !== 0) {
    console.log(`  kvm: the test VMM does not build:\n${cc.stderr}`);
    return { passed: 0, failed: 1, skipped: 0 };
  }
  return nodeTest(['test/kvm/kvm.test.ts'], { HVTIMER_KVM_VMM: VMM, HVTIMER_KVM_OUT: OUT });
}
