#!/usr/bin/env node
// ONNX Runtime (onnxruntime-node, CPU) peer of our CLIP inference, on the graphs that
// `bench/clip_peer.py export FOLDER ONNX_DIR` writes (vision.onnx: pixel_values -> image_embeds,
// text.onnx: input_ids -> text_embeds), so both peers run the same random ViT-B/32.
//
//   node clip_ort_peer.mjs bench ONNX_DIR [--threads 2] [--seconds 10]
//       images/s at batch 1 and 32, texts/s at batch 64 (12-token captions), one 12-token
//       query's latency (medians); one JSON line.
//   node clip_ort_peer.mjs encode ONNX_DIR PIXELS.npy [--threads 2] [--batch 32]
//       embeds every pixel row; JSON with the whole process's wall seconds and peak RSS (KiB).
//   node clip_ort_peer.mjs check ONNX_DIR PIXELS.npy IDS.npy OUT_PREFIX
//       raw features to OUT_PREFIX.image.npy / OUT_PREFIX.text.npy, as clip_peer.py check does.
//
// Install: cd bench/ort && npm install --ignore-scripts (the CPU binaries ship in the package;
// the install script would only fetch CUDA ones).
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import ort from 'onnxruntime-node';

const T0 = performance.timeOrigin; // process start (ms since epoch): wall is the whole process's
const require = createRequire(import.meta.url);
const ORT_VERSION = require('onnxruntime-node/package.json').version;
const START = 49406n, END = 49407n;

const argv = process.argv.slice(2);
const option = (name, dflt) => (argv.includes(name) ? Number(argv[argv.indexOf(name) + 1]) : dflt);

// --- .npy: version 1-3 header, C order, little-endian float32 / int64 (int32 widened) ----------
function readNpy(file) {
  const buf = fs.readFileSync(file);
  if (buf.toString('latin1', 0, 6) !== '\x93NUMPY') throw new Error(`${file}: not a .npy`);
  const major = buf[6];
  const hlen = major === 1 ? buf.readUInt16LE(8) : buf.readUInt32LE(8);
  const start = major === 1 ? 10 + hlen : 12 + hlen;
  const header = buf.toString('latin1', major === 1 ? 10 : 12, start);
  const descr = /'descr':\s*'([^']+)'/.exec(header)[1];
  if (/'fortran_order':\s*True/.test(header)) throw new Error(`${file}: Fortran order`);
  const shape = /'shape':\s*\(([^)]*)\)/.exec(header)[1].split(',').filter((s) => s.trim()).map(Number);
  const n = shape.reduce((a, b) => a * b, 1);
  // A view of the file's buffer where the data is 8-byte aligned (numpy pads headers to 64
  // bytes), else a copy: typed arrays need aligned offsets.
  let bytes = buf.buffer, at = buf.byteOffset + start;
  if (at % 8) [bytes, at] = [buf.buffer.slice(at, buf.byteOffset + buf.length), 0];
  if (descr === '<f4') return { type: 'float32', shape, data: new Float32Array(bytes, at, n) };
  if (descr === '<i8') return { type: 'int64', shape, data: new BigInt64Array(bytes, at, n) };
  if (descr === '<i4') return { type: 'int64', shape, data: BigInt64Array.from(new Int32Array(bytes, at, n), BigInt) };
  throw new Error(`${file}: dtype ${descr} (want <f4, <i8 or <i4)`);
}

function writeNpy(file, data, shape) {
  const descr = data instanceof Float32Array ? '<f4' : '<i8';
  let header = `{'descr': '${descr}', 'fortran_order': False, 'shape': (${shape.join(', ')}${shape.length === 1 ? ',' : ''}), }`;
  header += ' '.repeat(63 - ((10 + header.length) % 64)) + '\n'; // data starts on a 64-byte boundary
  const pre = Buffer.alloc(10);
  pre.write('\x93NUMPY', 0, 'latin1');
  pre[6] = 1; pre[7] = 0;
  pre.writeUInt16LE(header.length, 8);
  fs.writeFileSync(file, Buffer.concat([pre, Buffer.from(header, 'latin1'),
    Buffer.from(data.buffer, data.byteOffset, data.byteLength)]));
}

// --- model ------------------------------------------------------------------------------------
async function load(dir, threads) {
  const options = {
    executionProviders: ['cpu'], intraOpNumThreads: threads, interOpNumThreads: 1,
    graphOptimizationLevel: 'all', executionMode: 'sequential',
  };
  return {
    vision: await ort.InferenceSession.create(path.join(dir, 'vision.onnx'), options),
    text: await ort.InferenceSession.create(path.join(dir, 'text.onnx'), options),
  };
}

