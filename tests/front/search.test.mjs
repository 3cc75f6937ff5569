// Searching from the UI: a text search and its cards, image upload / paste / drop, infinite scroll
// through /metadata, and the same search in dark mode and at phone width.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { recordRequests, saveScreenshot, waitUntil } from './harness.mjs';
import {
  NO_FILTERS, assertKnnBody, assertNoNewRequest, assertRanking, defaultKnnBody, displayedIds, gridColumns,
  horizontalOverflow, renderedCards, resultList, waitReady, distinctImageIds, samplePng, searchText, shownCaption, specContext, statusLine, uiUrl,
  waitForCards, waitForShowing,
} from './ui.mjs';

const spec = specContext();

// Puts `png` as a File in a paste (ClipboardEvent) or drop (DragEvent) on the page.
async function putImage(page, how, png, name) {
  await page.evaluate(async ({ how, base64, name }) => {
    const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
    const data = new DataTransfer();
    data.items.add(new File([bytes], name, { type: 'image/png' }));
    const event = how === 'paste'
      ? new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true })
      : new DragEvent('drop', { dataTransfer: data, bubbles: true, cancelable: true });
    document.body.dispatchEvent(event);
  }, { how, base64: png.toString('base64'), name });
}

// An image search of sample `id`'s picture: the body carries the file's base64 and no text, the
// sample ranks first, and the grid shows it first.
async function checkImageSearch(page, knn, id, label) {
  const base64 = samplePng(spec.fixture, id).toString('base64');
  const entry = await knn.waitForResponse((b) => b.image !== null, { message: `the ${label} image search` });
  assertKnnBody(entry.body, defaultKnnBody('', {
    image: base64, deduplicate: false, use_safety_model: false, use_violence_detector: false,
  }), { label });
  assert.ok(entry.body.text === '' || entry.body.text === null, `${label}: text is empty`);
  assert.equal(entry.status, 200);
  assert.equal(entry.response[0].id, id, `${label}: the picture's own sample first`);
  assert.ok(entry.response[0].similarity > 0.99, `${label}: similarity ${entry.response[0].similarity}`);
  await waitForShowing(page, { total: spec.fixture.n });
  const cards = await waitForCards(page, spec.fixture, displayedIds(spec.fixture, entry.response));
  assert.equal(cards[0].name, spec.fixture.samples[id].caption);
  // the query image is shown in the settings panel
  await page.getByRole('complementary', { name: 'Settings' }).getByRole('img', { name: 'Query image' }).waitFor();
  return entry;
}

