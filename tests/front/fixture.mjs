// The browser tests' fixture, built with nothing but the clip-retrieval CLI and files written here:
// N generated PNGs in webdataset shards, a local image server, the tiny CLIP model folder,
// embeddings + indices (a full one and a text-only one), a safety head and violence prompts
// that drop known results, and indices_paths.json. See README.md for what it contains.
//
//   const fixture = await getFixture({ n: 120 });   // cached under $CLIPRET_FRONT_WORK/fixtures
//   fixture.indicesPaths, fixture.modelFolder, fixture.samples, fixture.safety.droppedIds.image ...
//
// Cached across processes (node --test runs each file in its own process) by a key of the
// options, the fixture version and the binary's size/mtime; built under a lock.
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import crypto from 'node:crypto';
import { spawn } from 'node:child_process';

import { buildTar, decodeNpy2d, encodeNpyFloat32, encodePng, encodeSafetensorsF32 } from './formats.mjs';
import { binaryPath, makeTempFolder, onExit, sharedPath, sleep, trackChild, untrackChild, waitForBinary, workPath } from './env.mjs';

// Bump when what the fixture contains changes: older caches are rebuilt.
export const FIXTURE_VERSION = 8;

export const IMAGE_SIZE = 64;
export const MAIN_INDEX = 'example_index';
export const TEXT_ONLY_INDEX = 'text_only';
// The metadata columns the harness asks the back to return (--columns_to_return).
export const COLUMNS = ['url', 'caption', 'key'];
// Ids whose samples share one url (and one picture): the second repeats the first.
export const DUPLICATE_IDS = [10, 11];
export const XSS_ID = 4;
export const MIN_N = 24;

// ---------------------------------------------------------------------------------------------
// Samples

const COLOURS = [
  { name: 'red', hue: 0 },
  { name: 'orange', hue: 30 },
  { name: 'yellow', hue: 56 },
  { name: 'green', hue: 120 },
  { name: 'cyan', hue: 185 },
  { name: 'blue', hue: 225 },
  { name: 'purple', hue: 275 },
  { name: 'pink', hue: 325 },
];
const PATTERNS = ['stripes', 'vertical stripes', 'a checkerboard', 'a circle', 'diagonal stripes'];

export function brokenIds(n) {
  return [...new Set([7, Math.floor(n / 2) + 3, n - 3])].sort((a, b) => a - b);
}

// The samples whose image embeddings serve as rating0..9.npy: not broken, not duplicated.
export function aestheticSampleIds(n) {
  const avoid = new Set([...brokenIds(n), ...DUPLICATE_IDS, XSS_ID]);
  const ids = [];
  for (let id = 20; ids.length < 10; id += Math.max(1, Math.floor((n - 20) / 10))) {
    if (!avoid.has(id % n)) ids.push(id % n);
  }
  return ids;
}

export function sampleKey(id) {
  return String(id).padStart(6, '0');
}

function hslToRgb(h, s, l) {
  const c = (1 - Math.abs(2 * l - 1)) * s;
  const hp = (((h % 360) + 360) % 360) / 60;
  const x = c * (1 - Math.abs((hp % 2) - 1));
  const [r, g, b] = hp < 1 ? [c, x, 0] : hp < 2 ? [x, c, 0] : hp < 3 ? [0, c, x] : hp < 4 ? [0, x, c] : hp < 5 ? [x, 0, c] : [c, 0, x];
  const m = l - c / 2;
  return [r + m, g + m, b + m].map((v) => Math.max(0, Math.min(255, Math.round(v * 255))));
}

// A deterministic pseudo-random generator (xorshift32) seeded by `seed`.
function rng(seed) {
  let state = (Math.imul(seed + 1, 2654435761) >>> 0) || 1;
  return () => {
    state ^= state << 13;
    state >>>= 0;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    return state / 4294967296;
  };
}

// The picture of sample `id`: a foreground colour (id % 8, its name in the caption) in a pattern
// (id / 8 % 5) over a background of another lightness; lightness, background hue, period and duty
// cycle drawn from a generator seeded by id, so the pictures (and their embeddings, which the
// tiny random model mostly derives from the mean colour) differ widely; plus the id's bits as a
// row of blocks at the bottom, so every picture differs.
function drawImage(id) {
  const size = IMAGE_SIZE;
  const random = rng(id);
  const colour = COLOURS[id % COLOURS.length];
  const patternIndex = Math.floor(id / COLOURS.length) % PATTERNS.length;
  const period = 3 + Math.floor(random() * 14);
  const duty = 0.2 + random() * 0.6;
  const fgLight = [0.25, 0.5, 0.7][Math.floor(random() * 3)];
  const bgLight = [0.04, 0.5, 0.96][Math.floor(random() * 3)];
  const fg = hslToRgb(colour.hue, 0.95, fgLight);
  const bg = hslToRgb(random() * 360, random(), bgLight);
  const radius = size * (0.15 + duty * 0.4);
  const rgb = new Uint8Array(size * size * 3);
  for (let y = 0; y < size; ++y) {
    for (let x = 0; x < size; ++x) {
      let on;
      switch (patternIndex) {
        case 0: on = (y % period) < duty * period; break;
        case 1: on = (x % period) < duty * period; break;
        case 2: on = (Math.floor(x / period) + Math.floor(y / period)) % 2 === 0; break;
        case 3: on = (x - size / 2) ** 2 + (y - size / 2) ** 2 < radius ** 2; break;
        default: on = ((x + y) % period) < duty * period; break;
      }
      if (y >= size - 6) {
        // bottom band: 12 bits of the id, 5 pixels each
        const bit = Math.floor(x / 5);
        on = bit < 12 ? ((id >> bit) & 1) === 1 : false;
        rgb.set(on ? [0, 0, 0] : [255, 255, 255], (y * size + x) * 3);
        continue;
      }
      rgb.set(on ? fg : bg, (y * size + x) * 3);
    }
  }
  return { rgb, colour: colour.name, pattern: PATTERNS[patternIndex] };
}

