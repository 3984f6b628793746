// Hover: one line of what the statement did, then the state after it (or the timer it programs), then
// on a restore the idempotent-restore formula; number conversions, decoded register ids and ioctl
// codes; a code's explanation in a suppression comment. A diagnostic is not repeated (the editor
// shows it above the hover). Every number worked out by hand:
//   src counter C_src(t) = 25 MHz × t; dst counter C_dst(t) = 5000000000 + 25 MHz × t
//   at 20.6001 s: C_dst = 5515002500 (0x148B84284) = 220.6001 s at 25 MHz
//   line 15 sets voffset = C_dst(20.6) - 250000225 = 5515000000 - 250000225 = 5264999775 (0x139D1855F)
//   guest CNTVCT at 20.6001 s = 5515002500 - 5264999775 = 250002725 (0xEE6BD25) = 10.000109 s
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { withClient, type LspRange, type TestClient } from './client';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { PV, S7, S7_LINES, uriFor, X86_SAME } from './fixtures';

/** A docs page of the extension (the repository root), as the server links it. */
const docsLink = (page: string, anchor: string): string =>
  `${pathToFileURL(path.resolve(__dirname, '../../docs', page)).href}#${anchor}`;

interface Hover {
  contents: { kind: string; value: string };
  range: LspRange;
}

async function hoverAt(client: TestClient, uri: string, line: number, character: number): Promise<Hover | null> {
  return client.request<Hover | null>('textDocument/hover', { textDocument: { uri }, position: { line, character } });
}

const sections = (h: Hover | null): string[] => (h ? h.contents.value.split('\n\n---\n\n') : []);

// The resume point: G_after = 250002725; policy advance expects G_before + 0.6001 s × 25 MHz
// = 249999975 + 15002500 = 265002475; 250002725 - 265002475 = -14999750 ticks = -599.99 ms.
const STATE_LINE_16 = `**resume point** of vcpu0: the guest resumes at CNTVCT 250002725, -14999750 ticks (-599.99 ms) off the line policy advance expects (265002475)

| | decimal | hex | time |
|:--|--:|--:|--:|
| host counter (dst) | 5515002500 | 0x148B84284 | 220.600100000 s |
| virtual offset | 5264999775 | 0x139D1855F | 210.599991000 s |
| guest CNTVCT | 250002725 | 0xEE6BD25 | 10.000109000 s |

**dst/vm1/vcpu0** after line 16 · t = 20.600100000 s · running · physical offset 0 · virtual offset set on line 15 · times at 25 MHz (dst)`;

// Off0 = voffset at the pause = C_src(10.000001) = 250000025; C0 = C_src(20.0) = 500000000;
// C1 = C_dst(20.6) = 5515000000; (T1 - T0) × F = 0.6 s × 25 MHz = 15000000.
const FORMULA_LINE_15 = `**Idempotent restore** of vcpu0 of vm1 (the guest stopped on line 10: pause on src at 20.000000000 s; policy advance)

\`\`\`text
Off1 = Off0 - (T1 - T0) × F - (C0 - C1)
     = 250000025 - (20.600000000 - 20.000000000) s × 25 MHz - (500000000 - 5515000000)
     = 250000025 - 15000000 - (-5015000000)
     = 5250000025

Off0 = offset at the stop, C0 = src counter at T0, C1 = dst counter at T1, F = 25 MHz
\`\`\`

This trace: \`KVM_SET_ONE_REG TIMER_CNT value=250000225\` sets the offset to C1 - value = 5515000000 - 250000225 = 5264999775, which leaves the guest 14999750 ticks (599.99 ms at 25 MHz) behind its time line. Restore it with \`KVM_ARM_SET_COUNTER_OFFSET counter_offset=5250000025\` on dst/vm1. · [format §6.4 resume points](${docsLink('format.md', '64-resume-points-and-the-guest-time-line')})`;

