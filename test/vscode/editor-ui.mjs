// The editor features of issue #16 as a person sees them in the real VS Code (code-server in
// Chromium): Open Sample Trace…, the hover (one line, then the table, then the formula, the
// diagnostic once), the quick fixes (the idempotent restore, disable for this line) applied from the
// lightbulb menu, completion with signature help, the timer inlay hint, the Replay State view's
// timers, the walkthrough, a code link opening the docs rendered, Export Report's "Open", and a
// restart whose log has no error. The steps run in the `ui` layer's workbench (scripts/test-layers/ui.mjs)
// and take the README's screenshots (media/hover.png, quick-fix.png, completion.png, walkthrough.png).
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { root } from '../../scripts/test-lib.mjs';
import { openFile, runCommand } from './browser.mjs';
import { goToLine } from './timeline-ui.mjs';
import { waitFor } from './wait.mjs';

/** The workbench, into test-results/ and (with HVTIMER_UPDATE_SCREENSHOTS=1) media/. */
async function shot(page, file) {
  const out = [path.join(root, 'test-results', file)];
  if (process.env.HVTIMER_UPDATE_SCREENSHOTS === '1') out.push(path.join(root, 'media', file));
  for (const f of out) {
    mkdirSync(path.dirname(f), { recursive: true });
    await page.screenshot({ path: f });
  }
}

const activeEditor = (page) => page.locator('.editor-group-container.active .monaco-editor').first();

/** The bounding box of the text of line `n` (1-based) in the active editor, once it is rendered. */
async function lineBox(page, n) {
  return waitFor(
    `line ${n} on screen`,
    () =>
      page.evaluate((line) => {
        const editor = document.querySelector('.editor-group-container.active .monaco-editor');
        if (!editor) return null;
        const number = [...editor.querySelectorAll('.line-numbers')].find((e) => e.textContent.trim() === String(line));
        if (!number) return null;
        const top = number.getBoundingClientRect().top;
        const view = [...editor.querySelectorAll('.view-lines .view-line')].find(
          (e) => Math.abs(e.getBoundingClientRect().top - top) < 2,
        );
        if (!view) return null;
        const r = view.getBoundingClientRect();
        return {
          x: r.left,
          y: r.top,
          width: r.width,
          height: r.height,
          text: view.textContent.replace(/\u00a0/g, ' '),
        };
      }, n),
    { timeoutMs: 15_000, intervalMs: 100 },
  );
}

/** Moves the mouse onto line `n`, `dx` px into its text, until the hover shows; returns the hover's text. */
async function hoverLine(page, n, dx = 30) {
  const hover = page.locator('.monaco-hover:not(.hidden)');
  return waitFor(
    `the hover on line ${n}`,
    async () => {
      const box = await lineBox(page, n);
      await page.mouse.move(box.x + dx, box.y - 60);
      await page.mouse.move(box.x + dx, box.y + box.height / 2, { steps: 3 });
      await hover.first().waitFor({ state: 'visible', timeout: 2_000 });
      return hover.first().innerText();
    },
    { timeoutMs: 20_000, intervalMs: 0 },
  );
}

/** Waits until no animation (the hover's and menus' fade-in) runs, so a screenshot shows what stays. */
async function settled(page) {
  await waitFor(
    'the animations to finish',
    () => page.evaluate(() => document.getAnimations().every((a) => a.playState !== 'running')),
    { timeoutMs: 5_000, intervalMs: 50 },
  );
}

/** Picks `label` in the open quick input (typing it, then Enter on the focused row). */
async function pick(page, label) {
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ state: 'visible', timeout: 10_000 });
  await input.fill(label);
  await page
    .locator('.quick-input-widget .monaco-list-row.focused', { hasText: label.replace(/^>/, '') })
    .waitFor({ timeout: 10_000 });
  await page.keyboard.press('Enter');
}

const countOf = (text, needle) => text.split(needle).length - 1;

