#!/usr/bin/env node
// Browser benchmark of the web UI (front/dist) served by `clip-retrieval back` over the browser
// tests' fixture (tests/front/harness.mjs), in headless Debian chromium. See README.md here.
//
//   node bench/front/front_bench.mjs                    # N=3200, 7 page loads (+1 warm-up), 3 scroll runs
//   node bench/front/front_bench.mjs --runs 3 --scroll-runs 1 --query cat
//
// Measures
//   1. page load → first results: <back>/?query=…&hideDuplicateImages=false&safeMode=false&
//      removeViolence=false, a fresh browser context each run; from the page's own timeline:
//      the /knn-service resource timing and the 'clip-front:first-results' mark.
//   2. 3000 results scrolled: an in-page driver scrolls to the bottom at every animation frame
//      until 'clip-front:all-metadata' is marked and the last card is in the DOM; /metadata
//      requests, long tasks, cards in the DOM. Then smoothness passes with all metadata loaded
//      (idle; 240 px wheel steps for 3 s; a CDP wheel gesture and a per-frame scrollTo, each top →
//      bottom in ~3 s), frame intervals measured with rAF in the page.
//   3. bundle size: every file under front/dist, raw and gzip -9.
// Prints a Markdown table and writes build/front-bench/front-bench-<stamp>.json (+ latest.json).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { execFileSync } from 'node:child_process';

// Only the harness: playwright-core lives in tests/front/node_modules and is not resolvable from
// here; every browser object comes through the harness.
import { binaryPath, frontDistPath, getFixture, launchBrowser, newPage, recordRequests, repoRoot, startBack } from '../../tests/front/harness.mjs';


// ---------------------------------------------------------------------------------------------
// Options

const DEFAULTS = {
  n: 3200,
  query: 'a red square with stripes',
  runs: 7, // measured page loads
  warmup: 1, // page loads before them, not counted
  scrollRuns: 3, // fresh pages scrolled to the end
  smoothMs: 3000, // duration of the top → bottom smoothness passes
  viewport: '1280x800',
  out: path.join(repoRoot, 'build', 'front-bench'),
  timeoutMs: 120000, // per wait in the page
  skipSmooth: false,
  acceptEncoding: '', // e.g. 'gzip, deflate': sent instead of chromium's (which asks for br)
  profile: false, // CPU profile of the gesture pass (build/front-bench/gesture.cpuprofile)
};

function parseArgs(argv) {
  const options = { ...DEFAULTS };
  const numeric = new Set(['n', 'runs', 'warmup', 'scrollRuns', 'smoothMs', 'timeoutMs']);
  for (let i = 0; i < argv.length; ++i) {
    const arg = argv[i];
    if (arg === '--help' || arg === '-h') {
      console.log(`usage: node bench/front/front_bench.mjs [--n 3200] [--query TEXT] [--runs 7] [--warmup 1]
       [--scroll-runs 3] [--smooth-ms 3000] [--viewport 1280x800] [--out DIR] [--timeout-ms 120000] [--skip-smooth] [--profile]
       [--accept-encoding 'gzip, deflate']`);
      process.exit(0);
    }
    if (arg === '--skip-smooth' || arg === '--profile') {
      options[arg === '--profile' ? 'profile' : 'skipSmooth'] = true;
      continue;
    }
    const match = /^--([a-z-]+)(?:=(.*))?$/.exec(arg);
    if (!match) throw new Error(`unknown argument ${arg}`);
    const key = match[1].replace(/-([a-z])/g, (_, c) => c.toUpperCase());
    if (!(key in DEFAULTS)) throw new Error(`unknown option --${match[1]}`);
    const value = match[2] ?? argv[++i];
    if (value === undefined) throw new Error(`--${match[1]} needs a value`);
    options[key] = numeric.has(key) ? Number(value) : value;
    if (numeric.has(key) && !Number.isFinite(options[key])) throw new Error(`--${match[1]}: not a number: ${value}`);
  }
  const vp = /^(\d+)x(\d+)$/.exec(options.viewport);
  if (!vp) throw new Error(`--viewport WxH, got ${options.viewport}`);
  options.viewportSize = { width: Number(vp[1]), height: Number(vp[2]) };
  return options;
}

// ---------------------------------------------------------------------------------------------
// Statistics

const round = (x, digits = 1) => (x === null || x === undefined || !Number.isFinite(x) ? null : Number(x.toFixed(digits)));