function captionOf(id, colour, pattern) {
  if (id === XSS_ID) {
    // Markup in a caption: a front that renders captions as HTML would run the handler.
    return `a ${colour} square <b>bold</b> & "quoted" <img src=x onerror="window.__xss=1"> ${id}`;
  }
  if (id === DUPLICATE_IDS[1]) return `a ${colour} square with ${pattern} ${id}, the same picture as ${DUPLICATE_IDS[0]}`;
  if (id % 10 === 3) {
    return `a ${colour} square with ${pattern}, photographed in soft morning light on an old wooden table ${id}`;
  }
  if (id % 14 === 2) return `un carré ${colour} au café, motif ${pattern}, façade naïve — 東京 🎨 ${id}`;
  if (id % 7 === 2) return `a ${colour} café sign with ${pattern} ${id}`;
  return `a ${colour} square with ${pattern} ${id}`;
}

// The samples of an n-image fixture (no I/O): id, key, caption, png bytes, and which url it gets.
export function makeSamples(n) {
  if (!Number.isInteger(n) || n < MIN_N || n > 4096) throw new Error(`fixture: n must be an integer in ${MIN_N}..4096, got ${n}`);
  const broken = new Set(brokenIds(n));
  const samples = [];
  for (let id = 0; id < n; ++id) {
    // The duplicate repeats the first one's picture (and url below).
    const drawnId = id === DUPLICATE_IDS[1] ? DUPLICATE_IDS[0] : id;
    const { rgb, colour, pattern } = drawImage(drawnId);
    const key = sampleKey(id);
    samples.push({
      id,
      key,
      caption: captionOf(id, colour, pattern),
      colour,
      pattern,
      png: encodePng(IMAGE_SIZE, IMAGE_SIZE, rgb),
      broken: broken.has(id),
      // the image file the url names (the duplicate names the first one's)
      imageName: `${sampleKey(drawnId)}.png`,
    });
  }
  return samples;
}

export function sampleUrl(port, sample) {
  return sample.broken
    ? `http://127.0.0.1:${port}/img/missing/${sample.key}.png`
    : `http://127.0.0.1:${port}/img/${sample.imageName}`;
}

// ---------------------------------------------------------------------------------------------
// Image server

// Serves images: Map name -> png bytes under /img/<name>, anything else 404; every answer with
// Access-Control-Allow-Origin: *. GET /__fixture answers {"id": fixtureId} so another process can
// tell that the port is held by a server of the same fixture.
export function createImageServer(images, fixtureId) {
  const stats = { requests: 0, notFound: 0 };
  return {
    stats,
    server: http.createServer((req, res) => {
      stats.requests += 1;
      const headers = { 'Access-Control-Allow-Origin': '*', 'Cache-Control': 'no-cache' };
      const url = new URL(req.url, 'http://localhost');
      if (url.pathname === '/__fixture') {
        res.writeHead(200, { ...headers, 'Content-Type': 'application/json' });
        res.end(JSON.stringify({ id: fixtureId }));
        return;
      }
      const match = /^\/img\/([^/]+)$/.exec(url.pathname);
      const body = match && (req.method === 'GET' || req.method === 'HEAD') ? images.get(match[1]) : undefined;
      if (!body) {
        stats.notFound += 1;
        res.writeHead(404, { ...headers, 'Content-Type': 'text/plain' });
        res.end('not found\n');
        return;
      }
      res.writeHead(200, { ...headers, 'Content-Type': 'image/png', 'Content-Length': body.length });
      res.end(req.method === 'HEAD' ? undefined : body);
    }),
  };
}

function listen(server, port) {
  return new Promise((resolve, reject) => {
    const onError = (error) => {
      server.off('listening', onListening);
      reject(error);
    };
    const onListening = () => {
      server.off('error', onError);
      resolve(server.address().port);
    };
    server.once('error', onError);
    server.once('listening', onListening);
    server.listen(port, '127.0.0.1');
  });
}

async function probeFixtureId(port) {
  try {
    const res = await fetch(`http://127.0.0.1:${port}/__fixture`, { signal: AbortSignal.timeout(2000) });
    if (!res.ok) return null;
    return (await res.json()).id ?? null;
  } catch {
    return null;
  }
}

