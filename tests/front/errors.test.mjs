// Failures are shown, never a blank page: an unreachable back (the "Back unreachable" region and
// its Retry, at startup and mid-session), a back url that does not answer (fallback to the
// page's own back), and a search the back refuses (its message as an alert).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { expectFailedRequests, freePort, recordRequests, saveScreenshot, startBack, startFront } from './harness.mjs';
import { NO_FILTERS, displayedIds, searchText, specContext, statusLine, uiUrl, waitForCards, waitForShowing, waitReady } from './ui.mjs';

const spec = specContext();

function escapeRegExp(text) {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

describe('errors', { timeout: 180000 }, () => {
  before(spec.setUp, { timeout: 120000 });
  after(spec.tearDown);

  test('an unreachable back: the "Back unreachable" region names it, the page stays usable, and Retry connects once it answers (at startup and mid-session)', async () => {
    const { fixture } = spec;
    const port = await freePort();
    const deadUrl = `http://127.0.0.1:${port}`;
    // the UI alone (`clip-retrieval front`), whose default back is not running
    const front = await startFront({ defaultBackend: deadUrl });
    let back = null;
    try {
      const page = await spec.page({ ignoreConsole: expectFailedRequests({ url: new RegExp(`^${escapeRegExp(deadUrl)}/`) }) });
      const knn = recordRequests(page, '/knn-service');
      await page.goto(uiUrl(front));
      const region = page.getByRole('region', { name: 'Back unreachable' });
      await region.waitFor();
      const alert = region.getByRole('alert');
      assert.match(await alert.textContent(), new RegExp(`Cannot reach the back at ${escapeRegExp(deadUrl)}`));
      // not a blank page: the header, search box and settings are there
      await page.getByRole('heading', { name: 'clip retrieval' }).waitFor();
      assert.equal(await page.getByRole('searchbox', { name: 'Search query' }).isVisible(), true);
      assert.equal(await page.getByRole('textbox', { name: 'Backend url' }).inputValue(), deadUrl);
      assert.equal((await statusLine(page).textContent()).trim(), '');
      await saveScreenshot(page, 'errors-unreachable', { fullPage: false });
      assert.ok(page.consoleErrors.length > 0 && page.unexpectedErrors().length === 0, 'only the refused connections are logged');

      // the back comes up on that port: Retry connects
      back = await startBack({ fixture, port });
      assert.equal(back.port, port);
      await region.getByRole('button', { name: 'Retry' }).click();
      await region.waitFor({ state: 'hidden' });
      await waitReady(page);
      await searchText(page, 'cat');
      const entry = await knn.waitForResponse();
      assert.equal(entry.status, 200);
      await waitForShowing(page, { total: entry.response.length });

      // it stops: the next search shows the region again, with the results gone
      await back.stop();
      back = null;
      await searchText(page, 'a blue circle');
      await region.waitFor();
      assert.match(await region.getByRole('alert').textContent(), new RegExp(escapeRegExp(deadUrl)));
      assert.equal(await page.getByRole('list', { name: 'Search results' }).getByRole('listitem').count(), 0);
      assert.equal(await page.getByRole('main', { name: 'Results' }).getAttribute('aria-busy'), 'false');
      // and back again: Retry runs the search
      back = await startBack({ fixture, port });
      await region.getByRole('button', { name: 'Retry' }).click();
      const retried = await knn.waitForResponse((b, e) => b.text === 'a blue circle' && e.status === 200, { message: 'the retried search answered' });
      assert.ok(knn.entries.some((e) => e.body.text === 'a blue circle' && e.failure), 'the search that found no back');
      await region.waitFor({ state: 'hidden' });
      await waitForShowing(page, { total: retried.response.length });
      page.assertNoConsoleErrors('unreachable back');
    } finally {
      await back?.stop();
      await front.stop();
    }
  });

  test('a back url that does not answer falls back to the page\'s own back, with a notice', async () => {
    const deadUrl = `http://127.0.0.1:${await freePort()}`;
    const page = await spec.page({ ignoreConsole: expectFailedRequests({ url: new RegExp(`^${escapeRegExp(deadUrl)}/`) }) });
    const knn = recordRequests(page, '/knn-service');
    await page.goto(uiUrl(spec.back, { back: deadUrl, query: 'cat', ...NO_FILTERS }));
    const entry = await knn.waitForResponse();
    assert.ok(entry.url.startsWith(`${spec.back.url}/`), `searched ${entry.url}`);
    await page.getByText(new RegExp(`Cannot reach the back at ${escapeRegExp(deadUrl)}.*; using ${escapeRegExp(spec.back.url)}/ instead\\.`)).waitFor();
    await waitForCards(page, spec.fixture, displayedIds(spec.fixture, entry.response));
    assert.equal(new URL(page.url()).searchParams.get('back'), `${spec.back.url}/`);
    await saveScreenshot(page, 'errors-fallback-notice', { fullPage: false });
    await page.getByRole('button', { name: 'Dismiss' }).click();
    await page.getByRole('button', { name: 'Dismiss' }).waitFor({ state: 'detached' });
    page.assertNoConsoleErrors('fallback');
  });

  test('a search the back refuses (400) shows the back\'s message as an alert; the next good search clears it', async () => {
    const page = await spec.page({ ignoreConsole: expectFailedRequests({ url: /\/knn-service$/, status: 400 }) });
    const knn = recordRequests(page, '/knn-service');
    await page.goto(uiUrl(spec.back, { query: 'cat', ...NO_FILTERS }));
    await knn.waitForResponse();
    await waitForShowing(page);
    await page.getByRole('checkbox', { name: 'Enable aesthetic scoring' }).check();
    await knn.waitForResponse((b) => b.aesthetic_score === '9');
    const weight = page.getByRole('textbox', { name: 'Aesthetic weight' });
    await weight.fill('abc');
    await weight.press('Enter');
    const refused = await knn.waitForResponse((b) => b.aesthetic_weight === 'abc');
    assert.equal(refused.status, 400);
    const alert = page.getByRole('main', { name: 'Results' }).getByRole('alert');
    await alert.waitFor();
    assert.equal((await alert.textContent()).trim(), `Search failed: ${refused.response.error}`);
    assert.match(refused.response.error, /aesthetic_weight/);
    assert.equal((await statusLine(page).textContent()).trim(), '', 'no result count after a failure');
    assert.equal(await page.getByRole('list', { name: 'Search results' }).getByRole('listitem').count(), 0);
    await saveScreenshot(page, 'errors-refused-search', { fullPage: false });
    const failed = page.consoleErrors.filter((e) => /status of 400/.test(e.text));
    assert.equal(failed.length, 1, 'one logged 400');

    await weight.fill('1');
    await weight.press('Enter');
    const fixed = await knn.waitForResponse((b) => b.aesthetic_weight === '1');
    assert.equal(fixed.status, 200);
    await waitForShowing(page);
    await alert.waitFor({ state: 'detached' });
    page.assertNoConsoleErrors('refused search');
  });
});