test('hover on a statement with a diagnostic: what it did in one line, then the state; the diagnostic is not repeated', async () => {
  await withClient(async (client) => {
    const uri = uriFor('hover-state');
    await client.open(uri, S7);
    // HVT010 is on this line: the editor shows it above the hover.
    assert.ok((await client.diagnostics(uri, 1)).some((d) => d.code === 'HVT010' && d.range.start.line === 15));
    const h = await hoverAt(client, uri, 15, 2);
    assert.equal(h?.contents.kind, 'markdown');
    assert.deepEqual(h?.range, { start: { line: 15, character: 0 }, end: { line: 15, character: 40 } });
    assert.deepEqual(sections(h), [STATE_LINE_16]);
    assert.doesNotMatch(h!.contents.value, /HVT010/);
  });
});

test("hover on a by-value restore: the idempotent offset formula with this trace's numbers and the drift", async () => {
  await withClient(async (client) => {
    const uri = uriFor('hover-restore');
    await client.open(uri, S7);
    await client.diagnostics(uri, 1);
    const h = await hoverAt(client, uri, 14, 5);
    const s = sections(h);
    assert.equal(s.length, 2);
    // The one line first: the offset this write set, C1 - value = 5515000000 - 250000225 = 5264999775,
    // and the guest counter it gives, 250000225 = 10.000009 s at 25 MHz.
    assert.equal(
      s[0],
      `**sets the virtual offset** of vcpu0 to 5264999775: guest CNTVCT 250000225 (+10.000 s)

| | decimal | hex | time |
|:--|--:|--:|--:|
| host counter (dst) | 5515000000 | 0x148B838C0 | 220.600000000 s |
| virtual offset | 5264999775 | 0x139D1855F | 210.599991000 s |
| guest CNTVCT | 250000225 | 0xEE6B361 | 10.000009000 s |

**dst/vm1/vcpu0** after line 15 · t = 20.600000000 s · not running · physical offset 0 · virtual offset set on line 15 · times at 25 MHz (dst)`,
    );
    assert.equal(s[1], FORMULA_LINE_15);
  });
});

test("hover on a number: decimal, hex and time at the host's frequency", async () => {
  await withClient(async (client) => {
    const uri = uriFor('hover-number');
    await client.open(uri, S7);
    const at = S7_LINES[14].indexOf('250000225');
    const h = await hoverAt(client, uri, 14, at + 3);
    assert.deepEqual(h?.range, { start: { line: 14, character: at }, end: { line: 14, character: at + 9 } });
    // 250000225 / 25 MHz = 10.000009 s
    assert.equal(
      h?.contents.value,
      '`250000225`\n\n- decimal: `250000225`\n- hex: `0xEE6B361`\n- time at 25 MHz (host dst): `10.000009000 s`',
    );
    // A negative counter is its two's complement: -1000 = 0xFFFFFFFFFFFFFC18.
    const neg = uriFor('hover-negative');
    const text =
      '@host h arch=arm64 freq=1GHz\n1.000000000 h/vm1/vcpu0 ioctl KVM_SET_ONE_REG id=KVM_REG_ARM_TIMER_CNT value=-1000\n';
    await client.open(neg, text);
    const col = text.split('\n')[1].indexOf('-1000');
    const hn = await hoverAt(client, neg, 1, col + 1);
    assert.equal(
      hn?.contents.value,
      '`-1000`\n\n- decimal: `18446744073709550616`\n- hex: `0xFFFFFFFFFFFFFC18`\n- signed: `-1000`\n- time at 1 GHz (host h): `-0.000001000 s`',
    );
  });
});

