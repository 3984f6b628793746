// The small TextMate grammar of kernel captures (syntaxes/hvtimer-capture.tmLanguage.json): the line
// prefix of each layout and the hvtrace markers are scoped; the bodies are left alone (the server
// dims what hvtimer does not use).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as vsctm from 'vscode-textmate';
import * as oniguruma from 'vscode-oniguruma';

const path = fileURLToPath(new URL('../../syntaxes/hvtimer-capture.tmLanguage.json', import.meta.url));
const wasm = fileURLToPath(new URL('../../node_modules/vscode-oniguruma/release/onig.wasm', import.meta.url));

async function tokens(line: string): Promise<[string, string[]][]> {
  const onigLib = oniguruma
    .loadWASM(readFileSync(wasm))
    .catch(() => undefined)
    .then(() => ({
      createOnigScanner: (p: string[]) => new oniguruma.OnigScanner(p),
      createOnigString: (s: string) => new oniguruma.OnigString(s),
    }));
  const registry = new vsctm.Registry({
    onigLib,
    loadGrammar: async () => vsctm.parseRawGrammar(readFileSync(path, 'utf8'), path),
  });
  const grammar = (await registry.loadGrammar('source.hvtimer-capture'))!;
  return grammar
    .tokenizeLine(line, vsctm.INITIAL)
    .tokens.map(
      (t) =>
        [line.slice(t.startIndex, t.endIndex), t.scopes.filter((s) => s !== 'source.hvtimer-capture')] as [
          string,
          string[],
        ],
    )
    .filter(([, s]) => s.length > 0);
}

describe('hvtimer-capture grammar', () => {
  test('tracefs: thread, pid, cpu, flags, time, event (genuine line, LKML 2023-03-30)', async () => {
    assert.deepEqual(
      await tokens(' qemu-system-x86-8397    [002] .....  1404.389519: kvm_msr: msr_write c0000080 = 0xd01'),
      [
        ['qemu-system-x86', ['entity.name.function.thread.hvtimer-capture']],
        ['8397', ['constant.numeric.integer.pid.hvtimer-capture']],
        ['[002]', ['constant.numeric.integer.cpu.hvtimer-capture']],
        ['.....', ['comment.other.flags.hvtimer-capture']],
        ['1404.389519', ['constant.numeric.time.hvtimer-capture']],
        ['kvm_msr', ['keyword.other.event.hvtimer-capture']],
      ],
    );
  });

  test('perf script, headers and the hvtrace marker', async () => {
    assert.deepEqual(
      (
        await tokens(
          '      CPU 0/KVM  699876 [020] 18136.763622:                    kvm:kvm_set_irq: gsi 19 level 1 source 0',
        )
      ).map(([t]) => t),
      ['CPU 0/KVM', '699876', '[020]', '18136.763622', 'kvm:kvm_set_irq'],
    );
    assert.deepEqual(await tokens('# tracer: nop'), [['# tracer: nop', ['comment.line.number-sign.hvtimer-capture']]]);
    const marker = await tokens(
      '       CPU 0/KVM-4107    [000] .....    10.000000: tracing_mark_write: hvtrace: h/vm1 ioctl KVM_RUN',
    );
    assert.deepEqual(marker.at(-1), ['hvtrace:', ['markup.bold.marker.hvtimer-capture']]);
  });

  test('is contributed for the hvtimer-capture language', () => {
    const manifest = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
      contributes: { grammars: { language: string; scopeName: string; path: string }[] };
    };
    assert.deepEqual(
      manifest.contributes.grammars.filter((g) => g.language === 'hvtimer-capture'),
      [
        {
          language: 'hvtimer-capture',
          scopeName: 'source.hvtimer-capture',
          path: './syntaxes/hvtimer-capture.tmLanguage.json',
        },
      ],
    );
  });
});