// Starts the image server on `port` (0: a free one). When the port is held by a server of the same
// fixture (another test process), shares it and takes the port over as soon as that one goes.
// Returns {port, stop(), stats, owned()}; null when the port is held by something else.
export async function startImageServer(images, { port = 0, fixtureId }) {
  const { server, stats } = createImageServer(images, fixtureId);
  server.keepAliveTimeout = 1000;
  let owned = false;
  let timer = null;
  let stopped = false;
  const stop = () =>
    new Promise((resolve) => {
      stopped = true;
      if (timer) clearInterval(timer);
      removeHook();
      if (!owned) return resolve();
      server.closeAllConnections?.();
      server.close(() => resolve());
    });
  const removeHook = onExit(() => {
    if (owned) server.close();
  });
  try {
    port = await listen(server, port);
    owned = true;
    server.unref();
  } catch (error) {
    if (error.code !== 'EADDRINUSE' || !port) throw error;
    if ((await probeFixtureId(port)) !== fixtureId) {
      removeHook();
      return null;
    }
    // Shared with another process: take the port over when it lets go.
    let trying = false;
    timer = setInterval(async () => {
      if (owned || stopped || trying) return;
      trying = true;
      try {
        await listen(server, port);
        owned = true;
        server.unref();
        clearInterval(timer);
      } catch {
        // still held
      } finally {
        trying = false;
      }
    }, 100);
    timer.unref();
  }
  return { port, stop, stats, owned: () => owned };
}

// ---------------------------------------------------------------------------------------------
// Running the CLI

// Runs `clip-retrieval ARGS`; its output goes to `logFile`. Rejects with the log's tail when it
// fails or runs over `timeoutMs`.
export async function runCli(args, { logFile, timeoutMs = 600000 }) {
  const binary = await waitForBinary();
  const log = fs.openSync(logFile, 'a');
  fs.writeSync(log, `$ ${binary} ${args.map((a) => (/[\s"'{}]/.test(a) ? `'${a}'` : a)).join(' ')}\n`);
  const started = Date.now();
  const child = trackChild(spawn(binary, args, { stdio: ['ignore', log, log] }));
  fs.closeSync(log);
  const result = await new Promise((resolve) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      resolve({ timedOut: true });
    }, timeoutMs);
    child.once('error', (error) => {
      clearTimeout(timer);
      resolve({ error });
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal });
    });
  });
  untrackChild(child);
  const seconds = (Date.now() - started) / 1000;
  if (result.code === 0) return seconds;
  const tail = fs.readFileSync(logFile, 'utf8').split('\n').slice(-40).join('\n');
  const why = result.timedOut ? `ran over ${timeoutMs} ms` : result.error ? String(result.error) : `exited with ${result.code ?? result.signal}`;
  throw new Error(`clip-retrieval ${args[0]} ${why}; log ${logFile}:\n${tail}`);
}

// ---------------------------------------------------------------------------------------------
// Safety head and violence prompts chosen from the embeddings

// Texts whose expected results the manifest lists (fixture.queries); the filters are chosen so
// that each one's first 40 results, in either modality, lose some but not most to each filter.
export const QUERIES = ['cat', 'a red square with stripes', 'a blue circle', 'café', 'an image of a kitten', 'a green checkerboard'];
export const TOP_K = 40;

const dot = (a, b) => {
  let s = 0;
  for (let i = 0; i < a.length; ++i) s += a[i] * b[i];
  return s;
};
const normalise = (v) => {
  const norm = Math.sqrt(dot(v, v)) || 1;
  return v.map((x) => x / norm);
};

// A deterministic pseudo-random unit vector.
function seededDirection(seed, dim) {
  const random = rng(1000 + seed);
  return normalise(Array.from({ length: dim }, () => random() - 0.5));
}

// Unit axes and seeded random directions.
function candidateDirections(dim, randomCount) {
  const directions = [];
  for (let c = 0; c < dim; ++c) {
    for (const sign of [1, -1]) {
      const d = new Array(dim).fill(0);
      d[c] = sign;
      directions.push(d);
    }
  }
  for (let seed = 1; seed <= randomCount; ++seed) directions.push(seededDirection(seed, dim));
  return directions;
}

// Ids of the first k rows by inner product with q, best first, with their similarities.
function topK(rows, q, k = TOP_K) {
  return rows.map((e, id) => ({ id, similarity: dot(e, q) })).sort((x, y) => y.similarity - x.similarity || x.id - y.id).slice(0, k);
}

