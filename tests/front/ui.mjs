// Helpers of the browser specs (*.test.mjs): one back and one browser per spec file, the UI's URL,
// its status line, the rendered cards, the request body the original front sends, and what the
// fixture says the back answers.
//
//   const spec = specContext();              // before(spec.setUp) / after(spec.tearDown)
//   const page = await spec.page();          // a new page per test (closed by tearDown)
//   await page.goto(uiUrl(spec.back, { query: 'cat', ...NO_FILTERS }));
//   const { shown, total } = await waitForShowing(page);
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';

import { decodeNpy2d } from './formats.mjs';
import { getFixture, launchBrowser, newPage, startBack, waitUntil } from './harness.mjs';

// The /knn-service fields the original front sends, in its order (spec §5.2).
export const KNN_FIELDS = [
  'text', 'image', 'image_url', 'embedding_input', 'modality', 'num_images', 'indice_name',
  'num_result_ids', 'use_mclip', 'deduplicate', 'use_safety_model', 'use_violence_detector',
  'aesthetic_score', 'aesthetic_weight',
];

// The body of the front's default text search for `text` (defaults of the original front).
export function defaultKnnBody(text, overrides = {}) {
  return {
    text,
    image: null,
    image_url: null,
    embedding_input: null,
    modality: 'image',
    num_images: 40,
    indice_name: 'example_index',
    num_result_ids: 3000,
    use_mclip: false,
    deduplicate: true,
    use_safety_model: true,
    use_violence_detector: true,
    aesthetic_score: '',
    aesthetic_weight: '0.5',
    ...overrides,
  };
}

// Asserts that `body` has exactly the original's fields (plus `extra` keys, e.g. query_terms),
// with the original's types, and the values of `expected` (a full body or a subset).
export function assertKnnBody(body, expected, { extra = [], label = 'request body' } = {}) {
  assert.ok(body && typeof body === 'object', `${label}: no JSON body`);
  assert.deepEqual(Object.keys(body).sort(), [...KNN_FIELDS, ...extra].sort(), `${label}: fields`);
  assert.equal(typeof body.aesthetic_score, 'string', `${label}: aesthetic_score is a string`);
  assert.equal(typeof body.aesthetic_weight, 'string', `${label}: aesthetic_weight is a string`);
  for (const key of ['use_mclip', 'deduplicate', 'use_safety_model', 'use_violence_detector']) {
    assert.equal(typeof body[key], 'boolean', `${label}: ${key} is a boolean`);
  }
  for (const key of ['num_images', 'num_result_ids']) assert.equal(typeof body[key], 'number', `${label}: ${key}`);
  for (const [key, value] of Object.entries(expected)) assert.deepEqual(body[key], value, `${label}: ${key}`);
}

// URL parameters that turn off every server-side filter (safe mode, violence, near-duplicate
// images): the tiny model's embeddings are so close that dedup keeps 1-2 results, and the filters
// drop ids 10/11 (the duplicate url) in image search.
export const NO_FILTERS = { safeMode: 'false', removeViolence: 'false', hideDuplicateImages: 'false' };

// The UI's address on `server` (the back or a `front`) with URL parameters.
export function uiUrl(server, params = {}) {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    for (const v of Array.isArray(value) ? value : [value]) search.append(key, String(v));
  }
  const text = search.toString();
  return `${server.url ?? server}/${text ? `?${text}` : ''}`;
}

// One back, one browser for a spec file; pages per test, closed at the end.
export function specContext({ backOptions = {} } = {}) {
  const context = {
    fixture: null,
    back: null,
    browser: null,
    pages: [],
    async setUp() {
      context.fixture = await getFixture();
      [context.back, context.browser] = await Promise.all([
        startBack({ fixture: context.fixture, ...backOptions }),
        launchBrowser(),
      ]);
    },
    async tearDown() {
      await context.browser?.close().catch(() => {});
      await context.back?.stop();
    },
    async page(options = {}) {
      const page = await newPage(context.browser, options);
      context.pages.push(page);
      return page;
    },
  };
  return context;
}

