// Export: "Download results as JSON" saves clipsubset.json (the original's download: the query again
// with 10000 results, pretty-printed), "Download results as CSV" clipsubset.csv (id, similarity,
// every metadata column; RFC 4180 quoting; UTF-8).
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { after, before, describe, test } from 'node:test';

import { recordRequests, saveScreenshot } from './harness.mjs';
import { NO_FILTERS, assertKnnBody, defaultKnnBody, specContext, uiUrl, waitForShowing, waitReady } from './ui.mjs';

const spec = specContext();

// RFC 4180 CSV → rows of fields (CRLF or LF line ends; quoted fields may hold , " CR LF).
function parseCsv(text) {
  const rows = [];
  let row = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; ++i) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') { field += '"'; ++i; } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') {
      assert.equal(field, '', `a quote inside an unquoted field at ${i}`);
      quoted = true;
    } else if (c === ',') { row.push(field); field = ''; } else if (c === '\r' && text[i + 1] === '\n') {
      row.push(field); rows.push(row); row = []; field = ''; ++i;
    } else if (c === '\n') {
      row.push(field); rows.push(row); row = []; field = '';
    } else field += c;
  }
  assert.ok(!quoted, 'an unterminated quoted field');
  if (field !== '' || row.length > 0) { row.push(field); rows.push(row); }
  return rows;
}

// Clicks a download button; returns {download, text (UTF-8), entry (its /knn-service answer)}.
async function download(page, knn, name) {
  const before = knn.count();
  const [file] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name }).click()]);
  const entry = await knn.waitForResponse(() => true, { fromIndex: before });
  const text = fs.readFileSync(await file.path(), 'utf8');
  return { download: file, text, entry };
}

describe('export', { timeout: 180000 }, () => {
  before(spec.setUp, { timeout: 120000 });
  after(spec.tearDown);

  test('JSON: clipsubset.json, the back\'s answer to the query with 10000 results, pretty-printed', async () => {
    const { fixture } = spec;
    const page = await spec.page();
    const knn = recordRequests(page, '/knn-service');
    await page.goto(uiUrl(spec.back, NO_FILTERS));
    await waitReady(page);
    const json = page.getByRole('button', { name: 'Download results as JSON' });
    assert.equal(await json.isDisabled(), true, 'nothing to download before a search');
    await page.getByRole('searchbox', { name: 'Search query' }).fill('cat');
    await page.getByRole('searchbox', { name: 'Search query' }).press('Enter');
    const search = await knn.waitForResponse();
    await waitForShowing(page);

    const { download: file, text, entry } = await download(page, knn, 'Download results as JSON');
    assert.equal(file.suggestedFilename(), 'clipsubset.json');
    assertKnnBody(entry.body, { ...search.body, num_images: 10000, num_result_ids: 10000 }, { label: 'download' });
    assert.equal(entry.response.length, fixture.n);
    const rows = JSON.parse(text);
    assert.deepEqual(rows, entry.response, 'the back\'s rows');
    assert.equal(text, JSON.stringify(entry.response, null, 2), 'pretty-printed with 2 spaces, as the original');
    assert.deepEqual(rows.slice(0, 40).map((r) => r.id), search.response.slice(0, 40).map((r) => r.id));
    assert.deepEqual(Object.keys(rows[0]).sort(), ['caption', 'id', 'key', 'similarity', 'url']);

    // text modality: the original downloads 100
    await page.getByRole('combobox', { name: 'Search over' }).selectOption('text');
    await knn.waitForResponse((b) => b.modality === 'text' && b.num_images === 40);
    await waitForShowing(page);
    const textExport = await download(page, knn, 'Download results as JSON');
    assertKnnBody(textExport.entry.body, defaultKnnBody('cat', {
      modality: 'text', num_images: 100, num_result_ids: 100, deduplicate: false, use_safety_model: false, use_violence_detector: false,
    }), { label: 'text download' });
    assert.deepEqual(JSON.parse(textExport.text).map((r) => r.id), textExport.entry.response.map((r) => r.id));
    await saveScreenshot(page, 'export-json', { fullPage: false });
    page.assertNoConsoleErrors('JSON export');
  });

  test('CSV: clipsubset.csv with id, similarity and every metadata column, one row per result, quoted where needed, UTF-8', async () => {
    const { fixture } = spec;
    const page = await spec.page();
    const knn = recordRequests(page, '/knn-service');
    await page.goto(uiUrl(spec.back, { query: 'cat', ...NO_FILTERS }));
    await knn.waitForResponse();
    await waitForShowing(page);
    const { download: file, text, entry } = await download(page, knn, 'Download results as CSV');
    assert.equal(file.suggestedFilename(), 'clipsubset.csv');
    assert.equal(entry.body.num_images, 10000);
    const results = entry.response;
    assert.equal(results.length, fixture.n);

    assert.ok(text.endsWith('\r\n') && !/[^\r]\n/.test(text), 'CRLF line ends');
    const rows = parseCsv(text);
    const [header, ...body] = rows;
    assert.deepEqual(header.slice(0, 2), ['id', 'similarity']);
    assert.deepEqual([...header].sort(), ['caption', 'id', 'key', 'similarity', 'url']);
    assert.equal(body.length, results.length, 'one row per result');
    body.forEach((row, i) => {
      assert.equal(row.length, header.length, `row ${i} has every column`);
      const record = Object.fromEntries(header.map((h, j) => [h, row[j]]));
      const result = results[i];
      assert.equal(record.id, String(result.id));
      assert.equal(Number(record.similarity), result.similarity);
      for (const column of ['caption', 'url', 'key']) assert.equal(record[column], result[column], `${column} of ${result.id}`);
    });

    // the quoting of the awkward captions
    const markup = fixture.samples[fixture.xssId].caption;
    assert.match(markup, /"/);
    assert.ok(text.includes(`,"${markup.replace(/"/g, '""')}",`), 'quotes doubled inside a quoted field');
    const comma = fixture.samples.find((s) => s.caption.includes(',') && s.caption.includes('東京'));
    assert.ok(text.includes(`,"${comma.caption}",`), 'a caption with commas is quoted');
    assert.ok(text.includes('東京 🎨'), 'non-ASCII kept as UTF-8');
    const simple = fixture.samples.find((s) => /^[a-z0-9 ]+$/.test(s.caption));
    assert.ok(text.includes(`,${simple.caption},`), 'a plain caption is not quoted');
    await saveScreenshot(page, 'export-csv', { fullPage: false });
    page.assertNoConsoleErrors('CSV export');
  });
});
