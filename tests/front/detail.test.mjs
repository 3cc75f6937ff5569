// The detail view of a result: its dialog (heading, metadata table, url link, previous/next,
// Escape), "More like this" (the result's stored embedding as embedding_input) and "Add to query".
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { recordRequests, saveScreenshot, waitUntil } from './harness.mjs';
import {
  NO_FILTERS, assertKnnBody, defaultKnnBody, displayedIds, specContext, uiUrl, waitForCards, waitForShowing,
} from './ui.mjs';

const spec = specContext();

// The accessible name of the focused element, through shadow roots.
function focusedName(page) {
  return page.evaluate(() => {
    let element = document.activeElement;
    while (element?.shadowRoot?.activeElement) element = element.shadowRoot.activeElement;
    return element?.getAttribute('aria-label') ?? element?.textContent?.trim() ?? null;
  });
}

// Opens the first text search for 'cat' (no filters) and returns {knn, entry, cards}.
async function openSearch(page) {
  const knn = recordRequests(page, '/knn-service');
  await page.goto(uiUrl(spec.back, { query: 'cat', ...NO_FILTERS }));
  const entry = await knn.waitForResponse();
  await waitForShowing(page, { total: spec.fixture.n });
  const cards = await waitForCards(page, spec.fixture, displayedIds(spec.fixture, entry.response));
  return { knn, entry, cards };
}

const sampleOf = (caption) => spec.fixture.samples.find((s) => s.caption === caption);