// ---------------------------------------------------------------------------------------------
// Reading the page

// Waits until the UI is connected: the index list is loaded (the select may be hidden, at phone
// width) and the status line no longer says "Connecting".
export async function waitReady(page, index = 'example_index') {
  await waitUntil(async () => (await page.locator('settings-panel select#index').inputValue()) === index &&
    !/Connecting/.test(await statusLine(page).textContent()), { message: `the UI connected (index ${index})` });
}

export function statusLine(page) {
  return page.getByRole('main', { name: 'Results' }).getByRole('status');
}

// Waits for "Showing N of M results" (optionally a given M) and returns {shown, total}.
export async function waitForShowing(page, { total, timeoutMs = 15000 } = {}) {
  const status = statusLine(page);
  const text = await waitUntil(async () => {
    const t = (await status.textContent())?.trim() ?? '';
    const m = /^Showing (\d+) of (\d+) results$/.exec(t);
    return m && (total === undefined || Number(m[2]) === total) ? t : null;
  }, { timeoutMs, message: `the status "Showing N of ${total ?? 'M'} results"` });
  const [, shown, all] = /^Showing (\d+) of (\d+) results$/.exec(text);
  return { shown: Number(shown), total: Number(all) };
}

export function resultList(page) {
  return page.getByRole('list', { name: 'Search results' });
}

// The rendered cards (the grid is windowed: the rows near the screen), in order:
// [{name (the image button's accessible name less "Open details: "), caption (text under the
// card, trimmed; null when hidden), similarity (text; null when hidden), alt}].
export async function renderedCards(page) {
  return resultList(page).getByRole('listitem').evaluateAll((cards) => cards.map((card) => {
    const open = card.querySelector('button.open');
    const caption = card.querySelector('.caption');
    const similarity = card.querySelector('.similarity');
    return {
      name: (open?.getAttribute('aria-label') ?? '').replace(/^Open details: /, ''),
      caption: caption ? caption.textContent.trim() : null,
      similarity: similarity ? similarity.textContent.trim() : null,
      alt: open?.querySelector('img')?.getAttribute('alt') ?? null,
      position: Number(card.dataset.position),
    };
  }));
}

// The sample whose caption is `caption` (captions end with the id, so they are unique).
export function sampleOfCaption(fixture, caption) {
  const sample = fixture.samples.find((s) => s.caption === caption);
  assert.ok(sample, `no sample has the caption ${JSON.stringify(caption)}`);
  return sample;
}

// The original's caption under a card: 50 characters and "..." unless full.
export function shownCaption(text, full = false) {
  return full || text.length <= 50 ? text : `${text.substring(0, 50)}...`;
}

// What the grid shows of an answer (rank order): results with metadata, less the broken urls
// (their images fail) and, when hiding duplicate urls, the later results of a url.
export function displayedIds(fixture, results, { hideDuplicateUrls = true } = {}) {
  const seen = new Set();
  const ids = [];
  for (const r of results) {
    const sample = fixture.samples[r.id];
    if (!('caption' in r) && !('url' in r)) continue;
    if (hideDuplicateUrls) {
      if (seen.has(sample.url)) continue;
      seen.add(sample.url);
    }
    if (sample.broken) continue;
    ids.push(r.id);
  }
  return ids;
}

// Waits until the rendered cards are the first cards of `ids` (at least `min` of them, or all
// when fewer), their names the samples' captions; returns the cards.
export async function waitForCards(page, fixture, ids, { min = 8, timeoutMs = 10000 } = {}) {
  let last = [];
  return waitUntil(async () => {
    last = await renderedCards(page);
    if (last.length < Math.min(min, ids.length)) return null;
    const want = ids.slice(0, last.length).map((id) => fixture.samples[id].caption);
    return last.length <= ids.length && last.every((c, i) => c.name === want[i]) ? last : null;
  }, { timeoutMs, message: `cards of ids ${JSON.stringify(ids.slice(0, 12))}…` }).catch((error) => {
    throw new Error(`${error.message}\nrendered: ${JSON.stringify(last.map((c) => c.name).slice(0, 12))}`);
  });
}

