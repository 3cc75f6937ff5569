// Harness of the browser tests: the back as a child process, chromium through playwright-core,
// pages that record console errors, screenshots, and a recorder of the front's API requests.
//
//   const fixture = await getFixture();
//   const back = await startBack({ fixture });          // back.url = http://127.0.0.1:PORT
//   const browser = await launchBrowser();
//   const page = await newPage(browser, { colorScheme: 'dark' });
//   const knn = recordRequests(page, '/knn-service');
//   await page.goto(back.url);
//   const body = await knn.waitFor((b) => b.text === 'cat');
//   await saveScreenshot(page, 'search-dark');
//   page.assertNoConsoleErrors();
//   await browser.close(); await back.stop();
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { spawn } from 'node:child_process';

import { chromium } from 'playwright-core';

import { frontDistPath, keepWork, makeTempFolder, onExit, sleep, trackChild, untrackChild, waitForBinary, workPath } from './env.mjs';
import { COLUMNS } from './fixture.mjs';

export { getFixture } from './fixture.mjs';
export { frontDistPath, workPath, binaryPath, repoRoot } from './env.mjs';

// Polls `fn` until it returns a truthy value (returned) or `timeoutMs` passes (throws `message`
// with the last value/error).
export async function waitUntil(fn, { timeoutMs = 10000, intervalMs = 50, message = 'condition' } = {}) {
  const deadline = Date.now() + timeoutMs;
  let last;
  for (;;) {
    try {
      const value = await fn();
      if (value) return value;
      last = value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) {
      const detail = last instanceof Error ? last.message : JSON.stringify(last);
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${message} (last: ${detail})`);
    }
    await sleep(intervalMs);
  }
}

// ---------------------------------------------------------------------------------------------
// The back

let backCount = 0;

// Starts `clip-retrieval back` on a free port over the fixture's indices.
// Options:
//   fixture        from getFixture() (required)
//   frontFolder    --front_folder (default $CLIPRET_FRONT_DIST or <repo>/front/dist; null: no
//                  --front_folder option, the back's own default)
//   columns        --columns_to_return (default ['url', 'caption', 'key'])
//   safety         --provide_safety_model with the fixture's head (default true)
//   violence       --provide_violence_detector with the fixture's prompts (default true)
//   aesthetic      --aesthetic_embeddings_folder with the fixture's vectors (default true)
//   indicesPaths   another indices_paths.json (default the fixture's: example_index, text_only)
//   port           --port (default 0: a free port, read from the log)
//   extraArgs      more arguments, appended last (the CLI refuses an option given twice)
//   timeoutMs      how long to wait for "listening on" (default 60 s)
// Returns {url, port, logFile, process, args, log() (the log so far), stop()}.
export async function startBack(options = {}) {
  const { fixture } = options;
  if (!fixture) throw new Error('startBack: fixture is required');
  const frontFolder = options.frontFolder === undefined ? frontDistPath() : options.frontFolder;
  const temp = makeTempFolder('back-');
  const args = [
    'back',
    '--port', String(options.port ?? 0),
    '--host', '127.0.0.1',
    '--indices_paths', options.indicesPaths ?? fixture.indicesPaths,
    '--clip_model', fixture.modelFolder,
    '--clip_cache_path', path.join(temp, 'cache'),
    '--columns_to_return', JSON.stringify(options.columns ?? COLUMNS),
  ];
  if (frontFolder !== null) args.push('--front_folder', frontFolder);
  if (options.safety ?? true) args.push('--provide_safety_model', 'True', '--safety_model_path', fixture.safetyModelPath);
  if (options.violence ?? true) args.push('--provide_violence_detector', 'True', '--violence_detector_path', fixture.violencePath);
  if (options.aesthetic ?? true) args.push('--aesthetic_embeddings_folder', fixture.aestheticFolder);
  else args.push('--provide_aesthetic_embeddings', 'False');
  args.push(...(options.extraArgs ?? []));
  return startServer('back', args, { temp, logFile: options.logFile, timeoutMs: options.timeoutMs });
}

// Starts `clip-retrieval front` (the web UI alone, no indices) on a free port. Options:
//   defaultBackend  --default_backend (the back the UI queries first; required here, since the
//                   command's own default, port 1234 of the page's host, is nobody in these tests)
//   defaultIndex    --default_index
//   urlColumn       --url_column
//   frontFolder     --front_folder (default $CLIPRET_FRONT_DIST or <repo>/front/dist)
//   port, extraArgs, timeoutMs, logFile as startBack
// Returns what startBack returns.
export async function startFront(options = {}) {
  if (!options.defaultBackend) throw new Error('startFront: defaultBackend is required');
  const args = ['front', '--port', String(options.port ?? 0), '--host', '127.0.0.1', '--default_backend', options.defaultBackend,
    '--front_folder', options.frontFolder ?? frontDistPath()];
  if (options.defaultIndex) args.push('--default_index', options.defaultIndex);
  if (options.urlColumn) args.push('--url_column', options.urlColumn);
  args.push(...(options.extraArgs ?? []));
  return startServer('front', args, { temp: makeTempFolder('front-'), logFile: options.logFile, timeoutMs: options.timeoutMs });
}

// A TCP port that was free a moment ago (listen on 0, close): for a server that must be
// unreachable now and started on that port later.
export async function freePort() {
  const server = net.createServer();
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address();
  await new Promise((resolve) => server.close(resolve));
  return port;
}

// Runs `clip-retrieval <args>` (a server logging "listening on http://HOST:PORT") as a tracked
// child, and waits for that line.
async function startServer(name, args, { temp, logFile: givenLog, timeoutMs = 60000 }) {
  const binary = await waitForBinary();
  const number = ++backCount;
  const logFile = givenLog ?? path.join(temp, `${name}-${number}.log`);

  const log = fs.openSync(logFile, 'w');
  fs.writeSync(log, `$ ${binary} ${args.join(' ')}\n`);
  const child = trackChild(spawn(binary, args, { stdio: ['ignore', log, log] }));
  fs.closeSync(log);
  child.unref(); // a forgotten server does not hold the test process open (it is killed at exit)
  const readLog = () => fs.readFileSync(logFile, 'utf8');
  const tail = () => readLog().split('\n').slice(-30).join('\n');
  let exited = null;
  child.once('exit', (code, signal) => {
    exited = { code, signal };
  });
  child.once('error', (error) => {
    exited = { error };
  });

  const stop = async () => {
    removeHook();
    if (exited) return exited;
    child.kill('SIGTERM');
    const deadline = Date.now() + 5000;
    while (!exited && Date.now() < deadline) await sleep(20);
    if (!exited) {
      child.kill('SIGKILL');
      await waitUntil(() => exited, { timeoutMs: 5000, message: `${name} pid ${child.pid} to exit after SIGKILL` });
    }
    untrackChild(child);
    return exited;
  };
  const removeHook = onExit(() => {
    if (!exited) child.kill('SIGKILL');
  });

  const deadline = Date.now() + timeoutMs;
  let port = null;
  while (port === null) {
    const match = /listening on http:\/\/[^\s:]+:(\d+)/.exec(readLog());
    if (match) {
      port = Number(match[1]);
      break;
    }
    if (exited) throw new Error(`clip-retrieval ${name} exited before listening (${JSON.stringify(exited)}); log ${logFile}:\n${tail()}`);
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`clip-retrieval ${name} did not log "listening on" within ${timeoutMs} ms; log ${logFile}:\n${tail()}`);
    }
    await sleep(25);
  }
  return { url: `http://127.0.0.1:${port}`, port, logFile, process: child, args, log: readLog, stop };
}

// POSTs JSON to the back: {status, json, text, headers}. json is null when the body is not JSON.
export async function postJson(back, pathname, body, { timeoutMs = 15000 } = {}) {
  const res = await fetch(new URL(pathname, back.url ?? back), {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: typeof body === 'string' ? body : JSON.stringify(body),
    signal: AbortSignal.timeout(timeoutMs),
  });
  const text = await res.text();
  let json = null;
  try {
    json = JSON.parse(text);
  } catch {
    // not JSON
  }
  return { status: res.status, json, text, headers: res.headers };
}

export async function getJson(back, pathname, { timeoutMs = 15000 } = {}) {
  const res = await fetch(new URL(pathname, back.url ?? back), { signal: AbortSignal.timeout(timeoutMs) });
  const text = await res.text();
  let json = null;
  try {
    json = JSON.parse(text);
  } catch {
    // not JSON
  }
  return { status: res.status, json, text, headers: res.headers };
}

// A /knn-service request with the front's usual fields; `overrides` replace them.
export function knnRequest(overrides = {}) {
  return {
    text: 'a red square with stripes',
    image: null,
    image_url: null,
    embedding_input: null,
    modality: 'image',
    num_images: 40,
    indice_name: 'example_index',
    num_result_ids: 40,
    use_mclip: false,
    deduplicate: false,
    use_safety_model: false,
    use_violence_detector: false,
    aesthetic_score: '',
    aesthetic_weight: '',
    ...overrides,
  };
}

// ---------------------------------------------------------------------------------------------
// The browser

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

// Chromium (default /usr/bin/chromium, env CLIPRET_CHROMIUM) through playwright-core. Headless
// unless CLIPRET_HEADLESS=0. Playwright kills it if this process exits with it open.
export async function launchBrowser({ headless = process.env.CLIPRET_HEADLESS !== '0', args = [], timeoutMs = 60000 } = {}) {
  const executablePath = process.env.CLIPRET_CHROMIUM || '/usr/bin/chromium';
  if (!fs.existsSync(executablePath)) throw new Error(`chromium not found at ${executablePath} (set CLIPRET_CHROMIUM)`);
  // playwright kills the browsers it launched when this process exits.
  return chromium.launch({ executablePath, headless, args: [...CHROMIUM_ARGS, ...args], timeout: timeoutMs });
}

// Console messages that are expected: the fixture's broken image urls (/img/missing/) answer 404,
// which chromium logs as "Failed to load resource".
export function isExpectedConsoleError(message) {
  return /Failed to load resource/.test(message.text) && /\/img\/missing\//.test(message.url ?? '');
}

// An ignoreConsole for newPage that also expects the listed failed requests (chromium logs every
// non-2xx fetch and every refused connection as a console error): each rule {url: RegExp (of the
// request url), status?: number (the HTTP status; absent: a network error such as
// ERR_CONNECTION_REFUSED)}. Anything else stays unexpected.
export function expectFailedRequests(...rules) {
  return (message) => isExpectedConsoleError(message) || (/Failed to load resource/.test(message.text) && rules.some((rule) =>
    rule.url.test(message.url ?? '') &&
    (rule.status === undefined ? /net::ERR_/.test(message.text) : message.text.includes(`status of ${rule.status} `))));
}

// A page in a fresh context. Options: colorScheme ('light' | 'dark'), viewport ({width, height};
// default 1280x800), deviceScaleFactor, ignoreConsole (function(message) -> true to ignore; default
// isExpectedConsoleError), defaultTimeoutMs (page actions, default 10 s).
// The page gets:
//   page.consoleErrors  [{type: 'console' | 'pageerror', text, url}] (all, ignored ones included)
//   page.unexpectedErrors()  those not ignored
//   page.assertNoConsoleErrors(label?)  throws listing them
// Closing the page closes its context.
export async function newPage(browser, options = {}) {
  const context = await browser.newContext({
    colorScheme: options.colorScheme ?? 'light',
    viewport: options.viewport ?? { width: 1280, height: 800 },
    deviceScaleFactor: options.deviceScaleFactor ?? 1,
    reducedMotion: options.reducedMotion ?? 'no-preference',
  });
  const page = await context.newPage();
  page.setDefaultTimeout(options.defaultTimeoutMs ?? 10000);
  const ignore = options.ignoreConsole ?? isExpectedConsoleError;
  const errors = [];
  page.on('console', (msg) => {
    if (msg.type() !== 'error') return;
    errors.push({ type: 'console', text: msg.text(), url: msg.location()?.url ?? '' });
  });
  page.on('pageerror', (error) => {
    errors.push({ type: 'pageerror', text: String(error?.stack || error), url: '' });
  });
  page.on('close', () => context.close().catch(() => {}));
  page.consoleErrors = errors;
  page.unexpectedErrors = () => errors.filter((e) => !ignore(e));
  page.assertNoConsoleErrors = (label = '') => {
    const unexpected = page.unexpectedErrors();
    if (unexpected.length) {
      throw new Error(`${label ? `${label}: ` : ''}${unexpected.length} console error(s) on ${page.url()}:\n` +
        unexpected.map((e) => `  [${e.type}] ${e.text}${e.url ? ` (${e.url})` : ''}`).join('\n'));
    }
  };
  return page;
}

// Screenshot into <work>/screenshots/<name>.png (kept after the run); returns the path.
export async function saveScreenshot(page, name, { fullPage = true } = {}) {
  const folder = path.join(workPath(), 'screenshots');
  fs.mkdirSync(folder, { recursive: true });
  const file = path.join(folder, `${name.replace(/[^\w.-]+/g, '_')}.png`);
  await page.screenshot({ path: file, fullPage });
  return file;
}

// Records the POSTs the page sends to URLs whose path ends with `pathSuffix` (e.g. '/knn-service',
// '/metadata') and their answers. Returns:
//   bodies       parsed JSON bodies, in order (null for a body that is not JSON)
//   entries      [{url, body, status?, response? (parsed JSON answer), failure?, inFlight (earlier
//                requests to this path still unanswered when this one was sent), sentAt, answeredAt?}]
//   waitFor(predicate(body, entry) -> bool, {timeoutMs, message, fromIndex}) -> body: the first
//                recorded body (from fromIndex, default 0) matching; waits for one to come
//   waitForResponse(predicate(body, entry), opts) -> entry once its answer has arrived
//   count(), clear(), stop()
export function recordRequests(page, pathSuffix) {
  const entries = [];
  const byRequest = new Map();
  const matches = (request) => request.method() === 'POST' && new URL(request.url()).pathname.endsWith(pathSuffix);
  const onRequest = (request) => {
    if (!matches(request)) return;
    let body = null;
    try {
      body = request.postDataJSON();
    } catch {
      body = null;
    }
    // inFlight: how many earlier requests to this path had no answer yet when this one was sent.
    const inFlight = entries.filter((e) => e.status === undefined && e.failure === undefined).length;
    const entry = { url: request.url(), body, status: undefined, response: undefined, done: false, inFlight, sentAt: Date.now() };
    entries.push(entry);
    byRequest.set(request, entry);
  };
  const onResponse = async (response) => {
    const entry = byRequest.get(response.request());
    if (!entry) return;
    entry.status = response.status();
    entry.answeredAt = Date.now();
    try {
      entry.response = await response.json();
    } catch {
      entry.response = null;
    }
    entry.done = true;
  };
  const onFailed = (request) => {
    const entry = byRequest.get(request);
    if (entry) {
      entry.failure = request.failure()?.errorText ?? 'failed';
      entry.done = true;
    }
  };
  page.on('request', onRequest);
  page.on('response', onResponse);
  page.on('requestfailed', onFailed);
  const find = (predicate, fromIndex, needDone) =>
    entries.slice(fromIndex).find((e) => (!needDone || e.done) && predicate(e.body, e));
  const describeAll = () => JSON.stringify(entries.map((e) => e.body)).slice(0, 2000);
  return {
    get bodies() {
      return entries.map((e) => e.body);
    },
    entries,
    count: () => entries.length,
    clear: () => {
      entries.length = 0;
      byRequest.clear();
    },
    stop: () => {
      page.off('request', onRequest);
      page.off('response', onResponse);
      page.off('requestfailed', onFailed);
    },
    async waitFor(predicate = () => true, { timeoutMs = 10000, message, fromIndex = 0 } = {}) {
      const entry = await waitUntil(() => find(predicate, fromIndex, false), {
        timeoutMs,
        message: message ?? `a POST to ${pathSuffix} matching the predicate (recorded: ${describeAll()})`,
      }).catch((error) => {
        throw new Error(`${error.message}\nrecorded ${pathSuffix} bodies: ${describeAll()}`);
      });
      return entry.body;
    },
    async waitForResponse(predicate = () => true, { timeoutMs = 10000, message, fromIndex = 0 } = {}) {
      return waitUntil(() => find(predicate, fromIndex, true), {
        timeoutMs,
        message: message ?? `the answer to a POST to ${pathSuffix} matching the predicate`,
      }).catch((error) => {
        throw new Error(`${error.message}\nrecorded ${pathSuffix} bodies: ${describeAll()}`);
      });
    },
  };
}

export { keepWork };
