#!/usr/bin/python3
"""The peer of bench/download_resize_bench.cpp: img2dataset's per-sample resizer work with
python3-opencv on the same files, in samples/s.

  download_resize_peer.py DIR SECONDS [THREADS]

Per sample, the calls img2dataset's Resizer makes for its defaults (resize_mode border,
image_size 256, downscale area, upscale lanczos, jpg q95): cv2.imdecode(IMREAD_UNCHANGED), the
size checks, albumentations' LongestMaxSize (scale = 256 / longer side, dims rounded half to
even, cv2.resize with INTER_AREA when shrinking else INTER_LANCZOS4), PadIfNeeded as
cv2.copyMakeBorder with white, cv2.imencode(".jpg", q95). albumentations itself is not installed
here; its Python wrapping adds a little per call, so this peer is if anything faster than
img2dataset.

Like img2dataset, each sample runs inside its SuppressStdoutStderr (fds 1 and 2 on /dev/null).
THREADS: cv2.setNumThreads(THREADS) first. img2dataset calls cv2.setNumThreads(1) in every
Resizer call, so THREADS=1 is its configuration; omit it to see cv2's default (a pool of one
thread per CPU), for information. Run under `taskset -c 0` for one core. Prints one JSON line: samples/s by wall
time and by this process's CPU time (user + sys), and the stage breakdown.
"""
import json
import os
import sys
import time

import cv2
import numpy as np

SIZE = 256
MIN_IMAGE_SIZE, MAX_IMAGE_AREA, MAX_ASPECT_RATIO = 0, float("inf"), float("inf")


def border_resize(img):
    height, width = img.shape[:2]
    longer = max(width, height)
    scale = SIZE / longer
    interpolation = cv2.INTER_AREA if longer > SIZE else cv2.INTER_LANCZOS4
    if scale != 1.0:
        img = cv2.resize(img, (round(width * scale), round(height * scale)),
                         interpolation=interpolation)
    height, width = img.shape[:2]
    top, left = (SIZE - height) // 2, (SIZE - width) // 2
    return cv2.copyMakeBorder(img, top, SIZE - height - top, left, SIZE - width - left,
                              cv2.BORDER_CONSTANT, value=(255, 255, 255))


class SuppressStdoutStderr:
    """img2dataset wraps each sample's OpenCV calls in this (dup2 of /dev/null onto fds 1 and 2):
    part of its per-sample cost, so the peer pays it too."""

    def __enter__(self):
        self.null_fds = [os.open(os.devnull, os.O_RDWR) for _ in range(2)]
        self.save_fds = [os.dup(1), os.dup(2)]
        os.dup2(self.null_fds[0], 1)
        os.dup2(self.null_fds[1], 2)

    def __exit__(self, *_):
        os.dup2(self.save_fds[0], 1)
        os.dup2(self.save_fds[1], 2)
        for fd in self.null_fds + self.save_fds:
            os.close(fd)


def process(raw):
    with SuppressStdoutStderr():
        return process_quietly(raw)


def process_quietly(raw):
    img = cv2.imdecode(np.frombuffer(raw, np.uint8), cv2.IMREAD_UNCHANGED)
    if img is None:
        raise ValueError("Image decoding error")
    if len(img.shape) == 3 and img.shape[-1] == 4:  # img2dataset's alpha check (none here)
        raise ValueError("the bench images have no alpha")
    # img2dataset's filters, with its defaults (0, inf, inf): checked, never triggered.
    height, width = img.shape[:2]
    if min(width, height) < MIN_IMAGE_SIZE or width * height > MAX_IMAGE_AREA \
            or max(width, height) / min(width, height) > MAX_ASPECT_RATIO:
        raise ValueError("filtered")
    img = border_resize(img)
    ok, encoded = cv2.imencode(".jpg", img, [cv2.IMWRITE_JPEG_QUALITY, 95])
    return encoded.tobytes()


def cpu_seconds():
    t = os.times()
    return t.user + t.system


def rate(fn, items, seconds):
    """Passes over `items` until `seconds` of wall time; samples/s by wall and by CPU time."""
    fn(items[0])  # warm-up (first-call allocations, OpenCV's lazy init)
    count, wall0, cpu0 = 0, time.perf_counter(), cpu_seconds()
    while time.perf_counter() - wall0 < seconds:
        for item in items:
            fn(item)
        count += len(items)
    wall, cpu = time.perf_counter() - wall0, cpu_seconds() - cpu0
    return {"samples": count, "per_s_wall": count / wall, "per_s_cpu": count / cpu}


def main(argv):
    if len(argv) not in (3, 4):
        sys.exit(__doc__)
    folder, seconds = argv[1], float(argv[2])
    if len(argv) == 4:
        cv2.setNumThreads(int(argv[3]))
    names = sorted(os.listdir(folder))  # the C++ bench's order
    files = []
    for name in names:
        with open(os.path.join(folder, name), "rb") as f:
            files.append(f.read())
    decoded = [cv2.imdecode(np.frombuffer(raw, np.uint8), cv2.IMREAD_UNCHANGED) for raw in files]
    resized = [border_resize(img) for img in decoded]
    result = {
        "images": len(files),
        "cv2": cv2.__version__,
        "cv2_threads": cv2.getNumThreads(),
        "process": rate(process, files, seconds),
        "decode": rate(lambda raw: cv2.imdecode(np.frombuffer(raw, np.uint8), cv2.IMREAD_UNCHANGED),
                       files, seconds / 3),
        "resize": rate(border_resize, decoded, seconds / 3),
        "encode": rate(lambda img: cv2.imencode(".jpg", img, [cv2.IMWRITE_JPEG_QUALITY, 95]),
                       resized, seconds / 3),
    }
    print(json.dumps(result))


if __name__ == "__main__":
    main(sys.argv)