describe('search', { timeout: 180000 }, () => {
  before(spec.setUp, { timeout: 120000 });
  after(spec.tearDown);

  test('a text search shows the back\'s results as cards, captions cut at 50 characters as the original; full captions on demand', async () => {
    const { fixture } = spec;
    const page = await spec.page();
    const knn = recordRequests(page, '/knn-service');
    await page.goto(uiUrl(spec.back, { hideDuplicateImages: 'false' }));
    await waitReady(page);
    assert.equal(knn.count(), 0, 'no search without a query');
    await searchText(page, 'cat');
    const entry = await knn.waitForResponse();
    assertKnnBody(entry.body, defaultKnnBody('cat', { deduplicate: false }));
    assert.equal(entry.status, 200);
    assertRanking(entry.response, fixture.expected('cat', { k: 3000, safety: true, violence: true }), 'cat');
    const { total } = await waitForShowing(page, { total: entry.response.length });
    assert.equal(total, entry.response.length);

    const ids = displayedIds(fixture, entry.response);
    const cards = await waitForCards(page, fixture, ids);
    for (const card of cards) {
      assert.equal(card.alt, card.name, 'img alt = caption');
      assert.equal(card.caption, shownCaption(card.name), `caption of ${card.name}`);
    }
    assert.ok(cards.some((c) => c.name.length > 50 && c.caption.endsWith('...') && c.caption.length === 53),
      `a long caption is cut: ${JSON.stringify(cards.map((c) => c.caption))}`);
    assert.ok(cards.every((c) => c.similarity === null), 'similarities hidden by default');
    // the markup caption (id 4) is text, never HTML
    assert.equal(await page.evaluate(() => window.__xss), undefined);
    assert.equal(await page.title(), 'cat – clip retrieval');
    assert.equal(await page.evaluate(() => performance.getEntriesByName('clip-front:first-results').length), 1);
    await saveScreenshot(page, 'search-text-cat', { fullPage: false });

    await page.getByRole('checkbox', { name: 'Display full captions' }).check();
    await waitUntil(async () => {
      const full = await renderedCards(page);
      return full.length > 0 && full.every((c) => c.caption === c.name);
    }, { message: 'full captions' });
    await assertNoNewRequest(knn, 1, 300, 'display full captions is client side');
    await saveScreenshot(page, 'search-text-full-captions', { fullPage: false });
    page.assertNoConsoleErrors('text search');
  });

  test('an uploaded image file is sent as base64 with no text; its own sample ranks first', async () => {
    const page = await spec.page();
    const knn = recordRequests(page, '/knn-service');
    await page.goto(uiUrl(spec.back, NO_FILTERS));
    await waitReady(page);
    const id = 25; // one of distinctImageIds()
    await page.getByLabel('Image file', { exact: true }).setInputFiles({
      name: '000025.png', mimeType: 'image/png', buffer: samplePng(spec.fixture, id),
    });
    await checkImageSearch(page, knn, id, 'upload');
    assert.equal(knn.count(), 1);
    assert.equal(await page.title(), '000025.png – clip retrieval');
    // an uploaded image is not put in the URL
    assert.ok(!new URL(page.url()).searchParams.has('query'));
    await saveScreenshot(page, 'search-image-upload', { fullPage: false });
    page.assertNoConsoleErrors('image upload');
  });

  test('a pasted image and a dropped image each search by their base64', async () => {
    const page = await spec.page();
    const knn = recordRequests(page, '/knn-service');
    await page.goto(uiUrl(spec.back, NO_FILTERS));
    await waitReady(page);
    const distinct = distinctImageIds(spec.fixture);
    assert.ok(distinct.includes(25) && distinct.includes(29) && distinct.includes(44), 'pictures that find themselves first');
    await putImage(page, 'paste', samplePng(spec.fixture, 29), 'pasted.png');
    await checkImageSearch(page, knn, 29, 'paste');
    assert.equal(await page.title(), 'pasted.png – clip retrieval');
    await saveScreenshot(page, 'search-image-paste', { fullPage: false });
    knn.clear();
    await putImage(page, 'drop', samplePng(spec.fixture, 44), 'dropped.png');
    await checkImageSearch(page, knn, 44, 'drop');
    assert.equal(knn.count(), 1);
    // a text paste is left to the search box (no search)
    await page.evaluate(() => {
      const data = new DataTransfer();
      data.setData('text/plain', 'hello');
      document.body.dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }));
    });
    await assertNoNewRequest(knn, 1, 300, 'a text paste does not search');
    page.assertNoConsoleErrors('paste and drop');
  });

  test('scrolling to the end loads the next 40 ids through /metadata, one request at a time, in rank order', async () => {
    const { fixture } = spec;
    const page = await spec.page();
    const knn = recordRequests(page, '/knn-service');
    const metadata = recordRequests(page, '/metadata');
    await page.goto(uiUrl(spec.back, { query: 'cat', ...NO_FILTERS }));
    const entry = await knn.waitForResponse();
    const ids = entry.response.map((r) => r.id);
    assert.equal(ids.length, fixture.n, 'every vector is returned (num_result_ids 3000)');
    assert.ok(entry.response.slice(0, 40).every((r) => 'caption' in r) && entry.response.slice(40).every((r) => !('caption' in r)),
      'the first num_images results come with metadata');
    const first = await waitForShowing(page, { total: fixture.n });
    await waitUntil(() => page.evaluate(() => performance.getEntriesByName('clip-front:first-results').length === 1),
      { message: 'the first-results mark' });
    await page.waitForTimeout(300);
    assert.equal(metadata.count(), 0, 'the first 40 cards fill a 1280x800 page: no /metadata yet');
    assert.ok(first.shown <= 40);

    const scrollToEnd = () => page.evaluate(() => window.scrollTo(0, document.scrollingElement.scrollHeight));
    let shown = first.shown;
    for (let pageIndex = 0; pageIndex < 2; ++pageIndex) {
      await scrollToEnd();
      const answered = await metadata.waitForResponse((_, e) => metadata.entries.indexOf(e) === pageIndex,
        { message: `/metadata page ${pageIndex + 1}` });
      assert.deepEqual(answered.body, { ids: ids.slice(40 * (pageIndex + 1), 40 * (pageIndex + 2)), indice_name: 'example_index' },
        `page ${pageIndex + 1}: the next 40 ids in rank order`);
      assert.equal(answered.inFlight, 0, 'one /metadata request at a time');
      assert.equal(answered.status, 200);
      assert.deepEqual(answered.response.map((r) => r.id), answered.body.ids);
      const now = await waitUntil(async () => {
        const s = await waitForShowing(page, { total: fixture.n });
        return s.shown > shown ? s : null;
      }, { message: `more cards after page ${pageIndex + 1}` });
      shown = now.shown;
      // the cards at the bottom are this page's
      const pageCaptions = new Set(answered.body.ids.map((id) => fixture.samples[id].caption));
      await waitUntil(async () => (await renderedCards(page)).some((c) => pageCaptions.has(c.name)),
        { message: `cards of /metadata page ${pageIndex + 1} on screen` });
      await page.waitForTimeout(200);
      assert.equal(metadata.count(), pageIndex + 1, 'one request per scroll to the end');
    }
    await scrollToEnd();
    await page.waitForTimeout(400);
    assert.equal(metadata.count(), 2, 'nothing left to load');
    assert.ok(shown >= fixture.n - fixture.brokenIds.length - 1, `shown ${shown}`);
    assert.equal(await page.evaluate(() => performance.getEntriesByName('clip-front:all-metadata').length), 1);
    assert.equal(knn.count(), 1);
    await saveScreenshot(page, 'search-scrolled-to-end', { fullPage: false });
    page.assertNoConsoleErrors('scroll');
  });

  test('dark mode: the same search in dark colours, no horizontal overflow', async () => {
    const page = await spec.page({ colorScheme: 'dark' });
    const knn = recordRequests(page, '/knn-service');
    await page.goto(uiUrl(spec.back, { query: 'cat', ...NO_FILTERS, similarities: 'true' }));
    const entry = await knn.waitForResponse();
    await waitForCards(page, spec.fixture, displayedIds(spec.fixture, entry.response));
    const luminance = await page.evaluate(() => {
      const rgb = getComputedStyle(document.body).backgroundColor.match(/\d+/g).map(Number);
      return (0.2126 * rgb[0] + 0.7152 * rgb[1] + 0.0722 * rgb[2]) / 255;
    });
    assert.ok(luminance < 0.2, `dark background (luminance ${luminance})`);
    assert.ok(await horizontalOverflow(page) <= 0, 'no horizontal overflow');
    await saveScreenshot(page, 'search-dark', { fullPage: false });
    page.assertNoConsoleErrors('dark mode');
  });

  test('phone width (390x844): settings behind a button, at least 2 columns, no horizontal overflow', async () => {
    const page = await spec.page({ viewport: { width: 390, height: 844 } });
    const knn = recordRequests(page, '/knn-service');
    await page.goto(uiUrl(spec.back, NO_FILTERS));
    await waitReady(page);
    const toggle = page.getByRole('button', { name: 'Settings' });
    await assert.doesNotReject(toggle.waitFor());
    assert.equal(await toggle.getAttribute('aria-expanded'), 'false');
    assert.equal(await page.getByRole('complementary', { name: 'Settings' }).isVisible(), false, 'the panel is collapsed');
    await searchText(page, 'cat');
    const entry = await knn.waitForResponse();
    await waitForCards(page, spec.fixture, displayedIds(spec.fixture, entry.response), { min: 4 });
    assert.ok(await gridColumns(page) >= 2, `columns: ${await gridColumns(page)}`);
    // a cut caption shows whole lines (a box sized for three 18px lines showed a fourth 15px one in part)
    const partial = await resultList(page).locator('.caption').evaluateAll((boxes) => boxes
      .map((box) => ({ text: box.textContent.trim(), height: box.clientHeight, line: parseFloat(getComputedStyle(box).lineHeight) }))
      .filter((c) => c.height % c.line !== 0));
    assert.deepEqual(partial, [], 'captions show whole lines');
    assert.ok(await horizontalOverflow(page) <= 0, `horizontal overflow ${await horizontalOverflow(page)} px`);
    await saveScreenshot(page, 'search-phone', { fullPage: false });
    await toggle.click();
    assert.equal(await toggle.getAttribute('aria-expanded'), 'true');
    await page.getByRole('checkbox', { name: 'Display similarities' }).waitFor();
    assert.ok(await horizontalOverflow(page) <= 0, 'no overflow with the panel open');
    await saveScreenshot(page, 'search-phone-settings', { fullPage: false });
    assert.match((await statusLine(page).textContent()).trim(), /^Showing \d+ of \d+ results$/);
    page.assertNoConsoleErrors('phone');
  });
});