test('hover on a register id decodes it and warns about the CNT/CVAL id swap; on an ioctl code, its name', async () => {
  await withClient(async (client) => {
    const uri = uriFor('hover-ids');
    const lines = [
      '@host h arch=arm64 freq=25MHz',
      '1.000000000 h/vm1/vcpu0 ioctl KVM_GET_ONE_REG id=0x603000000013DF02 -> 5',
      '1.000000001 h/vm1/vcpu0 ioctl 0x4010AEAC id=KVM_REG_ARM_TIMER_CNT value=100',
    ];
    await client.open(uri, `${lines.join('\n')}\n`);
    const swap =
      "⚠ **CNT/CVAL id swap**: `0x603000000013DF1A` is the virtual **counter** (`KVM_REG_ARM_TIMER_CNT`) and `0x603000000013DF02` the virtual **CVAL** (`KVM_REG_ARM_TIMER_CVAL`): the uapi names carry each other's architectural encodings. Decode by the uapi table, never from the encoding.";
    const cval = await hoverAt(client, uri, 1, lines[1].indexOf('0x6030') + 2);
    const cvalParts = cval!.contents.value.split('\n\n');
    assert.equal(cvalParts[0], '**KVM_REG_ARM_TIMER_CVAL** = `0x603000000013DF02`');
    assert.equal(cvalParts.at(-1), swap);
    const cnt = await hoverAt(client, uri, 2, lines[2].indexOf('KVM_REG_ARM_TIMER_CNT') + 4);
    const cntParts = cnt!.contents.value.split('\n\n');
    assert.equal(cntParts[0], '**KVM_REG_ARM_TIMER_CNT** = `0x603000000013DF1A`');
    assert.equal(cntParts.at(-1), swap);
    const code = await hoverAt(client, uri, 2, lines[2].indexOf('0x4010AEAC') + 1);
    assert.deepEqual(code?.range, { start: { line: 2, character: 30 }, end: { line: 2, character: 40 } });
    assert.match(sections(code)[0], /^`0x4010AEAC` is \*\*KVM_SET_ONE_REG\*\* — /);
    // ... followed by the statement: KVM serves the write at 1.000000001 s, when the host counter reads
    // 25000000 (1 s × 25 MHz; the extra ns is not a whole tick): offset 25000000 - 100 = 24999900.
    assert.match(sections(code)[1], /^\*\*sets the virtual offset\*\* of vcpu0 to 24999900: guest CNTVCT 100 /);
    assert.match(sections(code)[1], /\| guest CNTVCT \| 100 \| 0x64 \| 0\.000004000 s \|/);
    assert.match(sections(code)[1], /\*\*h\/vm1\/vcpu0\*\* after line 3 · t = 1\.000000001 s/);
  });
});

test('hover on a host name and on a suppression code', async () => {
  await withClient(async (client) => {
    const uri = uriFor('hover-host');
    await client.open(uri, S7);
    const h = await hoverAt(client, uri, 12, 14);
    assert.equal(
      h?.contents.value,
      '**host dst** · arm64 · 25 MHz · FEAT_ECV 0, VHE on: no CNTPOFF, a non-zero physical offset needs trapped CNTPCT reads · kernel newest · declared on line 3\n\ncounter at 20.500000000 s: `5512500000` (`0x148921320`)',
    );
    const sup = uriFor('hover-suppression');
    await client.open(sup, '# hvtimer-disable-next-line HVT011\n');
    const s = await hoverAt(client, sup, 0, 30);
    assert.match(
      s!.contents.value,
      new RegExp(`^\\*\\*HVT011 restore-drift\\*\\* \\(info\\) — .+\\n\\n\\[Documentation for HVT011\\]`),
    );
  });
});

test('a document with parse errors still answers hovers on its good lines; on the bad one only the diagnostic shows', async () => {
  await withClient(async (client) => {
    const uri = uriFor('hover-parse-errors');
    const lines = [...S7_LINES];
    lines[8] = '12.000000000 src/vm1/vcpu0 guest read CNTVCT_EL0 49999975';
    lines[12] = '20,5 dst/vm1 ioctl KVM_CREATE_VCPU id=0';
    await client.open(uri, `${lines.join('\n')}\n`);
    const ds = await client.diagnostics(uri, 1);
    assert.deepEqual(
      ds.filter((d) => d.code === 'HVT090').map((d) => d.range.start.line),
      [8, 12],
    );
    const good = await hoverAt(client, uri, 7, 0);
    // 10.0001 s × 25 MHz - 250000025 = 2475
    assert.match(sections(good)[0], /\| guest CNTVCT \| 2475 \| 0x9AB \| 0\.000099000 s \|/);
    // The editor shows HVT090's message there; the hover adds nothing.
    assert.equal(await hoverAt(client, uri, 12, 1), null);
  });
});

