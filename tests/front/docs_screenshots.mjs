// The web UI's screenshots in docs/images/, taken over the browser tests' fixture (not a test):
//
//   cd tests/front && node docs_screenshots.mjs [output folder, default <repo>/docs/images]
//
// front-results.png      results of a text search with captions and similarities (1280x800)
// front-detail.png       the detail view of a result
// front-dark.png         the same results in dark mode
// front-phone.png        the same results at phone width (390x844)
// front-query-terms.png  the terms editor with a text − text query and its results
// Each is checked to stay under 300 kB.
import fs from 'node:fs';
import path from 'node:path';

import { getFixture, launchBrowser, newPage, recordRequests, repoRoot, startBack, waitUntil } from './harness.mjs';
import { uiUrl, waitForShowing } from './ui.mjs';

const MAX_BYTES = 300 * 1024;
const output = path.resolve(process.argv[2] ?? path.join(repoRoot, 'docs', 'images'));
const QUERY = 'a red square with stripes';
// dedup off (the tiny model's pictures are near duplicates of each other); the other filters as default
const PARAMS = { query: QUERY, hideDuplicateImages: 'false', similarities: 'true' };

// Waits for the answer, the cards and every rendered picture (the broken urls have failed and
// are hidden by then), with the pointer out of the way.
async function settle(page, knn) {
  await knn.waitForResponse();
  await waitForShowing(page);
  await waitUntil(() => page.locator('result-grid img').evaluateAll((imgs) => imgs.length > 0 && imgs.every((i) => i.complete)),
    { message: 'the pictures loaded' });
  await page.mouse.move(0, 0);
  await page.evaluate(() => document.activeElement?.blur());
  await page.waitForTimeout(300);
}

async function shoot(page, name) {
  const file = path.join(output, name);
  await page.screenshot({ path: file });
  const bytes = fs.statSync(file).size;
  console.log(`${file}: ${(bytes / 1024).toFixed(0)} kB`);
  if (bytes > MAX_BYTES) throw new Error(`${name} is ${bytes} bytes, over ${MAX_BYTES}`);
}

async function main() {
  fs.mkdirSync(output, { recursive: true });
  const fixture = await getFixture();
  const back = await startBack({ fixture });
  const browser = await launchBrowser();
  try {
    const open = async (options, params = PARAMS) => {
      const page = await newPage(browser, { deviceScaleFactor: 1, ...options });
      const knn = recordRequests(page, '/knn-service');
      await page.goto(uiUrl(back, params));
      await settle(page, knn);
      return { page, knn };
    };

    const { page } = await open({ viewport: { width: 1280, height: 800 } });
    await shoot(page, 'front-results.png');
    const cards = page.getByRole('list', { name: 'Search results' }).getByRole('button', { name: /^Open details: / });
    await cards.nth(1).click();
    await page.getByRole('dialog').getByRole('heading', { name: /^Result 2 of / }).waitFor();
    await waitUntil(() => page.locator('detail-view img').evaluate((img) => img.complete), { message: 'the detail picture' });
    await page.waitForTimeout(200);
    await shoot(page, 'front-detail.png');
    page.assertNoConsoleErrors('detail');

    const dark = await open({ viewport: { width: 1280, height: 800 }, colorScheme: 'dark' });
    await shoot(dark.page, 'front-dark.png');
    dark.page.assertNoConsoleErrors('dark');

    const phone = await open({ viewport: { width: 390, height: 844 } });
    await shoot(phone.page, 'front-phone.png');
    phone.page.assertNoConsoleErrors('phone');

    const terms = await open({ viewport: { width: 1280, height: 800 } }, {
      term: ['text:1:a red square with stripes', 'text:-1:a blue circle'], hideDuplicateImages: 'false',
    });
    await terms.page.getByText('Advanced: combine queries').click();
    await terms.page.getByRole('textbox', { name: 'Term 2 weight' }).waitFor();
    await terms.page.mouse.move(0, 0);
    await terms.page.waitForTimeout(200);
    await shoot(terms.page, 'front-query-terms.png');
    terms.page.assertNoConsoleErrors('query terms');
  } finally {
    await browser.close();
    await back.stop();
  }
}

main().then(() => process.exit(0), (error) => {
  console.error(error);
  process.exit(1);
});