describe('detail view', { timeout: 180000 }, () => {
  before(spec.setUp, { timeout: 120000 });
  after(spec.tearDown);

  test('a card opens a modal dialog with the result, its metadata and url; previous/next and Escape', async () => {
    const page = await spec.page();
    const { knn, entry, cards } = await openSearch(page);
    const { shown } = await waitForShowing(page);
    const third = sampleOf(cards[2].name);
    await page.getByRole('button', { name: `Open details: ${third.caption}`, exact: true }).click();
    const dialog = page.getByRole('dialog');
    await dialog.waitFor();
    assert.equal(await dialog.getAttribute('aria-modal'), 'true');
    await dialog.getByRole('heading', { name: `Result 3 of ${shown}` }).waitFor();
    assert.equal(await focusedName(page), 'Close', 'focus on Close');
    const rows = await dialog.getByRole('table', { name: 'Metadata' }).getByRole('row').evaluateAll((trs) =>
      trs.map((tr) => [tr.querySelector('th').textContent.trim(), tr.querySelector('td').textContent.trim()]));
    const result = entry.response.find((r) => r.id === third.id);
    assert.deepEqual(Object.fromEntries(rows), {
      id: String(third.id), similarity: result.similarity.toFixed(4), caption: third.caption, url: third.url, key: third.key,
    });
    assert.equal(await dialog.getByRole('link', { name: 'Open image url' }).getAttribute('href'), third.url);
    assert.equal(await dialog.getByRole('img', { name: third.caption }).count(), 1);
    await saveScreenshot(page, 'detail-open', { fullPage: false });

    await dialog.getByRole('button', { name: 'Next result' }).click();
    await dialog.getByRole('heading', { name: `Result 4 of ${shown}` }).waitFor();
    await dialog.getByText(cards[3].name, { exact: true }).first().waitFor();
    await page.keyboard.press('ArrowLeft');
    await dialog.getByRole('heading', { name: `Result 3 of ${shown}` }).waitFor();
    await dialog.getByRole('button', { name: 'Previous result' }).click();
    await dialog.getByRole('heading', { name: `Result 2 of ${shown}` }).waitFor();
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden' });
    let focused;
    await waitUntil(async () => (focused = await focusedName(page)) === `Open details: ${cards[1].name}`, { message: 'focus back on the card' })
      .catch((e) => { throw new Error(`${e.message}; focused: ${focused}`); });
    // the dialog at the first result: no previous
    await page.getByRole('button', { name: `Open details: ${cards[0].name}`, exact: true }).click();
    assert.equal(await dialog.getByRole('button', { name: 'Previous result' }).isDisabled(), true);
    await dialog.getByRole('button', { name: 'Close' }).click();
    await dialog.waitFor({ state: 'hidden' });
    assert.equal(knn.count(), 1, 'browsing the details sends no search');
    page.assertNoConsoleErrors('detail view');
  });

  test('"More like this" searches by the result\'s stored embedding (embedding_input, dim 16): that result comes first', async () => {
    const { fixture } = spec;
    const page = await spec.page();
    const { knn, entry, cards } = await openSearch(page);
    const pick = cards.map((c) => sampleOf(c.name)).find((s, i) => i >= 2 && !fixture.duplicateIds.includes(s.id));
    await page.getByRole('button', { name: `Open details: ${pick.caption}`, exact: true }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByRole('button', { name: 'More like this' }).click();

    // the search once more with return_embeddings, for the stored vector
    const withEmbeddings = await knn.waitForResponse((b) => b.return_embeddings === true);
    assertKnnBody(withEmbeddings.body, { ...entry.body, return_embeddings: true }, { extra: ['return_embeddings'], label: 'return_embeddings' });
    const embedding = withEmbeddings.response.find((r) => r.id === pick.id).embedding;
    assert.equal(embedding.length, fixture.dim);
    assert.equal(fixture.dim, 16);
    const stored = fixture.embeddings().image[pick.id];
    // the index's vector: the stored embedding (float16 in the .npy) within float16 rounding
    embedding.forEach((x, i) => assert.ok(Math.abs(x - stored[i]) < 1e-3, `component ${i}: ${x} vs stored ${stored[i]}`));

    const similar = await knn.waitForResponse((b) => Array.isArray(b.embedding_input));
    assertKnnBody(similar.body, defaultKnnBody('', {
      embedding_input: embedding, deduplicate: false, use_safety_model: false, use_violence_detector: false,
    }), { label: 'more like this' });
    assert.equal(similar.status, 200);
    assert.equal(similar.response[0].id, pick.id, 'the result itself first');
    assert.ok(similar.response[0].similarity > 0.999);
    await dialog.waitFor({ state: 'hidden' });
    await waitForCards(page, fixture, displayedIds(fixture, similar.response));
    const params = new URL(page.url()).searchParams;
    assert.ok(params.get('embedding'), 'the embedding is in the URL');
    assert.equal(params.get('query'), null);
    assert.match(await page.title(), new RegExp(`^result ${pick.id}: `));
    assert.equal(await page.getByRole('searchbox', { name: 'Search query' }).inputValue(), '');
    await saveScreenshot(page, 'detail-more-like-this', { fullPage: false });

    // the link reproduces the search (float32 in the URL: the stored float16 values exactly)
    const linked = await spec.page();
    const linkedKnn = recordRequests(linked, '/knn-service');
    await linked.goto(page.url());
    const again = await linkedKnn.waitForResponse();
    assert.deepEqual(again.body, similar.body);
    assert.deepEqual(again.response.map((r) => r.id), similar.response.map((r) => r.id));
    page.assertNoConsoleErrors('more like this');
    linked.assertNoConsoleErrors('more like this link');
  });

  test('"Add to query" puts the result\'s embedding in the terms editor; the combined search sends it as a query term', async () => {
    const { fixture } = spec;
    const page = await spec.page();
    const { knn, cards } = await openSearch(page);
    const pick = sampleOf(cards[1].name);
    await page.getByRole('button', { name: `Open details: ${pick.caption}`, exact: true }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Add to query' }).click();
    await page.getByRole('dialog').waitFor({ state: 'hidden' });
    await page.getByText(`Added result ${pick.id} to the query terms.`).waitFor();
    const terms = page.getByRole('list', { name: 'Query terms' });
    await terms.waitFor();
    assert.equal(await terms.getByRole('listitem').count(), 2);
    assert.equal(await page.getByRole('textbox', { name: 'Term 1 text' }).inputValue(), 'cat');
    await page.getByRole('textbox', { name: 'Term 2 weight' }).fill('0.5');
    await saveScreenshot(page, 'detail-add-to-query', { fullPage: false });
    await page.getByRole('button', { name: 'Search combined query' }).click();
    const combined = await knn.waitForResponse((b) => Array.isArray(b.query_terms));
    const embedding = knn.entries.find((e) => e.body.return_embeddings).response.find((r) => r.id === pick.id).embedding;
    assertKnnBody(combined.body, {
      text: null, image: null, image_url: null, embedding_input: null,
      query_terms: [{ text: 'cat', weight: 1 }, { embedding_input: embedding, weight: 0.5 }],
    }, { extra: ['query_terms'], label: 'combined' });
    assert.equal(combined.status, 200);
    await waitForCards(page, fixture, displayedIds(fixture, combined.response));
    page.assertNoConsoleErrors('add to query');
  });
});