function quantile(values, q) {
  const v = values.filter(Number.isFinite).sort((a, b) => a - b);
  if (!v.length) return null;
  const pos = (v.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return v[lo] + (v[hi] - v[lo]) * (pos - lo);
}

function summary(values) {
  const v = values.filter(Number.isFinite);
  if (!v.length) return { median: null, min: null, max: null, n: 0 };
  return { median: round(quantile(v, 0.5)), min: round(Math.min(...v)), max: round(Math.max(...v)), n: v.length };
}

const fmt = (s, unit = 'ms') => (s.median === null ? 'n/a' : s.n > 1 ? `${s.median} ${unit} (${s.min}–${s.max})` : `${s.median} ${unit}`);

// ---------------------------------------------------------------------------------------------
// The machine

function run(cmd, args) {
  try {
    return execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return '';
  }
}

function machineInfo() {
  const lscpu = run('lscpu', []);
  const field = (name) => new RegExp(`^${name}:\\s*(.*)$`, 'm').exec(lscpu)?.[1]?.trim() ?? null;
  const flags = (field('Flags') ?? fs.readFileSync('/proc/cpuinfo', 'utf8').match(/^flags\s*:\s*(.*)$/m)?.[1] ?? '').split(/\s+/);
  const chromium = process.env.CLIPRET_CHROMIUM || '/usr/bin/chromium';
  const load = os.loadavg().map((x) => round(x, 2));
  return {
    cpuModel: field('Model name') ?? os.cpus()[0]?.model ?? null,
    cpus: field('CPU\\(s\\)') ?? String(os.cpus().length),
    onlineCores: os.availableParallelism?.() ?? os.cpus().length,
    avx512: flags.filter((f) => f.startsWith('avx512')),
    avx2: flags.includes('avx2'),
    memoryGiB: round(os.totalmem() / 2 ** 30, 1),
    chromium: run(chromium, ['--version']).split('\n')[0] || null, // Debian's wrapper prints a shell warning on stderr
    node: process.version,
    loadAverage: load,
    dateUtc: new Date().toISOString(),
    gitCommit: run('git', ['-C', repoRoot, 'rev-parse', '--short', 'HEAD']) || null,
    frontDirty: run('git', ['-C', repoRoot, 'status', '--porcelain', '--', 'front']).length > 0,
    binary: binaryPath(),
  };
}

// ---------------------------------------------------------------------------------------------
// 3. Bundle size

function bundleSizes(dist) {
  const files = [];
  const walk = (dir) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.isFile()) {
        const data = fs.readFileSync(full);
        files.push({
          file: path.relative(dist, full),
          kind: path.extname(entry.name).slice(1).toLowerCase(),
          raw: data.length,
          gzip: zlib.gzipSync(data, { level: 9 }).length,
        });
      }
    }
  };
  walk(dist);
  files.sort((a, b) => a.file.localeCompare(b.file));
  const sum = (list, key) => list.reduce((s, f) => s + f[key], 0);
  const jsCss = files.filter((f) => ['js', 'mjs', 'css'].includes(f.kind));
  return {
    dist,
    files,
    totalRaw: sum(files, 'raw'),
    totalGzip: sum(files, 'gzip'),
    jsCssRaw: sum(jsCss, 'raw'),
    jsCssGzip: sum(jsCss, 'gzip'),
  };
}

// ---------------------------------------------------------------------------------------------
// In-page helpers (run in the browser)

// Installed before any page script: long tasks, a large resource-timing buffer.
const INIT_SCRIPT = `(() => {
  const bench = (window.__bench = { longTasks: [], observerError: null });
  try { performance.setResourceTimingBufferSize(100000); } catch (e) {}
  try {
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) bench.longTasks.push({ start: e.startTime, duration: e.duration });
    }).observe({ type: 'longtask', buffered: true });
  } catch (e) { bench.observerError = String(e); }
})();`;

// Waits in the page for a mark (rAF polling).
async function waitForMark(page, name, timeoutMs) {
  await page.waitForFunction((n) => performance.getEntriesByName(n).length > 0, name, { timeout: timeoutMs });
}

// The page's view of the UI: status text, cards in the DOM, grid geometry.
function readUi() {
  const app = document.querySelector('clip-front');
  const root = app?.shadowRoot;
  const grid = root?.querySelector('result-grid');
  const cards = grid?.shadowRoot?.querySelectorAll('.card') ?? [];
  const status = root?.querySelector('[role="status"]')?.textContent?.trim() ?? null;
  const m = /Showing (\d+) of (\d+) results/.exec(status ?? '');
  const positions = [...cards].map((c) => Number(c.dataset.position));
  return {
    status,
    shown: m ? Number(m[1]) : null,
    total: m ? Number(m[2]) : null,
    cardsInDom: cards.length,
    imgsInDom: grid?.shadowRoot?.querySelectorAll('img').length ?? 0,
    lastPositionInDom: positions.length ? Math.max(...positions) : null,
    scrollHeight: document.documentElement.scrollHeight,
    scrollY: window.scrollY,
    innerHeight: window.innerHeight,
    alerts: [...(root?.querySelectorAll('[role="alert"]') ?? [])].map((e) => e.textContent.trim()),
  };
}

