// The query terms editor ("Advanced: combine queries"): a weighted text − text query reaches the
// back as query_terms and answers what the fixture computes for that combination; its URL
// reproduces it; bad terms are refused in the page; one term of weight 1 is a plain search.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { recordRequests, saveScreenshot } from './harness.mjs';
import {
  NO_FILTERS, assertKnnBody, assertNoNewRequest, assertRanking, combinedQueryVector, defaultKnnBody, displayedIds,
  specContext, uiUrl, waitForCards, waitForShowing, waitReady,
} from './ui.mjs';

const spec = specContext();
const TERMS = [{ text: 'a red square with stripes', weight: 1 }, { text: 'a blue circle', weight: -1 }];

describe('query terms', { timeout: 180000 }, () => {
  before(spec.setUp, { timeout: 120000 });
  after(spec.tearDown);

  test('a weighted text − text query is sent as query_terms and answers the fixture\'s combination; its link reproduces it', async () => {
    const { fixture } = spec;
    const page = await spec.page();
    const knn = recordRequests(page, '/knn-service');
    await page.goto(uiUrl(spec.back, NO_FILTERS));
    await waitReady(page);
    await page.getByText('Advanced: combine queries').click();
    await page.getByRole('button', { name: 'Add text' }).click();
    await page.getByRole('textbox', { name: 'Term 1 text' }).fill(TERMS[0].text);
    assert.equal(await page.getByRole('textbox', { name: 'Term 1 weight' }).inputValue(), '1');
    await page.getByRole('button', { name: 'Add text' }).click();
    await page.getByRole('textbox', { name: 'Term 2 text' }).fill(TERMS[1].text);
    await page.getByRole('textbox', { name: 'Term 2 weight' }).fill('-1');
    assert.equal(knn.count(), 0, 'editing sends nothing');
    await page.getByRole('button', { name: 'Search combined query' }).click();

    const entry = await knn.waitForResponse();
    assertKnnBody(entry.body, defaultKnnBody(null, {
      deduplicate: false, use_safety_model: false, use_violence_detector: false, query_terms: TERMS,
    }), { extra: ['query_terms'], label: 'combined query' });
    assert.equal(entry.status, 200, JSON.stringify(entry.response));
    const expected = fixture.expected(combinedQueryVector(fixture, TERMS), { k: 3000 });
    assertRanking(entry.response, expected, 'red stripes − blue circle');
    // not the first term's ranking alone
    const plain = fixture.expected(TERMS[0].text, { k: 40 }).map((r) => r.id);
    assert.notDeepEqual(entry.response.slice(0, 40).map((r) => r.id), plain, 'the negative term changes the ranking');
    await waitForShowing(page, { total: fixture.n });
    await waitForCards(page, fixture, displayedIds(fixture, entry.response));
    assert.equal(await page.title(), 'a red square with stripes − a blue circle – clip retrieval');
    const params = new URL(page.url()).searchParams;
    assert.deepEqual(params.getAll('term'), ['text:1:a red square with stripes', 'text:-1:a blue circle']);
    assert.equal(params.get('query'), null);
    assert.equal(await page.getByRole('searchbox', { name: 'Search query' }).inputValue(), '', 'the search bar shows plain text queries only');
    await saveScreenshot(page, 'query-terms-combined', { fullPage: false });
    page.assertNoConsoleErrors('combined query');

    // the link: the same request, the terms in the editor
    const linked = await spec.page();
    const linkedKnn = recordRequests(linked, '/knn-service');
    await linked.goto(page.url());
    const again = await linkedKnn.waitForResponse();
    assert.deepEqual(again.body, entry.body);
    await linked.getByText('Advanced: combine queries').click();
    assert.equal(await linked.getByRole('textbox', { name: 'Term 2 text' }).inputValue(), TERMS[1].text);
    assert.equal(await linked.getByRole('textbox', { name: 'Term 2 weight' }).inputValue(), '-1');
    linked.assertNoConsoleErrors('combined query link');
  });

  test('a term without a value or with a bad weight is refused in the page; one term of weight 1 is a plain text search', async () => {
    const page = await spec.page();
    const knn = recordRequests(page, '/knn-service');
    await page.goto(uiUrl(spec.back, NO_FILTERS));
    await waitReady(page);
    await page.getByText('Advanced: combine queries').click();
    await page.getByRole('button', { name: 'Search combined query' }).click();
    const editor = page.locator('query-terms-editor');
    await editor.getByRole('alert').filter({ hasText: 'Add at least one term.' }).waitFor();
    await page.getByRole('button', { name: 'Add text' }).click();
    await page.getByRole('button', { name: 'Add image url' }).click();
    await page.getByRole('textbox', { name: 'Term 1 text' }).fill('cat');
    await page.getByRole('button', { name: 'Search combined query' }).click();
    await editor.getByRole('alert').filter({ hasText: 'Term 2 needs a value and a numeric weight.' }).waitFor();
    await page.getByRole('button', { name: 'Remove term 2' }).click();
    await page.getByRole('textbox', { name: 'Term 1 weight' }).fill('abc');
    await page.getByRole('button', { name: 'Search combined query' }).click();
    await editor.getByRole('alert').filter({ hasText: 'Term 1 needs a value and a numeric weight.' }).waitFor();
    await assertNoNewRequest(knn, 0, 200, 'refused terms send nothing');

    await page.getByRole('textbox', { name: 'Term 1 weight' }).fill('1');
    await page.getByRole('button', { name: 'Search combined query' }).click();
    const entry = await knn.waitForResponse();
    assertKnnBody(entry.body, defaultKnnBody('cat', { deduplicate: false, use_safety_model: false, use_violence_detector: false }),
      { label: 'one term of weight 1' });
    assert.equal(new URL(page.url()).searchParams.get('query'), 'cat');
    assert.equal(await page.getByRole('searchbox', { name: 'Search query' }).inputValue(), 'cat');

    // Clear terms empties the list
    await page.getByRole('button', { name: 'Clear terms' }).click();
    assert.equal(await page.getByRole('list', { name: 'Query terms' }).count(), 0);
    await saveScreenshot(page, 'query-terms-plain', { fullPage: false });
    page.assertNoConsoleErrors('query terms validation');
  });
});