/** The steps, in order; `ctx.sample` is the by-value migration sample copied into the workspace, `ctx.url` the workbench's. */
export function editorSteps(page, ctx) {
  return [
    {
      name: 'palette "hvtimer: Open Sample Trace…" opens arm64-migration-by-value.hvtrace as an untitled copy with its squiggles',
      run: async () => {
        // A fresh workbench, with the side bar the steps above may have hidden.
        await page.goto(ctx.url);
        await page.locator('.monaco-workbench').waitFor({ state: 'visible', timeout: 60_000 });
        await page.locator('.statusbar').waitFor({ state: 'visible', timeout: 60_000 });
        if (!(await page.locator('.part.sidebar').isVisible()))
          await runCommand(page, 'View: Toggle Primary Side Bar Visibility');
        await page
          .locator('.explorer-folders-view .monaco-list-row')
          .first()
          .waitFor({ state: 'visible', timeout: 60_000 });
        await runCommand(page, 'View: Close All Editors');
        await runCommand(page, 'hvtimer: Open Sample Trace…');
        await pick(page, 'arm64-migration-by-value.hvtrace');
        await page
          .locator('.tabs-container .tab.active', { hasText: 'arm64-migration-by-value.hvtrace' })
          .waitFor({ timeout: 15_000 });
        await activeEditor(page).locator('.squiggly-warning').first().waitFor({ state: 'visible', timeout: 30_000 });
      },
    },
    {
      name: 'the hover on the by-value restore: one line first, then the table, then the formula; the diagnostic once',
      run: async () => {
        await goToLine(page, 29);
        const text = await hoverLine(page, 29, 60);
        const lines = text.split('\n').filter((l) => l.trim() !== '');
        // VS Code shows the HVT011 diagnostic itself at the top; the hover's own part starts with what the statement did.
        const own = lines.findIndex((l) => l.startsWith('sets the virtual offset of vcpu0 to 5264999775'));
        if (own < 0) throw new Error(`no summary line in the hover: ${JSON.stringify(text)}`);
        if (countOf(text, 'by-value restore: TIMER_CNT=250000225') !== 1)
          throw new Error(`the diagnostic is not shown exactly once: ${JSON.stringify(text)}`);
        const formula = lines.findIndex((l) => l.includes('Off1 = Off0 - (T1 - T0) × F - (C0 - C1)'));
        const table = lines.findIndex((l) => l.startsWith('host counter (dst)'));
        if (!(own < table && table < formula))
          throw new Error(`order: summary ${own}, table ${table}, formula ${formula}`);
        await settled(page);
        await shot(page, 'hover.png');
        await page.keyboard.press('Escape');
      },
    },
    {
      name: 'Ctrl+. on the restore offers the idempotent restore and "Disable HVT011 for this line"; applying it clears HVT010',
      run: async () => {
        await page.mouse.move(5, 5);
        await goToLine(page, 29);
        await page.keyboard.press('Control+.');
        const menu = page.locator('.action-widget');
        await menu.waitFor({ state: 'visible', timeout: 15_000 });
        const text = await waitFor(
          'the quick fixes',
          async () => {
            const t = await menu.innerText();
            return t.includes('Disable HVT011') ? t : undefined;
          },
          { timeoutMs: 15_000 },
        );
        for (const title of [
          'Restore the counter idempotently: KVM_ARM_SET_COUNTER_OFFSET counter_offset=5250000025',
          'Disable HVT011 for this line',
        ]) {
          if (!text.includes(title)) throw new Error(`"${title}" missing from ${JSON.stringify(text)}`);
        }
        await settled(page);
        await shot(page, 'quick-fix.png');
        // Down to the fix with the keyboard (the menu's pointer block takes clicks), then Enter.
        for (
          let i = 0;
          i < 12 &&
          !(await menu.locator('.monaco-list-row.focused', { hasText: 'Restore the counter idempotently' }).count());
          i++
        )
          await page.keyboard.press('ArrowDown');
        await page.keyboard.press('Enter');
        await waitFor(
          'the restore rewritten',
          async () =>
            (await lineBox(page, 29)).text.startsWith(
              '20.600000000 dst/vm1 ioctl KVM_ARM_SET_COUNTER_OFFSET counter_offset=5250000025',
            ),
          { timeoutMs: 10_000 },
        );
        await waitFor(
          'no warning squiggle on line 31',
          async () => (await activeEditor(page).locator('.squiggly-warning').count()) <= 1,
          { timeoutMs: 20_000 },
        );
      },
    },
    {
      name: "completion of KVM_SET_ONE_REG's register ids with its signature help",
      run: async () => {
        await goToLine(page, 35);
        await page.keyboard.press('End');
        await page.keyboard.press('Enter');
        await page.keyboard.type('21.100000000 dst/vm1/vcpu0 ioctl KVM_SET_ONE_REG id=', { delay: 20 });
        const suggest = page.locator('.suggest-widget.visible');
        await waitFor(
          'the register ids in the suggestions',
          async () => (await suggest.isVisible()) && (await suggest.innerText()).includes('KVM_REG_ARM_TIMER_CNT'),
          { timeoutMs: 15_000 },
        );
        const hints = page.locator('.parameter-hints-widget.visible');
        await waitFor(
          'the signature help',
          async () =>
            (await hints.isVisible()) && (await hints.innerText()).includes('KVM_SET_ONE_REG id=REG value=VALUE'),
          { timeoutMs: 15_000 },
        );
        await settled(page);
        await shot(page, 'completion.png');
        await page.keyboard.press('Escape');
        await page.keyboard.press('Escape');
        // The untitled copy is dirty: revert and close it (no save prompt).
        await runCommand(page, 'View: Revert and Close Editor');
      },
    },
    {
      name: 'the inlay hint after the statement that arms the virtual timer: "fires at +899.990 ms"',
      run: async () => {
        await runCommand(page, 'hvtimer: Open Sample Trace…');
        await pick(page, 'arm64-migration-timer-600ms-late.hvtrace');
        await goToLine(page, 44);
        await waitFor(
          'the inlay hint on line 44',
          async () => (await lineBox(page, 44)).text.includes('fires at +899.990 ms'),
          { timeoutMs: 20_000 },
        );
        // The timer hover of the same statement (no diagnostic there): the compare value, the counter, TVAL, the deadline.
        const text = await hoverLine(page, 44, 60);
        for (const part of [
          'restores and arms the virtual timer of vcpu0: fires in 899.99 ms, at 21.499990000 s',
          'CVAL',
          '272500000',
          'TVAL',
          '22499750',
          'deadline',
        ]) {
          if (!text.includes(part)) throw new Error(`the timer hover lacks ${part}: ${JSON.stringify(text)}`);
        }
        await settled(page);
        await shot(page, 'hover-timer.png');
        await page.keyboard.press('Escape');
        await page.mouse.move(5, 5);
      },
    },
    {
      name: "the Replay State view after line 44 lists vcpu0's virtual timer: armed, CVAL 272500000, fires at 21.49999 s",
      run: async () => {
        await runCommand(page, 'hvtimer: Replay to Cursor');
        const list = page.locator('.pane', { hasText: 'Replay State' }).locator('.monaco-list');
        await list.first().waitFor({ state: 'visible', timeout: 15_000 });
        /** The last row labelled `label`, scrolling the (small) view down until it is rendered. */
        const row = async (label) =>
          waitFor(
            `the row ${label}`,
            async () => {
              const r = list.locator('.monaco-list-row', {
                has: page.locator('.label-name', { hasText: new RegExp(`^${label}$`) }),
              });
              if (await r.count()) return r.last();
              await list.hover();
              await page.mouse.wheel(0, 60);
              return undefined;
            },
            { timeoutMs: 15_000, intervalMs: 100 },
          );
        // Expand dst/vm1's vcpu0 (the current instance is expanded), then its timers.
        for (const label of ['vcpu0', 'timers']) {
          const r = await row(label);
          // The twistie: a click on the row runs its "go to line" command instead.
          if ((await r.getAttribute('aria-expanded')) === 'false') await r.locator('.monaco-tl-twistie').click();
        }
        await row('vtimer');
        await waitFor(
          'the vtimer row',
          async () => (await list.innerText()).includes('armed · CVAL 272500000 · fires 21.499990000 s'),
          { timeoutMs: 10_000 },
        );
      },
    },
    {
      name: 'the Getting Started walkthrough opens with its four steps',
      run: async () => {
        await activeEditor(page).locator('textarea').first().focus();
        await runCommand(page, 'View: Revert and Close Editor');
        // The command asks which walkthrough in a second quick pick (runCommand waits for the palette to close).
        await page.keyboard.press('F1');
        await pick(page, '>Welcome: Open Walkthrough...');
        await page
          .locator('.quick-input-widget .monaco-list-row', { hasText: 'Get started with hvtimer' })
          .waitFor({ timeout: 10_000 });
        await pick(page, 'Get started with hvtimer');
        const steps = page.locator('.gettingStartedContainer');
        await waitFor(
          "the walkthrough's steps",
          async () => {
            const t = await steps.innerText().catch(() => '');
            return ['Open a sample trace', 'See what broke', 'Apply the fix', 'See it on the timeline'].every((s) =>
              t.includes(s),
            );
          },
          { timeoutMs: 20_000 },
        );
        // The first step's page (media/walkthrough/open-sample.md) rendered beside the steps, in its webview.
        await waitFor(
          "the step's Markdown page",
          async () => {
            for (const frame of page.frames()) {
              if (
                await frame
                  .evaluate(() => document.body?.innerText.includes('A migration restored by value'))
                  .catch(() => false)
              )
                return true;
            }
            return false;
          },
          { timeoutMs: 20_000, intervalMs: 200 },
        );
        await settled(page);
        await shot(page, 'walkthrough.png');
        await runCommand(page, 'View: Close All Editors');
      },
    },
    {
      name: 'the HVT010 code link in the Problems panel opens its page rendered (Markdown preview), not the file',
      run: async () => {
        await openFile(page, ctx.sample);
        if (!(await page.locator('.markers-panel').isVisible())) await runCommand(page, 'View: Toggle Problems');
        const link = page.locator('.markers-panel .monaco-list-row a.monaco-link', { hasText: 'HVT010' }).first();
        await link.waitFor({ state: 'visible', timeout: 20_000 });
        await link.click();
        await page.locator('.tabs-container .tab', { hasText: 'Preview HVT010.md' }).waitFor({ timeout: 20_000 });
        if (await page.locator('.tabs-container .tab', { hasText: /^HVT010\.md/ }).count())
          throw new Error('the raw HVT010.md was opened in an editor');
        await runCommand(page, 'View: Close All Editors');
      },
    },
    {
      name: 'Export Report\'s notification offers "Open", which opens the written report',
      run: async () => {
        await openFile(page, ctx.sample);
        // The command is offered for the focused hvtrace editor (not while the Problems panel has the focus).
        await activeEditor(page).locator('textarea').first().focus();
        await runCommand(page, 'hvtimer: Export Report');
        await pick(page, 'Markdown');
        // The save dialog (VS Code's own, in code-server) proposes the report beside the trace.
        const input = page.locator('.quick-input-widget input');
        await input.waitFor({ state: 'visible', timeout: 10_000 });
        await waitFor(
          'the proposed name',
          async () => (await input.inputValue()).endsWith('arm64-migration-by-value.report.md'),
          { timeoutMs: 10_000 },
        );
        await page.keyboard.press('Enter');
        const toast = page.locator('.notification-toast', { hasText: 'report written to' });
        await toast.waitFor({ state: 'visible', timeout: 15_000 });
        await toast.locator('.monaco-button', { hasText: 'Open' }).click();
        await page
          .locator('.tabs-container .tab.active', { hasText: 'arm64-migration-by-value.report.md' })
          .waitFor({ timeout: 15_000 });
      },
    },
    {
      name: 'palette "hvtimer: Restart Language Server": the log says it exited cleanly, with no error',
      run: async () => {
        await openFile(page, ctx.sample);
        await activeEditor(page).locator('textarea').first().focus();
        await runCommand(page, 'hvtimer: Restart Language Server');
        await runCommand(page, 'hvtimer: Show Server Log');
        const text = await waitFor(
          'the restart in the log',
          async () => {
            const t = (
              await page.evaluate(() =>
                [...document.querySelectorAll('.part.panel .view-lines')].map((e) => e.innerText).join('\n'),
              )
            ).replace(/\u00a0/g, ' ');
            return t.includes('the language server is running again') ? t : undefined;
          },
          { timeoutMs: 30_000 },
        );
        const after = text.slice(text.lastIndexOf('restarting the language server'));
        if (!after.includes('exited cleanly (code 0, stop requested)'))
          throw new Error(`no clean exit in the log: ${JSON.stringify(after)}`);
        if (/\[Error/.test(after)) throw new Error(`an error in the log: ${JSON.stringify(after)}`);
      },
    },
  ];
}