// Timeline of one page load, read after 'clip-front:first-results'.
function readLoadTimeline() {
  const mark = (n) => performance.getEntriesByName(n)[0]?.startTime ?? null;
  const nav = performance.getEntriesByType('navigation')[0];
  const resources = performance.getEntriesByType('resource');
  const byPath = (suffix) => resources.filter((e) => new URL(e.name).pathname.endsWith(suffix));
  const knn = byPath('/knn-service');
  const script = resources.find((e) => /\/assets\/.*\.js$/.test(new URL(e.name).pathname));
  const timing = (e) => (e ? { startTime: e.startTime, requestStart: e.requestStart, responseStart: e.responseStart, responseEnd: e.responseEnd, transferSize: e.transferSize, encodedBodySize: e.encodedBodySize, decodedBodySize: e.decodedBodySize } : null);
  return {
    domContentLoaded: nav?.domContentLoadedEventEnd ?? null,
    loadEvent: nav?.loadEventEnd ?? null,
    script: timing(script),
    config: timing(byPath('/config.json')[0]),
    indicesList: timing(byPath('/indices-list')[0]),
    indicesInfo: timing(byPath('/indices-info')[0]),
    knnCount: knn.length,
    knn: timing(knn[0]),
    searchStart: mark('clip-front:search-start'),
    firstResults: mark('clip-front:first-results'),
    allMetadata: mark('clip-front:all-metadata'),
    metadataRequests: byPath('/metadata').length,
    longTasks: window.__bench?.longTasks ?? [],
    longTaskObserverError: window.__bench?.observerError ?? null,
  };
}