// rows [from, to) of an n x ... float32 array, as a batch tensor (a view, no copy)
function pixelBatch(px, from, to) {
  const row = px.shape.slice(1).reduce((a, b) => a * b, 1);
  return new ort.Tensor('float32', px.data.subarray(from * row, to * row), [to - from, ...px.shape.slice(1)]);
}

async function image(m, pixels) {
  return (await m.vision.run({ pixel_values: pixels })).image_embeds;
}

async function text(m, ids) {
  return (await m.text.run({ input_ids: ids })).text_embeds;
}

// --- seeded random inputs (values differ from torch's; only the shapes matter for timing) -----
function rng(seed) { // mulberry32
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function randomPixels(n, r) { // standard normal, Box-Muller
  const a = new Float32Array(n * 3 * 224 * 224);
  for (let i = 0; i < a.length; i++) a[i] = Math.sqrt(-2 * Math.log(1 - r())) * Math.cos(2 * Math.PI * r());
  return new ort.Tensor('float32', a, [n, 3, 224, 224]);
}

function captions(n, r) { // start, 10 random ids below the start token, end; no padding
  const a = new BigInt64Array(n * 12);
  for (let i = 0; i < n; i++) {
    a[i * 12] = START;
    for (let j = 1; j < 11; j++) a[i * 12 + j] = BigInt(Math.floor(r() * Number(START)));
    a[i * 12 + 11] = END;
  }
  return new ort.Tensor('int64', a, [n, 12]);
}

async function medianSeconds(fn, seconds) {
  await fn(); // warm-up: one call per shape
  const times = [];
  const end = performance.now() + seconds * 1e3;
  while (!times.length || performance.now() < end) {
    const t = performance.now();
    await fn();
    times.push((performance.now() - t) / 1e3);
  }
  times.sort((a, b) => a - b);
  const h = times.length >> 1;
  return [times.length % 2 ? times[h] : (times[h - 1] + times[h]) / 2, times.length];
}

const round = (x, d = 2) => Number(x.toFixed(d));

async function main() {
  const [cmd, dir] = argv;
  const threads = option('--threads', 2);
  if (cmd === 'check') {
    const m = await load(dir, threads);
    const px = readNpy(argv[2]), ids = readNpy(argv[3]);
    const im = await image(m, pixelBatch(px, 0, px.shape[0]));
    const tx = await text(m, new ort.Tensor('int64', ids.data, ids.shape));
    writeNpy(`${argv[4]}.image.npy`, im.data, im.dims);
    writeNpy(`${argv[4]}.text.npy`, tx.data, tx.dims);
  } else if (cmd === 'encode') {
    let t = performance.now();
    const m = await load(dir, threads);
    const loadS = (performance.now() - t) / 1e3;
    t = performance.now();
    const px = readNpy(argv[2]), batch = option('--batch', 32), n = px.shape[0];
    let rows = 0;
    for (let i = 0; i < n; i += batch) rows += (await image(m, pixelBatch(px, i, Math.min(n, i + batch)))).dims[0];
    console.log(JSON.stringify({
      peer: 'onnxruntime-node', images: n, rows, batch, threads, load_s: round(loadS, 3),
      encode_s: round((performance.now() - t) / 1e3, 3),
      wall_s: round((performance.timeOrigin + performance.now() - T0) / 1e3, 3),
      peak_rss_kib: process.resourceUsage().maxRSS, // Node reports it in KiB already
    }));
  } else if (cmd === 'bench') {
    const m = await load(dir, threads), seconds = option('--seconds', 10);
    const r = rng(0);
    const px32 = randomPixels(32, r);
    const px1 = pixelBatch({ data: px32.data, shape: px32.dims }, 0, 1);
    const texts = captions(64, r), query = captions(1, r);
    const [i1, n1] = await medianSeconds(() => image(m, px1), seconds);
    const [i32, n32] = await medianSeconds(() => image(m, px32), seconds);
    const [t64, n64] = await medianSeconds(() => text(m, texts), seconds);
    const [q, nq] = await medianSeconds(() => text(m, query), seconds);
    console.log(JSON.stringify({
      peer: 'onnxruntime-node cpu fp32', onnxruntime_node: ORT_VERSION, node: process.versions.node,
      threads, inter_op_threads: 1, graph_optimization: 'all', execution_mode: 'sequential',
      images_per_s_batch1: round(1 / i1), images_per_s_batch32: round(32 / i32),
      texts_per_s_batch64: round(64 / t64), query_latency_ms: round(q * 1e3),
      repeats: [n1, n32, n64, nq], seconds_per_shape: seconds,
    }));
  } else {
    console.error('usage: clip_ort_peer.mjs bench|encode|check ONNX_DIR ... (see the comment on top)');
    process.exit(2);
  }
}

await main();