// The rule "drop e when score(e) = e.d > t" that meets the constraints with the widest margin
// (distance of the nearest score to t):
//   - the fraction of image rows dropped in `imageRange`, of text rows in `textRange`;
//   - in each of `tops` (id lists of the canonical queries' first results, per modality) between
//     `minPerTop` and `maxPerTop` dropped.
// thresholds: 'any' (t chosen among the gaps of the scores) or a fixed number.
function chooseRule({ imageRows, textRows, tops, directions, thresholds, imageRange, textRange, minPerTop, maxPerTop }) {
  // count of sorted values > t
  const countAbove = (sorted, t) => {
    let lo = 0;
    let hi = sorted.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (sorted[mid] > t) hi = mid;
      else lo = mid + 1;
    }
    return sorted.length - lo;
  };
  let best = null;
  for (const d of directions) {
    const si = Float64Array.from(imageRows, (e) => dot(e, d));
    const st = Float64Array.from(textRows, (e) => dot(e, d));
    const candidates = [];
    let sortedI = null;
    let sortedT = null;
    if (thresholds === 'any') {
      const all = new Float64Array(si.length + st.length);
      all.set(si);
      all.set(st, si.length);
      all.sort();
      for (let k = 0; k + 1 < all.length; ++k) {
        const margin = (all[k + 1] - all[k]) / 2;
        if (!best || margin > best.margin) candidates.push({ t: (all[k] + all[k + 1]) / 2, margin });
      }
      candidates.sort((x, y) => y.margin - x.margin);
    } else {
      let margin = Infinity;
      for (const v of si) margin = Math.min(margin, Math.abs(v - thresholds));
      for (const v of st) margin = Math.min(margin, Math.abs(v - thresholds));
      candidates.push({ t: thresholds, margin });
    }
    for (const { t, margin } of candidates) {
      if (best && margin <= best.margin) break; // candidates come widest first
      let fi;
      let ft;
      if (thresholds === 'any') {
        sortedI ??= Float64Array.from(si).sort();
        sortedT ??= Float64Array.from(st).sort();
        fi = countAbove(sortedI, t) / si.length;
        ft = countAbove(sortedT, t) / st.length;
      } else {
        fi = si.reduce((c, v) => c + (v > t ? 1 : 0), 0) / si.length;
        ft = st.reduce((c, v) => c + (v > t ? 1 : 0), 0) / st.length;
      }
      if (fi < imageRange[0] || fi > imageRange[1] || ft < textRange[0] || ft > textRange[1]) continue;
      const ok = tops.every(({ modality, ids }) => {
        const scores = modality === 'image' ? si : st;
        let dropped = 0;
        for (const id of ids) if (scores[id] > t) ++dropped;
        return dropped >= minPerTop && dropped <= maxPerTop;
      });
      if (ok) {
        best = { d, t, margin };
        break;
      }
    }
  }
  return best;
}

// Safety: one linear layer, score = w.e + b, dropped when > 0.5 (docs/back.md "Safety model").
// Violence: prompts p0, p1, dropped when e.p1 > e.p0, i.e. e.(p1 - p0) > 0. Both are applied by
// the back to the searched index's L2-normalised vectors.
// Rows: the normalised vectors; raw: as stored (float16), what the index ranks by.
function designFilters({ imageRows, textRows, imageRaw, textRaw, queryRows, dim }) {
  const tops = queryRows.flatMap((q) => [
    { modality: 'image', ids: topK(imageRaw, q).map((r) => r.id) },
    { modality: 'text', ids: topK(textRaw, q).map((r) => r.id) },
  ]);
  const base = { imageRows, textRows, tops, imageRange: [0.15, 0.45], textRange: [0.1, 0.5], minPerTop: 2, maxPerTop: Math.floor(TOP_K * 0.75) };
  const few = imageRows.length > 1000; // fewer candidates for large fixtures (time)
  const safety = chooseRule({ ...base, directions: candidateDirections(dim, few ? 150 : 400), thresholds: 'any' });
  if (!safety) throw new Error('fixture: found no safety rule that drops some but not most results of every canonical query');
  const weight = safety.d;
  const bias = 0.5 - safety.t; // w.e + b > 0.5  <=>  w.e > t
  // Half-spaces through the origin: random directions until one fits (then looser).
  const violenceRule = chooseRule({ ...base, directions: candidateDirections(dim, 3000), thresholds: 0 }) ??
    chooseRule({ ...base, minPerTop: 1, directions: candidateDirections(dim, 20000), thresholds: 0 });
  if (!violenceRule) throw new Error('fixture: found no violence prompts that drop some but not most results of every canonical query');
  // p0 = -d/2, p1 = d/2: e.p1 > e.p0 <=> e.d > 0.
  const prompts = [violenceRule.d.map((v) => -v / 2), violenceRule.d.map((v) => v / 2)];
  const unsafe = (e) => dot(e, weight) + bias > 0.5;
  const violent = (e) => dot(e, prompts[1]) > dot(e, prompts[0]);
  const idsWhere = (rows, predicate) => rows.flatMap((e, id) => (predicate(e) ? [id] : []));
  return {
    safety: { weight, bias, margin: safety.margin, droppedImage: idsWhere(imageRows, unsafe), droppedText: idsWhere(textRows, unsafe), unsafe },
    violence: { prompts, margin: violenceRule.margin, droppedImage: idsWhere(imageRows, violent), droppedText: idsWhere(textRows, violent), violent },
  };
}

// What `deduplicate` keeps of results (normalised vectors, rank order): connected components of
// "inner product > 0.94", the first-ranked of each (the original's get_non_uniques).
export function dedupKept(vectors, threshold = 0.94) {
  const n = vectors.length;
  const seen = new Array(n).fill(false);
  const kept = [];
  for (let start = 0; start < n; ++start) {
    if (seen[start]) continue;
    kept.push(start);
    seen[start] = true;
    const stack = [start];
    while (stack.length) {
      const i = stack.pop();
      for (let j = 0; j < n; ++j) {
        if (!seen[j] && dot(vectors[i], vectors[j]) > threshold) {
          seen[j] = true;
          stack.push(j);
        }
      }
    }
  }
  return kept;
}

