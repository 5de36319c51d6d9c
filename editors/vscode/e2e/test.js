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

let passed = 0;
let failed = 0;
function check(condition, description, detail) {
  if (condition) {
    passed += 1;
    console.log(`ok   ${description}`);
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

async function main() {
  fs.mkdirSync(artifacts, { recursive: true });
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
    await page.keyboard.press('Control+P');
    await page.waitForSelector('.quick-input-widget:not([style*="display: none"]) input', { timeout: 15000 });
    await page.keyboard.type('orders.py');
    await page.waitForSelector('.quick-input-list .monaco-list-row', { timeout: 15000 });
    await page.keyboard.press('Enter');
    await page.waitForSelector('.editor-instance .monaco-editor .view-lines', { timeout: 15000 });
    await page.click('.editor-instance .monaco-editor .view-lines');

    // The status bar item turns to the running state once the server answered `initialize`.
    const status = await poll(
      () => textOf(page, '[id="remedy.remedy.status"]'),
      (text) => text.includes('Remedy') && !text.includes('sync'),
      60000,
    );
    const statusTooltip = await page.getAttribute('[id="remedy.remedy.status"] a', 'aria-label').catch(() => null);
    check(status.includes('Remedy'), 'the status bar item shows the server', `${status} / ${statusTooltip}`);

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
    const squiggles = await page.$$('.editor-instance .monaco-editor .squiggly-error, .editor-instance .monaco-editor .squiggly-warning');
    check(squiggles.length >= 2, `the editor underlines the crashes (${squiggles.length} squiggles)`);
    await page.keyboard.press('Control+Shift+M'); // hide the panel again

    // Hover on `cost` in `return cost` (line 17, column 12): both members with their branches.
    await page.click('.editor-instance .monaco-editor .view-lines');
    await goTo(page, 17, 12);
    await page.keyboard.press('Control+K');
    await page.keyboard.press('Control+I');
    const hover = await poll(
      () => textOf(page, '.monaco-hover:not(.hidden) .monaco-hover-content'),
      (text) => text.includes('else'),
      30000,
    );
    console.log('hover:\n  ' + hover.replace(/\n/g, '\n  '));
    check(hover.includes('12') && hover.includes('4.5'), 'the hover shows both members (12 and 4.5)', hover);
    check(/L14 cost = 12\s*— L13, if express: true branch/.test(hover), 'the hover names the true branch', hover);
    check(/L16 cost = 4\.5\s*— L15, else branch/.test(hover), 'the hover names the else branch', hover);
    if (screenshotPath) {
      await page.screenshot({ path: screenshotPath });
      console.log(`screenshot: ${screenshotPath}`);
    }
    await page.keyboard.press('Escape');
  } catch (error) {
    check(false, 'the run completes', error && error.stack ? error.stack : String(error));
  } finally {
    await page.screenshot({ path: path.join(artifacts, 'last.png') }).catch(() => {});
    await browser.close();
  }
  console.log(`vscode e2e: ${passed} passed, ${failed} failed`);
  process.exit(failed > 0 ? 1 : 0);
}

main();
