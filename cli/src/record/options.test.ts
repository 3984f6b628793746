// `hvtimer record` command lines.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseRecordArgs } from './options';

test('a command after --, with its own options untouched', () => {
  assert.deepEqual(parseRecordArgs(['-o', 'x.trace', '--', 'qemu-system-x86_64', '-m', '1G', '--', '-o']), {
    bufferKb: 8192,
    force: false,
    output: 'x.trace',
    command: ['qemu-system-x86_64', '-m', '1G', '--', '-o'],
  });
  assert.deepEqual(
    parseRecordArgs(['-p', '4242', '--arch=x86_64', '--clock', 'tai', '--buffer-kb', '65536', '--force']),
    {
      bufferKb: 65536,
      force: true,
      pid: 4242,
      arch: 'x86_64',
      clock: 'tai',
      command: [],
    },
  );
});

test('usage errors say what was expected', () => {
  assert.throws(() => parseRecordArgs([]), /record needs -p PID or -- COMMAND/);
  assert.throws(() => parseRecordArgs(['-p', '12', '--', 'vmm']), /either -p PID or -- COMMAND, not both/);
  assert.throws(
    () => parseRecordArgs(['--arch', 'riscv64', '--', 'vmm']),
    /--arch must be x86_64 or arm64, not `riscv64`/,
  );
  assert.throws(() => parseRecordArgs(['-p', 'qemu']), /-p needs a process id, found `qemu`/);
  assert.throws(() => parseRecordArgs(['-o']), /-o needs a value/);
  assert.throws(() => parseRecordArgs(['vmm']), /record runs a command after `--` \(found `vmm`\)/);
  assert.throws(() => parseRecordArgs(['--buffer-kb', '10', '--', 'vmm']), /between 64 and 1048576, found `10`/);
});