function readEmbeddings(folder) {
  if (!fs.existsSync(folder)) return [];
  const files = fs.readdirSync(folder).filter((f) => f.endsWith('.npy'));
  // partitions in number order: img_emb_0.npy, img_emb_1.npy, ...
  files.sort((a, b) => Number(/(\d+)\.npy$/.exec(a)[1]) - Number(/(\d+)\.npy$/.exec(b)[1]));
  return files.flatMap((f) => decodeNpy2d(fs.readFileSync(path.join(folder, f))).rows);
}

// ---------------------------------------------------------------------------------------------
// Building

function binaryIdentity(binary) {
  const stat = fs.statSync(binary);
  return { path: binary, size: stat.size, mtimeMs: Math.round(stat.mtimeMs) };
}

// `folder` (created) as a model folder: links to the shared tiny CLIP (config + safetensors) and the
// CLIP tokenizer's vocab.json + merges.txt. Returns the folder.
export function linkTinyModel(folder) {
  const shared = sharedPath();
  fs.mkdirSync(folder, { recursive: true });
  const links = {
    'config.json': path.join(shared, 'fixtures', 'clip_tiny_hf', 'config.json'),
    'model.safetensors': path.join(shared, 'fixtures', 'clip_tiny_hf', 'model.safetensors'),
    'vocab.json': path.join(shared, 'fixtures', 'tokenizer', 'vocab.json'),
    'merges.txt': path.join(shared, 'fixtures', 'tokenizer', 'merges.txt'),
  };
  for (const [name, target] of Object.entries(links)) {
    if (!fs.existsSync(target)) throw new Error(`fixture: ${target} is missing (shared fixtures; set CLIPRET_SHARED)`);
    fs.symlinkSync(target, path.join(folder, name));
  }
  return folder;
}

