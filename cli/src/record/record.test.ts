// `hvtimer record` through the built CLI where no tracefs is touched: bad command lines and an
// architecture it cannot record here are one line on stderr and exit status 2.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';

const CLI = path.resolve(__dirname, '../../../dist/cli.js');
const run = (...args: string[]) => spawnSync(process.execPath, [CLI, 'record', ...args], { encoding: 'utf8' });

test('usage errors: exit 2 and one line with the reason (docs/cli.md); --help prints the usage', () => {
  const r = run();
  assert.equal(r.status, 2);
  assert.equal(r.stderr, 'hvtimer: record needs -p PID or -- COMMAND ARGS...\n');
  const help = spawnSync(process.execPath, [CLI, '--help'], { encoding: 'utf8' });
  assert.equal(help.status, 0);
  assert.match(help.stdout, /hvtimer record \[-o FILE\] \[--arch x86_64\|arm64\]/);
});

test('the other architecture: one line, exit 2, nothing set up', () => {
  const other = process.arch === 'arm64' ? 'x86_64' : 'arm64';
  const host = other === 'arm64' ? 'x86_64' : 'arm64';
  const r = run('--arch', other, '--', '/bin/true');
  assert.equal(r.status, 2);
  assert.equal(
    r.stderr,
    `hvtimer: cannot record ${other} on this ${host} host (the probes use the host's registers)\n`,
  );
});
