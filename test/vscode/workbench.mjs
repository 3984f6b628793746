// Workbench checks shared by the UI and .vsix layers: what a person sees for a malformed trace.
import { openFile, runCommand } from './browser.mjs';
import { waitFor } from './wait.mjs';

/** An error squiggle in `file` (hoverSquiggle then ties it to the HVT090 message). */
export async function expectSquiggle(page, file = 'malformed.hvtrace') {
  await openFile(page, file);
  await page.locator('.monaco-editor .squiggly-error').first().waitFor({ state: 'visible', timeout: 45_000 });
}

/** Opens the Problems panel from the palette and returns the text of the HVT090 row. */
export async function expectProblemsRow(page) {
  if (!(await page.locator('.markers-panel').isVisible())) await runCommand(page, 'View: Toggle Problems');
  const row = page.locator('.markers-panel .monaco-list-row', { hasText: 'HVT090' });
  await row.first().waitFor({ state: 'visible', timeout: 15_000 });
  const text = await row.first().innerText();
  if (!text.includes('[Ln 3, Col 1]'))
    throw new Error(`HVT090 row does not point at Ln 3, Col 1: ${JSON.stringify(text)}`);
  return text;
}

/** Moves the mouse onto the squiggle until the editor hover shows; returns the hover's text. */
export async function hoverSquiggle(page) {
  const squiggle = page.locator('.monaco-editor .squiggly-error').first();
  const hover = page.locator('.monaco-hover:not(.hidden)');
  return waitFor(
    'the hover over the squiggle',
    async () => {
      const box = await squiggle.boundingBox();
      if (!box) return false;
      // A hover needs a mouse *move* over the text: step off and back on each try.
      await page.mouse.move(box.x + box.width / 2, box.y + box.height + 40);
      await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2, { steps: 3 });
      await hover.first().waitFor({ state: 'visible', timeout: 2_000 });
      return hover.first().innerText();
    },
    { timeoutMs: 20_000, intervalMs: 0 },
  );
}

/** The channel the Output panel shows, once it is the visible panel ('' if none). */
export async function visibleOutputChannel(page) {
  if (!(await page.locator('.part.panel .pane-body.output-view').isVisible())) return '';
  const values = await page
    .locator('.part.panel .title select.monaco-select-box')
    .evaluateAll((els) => els.map((e) => e.value));
  return values.find(Boolean) ?? '';
}
