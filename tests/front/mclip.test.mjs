// The "Search with multilingual clip" toggle against real backs: shown when the back offers a
// multilingual model for the index (here the mclip_tiny fixture, passed as --mclip_model), hidden
// when it offers none (the default back of the other browser tests); checking it sends
// use_mclip: true, and the back answers what it answers that body directly.
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';

import { sharedPath } from './env.mjs';
import { postJson, recordRequests, startBack } from './harness.mjs';
import { assertKnnBody, defaultKnnBody, specContext, uiUrl, waitForShowing, waitReady } from './ui.mjs';

const MCLIP_MODEL = path.join(sharedPath(), 'fixtures', 'mclip_tiny', 'model');
const TOGGLE = 'Search with multilingual clip';

const spec = specContext({ backOptions: { extraArgs: ['--mclip_model', MCLIP_MODEL] } });

describe('multilingual clip toggle', { timeout: 180000 }, () => {
  before(spec.setUp, { timeout: 120000 });
  after(spec.tearDown);

  test('shown for an index with a multilingual model; checking it searches with use_mclip', async () => {
    const info = await fetch(`${spec.back.url}/indices-info`).then((r) => r.json());
    assert.deepEqual(info.map((i) => i.filters.use_mclip), info.map(() => true), 'every index offers mclip');

    const page = await spec.page();
    const knn = recordRequests(page, '/knn-service');
    await page.goto(uiUrl(spec.back, { query: 'un chat à Paris' }));
    const first = await knn.waitForResponse();
    assertKnnBody(first.body, defaultKnnBody('un chat à Paris'), { label: 'first search' });
    await waitForShowing(page);
    await waitReady(page);

    const toggle = page.getByRole('checkbox', { name: TOGGLE, exact: true });
    assert.equal(await toggle.isChecked(), false, 'off by default, as the original');
    const before = knn.count();
    await toggle.check();
    const entry = await knn.waitForResponse(() => true, { fromIndex: before, message: 'the search after checking the toggle' });
    assertKnnBody(entry.body, defaultKnnBody('un chat à Paris', { use_mclip: true }), { label: 'mclip search' });
    assert.equal(entry.status, 200, JSON.stringify(entry.response));
    assert.ok(entry.response.length > 0, 'results');
    await waitForShowing(page, { total: entry.response.length });

    // The same body sent directly gets the same ranking, and it is not the CLIP query's.
    const direct = await postJson(spec.back.url, '/knn-service', entry.body);
    assert.equal(direct.status, 200);
    assert.deepEqual(direct.json.map((r) => r.id), entry.response.map((r) => r.id));
    assert.notDeepEqual(first.response.map((r) => r.id).slice(0, 10), entry.response.map((r) => r.id).slice(0, 10),
      'the multilingual model ranks differently from CLIP');
  });

  test('hidden where the back has no multilingual model for the index', async () => {
    const back = await startBack({ fixture: spec.fixture });
    try {
      const info = await fetch(`${back.url}/indices-info`).then((r) => r.json());
      assert.deepEqual(info.map((i) => i.filters.use_mclip), info.map(() => false));
      const page = await spec.page();
      await page.goto(uiUrl(back, { query: 'cat' }));
      await waitForShowing(page);
      await waitReady(page);
      assert.equal(await page.getByRole('checkbox', { name: TOGGLE, exact: true }).count(), 0, 'no toggle');
    } finally {
      await back.stop();
    }
  });
});
