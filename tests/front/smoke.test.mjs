// Smoke test of the harness: the fixture, the back over it (plain fetch), and chromium opening the
// back's root page. Run: cd tests/front && npm ci && node --test
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';

import { frontDistPath, getFixture, getJson, knnRequest, launchBrowser, newPage, postJson, saveScreenshot, startBack } from './harness.mjs';

// The back's ids against the manifest's, allowing two results whose similarities differ by less than
// 1e-5 (the duplicate pictures tie exactly) to swap.
function assertSameRanking(results, ids, similarities, label) {
  assert.equal(results.length, ids.length, label);
  results.forEach((r, i) => {
    if (r.id === ids[i]) return;
    const j = ids.indexOf(r.id);
    assert.ok(j >= 0 && Math.abs(similarities[j] - similarities[i]) < 1e-5, `${label}: rank ${i} is ${r.id}, expected ${ids[i]} (${JSON.stringify(results.map((x) => x.id))})`);
  });
  results.forEach((r, i) => assert.ok(Math.abs(r.similarity - similarities[i]) < 1e-4, `${label}: similarity ${r.similarity} vs ${similarities[i]}`));
}

describe('front harness smoke', { timeout: 300000 }, () => {
  let fixture;
  let back;

  before(async () => {
    fixture = await getFixture();
    back = await startBack({ fixture });
  }, { timeout: 240000 });

  after(async () => {
    await back?.stop();
  });

  test('the image server serves the pictures with CORS, and 404s the broken urls', async () => {
    const good = fixture.samples.find((s) => !s.broken);
    let res = await fetch(good.url);
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('access-control-allow-origin'), '*');
    assert.equal(res.headers.get('content-type'), 'image/png');
    const png = Buffer.from(await res.arrayBuffer());
    assert.deepEqual([...png.subarray(1, 4)], [...Buffer.from('PNG')]);
    assert.equal(fixture.brokenIds.length, 3);
    for (const id of fixture.brokenIds) {
      res = await fetch(fixture.samples[id].url);
      assert.equal(res.status, 404, fixture.samples[id].url);
      assert.equal(res.headers.get('access-control-allow-origin'), '*');
    }
    const [first, second] = fixture.duplicateIds;
    assert.equal(fixture.samples[first].url, fixture.samples[second].url);
  });

  test('/indices-list lists both indices, the main one first', async () => {
    const { status, json } = await getJson(back, '/indices-list');
    assert.equal(status, 200);
    assert.deepEqual(json, ['example_index', 'text_only']);
  });

  test('a text query returns url, caption, key, id and similarity matching the samples', async () => {
    const n = fixture.n;
    const { status, json } = await postJson(back, '/knn-service', knnRequest({ num_images: n, num_result_ids: n }));
    assert.equal(status, 200);
    assert.equal(json.length, n);
    for (const result of json) {
      assert.deepEqual(Object.keys(result).sort(), ['caption', 'id', 'key', 'similarity', 'url'], JSON.stringify(result));
      const sample = fixture.samples[result.id];
      assert.ok(sample, `id ${result.id}`);
      assert.equal(result.url, sample.url);
      assert.equal(result.caption, sample.caption);
      assert.equal(result.key, sample.key);
      assert.equal(typeof result.similarity, 'number');
    }
    for (let i = 1; i < json.length; ++i) assert.ok(json[i - 1].similarity >= json[i].similarity, 'rank order');
    // only the first num_images carry metadata
    const few = await postJson(back, '/knn-service', knnRequest({ num_images: 5, num_result_ids: 20 }));
    assert.equal(few.json.length, 20);
    assert.ok('url' in few.json[4]);
    assert.deepEqual(Object.keys(few.json[5]).sort(), ['id', 'similarity']);
  });

  test('the safety head drops exactly the listed results; violence prompts too', async () => {
    const n = fixture.n;
    for (const modality of ['image', 'text']) {
      const all = await postJson(back, '/knn-service', knnRequest({ modality, num_images: n, num_result_ids: n }));
      assert.equal(all.json.length, n);
      for (const [flag, dropped] of [['use_safety_model', fixture.safety.droppedIds[modality]], ['use_violence_detector', fixture.violence.droppedIds[modality]]]) {
        const filtered = await postJson(back, '/knn-service', knnRequest({ modality, num_images: n, num_result_ids: n, [flag]: true }));
        assert.equal(filtered.status, 200);
        assert.ok(dropped.length > 0 && dropped.length < n);
        assert.equal(filtered.json.length, n - dropped.length, `${flag} ${modality}`);
        const kept = new Set(filtered.json.map((r) => r.id));
        assert.deepEqual(all.json.map((r) => r.id).filter((id) => !kept.has(id)).sort((a, b) => a - b), dropped, `${flag} ${modality}`);
      }
    }
  });

  test('the canonical queries return the listed first 40 results, less the listed drops', async () => {
    for (const query of fixture.queries) {
      for (const modality of ['image', 'text']) {
        const expected = query[modality];
        const label = `${JSON.stringify(query.query)} ${modality}`;
        const plain = await postJson(back, '/knn-service', knnRequest({ text: query.query, modality }));
        assert.equal(plain.status, 200, `${label}: ${plain.text}`);
        assertSameRanking(plain.json, expected.ids, expected.similarities, label);
        for (const [flag, dropped] of [['use_safety_model', expected.safetyDropped], ['use_violence_detector', expected.violenceDropped]]) {
          const filtered = await postJson(back, '/knn-service', knnRequest({ text: query.query, modality, [flag]: true }));
          assert.ok(dropped.length > 0, `${label} ${flag}: nothing to drop`);
          assert.equal(filtered.json.length, 40 - dropped.length, `${label} ${flag}`);
          assert.deepEqual(filtered.json.map((r) => r.id), expected.ids.filter((id) => !dropped.includes(id)), `${label} ${flag}`);
        }
      }
    }
  });

  test('deduplicate keeps one of the two identical pictures, and the listed results', async () => {
    const [first, second] = fixture.duplicateIds;
    const embedding = fixture.embeddings().image[first];
    const request = knnRequest({ text: null, embedding_input: embedding, num_images: 2, num_result_ids: 2 });
    const both = await postJson(back, '/knn-service', request);
    assert.equal(both.status, 200, both.text);
    assert.deepEqual(both.json.map((r) => r.id).sort((a, b) => a - b), [first, second]);
    const one = await postJson(back, '/knn-service', { ...request, deduplicate: true });
    assert.equal(one.json.length, 1);
    assert.ok([first, second].includes(one.json[0].id));
    for (const query of fixture.queries) {
      for (const modality of ['image', 'text']) {
        const dedup = await postJson(back, '/knn-service', knnRequest({ text: query.query, modality, deduplicate: true }));
        assert.deepEqual(dedup.json.map((r) => r.id), query[modality].dedupKept, `${query.query} ${modality}`);
      }
    }
  });

  test('fixture.expected() predicts the answer to the front\'s usual request (all filters, 3000 ids)', async () => {
    for (const query of fixture.queries) {
      for (const modality of ['image', 'text']) {
        const options = { modality, k: 3000, deduplicate: true, safety: true, violence: true };
        for (const filters of [options, { ...options, deduplicate: false }, { modality, k: 3000 }]) {
          const expected = fixture.expected(query.query, filters);
          const { json } = await postJson(back, '/knn-service', knnRequest({
            text: query.query, modality, num_result_ids: 3000, deduplicate: !!filters.deduplicate,
            use_safety_model: !!filters.safety, use_violence_detector: !!filters.violence,
          }));
          assertSameRanking(json, expected.map((r) => r.id), expected.map((r) => r.similarity), `${query.query} ${JSON.stringify(filters)}`);
        }
      }
    }
  });

  test('aesthetic_score k with a large weight ranks the rating-k sample first', async () => {
    for (const k of [0, 9]) {
      const id = fixture.aesthetic.sampleIds[k];
      const { status, json } = await postJson(back, '/knn-service', knnRequest({ aesthetic_score: String(k), aesthetic_weight: '1000' }));
      assert.equal(status, 200, JSON.stringify(json));
      assert.equal(json[0].id, id);
    }
  });

  test('/metadata answers the rows of the ids asked', async () => {
    const ids = [0, fixture.brokenIds[0]];
    const { status, json } = await postJson(back, '/metadata', { ids, indice_name: 'example_index' });
    assert.equal(status, 200);
    assert.deepEqual(json.map((r) => r.id), ids);
    assert.equal(json[1].metadata.url, fixture.samples[ids[1]].url);
    assert.match(json[1].metadata.url, /\/img\/missing\//);
  });

  test('the text-only index answers text, and refuses the image modality with a 400', async () => {
    const text = await postJson(back, '/knn-service', knnRequest({ indice_name: 'text_only', modality: 'text' }));
    assert.equal(text.status, 200);
    assert.equal(text.json.length, 40);
    assert.ok(text.json[0].url && text.json[0].caption);
    const image = await postJson(back, '/knn-service', knnRequest({ indice_name: 'text_only', modality: 'image' }));
    assert.equal(image.status, 400);
    assert.equal(typeof image.json.error, 'string');
    assert.ok(image.json.error.length > 0);
  });

  test('chromium opens the back\'s root page', { timeout: 120000 }, async () => {
    const browser = await launchBrowser();
    try {
      const page = await newPage(browser);
      const response = await page.goto(back.url + '/', { waitUntil: 'load' });
      assert.equal(response.status(), 200);
      const title = await page.title();
      const body = (await page.locator('body').innerText()).trim();
      assert.ok(title.length > 0 || body.length > 0, 'empty page');
      if (!fs.existsSync(path.join(frontDistPath(), 'index.html'))) {
        // TODO(front): no built front yet, so the back serves its "no front found" page. Once
        // front/dist exists this becomes a real UI check (the search box renders, no console
        // errors).
        assert.match(body, /front/i);
      } else {
        await page.waitForLoadState('networkidle', { timeout: 15000 }).catch(() => {});
        page.assertNoConsoleErrors('root page');
      }
      await saveScreenshot(page, 'smoke-root');
    } finally {
      await browser.close();
    }
  });
});