// Builds an n-image fixture into `folder` (created; must not exist). indexKey: --index_key of both
// `index` runs ('Flat': exact and instant; null: the CLI chooses, HNSW for thousands of vectors). The image server started for
// the build is returned running (its port is baked into the urls). Returns {manifest, imageServer}.
export async function buildFixture({ n = 120, folder, shardSize, indexKey = 'Flat', log = () => {} }) {
  const started = Date.now();
  const timings = {};
  const binary = await waitForBinary();
  fs.mkdirSync(folder, { recursive: false });
  const cliLog = path.join(folder, 'cli.log');
  const fixtureId = crypto.randomUUID();

  let t = Date.now();
  const samples = makeSamples(n);
  const images = new Map(samples.filter((s) => s.imageName === `${s.key}.png`).map((s) => [s.imageName, s.png]));
  fs.mkdirSync(path.join(folder, 'img'));
  for (const [name, png] of images) fs.writeFileSync(path.join(folder, 'img', name), png);
  timings.images = (Date.now() - t) / 1000;

  const imageServer = await startImageServer(images, { port: 0, fixtureId });
  const port = imageServer.port;

  t = Date.now();
  const perShard = shardSize ?? Math.max(50, Math.ceil(n / 8));
  const shardCount = Math.ceil(n / perShard);
  fs.mkdirSync(path.join(folder, 'shards'));
  for (let s = 0; s < shardCount; ++s) {
    const members = [];
    for (const sample of samples.slice(s * perShard, (s + 1) * perShard)) {
      sample.url = sampleUrl(port, sample);
      members.push({ name: `${sample.key}.png`, data: sample.png });
      members.push({ name: `${sample.key}.txt`, data: Buffer.from(sample.caption, 'utf8') });
      members.push({ name: `${sample.key}.json`, data: Buffer.from(JSON.stringify({ url: sample.url, caption: sample.caption, key: sample.key }), 'utf8') });
    }
    fs.writeFileSync(path.join(folder, 'shards', `${String(s).padStart(5, '0')}.tar`), buildTar(members));
  }
  const last = String(shardCount - 1).padStart(5, '0');
  const shardPattern = shardCount === 1 ? path.join(folder, 'shards', '00000.tar') : path.join(folder, 'shards', `{00000..${last}}.tar`);
  timings.shards = (Date.now() - t) / 1000;

  const modelFolder = linkTinyModel(path.join(folder, 'tiny_clip'));
  const cache = path.join(folder, 'cache');
  const inference = (output, { image }) => [
    'inference',
    '--input_dataset', shardPattern,
    '--input_format', 'webdataset',
    '--wds_image_key', 'png',
    '--wds_caption_key', 'txt',
    '--output_folder', output,
    '--clip_model', modelFolder,
    '--clip_cache_path', cache,
    '--enable_metadata', 'True',
    '--enable_text', 'True',
    '--enable_image', image ? 'True' : 'False',
    '--batch_size', '64',
    '--num_prepro_workers', '2',
  ];
  log(`fixture: embedding ${n} samples (${shardCount} shards)`);
  timings.inference = await runCli(inference(path.join(folder, 'emb'), { image: true }), { logFile: cliLog });
  const index = (embeddings, output) => ['index', '--embeddings_folder', embeddings, '--index_folder', output, ...(indexKey ? ['--index_key', indexKey] : [])];
  timings.index = await runCli(index(path.join(folder, 'emb'), path.join(folder, 'index')), { logFile: cliLog });
  timings.inferenceTextOnly = await runCli(inference(path.join(folder, 'emb_text'), { image: false }), { logFile: cliLog });
  timings.indexTextOnly = await runCli(index(path.join(folder, 'emb_text'), path.join(folder, 'index_text')), { logFile: cliLog });

  t = Date.now();
  // as stored (float16 values; the index ranks by these) and L2-normalised (what the filters see)
  const imageRaw = readEmbeddings(path.join(folder, 'emb', 'img_emb'));
  const textRaw = readEmbeddings(path.join(folder, 'emb', 'text_emb'));
  const imageRows = imageRaw.map(normalise);
  const textRows = textRaw.map(normalise);
  if (imageRaw.length !== n || textRaw.length !== n) {
    throw new Error(`fixture: expected ${n} image and text embeddings, got ${imageRaw.length} and ${textRaw.length}`);
  }
  const dim = imageRows[0].length;
  const queryFile = path.join(folder, 'queries.npy');
  const encodeArgs = ['encode', '--clip_model', modelFolder, '--clip_cache_path', cache, '--output', queryFile];
  for (const text of QUERIES) encodeArgs.push('--text', text);
  timings.encodeQueries = await runCli(encodeArgs, { logFile: cliLog });
  const queryRows = decodeNpy2d(fs.readFileSync(queryFile)).rows;
  const filters = designFilters({ imageRows, textRows, imageRaw, textRaw, queryRows, dim });
  // The canonical queries' expected first results (main index), and what each filter drops.
  const queries = QUERIES.map((query, i) => {
    const entry = { query };
    for (const [modality, rows, raw] of [['image', imageRows, imageRaw], ['text', textRows, textRaw]]) {
      const top = topK(raw, queryRows[i]);
      entry[modality] = {
        ids: top.map((r) => r.id),
        similarities: top.map((r) => Number(r.similarity.toFixed(6))),
        safetyDropped: top.filter((r) => filters.safety.unsafe(rows[r.id])).map((r) => r.id),
        violenceDropped: top.filter((r) => filters.violence.violent(rows[r.id])).map((r) => r.id),
        dedupKept: dedupKept(top.map((r) => rows[r.id])).map((p) => top[p].id),
      };
    }
    return entry;
  });
  fs.writeFileSync(path.join(folder, 'safety_head.safetensors'), encodeSafetensorsF32([
    { name: 'layers.0.weight', shape: [1, dim], values: filters.safety.weight },
    { name: 'layers.0.bias', shape: [1], values: [filters.safety.bias] },
  ]));
  fs.writeFileSync(path.join(folder, 'violence_prompts.npy'), encodeNpyFloat32([2, dim], filters.violence.prompts.flat()));
  // Aesthetic vectors: rating<k>.npy (1 x dim) = the image embedding of sample aestheticIds[k], so
  // a large aesthetic_weight pulls an image-modality query onto that sample.
  const aestheticIds = aestheticSampleIds(n);
  fs.mkdirSync(path.join(folder, 'aesthetic'));
  aestheticIds.forEach((id, k) => fs.writeFileSync(path.join(folder, 'aesthetic', `rating${k}.npy`), encodeNpyFloat32([1, dim], imageRows[id])));
  timings.filters = (Date.now() - t) / 1000;

  const indexJson = (f) => (fs.existsSync(f) ? JSON.parse(fs.readFileSync(f, 'utf8')) : null);
  const manifest = {
    version: FIXTURE_VERSION,
    fixtureId,
    n,
    dim,
    indexKey: indexKey ?? 'auto',
    imagePort: port,
    imageSize: IMAGE_SIZE,
    shardCount,
    samplesPerShard: perShard,
    binary: binaryIdentity(binary),
    createdAt: new Date().toISOString(),
    indices: {
      [MAIN_INDEX]: { folder: 'index', modalities: ['image', 'text'], built: { image: indexJson(path.join(folder, 'index', 'image.json')), text: indexJson(path.join(folder, 'index', 'text.json')) } },
      [TEXT_ONLY_INDEX]: { folder: 'index_text', modalities: ['text'], built: { text: indexJson(path.join(folder, 'index_text', 'text.json')) } },
    },
    columns: COLUMNS,
    brokenIds: brokenIds(n),
    duplicateIds: DUPLICATE_IDS,
    xssId: XSS_ID,
    samples: samples.map(({ id, key, caption, url, broken, colour, pattern }) => ({ id, key, caption, url, broken, colour, pattern })),
    safety: {
      file: 'safety_head.safetensors',
      rule: 'dropped when w.e + b > 0.5 (one linear layer; e = the searched index vector, L2-normalised)',
      weight: filters.safety.weight,
      bias: filters.safety.bias,
      margin: filters.safety.margin,
      droppedIds: { image: filters.safety.droppedImage, text: filters.safety.droppedText },
    },
    violence: {
      file: 'violence_prompts.npy',
      rule: 'dropped when e.p1 > e.p0',
      prompts: filters.violence.prompts,
      margin: filters.violence.margin,
      droppedIds: { image: filters.violence.droppedImage, text: filters.violence.droppedText },
    },
    queries,
    aesthetic: {
      folder: 'aesthetic',
      rule: 'rating<k>.npy = the image embedding of sample sampleIds[k]: aesthetic_score k with a large aesthetic_weight ranks it first (modality image)',
      sampleIds: aestheticIds,
    },
    timings,
  };
  manifest.timings.total = (Date.now() - started) / 1000;
  return { manifest, imageServer };
}

