// Paths, env knobs and process-exit cleanup shared by fixture.mjs and harness.mjs.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const here = path.dirname(fileURLToPath(import.meta.url));
export const repoRoot = path.resolve(here, '..', '..');

// The clip-retrieval binary: $CLIPRET_BINARY, else <repo>/build/src/cli/clip-retrieval.
export function binaryPath() {
  return path.resolve(process.env.CLIPRET_BINARY || path.join(repoRoot, 'build', 'src', 'cli', 'clip-retrieval'));
}

// The shared fixtures folder: $CLIPRET_SHARED, else ../shared next to the repository root.
export function sharedPath() {
  return path.resolve(process.env.CLIPRET_SHARED || path.join(repoRoot, '..', 'shared'));
}

// Where fixtures are cached, screenshots and per-process temp folders go:
// $CLIPRET_FRONT_WORK, else <repo>/build/front-tests.
export function workPath() {
  return path.resolve(process.env.CLIPRET_FRONT_WORK || path.join(repoRoot, 'build', 'front-tests'));
}

// The built front: $CLIPRET_FRONT_DIST, else <repo>/front/dist.
export function frontDistPath() {
  return path.resolve(process.env.CLIPRET_FRONT_DIST || path.join(repoRoot, 'front', 'dist'));
}

export function keepWork() {
  return process.env.CLIPRET_KEEP_FRONT_WORK === '1';
}

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

// Waits for the binary to exist (it may be being rebuilt): up to `timeoutMs`.
export async function waitForBinary(timeoutMs = Number(process.env.CLIPRET_BINARY_WAIT_MS || 180000)) {
  const binary = binaryPath();
  const deadline = Date.now() + timeoutMs;
  let warned = false;
  for (;;) {
    try {
      fs.accessSync(binary, fs.constants.X_OK);
      // A binary being linked may exist but still be written: wait until its size is stable.
      const a = fs.statSync(binary).size;
      await sleep(200);
      const b = fs.statSync(binary);
      if (a === b.size && b.size > 0) return binary;
    } catch {
      // missing: retry below
    }
    if (Date.now() > deadline) {
      throw new Error(`clip-retrieval binary not found (or not executable) at ${binary} after ${timeoutMs} ms; ` +
        'build it or set CLIPRET_BINARY');
    }
    if (!warned) {
      process.stderr.write(`[front-tests] waiting for the binary ${binary} ...\n`);
      warned = true;
    }
    await sleep(2000);
  }
}

// ---------------------------------------------------------------------------------------------
// Cleanup at exit: child processes to kill, folders to remove (unless CLIPRET_KEEP_FRONT_WORK=1).

const children = new Set();
const folders = new Set();
const hooks = new Set();
let installed = false;

function cleanupSync() {
  for (const hook of hooks) {
    try {
      hook();
    } catch {
      // best effort at exit
    }
  }
  hooks.clear();
  for (const child of children) {
    try {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    } catch {
      // already gone
    }
  }
  children.clear();
  if (!keepWork()) {
    for (const folder of folders) fs.rmSync(folder, { recursive: true, force: true });
  } else if (folders.size) {
    process.stderr.write(`[front-tests] kept (CLIPRET_KEEP_FRONT_WORK=1): ${[...folders].join(', ')}\n`);
  }
  folders.clear();
}

function install() {
  if (installed) return;
  installed = true;
  process.on('exit', cleanupSync);
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
    process.once(signal, () => {
      cleanupSync();
      process.kill(process.pid, signal);
    });
  }
}

export function trackChild(child) {
  install();
  children.add(child);
  child.once('exit', () => children.delete(child));
  return child;
}

export function untrackChild(child) {
  children.delete(child);
}

export function trackFolder(folder) {
  install();
  folders.add(folder);
  return folder;
}

export function onExit(hook) {
  install();
  hooks.add(hook);
  return () => hooks.delete(hook);
}

// A fresh folder under <work>/tmp, removed at exit unless CLIPRET_KEEP_FRONT_WORK=1.
export function makeTempFolder(prefix = 'run-') {
  const base = path.join(workPath(), 'tmp');
  fs.mkdirSync(base, { recursive: true });
  return trackFolder(fs.mkdtempSync(path.join(base, `${prefix}${process.pid}-`)));
}