// Scrolls to the bottom at every animation frame until 'clip-front:all-metadata' is marked and
// the last card is in the DOM (or timeoutMs passes). Times are performance.now() values.
function scrollToEnd({ timeoutMs }) {
  const mark = (n) => performance.getEntriesByName(n)[0]?.startTime ?? null;
  const grid = () => document.querySelector('clip-front')?.shadowRoot?.querySelector('result-grid');
  const statusCounts = () => {
    const text = document.querySelector('clip-front')?.shadowRoot?.querySelector('[role="status"]')?.textContent ?? '';
    const m = /Showing (\d+) of (\d+) results/.exec(text);
    return m ? { shown: Number(m[1]), total: Number(m[2]), text: text.trim() } : { shown: null, total: null, text: text.trim() };
  };
  const metadataEntries = () => performance.getEntriesByType('resource').filter((e) => new URL(e.name).pathname.endsWith('/metadata'));
  const start = performance.now();
  const metadataBefore = metadataEntries().length;
  let frames = 0;
  let scrolls = 0;
  return new Promise((resolve) => {
    const finish = (outcome, extra = {}) => {
      const counts = statusCounts();
      const meta = metadataEntries();
      resolve({
        outcome,
        start,
        end: performance.now(),
        frames,
        scrolls,
        firstResults: mark('clip-front:first-results'),
        allMetadata: mark('clip-front:all-metadata'),
        status: counts.text,
        shown: counts.shown,
        total: counts.total,
        metadataRequestsBefore: metadataBefore,
        metadataRequests: meta.length,
        metadataAnswerMs: meta.map((e) => e.responseEnd - e.requestStart),
        // UI + scrolling time between pages: a request's start − the previous answer's end
        metadataGapMs: meta.slice(1).map((e, i) => e.requestStart - meta[i].responseEnd),
        firstMetadataRequestStart: meta.length ? meta[0].requestStart : null,
        lastMetadataResponseEnd: meta.length ? Math.max(...meta.map((e) => e.responseEnd)) : null,
        ...extra,
      });
    };
    const tick = () => {
      frames++;
      const now = performance.now();
      const counts = statusCounts();
      const all = mark('clip-front:all-metadata');
      if (all !== null && counts.shown !== null) {
        const last = grid()?.shadowRoot?.querySelector(`.card[data-position="${counts.shown - 1}"]`);
        if (last) {
          finish('done', { lastRowInDom: now });
          return;
        }
      }
      if (now - start > timeoutMs) {
        finish('timeout');
        return;
      }
      const bottom = document.documentElement.scrollHeight - window.innerHeight;
      if (window.scrollY < bottom - 1) {
        window.scrollTo(0, bottom);
        scrolls++;
      }
      requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
  });
}

// Frame recorder for the smoothness passes.
function startFrames() {
  const rec = (window.__frames = { times: [], on: true });
  const f = (t) => {
    if (!rec.on) return;
    rec.times.push(t);
    requestAnimationFrame(f);
  };
  requestAnimationFrame(f);
}

function stopFrames() {
  const rec = window.__frames;
  rec.on = false;
  return { times: rec.times, scrollY: window.scrollY, bottom: document.documentElement.scrollHeight - window.innerHeight };
}

// Per-frame scrollTo from top to bottom over `durationMs`, recording frame times.
function timedScroll({ durationMs }) {
  return new Promise((resolve) => {
    const bottom = document.documentElement.scrollHeight - window.innerHeight;
    const times = [];
    let t0 = null;
    const f = (t) => {
      if (t0 === null) t0 = t;
      times.push(t);
      const p = Math.min(1, (t - t0) / durationMs);
      window.scrollTo(0, Math.round(p * bottom));
      if (p < 1) requestAnimationFrame(f);
      else requestAnimationFrame((t2) => {
        times.push(t2);
        resolve({ times, scrollY: window.scrollY, bottom });
      });
    };
    requestAnimationFrame(f);
  });
}

function frameStats(times) {
  const intervals = [];
  for (let i = 1; i < times.length; ++i) intervals.push(times[i] - times[i - 1]);
  return {
    frames: intervals.length,
    medianMs: round(quantile(intervals, 0.5)),
    p95Ms: round(quantile(intervals, 0.95)),
    maxMs: round(intervals.length ? Math.max(...intervals) : null),
    over50ms: intervals.filter((x) => x > 50).length,
    durationMs: round(times.length > 1 ? times[times.length - 1] - times[0] : null),
  };
}

// ---------------------------------------------------------------------------------------------
// Runs

function searchUrl(back, query) {
  const params = new URLSearchParams({
    query,
    back: back.url,
    index: 'example_index',
    hideDuplicateImages: 'false', // "Hide (near) duplicate images" off: the back's dedup keeps ~1 of 3000 here
    safeMode: 'false',
    removeViolence: 'false',
  });
  return `${back.url}/?${params}`;
}

function checkKnnRequest(body, expectedIds) {
  const problems = [];
  if (!body) return ['no /knn-service request recorded'];
  if (body.num_result_ids !== expectedIds) problems.push(`num_result_ids ${body.num_result_ids}, expected ${expectedIds}`);
  for (const flag of ['deduplicate', 'use_safety_model', 'use_violence_detector']) {
    if (body[flag] !== false) problems.push(`${flag} is ${body[flag]}`);
  }
  return problems;
}

async function openPage(browser, options) {
  const page = await newPage(browser, { viewport: options.viewportSize, defaultTimeoutMs: options.timeoutMs });
  await page.addInitScript(INIT_SCRIPT);
  if (options.acceptEncoding) await page.setExtraHTTPHeaders({ 'Accept-Encoding': options.acceptEncoding });
  return page;
}

async function pageLoad(browser, back, options, label) {
  const page = await openPage(browser, options);
  const knn = recordRequests(page, '/knn-service');
  try {
    await page.goto(searchUrl(back, options.query), { waitUntil: 'commit' });
    await waitForMark(page, 'clip-front:first-results', options.timeoutMs);
    const t = await page.evaluate(readLoadTimeline);
    const ui = await page.evaluate(readUi);
    const entry = await knn.waitForResponse(() => true, { timeoutMs: options.timeoutMs });
    const knnMs = t.knn ? t.knn.responseEnd - t.knn.requestStart : null;
    return {
      label,
      firstResultsMs: t.firstResults,
      knnAnswerMs: knnMs,
      knnRequestStart: t.knn?.requestStart ?? null,
      knnResponseEnd: t.knn?.responseEnd ?? null,
      uiAfterKnnMs: t.knn && t.firstResults !== null ? t.firstResults - t.knn.responseEnd : null,
      beforeKnnMs: t.knn?.requestStart ?? null, // navigation → the request leaves (script, config, indices)
      knnResponseBytes: t.knn?.decodedBodySize ?? null,
      knnEncodedBytes: t.knn?.encodedBodySize ?? null, // 28.9 kB: brotli; 39.3 kB: gzip; = decoded: none
      results: Array.isArray(entry.response) ? entry.response.length : null,
      requestProblems: checkKnnRequest(entry.body, 3000),
      longTasksBeforeFirstResults: t.longTasks.filter((l) => l.start < t.firstResults),
      timeline: t,
      ui,
      consoleErrors: page.unexpectedErrors(),
    };
  } finally {
    knn.stop();
    await page.close();
  }
}

async function scrollRun(browser, back, options, label, { smooth }) {
  const page = await openPage(browser, options);
  const metadata = recordRequests(page, '/metadata');
  try {
    await page.goto(searchUrl(back, options.query), { waitUntil: 'commit' });
    await waitForMark(page, 'clip-front:first-results', options.timeoutMs);
    const cdp = options.profile && smooth ? await page.context().newCDPSession(page) : null;
    if (cdp) {
      await cdp.send('Profiler.enable');
      await cdp.send('Profiler.setSamplingInterval', { interval: 200 });
      await cdp.send('Profiler.start');
    }
    const result = await page.evaluate(scrollToEnd, { timeoutMs: options.timeoutMs });
    let profile = null;
    if (cdp) {
      ({ profile } = await cdp.send('Profiler.stop'));
      await cdp.detach().catch(() => {});
      fs.mkdirSync(options.out, { recursive: true });
      fs.writeFileSync(path.join(options.out, 'scroll-to-end.cpuprofile'), JSON.stringify(profile));
    }
    const ui = await page.evaluate(readUi);
    const longTasks = await page.evaluate(() => window.__bench.longTasks);
    const during = longTasks.filter((l) => l.start >= result.firstResults && l.start <= result.end);
    const out = {
      label,
      outcome: result.outcome,
      firstResultsMs: result.firstResults,
      toAllMetadataMs: result.allMetadata !== null ? result.allMetadata - result.firstResults : null,
      toLastRowMs: result.lastRowInDom !== undefined ? result.lastRowInDom - result.firstResults : null,
      driverFrames: result.frames,
      driverScrolls: result.scrolls,
      metadataRequests: metadata.count(),
      metadataRequestsInTimeline: result.metadataRequests,
      metadataBeforeScroll: result.metadataRequestsBefore,
      metadataAnswerMs: summary(result.metadataAnswerMs),
      metadataGapMs: summary(result.metadataGapMs),
      firstMetadataAfterFirstResultsMs: result.firstMetadataRequestStart !== null ? result.firstMetadataRequestStart - result.firstResults : null,
      metadataFailures: metadata.entries.filter((e) => e.failure || (e.status && e.status !== 200)).map((e) => e.failure ?? e.status),
      metadataIdsAsked: metadata.entries.reduce((s, e) => s + (e.body?.ids?.length ?? 0), 0),
      longTasks: { count: during.length, longestMs: round(during.length ? Math.max(...during.map((l) => l.duration)) : 0), totalMs: round(during.reduce((s, l) => s + l.duration, 0)) },
      status: result.status,
      shown: result.shown,
      total: result.total,
      ui,
      consoleErrors: page.unexpectedErrors(),
      ...(profile ? { profile: profileSummary(profile) } : {}),
    };
    if (smooth && result.outcome === 'done') out.smooth = await smoothness(page, options);
    return out;
  } finally {
    metadata.stop();
    await page.close();
  }
}

// Self time by function of a CDP CPU profile (top `limit`).
function profileSummary(profile, limit = 15) {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map();
  profile.samples.forEach((id, i) => {
    const node = byId.get(id);
    const f = node.callFrame;
    const where = f.url ? `${path.basename(f.url)}:${f.lineNumber + 1}:${f.columnNumber + 1}` : '';
    const key = `${f.functionName || '(anonymous)'}${where ? ` ${where}` : ''}`;
    self.set(key, (self.get(key) ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000);
  });
  const total = [...self.values()].reduce((x, y) => x + y, 0);
  return {
    totalMs: round(total),
    top: [...self.entries()].sort((x, y) => y[1] - x[1]).slice(0, limit).map(([fn, ms]) => ({ fn, ms: round(ms), pct: round((100 * ms) / total) })),
  };
}

// Smoothness with all metadata loaded, from the top each time, frame intervals from rAF in the
// page and long tasks during each pass:
//   idle     no scrolling for 1 s (the frame rate this browser/machine gives at rest)
//   wheel    Playwright mouse.wheel steps of 240 px, back to back, for smoothMs (each waits
//            for the browser's ack: a fast human scroll, over part of the page)
//   gesture  CDP Input.synthesizeScrollGesture (mouse wheel source) over the whole page at the
//            speed that takes smoothMs
//   scrollTo window.scrollTo at every animation frame, the whole page in smoothMs
async function smoothness(page, options) {
  const results = {};
  const { width, height } = options.viewportSize;
  const mouse = { x: Math.round(width * 0.7), y: Math.round(height * 0.6) }; // over the grid, not the settings panel
  const toTop = async () => {
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.waitForTimeout(700); // let the images of the first rows load
  };
  const longTasksSince = async (from) => (await page.evaluate(() => window.__bench.longTasks)).slice(from);
  const pass = async (name, body) => {
    await toTop();
    const from = await page.evaluate(() => window.__bench.longTasks.length);
    const t0 = Date.now();
    const recorded = await body();
    const long = await longTasksSince(from);
    results[name] = {
      wallMs: Date.now() - t0,
      reachedBottom: recorded.scrollY >= recorded.bottom - 1,
      scrollY: Math.round(recorded.scrollY),
      bottom: recorded.bottom,
      ...frameStats(recorded.times),
      longTasks: long.length,
      longestTaskMs: round(long.length ? Math.max(...long.map((l) => l.duration)) : 0),
      ...(recorded.extra ?? {}),
    };
  };

  await pass('idle', async () => {
    await page.evaluate(startFrames);
    await page.waitForTimeout(1000);
    return page.evaluate(stopFrames);
  });

  await page.mouse.move(mouse.x, mouse.y);
  await pass('wheel', async () => {
    const step = 240;
    await page.evaluate(startFrames);
    const t0 = Date.now();
    let wheels = 0;
    while (Date.now() - t0 < options.smoothMs) {
      await page.mouse.wheel(0, step);
      wheels++;
    }
    await page.waitForTimeout(100);
    return { ...(await page.evaluate(stopFrames)), extra: { stepPx: step, wheels } };
  });

  let cdp = null;
  try {
    cdp = await page.context().newCDPSession(page);
  } catch (error) {
    results.gestureError = String(error?.message ?? error);
  }
  if (cdp) {
    await pass('gesture', async () => {
      const bottom = await page.evaluate(() => document.documentElement.scrollHeight - window.innerHeight);
      const speed = Math.round(bottom / (options.smoothMs / 1000));
      await page.evaluate(startFrames);
      if (options.profile) {
        await cdp.send('Profiler.enable');
        await cdp.send('Profiler.setSamplingInterval', { interval: 200 });
        await cdp.send('Profiler.start');
      }
      await cdp.send('Input.synthesizeScrollGesture', {
        x: mouse.x,
        y: mouse.y,
        yDistance: -bottom,
        speed,
        gestureSourceType: 'mouse',
        preventFling: true,
      });
      let profile = null;
      if (options.profile) {
        ({ profile } = await cdp.send('Profiler.stop'));
        fs.mkdirSync(options.out, { recursive: true });
        fs.writeFileSync(path.join(options.out, 'gesture.cpuprofile'), JSON.stringify(profile));
      }
      await page.waitForTimeout(100);
      return { ...(await page.evaluate(stopFrames)), extra: { speedPxPerS: speed, ...(profile ? { profile: profileSummary(profile) } : {}) } };
    });
    await cdp.detach().catch(() => {});
  }

  await pass('scrollTo', async () => {
    const timed = await page.evaluate(timedScroll, { durationMs: options.smoothMs });
    return { ...timed, extra: { pxPerFrame: round(timed.bottom / Math.max(1, timed.times.length - 1), 0) } };
  });
  results.cardsInDomAfter = (await page.evaluate(readUi)).cardsInDom;
  return results;
}

// ---------------------------------------------------------------------------------------------
// Report

function expectedDisplay(fixture, query, k) {
  const ids = fixture.expected(query, { modality: 'image', k }).map((r) => r.id);
  const seen = new Set();
  let duplicateUrls = 0;
  for (const id of ids) {
    const url = fixture.samples[id].url;
    if (seen.has(url)) duplicateUrls++;
    seen.add(url);
  }
  const broken = ids.filter((id) => fixture.samples[id].broken).length;
  // hideDuplicateUrls (on by default) drops the repeated url; broken images disappear only once
  // their <img> has been rendered and failed, so the final count lies in [max, max - broken].
  return { ids: ids.length, duplicateUrls, broken, maxShown: ids.length - duplicateUrls, minShown: ids.length - duplicateUrls - broken };
}

function markdown(report) {
  const L = [];
  const m = report.machine;
  const load = report.load;
  const sc = report.scroll;
  const b = report.bundle;
  const kB = (x) => `${(x / 1000).toFixed(1)} kB`;
  L.push(`Machine: ${m.cpuModel}, ${m.onlineCores} cores (${m.cpus} CPUs), AVX2 ${m.avx2 ? 'yes' : 'no'}, AVX-512 ${m.avx512.length ? m.avx512.join(' ') : 'none'}; ${m.chromium}; node ${m.node}; ${m.dateUtc}; load average ${m.loadAverage.join(' ')}; commit ${m.gitCommit}${m.frontDirty ? ' (front/ modified)' : ''}`);
  L.push(`Fixture: N=${report.fixture.n} (${report.fixture.indexKey}), query ${JSON.stringify(report.options.query)}, num_result_ids 3000, dedup/safety/violence off; viewport ${report.options.viewport}; Accept-Encoding ${report.options.acceptEncoding ? JSON.stringify(report.options.acceptEncoding) : "chromium's (gzip, deflate, br, zstd)"}; ${load.runs.length} page loads (+${report.options.warmup} warm-up), ${sc.runs.length} scroll runs`);
  L.push('');
  L.push('| measure | result | target |');
  L.push('|---|---|---|');
  L.push(`| navigation → first results | ${fmt(load.firstResultsMs)} | |`);
  L.push(`| navigation → script loaded (responseEnd) | ${fmt(load.scriptLoadedMs)} | |`);
  L.push(`| navigation → /knn-service request sent | ${fmt(load.beforeKnnMs)} | |`);
  L.push(`| back's answer (knn responseEnd − requestStart) | ${fmt(load.knnAnswerMs)}; ${load.runs[0]?.knnEncodedBytes ?? '?'} B on the wire for ${load.runs[0]?.knnResponseBytes ?? '?'} B of JSON | |`);
  L.push(`| first results − knn responseEnd (UI time) | ${fmt(load.uiAfterKnnMs)} | ≤ 300 ms |`);
  L.push(`| long tasks before first results (per load) | ${fmt(load.longTasksBeforeFirstResults, '')} ; longest ${fmt(load.longestTaskBeforeFirstResults)} | |`);
  L.push(`| first results → all metadata | ${fmt(sc.toAllMetadataMs)} | |`);
  L.push(`| first results → last row rendered | ${fmt(sc.toLastRowMs)} | |`);
  L.push(`| /metadata requests (40 ids each) | ${fmt(sc.metadataRequests, '')} | |`);
  L.push(`| /metadata answer (responseEnd − requestStart), median of run medians | ${fmt(sc.metadataAnswerMs)} | |`);
  L.push(`| between pages (next /metadata requestStart − previous responseEnd), median of run medians | ${fmt(sc.metadataGapMs)} | |`);
  L.push(`| status at the end | ${sc.runs.map((r) => `"${r.status}"`).filter((v, i, a) => a.indexOf(v) === i).join(', ')} (expected ${report.expected.minShown}–${report.expected.maxShown} of ${report.expected.ids}) | |`);
  L.push(`| long tasks while scrolling to the end | ${fmt(sc.longTaskCount, '')} ; longest ${fmt(sc.longestTaskMs)} | |`);
  L.push(`| result cards in the DOM at the end | ${fmt(sc.cardsInDom, '')} | ≪ 3000 |`);
  if (sc.smooth) {
    const sm = sc.smooth;
    const line = (label, r) => r && L.push(`| ${label}${r.reachedBottom || label.startsWith('idle') || label.startsWith('wheel') ? '' : ', bottom NOT reached'}: frame interval median / p95 / max | ${r.medianMs} / ${r.p95Ms} / ${r.maxMs} ms; ${r.over50ms} of ${r.frames} frames > 50 ms; ${r.longTasks} long tasks (longest ${r.longestTaskMs} ms) | |`);
    line('idle, 1 s, no scrolling', sm.idle);
    if (sm.wheel) line(`wheel: ${sm.wheel.wheels} × ${sm.wheel.stepPx} px for ${report.options.smoothMs} ms (${sm.wheel.scrollY} px covered)`, sm.wheel);
    if (sm.gesture) line(`wheel gesture (CDP) top → bottom, ${sm.gesture.bottom} px at ${sm.gesture.speedPxPerS} px/s (took ${sm.gesture.wallMs} ms)`, sm.gesture);
    if (sm.gestureError) L.push(`| wheel gesture (CDP) | not run: ${sm.gestureError} | |`);
    line(`scrollTo per frame top → bottom in ${report.options.smoothMs} ms (${sm.scrollTo.pxPerFrame} px/frame)`, sm.scrollTo);
  }
  L.push(`| bundle: JS+CSS gzip -9 | ${kB(b.jsCssGzip)} (raw ${kB(b.jsCssRaw)}) | ≤ 150 kB |`);
  L.push(`| bundle: all of front/dist gzip -9 | ${kB(b.totalGzip)} (raw ${kB(b.totalRaw)}) | |`);
  L.push('');
  L.push('| front/dist file | raw | gzip -9 |');
  L.push('|---|---|---|');
  for (const f of b.files) L.push(`| ${f.file} | ${f.raw} B | ${f.gzip} B |`);
  if (report.issues.length) {
    L.push('');
    L.push('Issues seen:');
    for (const issue of report.issues) L.push(`- ${issue}`);
  }
  return L.join('\n');
}

// ---------------------------------------------------------------------------------------------

async function main() {
  const options = parseArgs(process.argv.slice(2));
  const machine = machineInfo();
  const dist = frontDistPath();
  if (!fs.existsSync(path.join(dist, 'index.html'))) throw new Error(`no built front at ${dist} (cd front && npm ci && npm run build)`);
  const bundle = bundleSizes(dist);
  const log = (s) => process.stderr.write(`[front-bench] ${s}\n`);

  log(`fixture N=${options.n} ...`);
  const fixture = await getFixture({ n: options.n });
  const expected = expectedDisplay(fixture, options.query, 3000);
  const back = await startBack({ fixture });
  log(`back at ${back.url}; chromium ...`);
  const browser = await launchBrowser();
  const issues = [];
  const report = { options: { ...options, viewportSize: undefined }, machine, fixture: { n: fixture.n, indexKey: fixture.indexKey ?? 'Flat', folder: fixture.folder }, expected, bundle, issues };
  try {
    // 1. page loads
    const loads = [];
    for (let i = 0; i < options.warmup + options.runs; ++i) {
      const warm = i < options.warmup;
      const r = await pageLoad(browser, back, options, warm ? `warm-up ${i + 1}` : `run ${i - options.warmup + 1}`);
      log(`${r.label}: first results ${round(r.firstResultsMs)} ms, knn ${round(r.knnAnswerMs)} ms, UI after knn ${round(r.uiAfterKnnMs)} ms, ${r.ui.status}`);
      if (!warm) loads.push(r);
    }
    const lt = loads.map((r) => r.longTasksBeforeFirstResults);
    report.load = {
      runs: loads,
      firstResultsMs: summary(loads.map((r) => r.firstResultsMs)),
      beforeKnnMs: summary(loads.map((r) => r.beforeKnnMs)),
      scriptLoadedMs: summary(loads.map((r) => r.timeline.script?.responseEnd ?? null)),
      knnAnswerMs: summary(loads.map((r) => r.knnAnswerMs)),
      uiAfterKnnMs: summary(loads.map((r) => r.uiAfterKnnMs)),
      longTasksBeforeFirstResults: summary(lt.map((l) => l.length)),
      longestTaskBeforeFirstResults: summary(lt.map((l) => (l.length ? Math.max(...l.map((x) => x.duration)) : 0))),
    };
    for (const r of loads) {
      if (r.results !== 3000) issues.push(`${r.label}: /knn-service returned ${r.results} results, expected 3000`);
      for (const p of r.requestProblems) issues.push(`${r.label}: /knn-service request: ${p}`);
      if (r.timeline.knnCount !== 1) issues.push(`${r.label}: ${r.timeline.knnCount} /knn-service requests on load`);
      if (r.timeline.longTaskObserverError) issues.push(`long task observer: ${r.timeline.longTaskObserverError}`);
      for (const e of r.consoleErrors) issues.push(`${r.label}: console error: ${e.text}`);
    }

    // 2. scrolling to the end
    const scrolls = [];
    for (let i = 0; i < options.scrollRuns; ++i) {
      const last = i === options.scrollRuns - 1;
      const r = await scrollRun(browser, back, options, `scroll ${i + 1}`, { smooth: last && !options.skipSmooth });
      log(`${r.label}: ${r.outcome}; all metadata +${round(r.toAllMetadataMs)} ms, last row +${round(r.toLastRowMs)} ms, ${r.metadataRequests} /metadata, ${r.longTasks.count} long tasks (longest ${r.longTasks.longestMs} ms), ${r.ui.cardsInDom} cards in DOM, "${r.status}"`);
      if (r.smooth) for (const [k, v] of Object.entries(r.smooth)) log(`${r.label}: smooth ${k} ${JSON.stringify(v)}`);
      scrolls.push(r);
    }
    const smoothRun = scrolls.find((r) => r.smooth);
    report.scroll = {
      runs: scrolls,
      toAllMetadataMs: summary(scrolls.map((r) => r.toAllMetadataMs)),
      toLastRowMs: summary(scrolls.map((r) => r.toLastRowMs)),
      metadataRequests: summary(scrolls.map((r) => r.metadataRequests)),
      metadataAnswerMs: summary(scrolls.map((r) => r.metadataAnswerMs.median)),
      metadataGapMs: summary(scrolls.map((r) => r.metadataGapMs.median)),
      longTaskCount: summary(scrolls.map((r) => r.longTasks.count)),
      longestTaskMs: summary(scrolls.map((r) => r.longTasks.longestMs)),
      cardsInDom: summary(scrolls.map((r) => r.ui.cardsInDom)),
      smooth: smoothRun?.smooth ?? null,
    };
    for (const r of scrolls) {
      if (r.outcome !== 'done') issues.push(`${r.label}: scrolling did not finish (${r.outcome}): status "${r.status}", ${r.metadataRequests} /metadata requests, all-metadata mark ${r.toAllMetadataMs === null ? 'missing' : 'present'}, alerts ${JSON.stringify(r.ui.alerts)}`);
      if (r.total !== null && r.total !== expected.ids) issues.push(`${r.label}: status total ${r.total}, expected ${expected.ids}`);
      if (r.shown !== null && (r.shown < expected.minShown || r.shown > expected.maxShown)) issues.push(`${r.label}: status shows ${r.shown}, expected ${expected.minShown}..${expected.maxShown}`);
      const pages = Math.ceil((expected.ids - 40) / 40);
      if (r.outcome === 'done' && r.metadataRequests !== pages) issues.push(`${r.label}: ${r.metadataRequests} /metadata requests, expected ${pages} (${expected.ids - 40} ids / 40)`);
      if (r.metadataIdsAsked !== expected.ids - 40) issues.push(`${r.label}: /metadata asked for ${r.metadataIdsAsked} ids in all, expected ${expected.ids - 40}`);
      if (r.metadataFailures.length) issues.push(`${r.label}: failed /metadata requests: ${JSON.stringify(r.metadataFailures)}`);
      if (r.longTasks.count > 0) issues.push(`${r.label}: ${r.longTasks.count} long task(s) while scrolling, longest ${r.longTasks.longestMs} ms`);
      for (const e of r.consoleErrors) issues.push(`${r.label}: console error: ${e.text}`);
    }
    const s = report.scroll.smooth;
    if (s) {
      for (const name of ['wheel', 'gesture', 'scrollTo']) {
        const r = s[name];
        if (!r) continue;
        if (name !== 'wheel' && !r.reachedBottom) issues.push(`smoothness (${name}): bottom not reached (scrollY ${r.scrollY} of ${r.bottom})`);
        if (r.over50ms) issues.push(`smoothness (${name}): ${r.over50ms} of ${r.frames} frames over 50 ms (max ${r.maxMs} ms), ${r.longTasks} long tasks (longest ${r.longestTaskMs} ms)`);
      }
    }
    if (report.load.uiAfterKnnMs.median > 300) issues.push(`first results − knn responseEnd median ${report.load.uiAfterKnnMs.median} ms > 300 ms target`);
    if (bundle.jsCssGzip > 150000) issues.push(`JS+CSS gzip ${bundle.jsCssGzip} B > 150 kB target`);
  } finally {
    await browser.close().catch(() => {});
    await back.stop();
  }

  const table = markdown(report);
  console.log(table);
  fs.mkdirSync(options.out, { recursive: true });
  const stamp = machine.dateUtc.replace(/[:.]/g, '-');
  const file = path.join(options.out, `front-bench-${stamp}.json`);
  const json = JSON.stringify({ ...report, markdown: table }, null, 1);
  fs.writeFileSync(file, json);
  fs.writeFileSync(path.join(options.out, 'latest.json'), json);
  process.stderr.write(`[front-bench] wrote ${file}\n`);
}

main().then(
  () => process.exit(0),
  (error) => {
    console.error(error?.stack || String(error));
    process.exit(1);
  },
);