// Paths of a built fixture folder + its manifest, as the harness uses them.
function describe(folder, manifest) {
  let embeddingsCache = null;
  let queryRows = null;
  const embeddings = () => {
    embeddingsCache ??= {
      image: readEmbeddings(path.join(folder, 'emb', 'img_emb')),
      text: readEmbeddings(path.join(folder, 'emb', 'text_emb')),
    };
    return embeddingsCache;
  };
  const indicesPaths = path.join(folder, 'indices_paths.json');
  const wanted = JSON.stringify({ [MAIN_INDEX]: path.join(folder, 'index'), [TEXT_ONLY_INDEX]: path.join(folder, 'index_text') }, null, 2);
  // Written (again) at each load: it holds absolute paths, and the folder may have been renamed.
  if (!fs.existsSync(indicesPaths) || fs.readFileSync(indicesPaths, 'utf8') !== wanted) fs.writeFileSync(indicesPaths, wanted);
  return {
    ...manifest,
    folder,
    indicesPaths,
    indexNames: [MAIN_INDEX, TEXT_ONLY_INDEX],
    indexFolders: { [MAIN_INDEX]: path.join(folder, 'index'), [TEXT_ONLY_INDEX]: path.join(folder, 'index_text') },
    modelFolder: path.join(folder, 'tiny_clip'),
    safetyModelPath: path.join(folder, manifest.safety.file),
    violencePath: path.join(folder, manifest.violence.file),
    aestheticFolder: path.join(folder, manifest.aesthetic.folder),
    imageBaseUrl: `http://127.0.0.1:${manifest.imagePort}/img/`,
    sampleById: (id) => manifest.samples[id],
    // The stored embeddings (float16 values as numbers), row = id: {image: [[...]], text: [[...]]}.
    embeddings,
    // What the back answers (ids and similarities, rank order) to a canonical query (one of
    // fixture.queries[].query, embedded at build time) or a query vector. Options: modality
    // ('image' | 'text'), k (num_result_ids, default 40), deduplicate, safety, violence (booleans,
    // default false). The text_only index answers text as example_index does.
    expected(query, options = {}) {
      const { modality = 'image', k = TOP_K, deduplicate = false, safety = false, violence = false } = options;
      let q = query;
      if (typeof query === 'string') {
        const i = manifest.queries.findIndex((e) => e.query === query);
        if (i < 0) throw new Error(`fixture.expected: ${JSON.stringify(query)} is not a canonical query (${QUERIES.join(', ')})`);
        queryRows ??= decodeNpy2d(fs.readFileSync(path.join(folder, 'queries.npy'))).rows;
        q = queryRows[i];
      }
      const raw = embeddings()[modality];
      const top = topK(raw, q, Math.min(k, raw.length));
      const vectors = top.map((r) => normalise(raw[r.id]));
      const dropped = new Set();
      if (deduplicate) {
        const kept = new Set(dedupKept(vectors));
        top.forEach((_, p) => kept.has(p) || dropped.add(p));
      }
      const { weight, bias } = manifest.safety;
      const [p0, p1] = manifest.violence.prompts;
      vectors.forEach((e, p) => {
        if (violence && dot(e, p1) > dot(e, p0)) dropped.add(p);
        if (safety && dot(e, weight) + bias > 0.5) dropped.add(p);
      });
      return top.filter((_, p) => !dropped.has(p));
    },
  };
}

function loadImages(folder) {
  const dir = path.join(folder, 'img');
  return new Map(fs.readdirSync(dir).map((name) => [name, fs.readFileSync(path.join(dir, name))]));
}

function readManifest(folder) {
  try {
    return JSON.parse(fs.readFileSync(path.join(folder, 'manifest.json'), 'utf8'));
  } catch {
    return null;
  }
}

function isAlive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return error.code === 'EPERM';
  }
}

// mkdir-based lock with the holder's pid; a dead holder's lock is taken over.
async function withLock(lockDir, timeoutMs, fn) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      fs.mkdirSync(lockDir);
      fs.writeFileSync(path.join(lockDir, 'pid'), String(process.pid));
      break;
    } catch (error) {
      if (error.code !== 'EEXIST') throw error;
      let pid = NaN;
      try {
        pid = Number(fs.readFileSync(path.join(lockDir, 'pid'), 'utf8'));
      } catch {
        // being created: retry
      }
      if (Number.isInteger(pid) && pid > 0 && !isAlive(pid)) {
        fs.rmSync(lockDir, { recursive: true, force: true });
        continue;
      }
      if (Date.now() > deadline) throw new Error(`fixture: lock ${lockDir} held by pid ${pid} for over ${timeoutMs} ms`);
      await sleep(250);
    }
  }
  const release = onExit(() => fs.rmSync(lockDir, { recursive: true, force: true }));
  try {
    return await fn();
  } finally {
    release();
    fs.rmSync(lockDir, { recursive: true, force: true });
  }
}

// Removes cached fixtures of other FIXTURE_VERSIONs (and leftovers of dead builders).
function pruneOtherVersions(root) {
  for (const name of fs.readdirSync(root)) {
    const match = /^n\d+-[\w]+-v(\d+)(?:\.(?:tmp|old)-(\d+))?$/.exec(name);
    if (!match) continue;
    const stale = match[2] ? !isAlive(Number(match[2])) : Number(match[1]) !== FIXTURE_VERSION;
    if (stale && !fs.existsSync(path.join(root, `${name}.lock`))) fs.rmSync(path.join(root, name), { recursive: true, force: true });
  }
}

