// The client's own pieces: "Replay to here" (hvtimer/stateAt in the Replay State view) and the
// crash policy that stops restarting a server that keeps crashing.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { CloseAction } from 'vscode-languageclient/node';
import { CrashPolicy } from '../../../client/src/client';
import type { StateAtResult } from '../../../protocol/requests';
import { test } from './harness';
import type { HvtimerApi } from '../../../client/src/extension';
import { closeEverything, EXTENSION_ID, hasCodeAt, openFixture, waitForDiagnostics } from './helpers';

test('hvtimer.replayToLine (the code lens command) shows the replay state after the line in the Replay State view', async () => {
  const doc = await openFixture('s7-restore.hvtrace');
  await waitForDiagnostics(doc.uri, hasCodeAt('HVT010', 15));
  const result = await vscode.commands.executeCommand<StateAtResult>('hvtimer.replayToLine', doc.uri.toString(), 15);
  assert.equal(result.replayJson.vms.vm1.vcpus['0'].guest_counter, '250002725');
  const api = vscode.extensions.getExtension<HvtimerApi>(EXTENSION_ID)!.exports;
  assert.equal(api.replayState.current?.line, 15);
  const tree = api.replayState.flatten();
  assert.equal(tree[0], 'After line 16: s7-restore.hvtrace · t = 20.600100000 s');
  assert.ok(tree.includes('      guest CNTVCT: 250002725 (10.000109000 s)'), tree.join('\n'));
});

test('the crash policy restarts a crashing server 4 times in 3 minutes, then gives up and says why', () => {
  let now = 0;
  const reasons: string[] = [];
  const policy = new CrashPolicy(
    (r) => reasons.push(r),
    () => now,
  );
  for (let i = 0; i < 4; i++) {
    now += 1000;
    assert.equal(policy.closed().action, CloseAction.Restart);
  }
  now += 1000;
  const last = policy.closed();
  assert.equal(last.action, CloseAction.DoNotRestart);
  assert.deepEqual(reasons, [last.message]);
  assert.match(reasons[0], /crashed 5 times in the last 3 minutes and will not be restarted/);
  // Crashes older than the window are forgotten.
  const spaced = new CrashPolicy(
    () => assert.fail('gave up'),
    () => now,
  );
  for (let i = 0; i < 10; i++) {
    now += 60_000;
    assert.equal(spaced.closed().action, CloseAction.Restart);
  }
});

test('client commands tests leave no editor open', closeEverything);
