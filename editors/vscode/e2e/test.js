// Drives a real VS Code (code-server) with the Remedy .vsix installed, through Playwright and
// headless Chromium: opens shop/orders.py, checks the hover on `cost` shows both union members
// with their branch lines, that the predicted crashes reach the Problems panel, and saves a
// screenshot of the hover. Started by run.sh, which serves code-server on CODE_SERVER_URL.
'use strict';

const fs = require('fs');
const path = require('path');
const { chromium } = require('playwright-core');

const url = process.env.CODE_SERVER_URL;
const screenshotPath = process.env.SCREENSHOT_PATH;
const artifacts = process.env.E2E_ARTIFACTS || path.join(__dirname, 'artifacts');

const workspace = process.env.WORKSPACE;
const source = fs.readFileSync(path.join(workspace, 'shop', 'orders.py'), 'utf8').split('\n');
/** The 1-based number of the first line containing `needle`. */
function lineOf(needle) {
  const index = source.findIndex((line) => line.includes(needle));
  if (index < 0) {
    throw new Error(`not in orders.py: ${needle}`);
  }
  return index + 1;
}

const started = Date.now();
let passed = 0;
let failed = 0;
function check(condition, description, detail) {
  if (condition) {
    passed += 1;
    console.log(`ok   ${description} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
  } else {
    failed += 1;
    console.log(`FAIL ${description}${detail ? '\n     ' + String(detail).replace(/\n/g, '\n     ') : ''}`);
  }
  return condition;
}

async function textOf(page, selector) {
  const element = await page.$(selector);
  return element ? (await element.innerText()).trim() : '';
}

/** Polls `read` until `accept` holds or the time runs out; returns the last value read. */
async function poll(read, accept, timeoutMs, intervalMs = 250) {
  const deadline = Date.now() + timeoutMs;
  let value = await read();
  while (!accept(value) && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
    value = await read();
  }
  return value;
}

async function runCommand(page, title) {
  await page.keyboard.press('Control+Shift+P');
  await page.waitForSelector('.quick-input-widget:not([style*="display: none"]) input', { timeout: 10000 });
  await page.keyboard.type(title);
  await page.waitForTimeout(400);
  await page.keyboard.press('Enter');
}

async function goTo(page, line, column) {
  await page.keyboard.press('Control+G');
  await page.waitForSelector('.quick-input-widget:not([style*="display: none"]) input', { timeout: 10000 });
  await page.keyboard.type(`${line}:${column}`);
  await page.keyboard.press('Enter');
  await page.waitForTimeout(300);
}

/** Whether a squiggle is drawn on the line of the (primary) cursor; `null` without a cursor. */
async function squiggleAtCursor(page) {
  const cursor = await page.$('.editor-instance .monaco-editor .cursor');
  const cursorBox = cursor && (await cursor.boundingBox());
  if (!cursorBox) {
    return null;
  }
  for (const squiggle of await page.$$('.editor-instance .monaco-editor [class*="squiggly-"]')) {
    const box = await squiggle.boundingBox();
    if (box && box.y < cursorBox.y + cursorBox.height && cursorBox.y < box.y + box.height) {
      return true;
    }
  }
  return false;
}

/** Replaces the user settings through the settings.json editor and saves them. */
async function editUserSettings(page, settings) {
  await runCommand(page, 'Preferences: Open User Settings (JSON)');
  await page.waitForSelector('.tab.active[aria-label*="settings.json"]', { timeout: 15000 });
  await page.click('.editor-instance .monaco-editor .view-lines');
  await page.keyboard.press('Control+A');
  // One input event: no auto-closed brackets or quotes.
  await page.keyboard.insertText(JSON.stringify(settings, null, 2));
  // Drop anything the editor added after the text (an auto-closed brace).
  await page.keyboard.press('Control+Shift+End');
  await page.keyboard.press('Delete');
  await page.keyboard.press('Control+S');
  await page.waitForSelector('.tab.active:not(.dirty)[aria-label*="settings.json"]', { timeout: 15000 });
}

async function openFile(page, name) {
  await page.keyboard.press('Control+P');
  await page.waitForSelector('.quick-input-widget:not([style*="display: none"]) input', { timeout: 15000 });
  await page.keyboard.type(name);
  // The list first shows recently opened files; wait for the search to put `name` first.
  await page.waitForSelector(`.quick-input-list .monaco-list-row.focused[aria-label*="${name}"]`, { timeout: 15000 });
  await page.keyboard.press('Enter');
  await page.waitForSelector(`.tab.active[aria-label*="${name}"]`, { timeout: 15000 });
}

async function main() {
  fs.mkdirSync(artifacts, { recursive: true });
  // The traceback for the heal step, written before VS Code indexes the workspace.
  const crashLine = lineOf('customer.upper()');
  fs.writeFileSync(
    path.join(workspace, 'traceback.txt'),
    [
      'Traceback (most recent call last):',
      '  File "/srv/shop/shop/orders.py", line 23, in <module>',
      '    print(greeting("ada"), greeting("bob"))',
      `  File "/srv/shop/shop/orders.py", line ${crashLine}, in greeting`,
      '    return customer.upper()',
      "AttributeError: 'NoneType' object has no attribute 'upper'",
      '',
    ].join('\n'),
  );
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  try {
    await page.goto(url);
    await page.waitForSelector('.monaco-workbench', { timeout: 90000 });
    check(true, 'the workbench loads');

    // Open the file through Quick Open.
    await openFile(page, 'orders.py');
    await page.waitForSelector('.editor-instance .monaco-editor .view-lines', { timeout: 15000 });
    await page.click('.editor-instance .monaco-editor .view-lines');

    // The status bar item turns to the running state once the server answered `initialize`.
    const statusItem = page.locator('#workbench\\.parts\\.statusbar .statusbar-item', { hasText: 'Remedy' });
    const statusLabel = await poll(
      async () => ((await statusItem.count()) > 0 ? await statusItem.first().locator('a').getAttribute('aria-label') : ''),
      (label) => /running/.test(label || ''),
      60000,
    );
    check(/Remedy [0-9.]+: running/.test(statusLabel || ''), 'the status bar item shows the running server', statusLabel);

    // Diagnostics: both predicted crashes reach the Problems panel.
    await page.keyboard.press('Control+Shift+M');
    const problems = await poll(
      () => textOf(page, '.markers-panel'),
      (text) => text.includes('none-attribute') && text.includes('key-error'),
      60000,
    );
    check(
      problems.includes('none-attribute') && problems.includes('key-error'),
      'the Problems panel lists the predicted crashes (none-attribute, key-error)',
      problems,
    );
    console.log('problems panel:\n  ' + problems.replace(/\n/g, '\n  '));
    await page.keyboard.press('Control+Shift+M'); // hide the panel again
    await page.click('.editor-instance .monaco-editor .view-lines');
    for (const [needle, rule] of [
      ['customer.upper()', 'none-attribute'],
      ['prices["coffee"]', 'key-error'],
    ]) {
      const line = lineOf(needle);
      await goTo(page, line, source[line - 1].indexOf(needle) + 2);
      const underlined = await poll(() => squiggleAtCursor(page), (found) => found === true, 10000);
      check(underlined === true, `the editor underlines the ${rule} on line ${line}`);
    }

    // Hover on `cost` in `return cost`: both members with their branches.
    await page.click('.editor-instance .monaco-editor .view-lines');
    const returnLine = lineOf('return cost');
    await goTo(page, returnLine, source[returnLine - 1].indexOf('cost') + 1);
    await page.keyboard.press('Control+K');
    await page.keyboard.press('Control+I');
    const hover = await poll(
      () => textOf(page, '.monaco-hover:not(.hidden) .monaco-hover-content'),
      (text) => text.includes('else'),
      30000,
    );
    console.log('hover:\n  ' + hover.replace(/\n/g, '\n  '));
    check(hover.includes('12') && hover.includes('4.5'), 'the hover shows both members (12 and 4.5)', hover);
    // Markdown code spans lose their backticks when rendered.
    const trueLine = lineOf('if express:');
    const elseLine = lineOf('else:');
    const trueBranch = `L${trueLine + 1} cost = 12 — L${trueLine}, if express: true branch`;
    const elseBranch = `L${elseLine + 1} cost = 4.5 — L${elseLine}, else branch`;
    check(hover.includes(trueBranch), `the hover names the true branch: ${trueBranch}`, hover);
    check(hover.includes(elseBranch), `the hover names the else branch: ${elseBranch}`, hover);
    if (screenshotPath) {
      await page.screenshot({ path: screenshotPath });
      console.log(`screenshot: ${screenshotPath}`);
    }
    await page.keyboard.press('Escape');

    // The key-error's quick fix, chosen from the Quick Fix menu (Ctrl+.), rewrites the line.
    const keyLine = lineOf('prices["coffee"]');
    await goTo(page, keyLine, source[keyLine - 1].indexOf('prices') + 2);
    await page.keyboard.press('Control+.');
    const quickFix = 'Use `prices.get("coffee", 0)` instead of indexing';
    const menu = page.locator('.action-widget .monaco-list-row');
    await menu.first().waitFor({ timeout: 15000 }).catch(() => {});
    const titles = (await menu.allInnerTexts()).map((title) => title.trim());
    console.log('quick fix menu: ' + titles.join(' | '));
    const renderedTitle = quickFix.replace(/`/g, '');
    const offered = titles.some((title) => title.includes(quickFix) || title.includes(renderedTitle));
    check(offered, `the Quick Fix menu offers: ${quickFix}`, titles.join('\n'));
    // Choose with the keyboard, as a user does (the menu blocks pointer events while it opens).
    let chosen = false;
    for (let step = 0; offered && step <= titles.length && !chosen; step += 1) {
      const focused = await page.getAttribute('.action-widget .monaco-list-row.focused', 'aria-label').catch(() => null);
      if (focused === quickFix) {
        await page.keyboard.press('Enter');
        chosen = true;
      } else {
        await page.keyboard.press('ArrowDown');
      }
    }
    if (!chosen) {
      await page.keyboard.press('Escape');
    }
    const expectedLine = 'coffee = prices.get("coffee", 0)  # expect: key-error';
    const editorText = await poll(
      async () => (await textOf(page, '.editor-instance .monaco-editor .view-lines')).replace(/\u00a0/g, ' '),
      (text) => text.includes(expectedLine),
      15000,
    );
    check(editorText.includes(expectedLine), `applying it rewrites the line: ${expectedLine}`, editorText);
    const stillUnderlined = await poll(() => squiggleAtCursor(page), (found) => found === false, 15000);
    check(stillUnderlined === false, 'the key-error line is no longer underlined after the fix');
    const problemsStatus = await poll(
      async () => (await page.getAttribute('[id="status.problems"] a', 'aria-label').catch(() => '')) || '',
      (label) => /Errors: 1\b/.test(label),
      15000,
    );
    check(/Errors: 1\b/.test(problemsStatus), 'one error is left (the none-attribute)', problemsStatus);
    // Settings reach the running server: disabling the rule clears its finding, removing the
    // setting again brings it back (only the settings the user set are sent).
    // The settings are edited in VS Code's own settings.json editor (code-server does not notice
    // a change made to the file behind its back).
    const userSettings = JSON.parse(fs.readFileSync(process.env.USER_SETTINGS, 'utf8'));
    const problemsLabel = () =>
      page.getAttribute('[id="status.problems"] a', 'aria-label').catch(() => '').then((label) => label || '');
    await editUserSettings(page, { ...userSettings, 'remedy.disable': ['none-attribute'] });
    const disabledLabel = await poll(problemsLabel, (label) => /Errors: 0\b|No Problems/.test(label), 20000);
    if (!/Errors: 0\b|No Problems/.test(disabledLabel)) {
      await page.keyboard.press('Control+Shift+M');
      await page.waitForTimeout(1000);
      console.log('problems panel after the settings change:\n  ' + (await textOf(page, '.markers-panel')).replace(/\n/g, '\n  '));
      await page.keyboard.press('Control+Shift+M');
    }
    check(/Errors: 0\b|No Problems/.test(disabledLabel), 'setting remedy.disable = ["none-attribute"] clears it', disabledLabel);
    await editUserSettings(page, userSettings);
    const restoredLabel = await poll(problemsLabel, (label) => /Errors: 1\b/.test(label), 20000);
    check(/Errors: 1\b/.test(restoredLabel), 'removing the setting brings it back', restoredLabel);

    if (process.env.QUICK_FIX_SCREENSHOT_PATH) {
      await page.screenshot({ path: process.env.QUICK_FIX_SCREENSHOT_PATH });
    }

    // Heal a traceback from the selection: the extension's command sends it to the server's
    // `remedy.healTraceback`, reports where it landed and opens that line.
    await openFile(page, 'traceback.txt');
    await page.click('.editor-instance .monaco-editor .view-lines');
    await page.keyboard.press('Control+A');
    await runCommand(page, 'Remedy: Heal Traceback');
    const expectedToast = `Remedy: AttributeError at orders.py:${crashLine} (none-attribute)`;
    const toasts = await poll(
      () => textOf(page, '.notifications-toasts'),
      (text) => text.includes(expectedToast),
      15000,
    );
    check(toasts.includes(expectedToast), `healing the selected traceback reports: ${expectedToast}`, toasts);
    const activeTab = await poll(
      async () => (await page.getAttribute('.tab.active', 'aria-label').catch(() => '')) || '',
      (label) => label.includes('orders.py'),
      10000,
    );
    check(activeTab.includes('orders.py'), 'and opens the crashing file', activeTab);
  } catch (error) {
    check(false, 'the run completes', error && error.stack ? error.stack : String(error));
  } finally {
    await page.screenshot({ path: path.join(artifacts, 'last.png') }).catch(() => {});
    await browser.close();
  }
  console.log(`vscode-e2e: ${passed} passed, ${failed} failed`);
  process.exit(failed > 0 ? 1 : 0);
}

main();
