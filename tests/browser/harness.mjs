// Shared set-up for the browser suite: Debian's Chromium through playwright-core.
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

export const BASE_URL = (process.env.GAMME_E2E_BASE_URL || 'http://127.0.0.1:8080').replace(/\/$/, '');
const SCREENSHOTS = join(dirname(fileURLToPath(import.meta.url)), 'screenshots');

export function launchBrowser() {
  return chromium.launch({
    executablePath: process.env.GAMME_CHROMIUM || '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-quic',
      '--no-first-run',
    ],
  });
}

/** A fresh context (no cookies, no storage) per test, so tests cannot leak sessions. */
export async function newPage(browser, options = {}) {
  const context = await browser.newContext({
    baseURL: BASE_URL,
    // French first: it is the app's default for French browsers, and the suite checks the switch.
    locale: 'fr-FR',
    viewport: { width: 1280, height: 800 },
    // No slide-ins: screenshots show settled screens (the app honours the preference).
    reducedMotion: 'reduce',
    ...options,
  });
  context.setDefaultTimeout(15_000);
  const page = await context.newPage();
  return { context, page };
}

export async function screenshot(page, name) {
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });
}

/** Waits until `locator` is visible; fails with Playwright's description of what was expected. */
export async function expectVisible(locator) {
  await locator.first().waitFor({ state: 'visible' });
}

export async function expectHidden(locator) {
  await locator.first().waitFor({ state: 'hidden' });
}

/** Draws a stroke across a signature canvas with the mouse (a finger on a tablet). */
export async function drawSignature(page, canvas) {
  await canvas.scrollIntoViewIfNeeded();
  const box = await canvas.boundingBox();
  await page.mouse.move(box.x + 30, box.y + box.height * 0.5);
  await page.mouse.down();
  for (let i = 1; i <= 12; i++) {
    await page.mouse.move(box.x + 30 + i * 18, box.y + box.height * (0.5 - 0.3 * Math.sin(i / 2)), { steps: 3 });
  }
  await page.mouse.up();
}