test('x86: the TSC restore formula and the stolen time in the state', async () => {
  await withClient(async (client) => {
    const uri = uriFor('hover-x86');
    await client.open(uri, X86_SAME);
    // Host a's TSC at 2 GHz: the vCPU created at 1 s gets offset -2000000000, so G0 at the pause
    // (5 s) is 8000000000; on b at 5.2 s: 8000000000 + 0.2 s × 2 GHz - 10400000000 = -2000000000.
    // The statement also writes the deadline 8000100000 first, against the fresh vCPU's TSC at 5.2 s
    // (2 GHz × 5.2 s - 2 GHz × 5.1 s = 200000000): 7800100000 ticks = 3.90005 s later, at 9.10005 s —
    // where KVM keeps it, in host time, although the TSC written next is already past it.
    const s = sections(await hoverAt(client, uri, 11, 0));
    assert.equal(
      s.at(-2),
      `**sets the TSC offset** of vcpu0 to -2000000000 (u64 18446744071709551616): guest TSC 8400000000 (+4.200 s)

| | decimal | hex | time |
|:--|--:|--:|--:|
| host TSC (b) | 10400000000 | 0x26BE36800 | 5.200000000 s |
| TSC offset | -2000000000 (u64 18446744071709551616) | 0xFFFFFFFF88CA6C00 | -1.000000000 s |
| guest TSC | 8400000000 | 0x1F4ADD400 | 4.200000000 s |

**b/vm1/vcpu0** after line 12 · t = 5.200000000 s · not running · TSC offset set on line 12 · times at 2 GHz (b)

**LAPIC timer**: fires in 3.90005 s, at 9.100050000 s (the guest TSC is already past the deadline value: KVM converted the deadline to host time when it was written)

[the timer model (timers.md T2)](${docsLink('timers.md', 't2-model')})`,
    );
    assert.equal(
      s.at(-1),
      `**Idempotent restore** of vcpu0 of vm1 (the guest stopped on line 8: pause on a at 5.000000000 s; policy advance)

\`\`\`text
offset = G0 + (T1 - T0) × F - scale(C1)
       = 8000000000 + (5.200000000 - 5.000000000) s × 2 GHz - 10400000000
       = 8000000000 + 400000000 - 10400000000
       = 18446744071709551616 (-2000000000 as a signed offset)

G0 = guest TSC at the stop, C1 = b TSC at T1, F = 2 GHz
\`\`\`

This trace: \`IA32_TSC=8400000000\` gives TSC offset 18446744071709551616, which keeps the guest exactly on its time line. · [format §6.4 resume points](${docsLink('format.md', '64-resume-points-and-the-guest-time-line')})`,
    );
    const pv = uriFor('hover-pv');
    await client.open(pv, PV);
    // 2 ms of run delay before the second KVM_RUN, added to the structure at that run.
    const state = sections(await hoverAt(client, pv, 10, 0))[0];
    assert.match(state, /^\*\*the guest reads\*\* vcpu0's stolen time: 2000000 ns \(2 ms\)\n/);
    assert.match(state, /\n\| stolen time \(ns\) \| 2000000 \| 0x1E8480 \| 0\.002000000 s \|\n/);
    assert.match(state, / · stolen-time structure set on line 4 · /);
  });
});

test('a document starting with a byte-order mark: columns of line 0 count it', async () => {
  await withClient(async (client) => {
    const uri = uriFor('hover-bom');
    await client.open(uri, '\uFEFF@hosts src\n');
    const [d] = await client.diagnostics(uri, 1);
    assert.equal(d.code, 'HVT090');
    assert.match(d.message, /found `@hosts`/);
    assert.deepEqual(d.range, { start: { line: 0, character: 1 }, end: { line: 0, character: 7 } });
    await client.change(uri, 2, [
      { range: { start: { line: 0, character: 1 }, end: { line: 0, character: 7 } }, text: '@host' },
    ]);
    // `@host src` (9 characters after the mark) misses arch=: reported at its end.
    const [d2] = await client.diagnostics(uri, 2);
    assert.equal(d2.code, 'HVT090');
    assert.deepEqual(d2.range, { start: { line: 0, character: 10 }, end: { line: 0, character: 10 } });
    assert.match(d2.message, /@host needs `arch=`/);
  });
});