// Runs a text search from the search bar.
export async function searchText(page, text) {
  const box = page.getByRole('searchbox', { name: 'Search query' });
  await box.fill(text);
  await box.press('Enter');
}

// Asserts that no new request reaches `recorder` within `ms` (after a display-only change).
export async function assertNoNewRequest(recorder, count, ms = 400, label = 'no request') {
  await new Promise((resolve) => setTimeout(resolve, ms));
  assert.equal(recorder.count(), count, `${label}: ${JSON.stringify(recorder.bodies.slice(count)).slice(0, 300)}`);
}

// document.scrollingElement.scrollWidth - innerWidth (> 0: horizontal overflow).
export function horizontalOverflow(page) {
  return page.evaluate(() => document.scrollingElement.scrollWidth - window.innerWidth);
}

// The number of columns of the result grid, from the rendered cards' left edges.
export async function gridColumns(page) {
  const lefts = await resultList(page).getByRole('listitem').evaluateAll((cards) =>
    cards.map((c) => Math.round(c.getBoundingClientRect().left)));
  return new Set(lefts).size;
}

// ---------------------------------------------------------------------------------------------
// Fixture facts

// The PNG bytes of sample `id` (the picture its embedding was computed from).
export function samplePng(fixture, id) {
  return fs.readFileSync(path.join(fixture.folder, 'img', `${fixture.samples[id].key}.png`));
}

// Ids whose picture, searched by image, ranks its own sample first with a margin: the tiny model
// puts some pictures within float16 noise of another's (15 and 63: cosine 0.99985), so a test
// that expects "the picture's own sample first" picks from these. Not broken, not the duplicates.
export function distinctImageIds(fixture, margin = 2e-3) {
  const rows = fixture.embeddings().image.map(normalise);
  const dot = (a, b) => a.reduce((sum, x, i) => sum + x * b[i], 0);
  return rows.map((row, id) => id).filter((id) => !fixture.samples[id].broken &&
    rows.every((other, j) => j === id || dot(rows[id], other) < 1 - margin));
}

function normalise(v) {
  const n = Math.hypot(...v);
  return v.map((x) => x / n);
}

// The canonical query's text embedding (as embedded at fixture build time), L2-normalised.
export function queryVector(fixture, text) {
  const i = fixture.queries.findIndex((q) => q.query === text);
  assert.ok(i >= 0, `${text} is not a canonical query`);
  return normalise(decodeNpy2d(fs.readFileSync(path.join(fixture.folder, 'queries.npy'))).rows[i]);
}

// The back's combined query (docs/back.md): normalise(Σ wᵢ × normalise(vᵢ)) over canonical texts.
export function combinedQueryVector(fixture, terms) {
  const dim = fixture.dim;
  const sum = new Array(dim).fill(0);
  for (const { text, weight } of terms) queryVector(fixture, text).forEach((x, j) => { sum[j] += weight * x; });
  return normalise(sum);
}

// Asserts that the back's ids are the expected ranking, allowing results whose expected
// similarities differ by less than `tolerance` to swap (identical pictures tie exactly).
export function assertRanking(results, expected, label = 'ranking', tolerance = 1e-4) {
  const ids = expected.map((r) => r.id);
  assert.equal(results.length, expected.length, `${label}: ${results.length} results, expected ${expected.length}`);
  results.forEach((r, i) => {
    if (r.id === ids[i]) return;
    const j = ids.indexOf(r.id);
    assert.ok(j >= 0 && Math.abs(expected[j].similarity - expected[i].similarity) < tolerance,
      `${label}: rank ${i} is ${r.id}, expected ${ids[i]} (got ${JSON.stringify(results.slice(0, 20).map((x) => x.id))}, ` +
      `expected ${JSON.stringify(ids.slice(0, 20))})`);
  });
}