export function fixtureKey({ n, indexKey }) {
  return `n${n}-${(indexKey ?? 'auto').replace(/[^\w]+/g, '_')}-v${FIXTURE_VERSION}`;
}

const loaded = new Map(); // key -> Promise<fixture> within this process

// The n-image fixture, with its image server running (owned by this process or shared with a
// sibling test process). Options:
//   n      number of images (default $CLIPRET_FRONT_N or 120)
//   cache  reuse/keep the fixture under <work>/fixtures/<key> (default true unless
//          CLIPRET_FRONT_FIXTURE_CACHE=0; false builds in a temp folder removed at exit)
//   indexKey  --index_key of the indices (default $CLIPRET_FRONT_INDEX_KEY or 'Flat'; 'auto' or
//          null: the CLI chooses)
//   log    function(message) for progress (default: stderr)
// Returns the manifest (see buildFixture) plus folder, indicesPaths, modelFolder, safetyModelPath,
// violencePath, aestheticFolder, indexFolders, imageBaseUrl, embeddings(), imageServer
// {port, stop, stats, owned()}.
export function getFixture(options = {}) {
  const n = options.n ?? Number(process.env.CLIPRET_FRONT_N || 120);
  const cache = options.cache ?? process.env.CLIPRET_FRONT_FIXTURE_CACHE !== '0';
  const keyOption = options.indexKey !== undefined ? options.indexKey : process.env.CLIPRET_FRONT_INDEX_KEY || 'Flat';
  const indexKey = keyOption === 'auto' ? null : keyOption;
  const key = fixtureKey({ n, indexKey }) + (cache ? '' : '-private');
  if (!loaded.has(key)) {
    const promise = loadOrBuild({ n, indexKey, cache, log: options.log ?? ((m) => process.stderr.write(`[front-tests] ${m}\n`)) });
    promise.catch(() => loaded.delete(key));
    loaded.set(key, promise);
  }
  return loaded.get(key);
}

async function loadOrBuild({ n, indexKey, cache, log }) {
  if (!cache) {
    const folder = path.join(makeTempFolder('fixture-'), fixtureKey({ n, indexKey }));
    const { manifest, imageServer } = await buildFixture({ n, folder, indexKey, log });
    fs.writeFileSync(path.join(folder, 'manifest.json'), JSON.stringify(manifest, null, 2));
    log(`fixture n=${n} built in ${manifest.timings.total.toFixed(1)} s at ${folder}`);
    return { ...describe(folder, manifest), imageServer };
  }
  const root = path.join(workPath(), 'fixtures');
  fs.mkdirSync(root, { recursive: true });
  const folder = path.join(root, fixtureKey({ n, indexKey }));
  const binary = await waitForBinary();
  const fresh = (manifest) => {
    if (!manifest || manifest.version !== FIXTURE_VERSION || manifest.n !== n || manifest.indexKey !== (indexKey ?? 'auto')) return false;
    const now = binaryIdentity(binary);
    return manifest.binary.size === now.size && manifest.binary.mtimeMs === now.mtimeMs && manifest.binary.path === now.path;
  };
  // Fast path: built and its image port is ours or a sibling's.
  let manifest = readManifest(folder);
  if (fresh(manifest)) {
    const imageServer = await startImageServer(loadImages(folder), { port: manifest.imagePort, fixtureId: manifest.fixtureId });
    if (imageServer) return { ...describe(folder, manifest), imageServer };
  }
  return withLock(`${folder}.lock`, 20 * 60 * 1000, async () => {
    manifest = readManifest(folder);
    if (fresh(manifest)) {
      const imageServer = await startImageServer(loadImages(folder), { port: manifest.imagePort, fixtureId: manifest.fixtureId });
      if (imageServer) return { ...describe(folder, manifest), imageServer };
      log(`fixture ${folder}: its image port ${manifest.imagePort} is taken by another program: rebuilding`);
    } else if (manifest) {
      log(`fixture ${folder}: stale (binary or fixture version changed): rebuilding`);
    }
    const building = `${folder}.tmp-${process.pid}`;
    fs.rmSync(building, { recursive: true, force: true });
    onExit(() => fs.rmSync(building, { recursive: true, force: true }));
    log(`fixture n=${n}: building in ${building}`);
    const built = await buildFixture({ n, folder: building, indexKey, log });
    fs.writeFileSync(path.join(building, 'manifest.json'), JSON.stringify(built.manifest, null, 2));
    // Swap in: the old folder (if any) goes away first.
    const old = `${folder}.old-${process.pid}`;
    if (fs.existsSync(folder)) fs.renameSync(folder, old);
    fs.renameSync(building, folder);
    fs.rmSync(old, { recursive: true, force: true });
    pruneOtherVersions(root);
    // The index folders hold no absolute paths; indices_paths.json is written by describe().
    log(`fixture n=${n} built in ${built.manifest.timings.total.toFixed(1)} s at ${folder}`);
    return { ...describe(folder, built.manifest), imageServer: built.imageServer };
  });
}
