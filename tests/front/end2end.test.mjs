// `clip-retrieval end2end` from a Parquet url list to the web UI: 30 generated PNGs served from
// this process (plus one url that answers 404), their urls and captions in a Parquet file with
// img2dataset's test-file columns (URL, TEXT, and an extra SIMILARITY column) written by DuckDB;
// end2end downloads, embeds, indexes and serves them with the tiny model. Then /knn-service
// through its back answers with the local urls and each url's own TEXT, and the UI the back
// serves finds them in chromium.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { spawn } from 'node:child_process';
import { pathToFileURL } from 'node:url';
import { after, before, describe, test } from 'node:test';

import { makeTempFolder, onExit, repoRoot, trackChild, untrackChild, waitForBinary } from './env.mjs';
import { createImageServer, linkTinyModel, makeSamples } from './fixture.mjs';
import { getJson, knnRequest, launchBrowser, newPage, postJson, recordRequests, saveScreenshot, waitUntil } from './harness.mjs';
import { NO_FILTERS, renderedCards, searchText, uiUrl, waitForShowing, waitReady } from './ui.mjs';

const IMAGE_COUNT = 30;
const START_TIMEOUT_MS = 120000;

// DuckDB's node package, installed for the Parquet cross-check (tests/parquet/duckdb, `npm ci`
// there; scripts/setup.sh does it).
async function importDuckDB() {
  const packageJson = path.join(repoRoot, 'tests', 'parquet', 'duckdb', 'package.json');
  let entry;
  try {
    entry = createRequire(packageJson).resolve('@duckdb/node-api');
  } catch (error) {
    throw new Error(`@duckdb/node-api is not installed in tests/parquet/duckdb (run \`npm ci\` there, or scripts/setup.sh): ${error.message}`);
  }
  return import(pathToFileURL(entry).href);
}

// Runs SQL statements, then returns the rows of `query` (objects keyed by column name).
async function duckdb(statements, query) {
  const { DuckDBInstance } = await importDuckDB();
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  try {
    await connection.run('SET threads = 1');
    for (const [sql, values] of statements) await connection.run(sql, values);
    return query ? (await connection.runAndReadAll(query)).getRowObjectsJS() : [];
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

const sqlString = (text) => `'${text.replaceAll("'", "''")}'`;

function listen(server) {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve(server.address().port));
  });
}

