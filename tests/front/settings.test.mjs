// The settings panel: every server-side setting changes its /knn-service field as the original
// front does and re-runs the search; display-only settings change the cards without a request;
// the text-only index disables the image modality.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { recordRequests, saveScreenshot, waitUntil } from './harness.mjs';
import {
  NO_FILTERS, assertKnnBody, assertNoNewRequest, assertRanking, defaultKnnBody, displayedIds, renderedCards,
  samplePng, specContext, uiUrl, waitForCards, waitForShowing, waitReady,
} from './ui.mjs';

const spec = specContext();

describe('settings', { timeout: 180000 }, () => {
  before(spec.setUp, { timeout: 120000 });
  after(spec.tearDown);

  test('each server-side setting sets its request field as the original and re-runs the search once', async () => {
    const { fixture } = spec;
    const page = await spec.page();
    const knn = recordRequests(page, '/knn-service');
    await page.goto(uiUrl(spec.back, { query: 'cat' }));
    const first = await knn.waitForResponse();
    let expected = defaultKnnBody('cat');
    assertKnnBody(first.body, expected, { label: 'default search' });
    assertRanking(first.response, fixture.expected('cat', { k: 3000, deduplicate: true, safety: true, violence: true }), 'defaults');
    await waitForShowing(page);
    const filters = { k: 3000, deduplicate: true, safety: true, violence: true };

    // Runs `action`, waits for exactly one new search, checks its body (the previous one with
    // `changes`) and its answer.
    const step = async (label, action, changes, check) => {
      const before = knn.count();
      await action();
      const entry = await knn.waitForResponse(() => true, { fromIndex: before, message: `the search after ${label}` });
      expected = { ...expected, ...changes };
      assertKnnBody(entry.body, expected, { label });
      assert.equal(entry.status, 200, `${label}: ${JSON.stringify(entry.response)}`);
      await waitForShowing(page, { total: entry.response.length });
      await page.waitForTimeout(150);
      assert.equal(knn.count(), before + 1, `${label}: one search`);
      check?.(entry);
      return entry;
    };
    const checkbox = (name) => page.getByRole('checkbox', { name, exact: true });
    const combobox = (name) => page.getByRole('combobox', { name, exact: true });

    await step('Safe mode off', () => checkbox('Safe mode').uncheck(), { use_safety_model: false }, (e) =>
      assertRanking(e.response, fixture.expected('cat', { ...filters, safety: false }), 'safe mode off'));
    await step('Remove violence off', () => checkbox('Remove violence').uncheck(), { use_violence_detector: false }, (e) =>
      assertRanking(e.response, fixture.expected('cat', { ...filters, safety: false, violence: false }), 'violence off'));
    await step('Hide (near) duplicate images off', () => checkbox('Hide (near) duplicate images').uncheck(), { deduplicate: false }, (e) =>
      assertRanking(e.response, fixture.expected('cat', { k: 3000 }), 'no filters'));
    await step('Enable aesthetic scoring', () => checkbox('Enable aesthetic scoring').check(), { aesthetic_score: '9', aesthetic_weight: '0.5' });
    assert.equal(await combobox('Aesthetic score').inputValue(), '9');
    await step('Aesthetic score 0', () => combobox('Aesthetic score').selectOption('0'), { aesthetic_score: '0' });
    const weight = page.getByRole('textbox', { name: 'Aesthetic weight' });
    // typed a key at a time: one search once the typing pauses (400 ms), none per key
    {
      const before = knn.count();
      await weight.selectText();
      let last = Date.now();
      let longestGap = 0;
      for (const key of '1000') {
        await weight.press(key);
        longestGap = Math.max(longestGap, Date.now() - last);
        last = Date.now();
      }
      const entry = await knn.waitForResponse((b) => b.aesthetic_weight === '1000', { fromIndex: before });
      expected = { ...expected, aesthetic_weight: '1000' };
      assertKnnBody(entry.body, expected, { label: 'Aesthetic weight 1000' });
      assert.equal(entry.response[0].id, fixture.aesthetic.sampleIds[0], 'rating0 with a large weight ranks its sample first');
      await waitForShowing(page, { total: entry.response.length });
      await page.waitForTimeout(150);
      const weights = knn.bodies.slice(before).map((b) => b.aesthetic_weight);
      // a machine so loaded that a key came 400 ms after the previous one may search in between
      if (longestGap < 350) assert.deepEqual(weights, ['1000'], 'one search for the typed weight');
      else assert.ok(weights.every((w) => '1000'.startsWith(w)) && weights.at(-1) === '1000', JSON.stringify(weights));
    }
    assert.equal(await checkbox('Enable aesthetic scoring').isChecked(), true);
    await step('Enable aesthetic scoring off', () => checkbox('Enable aesthetic scoring').uncheck(), { aesthetic_score: '' });
    assert.equal(await combobox('Aesthetic score').inputValue(), '');
    await step('Aesthetic weight on Enter', async () => {
      await weight.fill('2');
      await weight.press('Enter');
    }, { aesthetic_weight: '2' });
    await step('Search over text', () => combobox('Search over').selectOption('text'), { modality: 'text' }, (e) =>
      assertRanking(e.response, fixture.expected('cat', { k: 3000, modality: 'text' }), 'text modality'));
    await step('Index text_only', () => combobox('Index').selectOption('text_only'), { indice_name: 'text_only' });
    await step('Index example_index', () => combobox('Index').selectOption('example_index'), { indice_name: 'example_index' });
    await saveScreenshot(page, 'settings-all-changed', { fullPage: false });

    // the URL carries the settings that differ from the defaults
    const params = new URL(page.url()).searchParams;
    assert.deepEqual(Object.fromEntries(['safeMode', 'removeViolence', 'hideDuplicateImages', 'aestheticScore', 'aestheticWeight', 'modality', 'index', 'query']
      .map((k) => [k, params.get(k)])), {
      safeMode: 'false', removeViolence: 'false', hideDuplicateImages: 'false', aestheticScore: null, aestheticWeight: '2',
      modality: 'text', index: 'example_index', query: 'cat',
    });
    page.assertNoConsoleErrors('settings');
  });

  test('"Hide duplicate urls" hides the second card of a url (and re-runs the search as the original); display settings change the cards without a request', async () => {
    const { fixture } = spec;
    const [first, second] = fixture.duplicateIds;
    const page = await spec.page();
    const knn = recordRequests(page, '/knn-service');
    await page.goto(uiUrl(spec.back, NO_FILTERS));
    await waitReady(page);
    // sample 10's picture: 10 and 11 (same picture, same url) rank first
    await page.getByLabel('Image file', { exact: true }).setInputFiles({ name: 'ten.png', mimeType: 'image/png', buffer: samplePng(fixture, first) });
    const entry = await knn.waitForResponse();
    assert.deepEqual(entry.response.slice(0, 2).map((r) => r.id).sort((a, b) => a - b), [first, second]);
    assert.equal(entry.response[0].url, entry.response[1].url);
    const captions = [first, second].map((id) => fixture.samples[id].caption);
    const kept = fixture.samples[entry.response[0].id].caption;

    // hide duplicate urls (default on): only the first of the two
    const hidden = await waitForShowing(page, { total: fixture.n });
    let cards = await waitForCards(page, fixture, displayedIds(fixture, entry.response, { hideDuplicateUrls: true }));
    assert.deepEqual(cards.map((c) => c.name).filter((n) => captions.includes(n)), [kept]);
    // The original re-runs the search when either hide option changes (spec 5.2), though this
    // one filters in the page: the same body again.
    await page.getByRole('checkbox', { name: 'Hide duplicate urls' }).uncheck();
    const again = await knn.waitForResponse(() => true, { fromIndex: 1 });
    assert.deepEqual(again.body, entry.body, 'the same search again');
    cards = await waitForCards(page, fixture, displayedIds(fixture, again.response, { hideDuplicateUrls: false }));
    assert.deepEqual(cards.slice(0, 2).map((c) => c.name).sort(), [...captions].sort());
    const shown = await waitForShowing(page, { total: fixture.n });
    assert.equal(shown.shown, hidden.shown + 1, 'one more card');
    await saveScreenshot(page, 'settings-duplicate-urls-shown', { fullPage: false });

    // similarities: 4 decimals, the back's values
    const count = knn.count();
    await page.getByRole('checkbox', { name: 'Display similarities' }).check();
    const byId = new Map(entry.response.map((r) => [r.id, r.similarity]));
    await waitUntil(async () => (await renderedCards(page)).every((c) => c.similarity !== null), { message: 'similarities shown' });
    cards = await renderedCards(page);
    for (const card of cards) {
      const id = fixture.samples.find((s) => s.caption === card.name).id;
      assert.match(card.similarity, /^-?\d+\.\d{4}$/);
      assert.equal(card.similarity, byId.get(id).toFixed(4), `similarity of ${id}`);
    }
    // captions off
    await page.getByRole('checkbox', { name: 'Display captions' }).uncheck();
    await waitUntil(async () => (await renderedCards(page)).every((c) => c.caption === null), { message: 'captions hidden' });
    await saveScreenshot(page, 'settings-similarities-no-captions', { fullPage: false });
    await page.getByRole('checkbox', { name: 'Display full captions' }).check();
    await page.getByRole('checkbox', { name: 'Display captions' }).check();
    await waitUntil(async () => (await renderedCards(page)).every((c) => c.caption === c.name), { message: 'full captions' });
    await assertNoNewRequest(knn, count, 300, 'display settings are client side');
    const params = new URL(page.url()).searchParams;
    assert.equal(params.get('similarities'), 'true', 'display settings are in the URL too');
    page.assertNoConsoleErrors('display settings');
  });

  test('the text-only index disables the image modality and searches text (200)', async () => {
    const { fixture } = spec;
    const page = await spec.page();
    const knn = recordRequests(page, '/knn-service');
    await page.goto(uiUrl(spec.back, { query: 'cat', ...NO_FILTERS }));
    await knn.waitForResponse();
    const modality = page.getByRole('combobox', { name: 'Search over' });
    const imageOption = modality.getByRole('option', { name: 'image' });
    assert.equal(await modality.inputValue(), 'image');
    assert.equal(await imageOption.isDisabled(), false);

    await page.getByRole('combobox', { name: 'Index' }).selectOption('text_only');
    const entry = await knn.waitForResponse((b) => b.indice_name === 'text_only');
    assertKnnBody(entry.body, defaultKnnBody('cat', { indice_name: 'text_only', modality: 'text', deduplicate: false, use_safety_model: false, use_violence_detector: false }));
    assert.equal(entry.status, 200);
    assertRanking(entry.response, fixture.expected('cat', { k: 3000, modality: 'text' }), 'text_only');
    assert.equal(await modality.inputValue(), 'text');
    assert.equal(await imageOption.isDisabled(), true, 'the image option is disabled');
    await page.getByText('120 text vectors', { exact: false }).waitFor();
    await waitForCards(page, fixture, displayedIds(fixture, entry.response));
    await saveScreenshot(page, 'settings-text-only', { fullPage: false });

    // back to the full index: image is offered again, text stays chosen
    await page.getByRole('combobox', { name: 'Index' }).selectOption('example_index');
    await knn.waitForResponse((b) => b.indice_name === 'example_index', { fromIndex: 2 });
    assert.equal(await imageOption.isDisabled(), false);
    assert.equal(await modality.inputValue(), 'text');
    assert.ok(knn.entries.every((e) => e.status === 200));
    page.assertNoConsoleErrors('text-only index');

    // a link asking for image search of the text-only index searches text (no 400)
    const linked = await spec.page();
    const linkedKnn = recordRequests(linked, '/knn-service');
    await linked.goto(uiUrl(spec.back, { index: 'text_only', modality: 'image', query: 'cat' }));
    const answer = await linkedKnn.waitForResponse();
    assert.equal(answer.body.modality, 'text');
    assert.equal(answer.body.indice_name, 'text_only');
    assert.equal(answer.status, 200);
    assert.equal(new URL(linked.url()).searchParams.get('modality'), 'text');
    linked.assertNoConsoleErrors('text-only link');
  });
});
