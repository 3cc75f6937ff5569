// The UI state in the URL: a link with the state parameters restores the settings and the same
// search as making them by hand; searches push history entries with the original's parameters,
// and Back/Forward step through them; imageUrl links and the cards' "Search by caption/image".
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { recordRequests, saveScreenshot, waitUntil } from './harness.mjs';
import {
  NO_FILTERS, assertKnnBody, defaultKnnBody, displayedIds, distinctImageIds, renderedCards, searchText, specContext, uiUrl,
  waitForCards, waitForShowing, waitReady,
} from './ui.mjs';

// image_url searches fetch the fixture's pictures from 127.0.0.1: allowed for these tests.
const spec = specContext({ backOptions: { extraArgs: ['--allow_private_urls', 'True'] } });

// The page's URL parameters as a plain object (repeated ones as arrays).
function urlParams(page) {
  const params = new URL(page.url()).searchParams;
  const out = {};
  for (const key of new Set(params.keys())) {
    const all = params.getAll(key);
    out[key] = all.length > 1 ? all : all[0];
  }
  return out;
}

const checkbox = (page, name) => page.getByRole('checkbox', { name, exact: true });
const combobox = (page, name) => page.getByRole('combobox', { name, exact: true });

describe('URL state', { timeout: 180000 }, () => {
  before(spec.setUp, { timeout: 120000 });
  after(spec.tearDown);

  test('a URL with the state parameters restores the settings and sends the search the same settings send when made by hand', async () => {
    const state = {
      index: 'example_index', query: 'cat', useMclip: 'false', modality: 'text',
      captions: 'true', fullCaptions: 'true', similarities: 'true',
      safeMode: 'false', removeViolence: 'true', hideDuplicateUrls: 'false', hideDuplicateImages: 'false',
      aestheticScore: '3', aestheticWeight: '2',
    };
    const linked = await spec.page();
    const linkedKnn = recordRequests(linked, '/knn-service');
    await linked.goto(uiUrl(spec.back, { back: spec.back.url, ...state }));
    const fromLink = await linkedKnn.waitForResponse();
    assertKnnBody(fromLink.body, defaultKnnBody('cat', {
      modality: 'text', deduplicate: false, use_safety_model: false, use_violence_detector: true,
      aesthetic_score: '3', aesthetic_weight: '2',
    }), { label: 'the linked search' });
    assert.equal(fromLink.status, 200);
    // the controls show the state
    const checks = {
      'Display captions': true, 'Display full captions': true, 'Display similarities': true, 'Safe mode': false,
      'Remove violence': true, 'Hide duplicate urls': false, 'Hide (near) duplicate images': false, 'Enable aesthetic scoring': true,
    };
    for (const [name, checked] of Object.entries(checks)) assert.equal(await checkbox(linked, name).isChecked(), checked, name);
    assert.equal(await combobox(linked, 'Aesthetic score').inputValue(), '3');
    assert.equal(await linked.getByRole('textbox', { name: 'Aesthetic weight' }).inputValue(), '2');
    assert.equal(await combobox(linked, 'Search over').inputValue(), 'text');
    assert.equal(await combobox(linked, 'Index').inputValue(), 'example_index');
    assert.equal(await linked.getByRole('textbox', { name: 'Backend url' }).inputValue(), spec.back.url);
    assert.equal(await linked.getByRole('searchbox', { name: 'Search query' }).inputValue(), 'cat');
    await waitForShowing(linked, { total: fromLink.response.length });
    const cards = await waitForCards(linked, spec.fixture, displayedIds(spec.fixture, fromLink.response, { hideDuplicateUrls: false }));
    assert.ok(cards.every((c) => c.caption === c.name && /^-?\d+\.\d{4}$/.test(c.similarity)), 'full captions and similarities');
    await saveScreenshot(linked, 'url-state-linked', { fullPage: false });
    linked.assertNoConsoleErrors('linked state');

    // the same settings by hand, then the query
    const page = await spec.page();
    const knn = recordRequests(page, '/knn-service');
    await page.goto(uiUrl(spec.back));
    await waitReady(page);
    await checkbox(page, 'Display full captions').check();
    await checkbox(page, 'Display similarities').check();
    await checkbox(page, 'Safe mode').uncheck();
    await checkbox(page, 'Hide duplicate urls').uncheck();
    await checkbox(page, 'Hide (near) duplicate images').uncheck();
    await combobox(page, 'Aesthetic score').selectOption('3');
    const weight = page.getByRole('textbox', { name: 'Aesthetic weight' });
    await weight.fill('2');
    await weight.press('Enter');
    await combobox(page, 'Search over').selectOption('text');
    await page.waitForTimeout(500); // past the weight's debounce
    assert.equal(knn.count(), 0, 'no search without a query');
    await searchText(page, 'cat');
    const byHand = await knn.waitForResponse();
    assert.deepEqual(byHand.body, fromLink.body, 'the same request body');
    assert.deepEqual(byHand.response.map((r) => r.id), fromLink.response.map((r) => r.id));
    // and the same URL state (the back as config.json names it, with its slash)
    const linkedParams = urlParams(linked);
    const handParams = urlParams(page);
    assert.equal(handParams.back.replace(/\/$/, ''), linkedParams.back.replace(/\/$/, ''));
    delete linkedParams.back;
    delete handParams.back;
    assert.deepEqual(handParams, linkedParams);
    // written back as given, less the values that are the defaults
    const { captions, removeViolence, ...written } = state;
    assert.deepEqual([captions, removeViolence], ['true', 'true']);
    assert.deepEqual(linkedParams, written, 'the link is written back as given');
    page.assertNoConsoleErrors('settings by hand');
  });

  test('each search pushes a history entry with query, back, index and useMclip; Back and Forward re-run the searches', async () => {
    const page = await spec.page();
    const knn = recordRequests(page, '/knn-service');
    await page.goto(uiUrl(spec.back, NO_FILTERS));
    await waitReady(page);
    const length = () => page.evaluate(() => history.length);
    const start = await length();
    await searchText(page, 'cat');
    await knn.waitForResponse((b) => b.text === 'cat');
    assert.equal(await length(), start + 1, 'pushState');
    const params = urlParams(page);
    assert.deepEqual({ query: params.query, back: params.back, index: params.index, useMclip: params.useMclip },
      { query: 'cat', back: `${spec.back.url}/`, index: 'example_index', useMclip: 'false' });
    assert.equal(params.imageUrl, undefined);
    await searchText(page, 'a blue circle');
    await knn.waitForResponse((b) => b.text === 'a blue circle');
    assert.equal(await length(), start + 2);
    assert.equal(urlParams(page).query, 'a blue circle');

    await page.goBack();
    const back = await knn.waitForResponse((b) => b.text === 'cat', { fromIndex: 2 });
    assert.equal(back.body.deduplicate, false, 'settings restored with the entry');
    await waitUntil(async () => (await page.getByRole('searchbox', { name: 'Search query' }).inputValue()) === 'cat', { message: 'the search box says cat' });
    await waitUntil(async () => (await page.title()) === 'cat – clip retrieval', { message: 'the title' });
    await waitForCards(page, spec.fixture, displayedIds(spec.fixture, back.response));
    await page.goForward();
    await knn.waitForResponse((b) => b.text === 'a blue circle', { fromIndex: 3 });
    assert.equal(urlParams(page).query, 'a blue circle');
    assert.equal(knn.count(), 4);
    await saveScreenshot(page, 'url-state-history-forward', { fullPage: false });
    page.assertNoConsoleErrors('history');
  });

  test('an imageUrl link searches by image_url; a card\'s "Search by caption" and "Search by image" search by its caption and url', async () => {
    const { fixture } = spec;
    const sample = fixture.samples[25];
    const page = await spec.page();
    const knn = recordRequests(page, '/knn-service');
    await page.goto(uiUrl(spec.back, { imageUrl: sample.url, ...NO_FILTERS }));
    const byUrl = await knn.waitForResponse();
    assertKnnBody(byUrl.body, defaultKnnBody('', { image_url: sample.url, deduplicate: false, use_safety_model: false, use_violence_detector: false }));
    assert.equal(byUrl.status, 200, JSON.stringify(byUrl.response));
    assert.equal(byUrl.response[0].id, sample.id, 'the picture of the url ranks first');
    assert.equal(urlParams(page).imageUrl, sample.url);
    assert.equal(urlParams(page).query, undefined);
    // the query image is shown in the panel
    await page.getByRole('complementary', { name: 'Settings' }).getByRole('img', { name: 'Query image' }).waitFor();
    const cards = await waitForCards(page, fixture, displayedIds(fixture, byUrl.response));

    // the second card's actions
    const second = fixture.samples.find((s) => s.caption === cards[1].name);
    const card = page.getByRole('listitem').filter({ has: page.getByRole('button', { name: `Open details: ${second.caption}`, exact: true }) });
    await card.getByRole('button', { name: 'Search by caption' }).click();
    const byCaption = await knn.waitForResponse((b) => b.text === second.caption);
    assertKnnBody(byCaption.body, { text: second.caption, image: null, image_url: null });
    assert.equal(urlParams(page).query, second.caption);
    assert.equal(urlParams(page).imageUrl, undefined, 'a text search clears the image url');
    const captionCards = await waitForCards(page, fixture, displayedIds(fixture, byCaption.response));

    // a card whose picture ranks its own sample first
    const distinct = new Set(distinctImageIds(fixture));
    const third = captionCards.map((c) => fixture.samples.find((s) => s.caption === c.name)).find((s) => distinct.has(s.id) && s.id !== second.id);
    const thirdCard = page.getByRole('listitem').filter({ has: page.getByRole('button', { name: `Open details: ${third.caption}`, exact: true }) });
    await thirdCard.getByRole('button', { name: 'Search by image' }).click();
    const byImage = await knn.waitForResponse((b) => b.image_url === third.url);
    assertKnnBody(byImage.body, { text: '', image: null, image_url: third.url });
    assert.equal(byImage.response[0].id, third.id, JSON.stringify(byImage.response.slice(0, 4)));
    assert.equal(urlParams(page).imageUrl, third.url);
    assert.equal(await page.getByRole('searchbox', { name: 'Search query' }).inputValue(), '', 'an image search clears the text');
    await waitForCards(page, fixture, displayedIds(fixture, byImage.response));
    await saveScreenshot(page, 'url-state-search-by-image', { fullPage: false });
    assert.ok((await renderedCards(page)).length > 0);
    page.assertNoConsoleErrors('image url');
  });
});