describe('end2end: a Parquet of local urls to the back and its UI', { timeout: 300000 }, () => {
  const state = {
    temp: null,
    out: null,
    rows: [], // {URL, TEXT, SIMILARITY} in the Parquet's order
    served: new Map(), // url -> TEXT of the urls that answer an image
    missingUrl: null,
    imageServer: null, // {server, stats}
    downloadRequests: null, // the image server's stats once end2end listens
    child: null,
    exited: null,
    stderrFile: null,
    back: null, // http://127.0.0.1:PORT
    startSeconds: null,
    browser: null,
  };
  const stderr = () => fs.readFileSync(state.stderrFile, 'utf8');

  before(async () => {
    const binary = await waitForBinary();
    state.temp = makeTempFolder('end2end-');

    // The pictures (the fixture's generator: 64x64 PNGs, captions ending with the id, among them
    // accents, CJK, an emoji and markup) under /img/<key>.png; the 404 under /img/missing/.
    const samples = makeSamples(IMAGE_COUNT);
    const images = new Map(samples.map((s) => [`${s.key}.png`, s.png]));
    state.imageServer = createImageServer(images, 'end2end');
    state.imageServer.server.keepAliveTimeout = 1000;
    const port = await listen(state.imageServer.server);
    state.imageServer.server.unref();
    onExit(() => state.imageServer.server.close());
    const base = `http://127.0.0.1:${port}/img/`;
    state.rows = samples.map((s) => ({ URL: `${base}${s.key}.png`, TEXT: s.caption, SIMILARITY: 0.3 + s.id / 100 }));
    state.missingUrl = `${base}missing/${String(IMAGE_COUNT).padStart(6, '0')}.png`;
    // the 404 in the middle of the list
    state.rows.splice(IMAGE_COUNT / 2, 0, { URL: state.missingUrl, TEXT: 'a picture that is not there', SIMILARITY: 0.5 });
    for (const row of state.rows) if (row.URL !== state.missingUrl) state.served.set(row.URL, row.TEXT);

    // The url list, as img2dataset's test_1000.parquet names its columns.
    const parquet = path.join(state.temp, 'urls.parquet');
    await duckdb([
      ['CREATE TABLE urls (URL VARCHAR, TEXT VARCHAR, SIMILARITY DOUBLE)'],
      ...state.rows.map((r) => ['INSERT INTO urls VALUES ($1, $2, $3)', [r.URL, r.TEXT, r.SIMILARITY]]),
      [`COPY urls TO ${sqlString(parquet)} (FORMAT parquet)`],
    ]);

    const model = linkTinyModel(path.join(state.temp, 'tiny_clip'));
    state.out = path.join(state.temp, 'out');
    const args = ['end2end', parquet, state.out, '--port', '0', '--clip_model', model,
      '--clip_cache_path', path.join(state.temp, 'cache'), '--thread_count', '4', '--batch_size', '8'];
    state.stderrFile = path.join(state.temp, 'end2end.stderr.log');
    const stdoutFile = path.join(state.temp, 'end2end.stdout.log');
    const errFd = fs.openSync(state.stderrFile, 'w');
    const outFd = fs.openSync(stdoutFile, 'w');
    const started = Date.now();
    state.child = trackChild(spawn(binary, args, { stdio: ['ignore', outFd, errFd] }));
    fs.closeSync(errFd);
    fs.closeSync(outFd);
    state.child.once('exit', (code, signal) => {
      state.exited = { code, signal };
    });
    state.child.once('error', (error) => {
      state.exited = { error: String(error) };
    });
    const tail = () => `$ ${binary} ${args.join(' ')}\nstderr (${state.stderrFile}):\n${stderr().split('\n').slice(-40).join('\n')}`;
    // (waitUntil retries on a throw: an early exit is returned, then thrown.)
    const waited = await waitUntil(() => {
      const match = /listening on http:\/\/[^\s:]+:(\d+)/.exec(stderr());
      if (match) return { port: Number(match[1]) };
      return state.exited ? { exited: state.exited } : null;
    }, { timeoutMs: START_TIMEOUT_MS, intervalMs: 50, message: 'end2end\'s back to log "listening on http://HOST:PORT"' }).catch((error) => {
      throw new Error(`${error.message}\n${tail()}`);
    });
    if (waited.exited) throw new Error(`end2end exited before listening (${JSON.stringify(waited.exited)})\n${tail()}`);
    const backPort = waited.port;
    state.startSeconds = (Date.now() - started) / 1000;
    state.back = `http://127.0.0.1:${backPort}`;
    state.downloadRequests = { ...state.imageServer.stats };
    process.stderr.write(`[front-tests] end2end: listening after ${state.startSeconds.toFixed(1)} s on ${state.back}\n`);
    state.browser = await launchBrowser();
  }, { timeout: START_TIMEOUT_MS + 60000 });

  after(async () => {
    await state.browser?.close().catch(() => {});
    if (state.child && !state.exited) {
      state.child.kill('SIGKILL');
      await waitUntil(() => state.exited, { timeoutMs: 5000, message: 'end2end to exit after SIGKILL' }).catch(() => {});
    }
    if (state.child) untrackChild(state.child);
    state.imageServer?.server.closeAllConnections?.();
    await new Promise((resolve) => (state.imageServer ? state.imageServer.server.close(() => resolve()) : resolve()));
  });

  test('the download fetched each url once, logged the 404 in its shard parquet, and the steps logged their lines', async () => {
    // each url requested once by the download (no retries by default), the missing one answered 404
    assert.deepEqual(state.downloadRequests, { requests: IMAGE_COUNT + 1, notFound: 1 });

    const images = path.join(state.out, 'images');
    const shardLog = path.join(images, '00000.parquet');
    assert.ok(fs.existsSync(shardLog), `${shardLog} exists`);
    assert.ok(fs.existsSync(path.join(images, '00000.tar')), 'the webdataset shard 00000.tar exists');
    // img2dataset's shard log: a row per url, url/caption renamed from URL/TEXT, a status each
    const logged = await duckdb([], `SELECT url, caption, key, status, error_message FROM read_parquet(${sqlString(shardLog)}) ORDER BY key`);
    assert.equal(logged.length, state.rows.length, 'a row per url');
    logged.forEach((row, i) => {
      assert.equal(row.url, state.rows[i].URL, `row ${i}: url`);
      assert.equal(row.caption, state.rows[i].TEXT, `row ${i}: caption`);
    });
    const failed = logged.filter((r) => r.status !== 'success');
    assert.deepEqual(failed.map((r) => [r.url, r.status]), [[state.missingUrl, 'failed_to_download']]);
    assert.match(String(failed[0].error_message), /404/, 'the failure names the 404');

    assert.deepEqual(JSON.parse(fs.readFileSync(path.join(state.out, 'indices_paths.json'), 'utf8')),
      { example_index: path.join(state.out, 'index') });
    for (const file of ['image.index', 'text.index']) {
      assert.ok(fs.existsSync(path.join(state.out, 'index', file)), `index/${file} exists`);
    }

    // The step lines, in order, then the summary (before the back starts), then the back's line.
    const log = stderr();
    const expected = [
      /end2end step 1\/4: download → \S+\/images \(url column URL, caption column TEXT\)/,
      /end2end step 2\/4: inference of 1 shards → \S+\/embeddings/,
      /end2end step 3\/4: index → \S+\/index/,
      new RegExp(`end2end: download: ${IMAGE_COUNT} images of ${IMAGE_COUNT + 1} urls \\(0 shards already done\\) in \\d+\\.\\d s`),
      /end2end: inference: embeddings written in \d+\.\d s/,
      /end2end: index: indices built in \d+\.\d s/,
      /end2end step 4\/4: back on a free port, named by its "listening on" line \(Ctrl-C stops it\)/,
      /listening on http:\/\/[^\s:]+:\d+/,
    ];
    let from = 0;
    for (const pattern of expected) {
      const match = pattern.exec(log.slice(from));
      assert.ok(match, `stderr has ${pattern} after offset ${from}:\n${log}`);
      from += match.index + match[0].length;
    }
  });

  test('/knn-service through the back: the local urls, each with its own row\'s TEXT, never the 404', async () => {
    const listed = await getJson(state.back, '/indices-list');
    assert.equal(listed.status, 200);
    assert.deepEqual(listed.json, ['example_index']);

    const checkResults = (results, label) => {
      // num_result_ids 40 > 30: every downloaded image, and only those
      assert.equal(results.length, IMAGE_COUNT, `${label}: every downloaded image (${JSON.stringify(results).slice(0, 400)})`);
      for (const r of results) {
        assert.ok(state.served.has(r.url), `${label}: ${r.url} is a served url`);
        assert.equal(r.caption, state.served.get(r.url), `${label}: caption of ${r.url}`);
        assert.equal(typeof r.similarity, 'number');
      }
      assert.equal(new Set(results.map((r) => r.url)).size, IMAGE_COUNT, `${label}: distinct urls`);
      assert.deepEqual([...new Set(results.map((r) => r.id))].sort((a, b) => a - b), [...Array(IMAGE_COUNT).keys()], `${label}: ids 0..${IMAGE_COUNT - 1}`);
    };
    const query = state.rows[5].TEXT;
    // text modality: the caption's own text embedding ranks first
    const text = await postJson(state.back, '/knn-service', knnRequest({ text: query, modality: 'text' }));
    assert.equal(text.status, 200, text.text);
    checkResults(text.json, 'text modality');
    assert.equal(text.json[0].caption, query, 'the query\'s own row first');
    assert.equal(text.json[0].url, state.rows[5].URL);
    assert.ok(text.json[0].similarity > 0.99, `similarity ${text.json[0].similarity}`);
    // image modality
    const image = await postJson(state.back, '/knn-service', knnRequest({ text: 'a red square with stripes' }));
    assert.equal(image.status, 200, image.text);
    checkResults(image.json, 'image modality');
  });

  test('the UI the back serves searches the index in chromium: cards of the Parquet\'s rows, images from the local server', async () => {
    const page = await newPage(state.browser);
    try {
      const knn = recordRequests(page, '/knn-service');
      await page.goto(uiUrl(state.back, NO_FILTERS));
      await waitReady(page);
      const query = state.rows[2].TEXT; // a caption with accents, CJK and an emoji
      const before = state.imageServer.stats.requests;
      await searchText(page, query);
      const entry = await knn.waitForResponse((b) => b.text === query, { timeoutMs: 15000 });
      assert.equal(entry.status, 200);
      assert.equal(entry.body.indice_name, 'example_index');
      assert.equal(entry.response.length, IMAGE_COUNT, 'every downloaded image (num_result_ids 3000)');
      await waitForShowing(page, { total: IMAGE_COUNT });

      // The rendered cards are the answer's first results, in order, named by their rows' TEXT.
      const answered = entry.response.map((r) => r.caption);
      let cards = [];
      await waitUntil(async () => {
        cards = await renderedCards(page);
        return cards.length >= 8 && cards.every((c, i) => c.name === answered[i]);
      }, { message: 'cards of the answer\'s captions' }).catch((error) => {
        throw new Error(`${error.message}\nrendered ${JSON.stringify(cards.map((c) => c.name))}\nanswered ${JSON.stringify(answered.slice(0, 12))}`);
      });
      const captions = new Set(state.served.values());
      for (const card of cards) {
        assert.ok(captions.has(card.name), `card ${JSON.stringify(card.name)} is a row's TEXT`);
        assert.equal(card.alt, card.name, 'img alt = caption');
      }
      // The cards' pictures come from the local server and decode.
      const pictures = page.getByRole('list', { name: 'Search results' }).locator('img');
      await waitUntil(async () => {
        const loaded = await pictures.evaluateAll((imgs) => imgs.map((img) => ({ src: img.currentSrc || img.src, ok: img.complete && img.naturalWidth > 0 })));
        return loaded.length >= 8 && loaded.every((p) => p.ok && state.served.has(p.src));
      }, { message: 'the cards\' pictures loaded from the local image server' });
      assert.ok(state.imageServer.stats.requests > before, 'the browser fetched pictures from the image server');
      assert.equal(await page.evaluate(() => window.__xss), undefined, 'the markup caption stays text');
      assert.match(await page.title(), /clip retrieval/);
      await saveScreenshot(page, 'end2end-search', { fullPage: false });
      page.assertNoConsoleErrors('end2end UI');
    } finally {
      await page.close();
    }
  });

  test('SIGTERM stops end2end (its back)', async () => {
    assert.equal(state.exited, null, 'end2end still serving');
    state.child.kill('SIGTERM');
    const exited = await waitUntil(() => state.exited, { timeoutMs: 10000, message: 'end2end to exit after SIGTERM' });
    assert.ok(exited.code === 0 || exited.signal === 'SIGTERM', `exit ${JSON.stringify(exited)}`);
  });
});
