// The timeline webview inside the workbench (code-server in Chromium): open it from the palette,
// read what it drew (its inspection hook), click a marker, read the editor's selection.
import { openFile, runCommand } from './browser.mjs';
import { waitFor } from './wait.mjs';

/** The timeline's frame (the webview's inner frame), once its bundle has drawn the rows. */
export async function timelineFrame(page, timeoutMs = 30_000) {
  return waitFor(
    'the timeline webview to draw its markers',
    async () => {
      for (const frame of page.frames()) {
        const drawn = await frame
          .evaluate(() => typeof window.__hvtimer === 'function' && window.__hvtimer().hits.length > 0)
          .catch(() => false);
        if (drawn) return frame;
      }
      return undefined;
    },
    { timeoutMs, intervalMs: 200 },
  );
}

/**
 * Opens `file` from Quick Open in the first editor group and runs "hvtimer: Show Timeline" (the
 * timeline opens beside it); returns the webview's frame.
 */
export async function showTimeline(page, file) {
  // Quick Open puts the file in the active group, which after a click in the timeline (or its focus)
  // is the timeline's: make it the first one, where the trace editors are.
  await runCommand(page, 'View: Focus First Editor Group');
  await openFile(page, file);
  // The palette offers "hvtimer: Show Timeline" only while a trace editor has the keyboard focus
  // (its `when` clause is on editorLangId), which the new editor may not have yet.
  await focusEditor(page, file);
  await runCommand(page, 'hvtimer: Show Timeline');
  await webviewLanes(page).waitFor({ state: 'visible', timeout: 30_000 });
  return waitFor(
    `the timeline of ${file}`,
    async () => {
      const frame = await timelineFrame(page);
      const title = await frame.evaluate(() => document.getElementById('title')?.textContent);
      return title === file ? frame : undefined;
    },
    { timeoutMs: 30_000, intervalMs: 200 },
  );
}

/** Puts the keyboard focus in the active group's editor, which shows `file`, and waits until it has it. */
export async function focusEditor(page, file) {
  const group = page.locator('.editor-group-container.active');
  await group.locator('.tabs-container .tab.active', { hasText: file }).waitFor({ timeout: 15_000 });
  await group.locator('.monaco-editor textarea').first().focus();
  await waitFor(
    `the keyboard focus in the editor of ${file}`,
    () =>
      page.evaluate(() =>
        Boolean(document.activeElement?.closest('.editor-group-container.active .monaco-editor.focused')),
      ),
    { timeoutMs: 10_000 },
  );
}

/** The timeline's rows canvas, through the webview's two frames. */
export const webviewLanes = (page) =>
  page.frameLocator('iframe.webview.ready').frameLocator('#active-frame').locator('#lanes');

/** Ctrl+G in the active editor: the cursor to the start of `line` (1-based). */
export async function goToLine(page, line) {
  await page.locator('.editor-group-container .monaco-editor textarea').first().focus();
  await page.keyboard.press('Control+G');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ state: 'visible', timeout: 10_000 });
  await input.fill(`:${line}`);
  await page.keyboard.press('Enter');
  await page.locator('.quick-input-widget').waitFor({ state: 'hidden', timeout: 10_000 });
  await waitFor(`the cursor on line ${line}`, async () => (await editorPosition(page)).startsWith(`Ln ${line},`), {
    timeoutMs: 10_000,
  });
}

/** Clicks the (topmost) drawn finding of `line` (0-based) with the mouse, through the webview's frames. */
export async function clickFinding(page, frame, line) {
  const target = await frame.evaluate((l) => {
    // Several findings on one line are drawn on top of each other: the last drawn is the one on top.
    const hit = window
      .__hvtimer()
      .hits.filter((h) => h.kind === 'finding' && h.line === l)
      .at(-1);
    const r = document.getElementById('lanes').getBoundingClientRect();
    return hit && { x: hit.clientX - r.left, y: hit.clientY - r.top, severity: hit.severity };
  }, line);
  if (!target) throw new Error(`the timeline drew no finding for line ${line + 1}`);
  await webviewLanes(page).click({ position: { x: target.x, y: target.y } });
  return target;
}

/** The status bar's "Ln X, Col Y" of the active editor. */
export async function editorPosition(page) {
  return (await page.locator('[id="status.editor.selection"]').first().innerText()).trim();
}

/** Clicks the code lens titled `title` above `line` (1-based) of the visible trace editor. */
export async function clickCodeLens(page, line, title) {
  const target = await waitFor(
    `the "${title}" lens above line ${line}`,
    () =>
      page.evaluate(
        ([l, t]) => {
          for (const editor of document.querySelectorAll('.editor-group-container .monaco-editor')) {
            const number = [...editor.querySelectorAll('.line-numbers')].find(
              (n) => n.textContent.trim() === String(l),
            );
            if (!number) continue;
            const top = number.getBoundingClientRect().top;
            // The lens sits in the zone just above its line: the nearest one above.
            const lens = [...editor.querySelectorAll('.codelens-decoration a')]
              .filter((a) => a.textContent.trim() === t)
              .map((a) => a.getBoundingClientRect())
              .filter((r) => r.bottom <= top + 1)
              .sort((a, b) => b.top - a.top)[0];
            if (lens) return { x: lens.left + lens.width / 2, y: lens.top + lens.height / 2 };
          }
          return null;
        },
        [line, title],
      ),
    { timeoutMs: 20_000, intervalMs: 200 },
  );
  await page.mouse.click(target.x, target.y);
}
