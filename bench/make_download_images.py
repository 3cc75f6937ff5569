#!/usr/bin/python3
"""Photo-like JPEGs of typical web sizes for the download benchmarks (bench/RESULTS.md, issue 15).

  make_download_images.py resize DIR [COUNT]   COUNT JPEGs (default 96) cycling through 320x240 ...
                                               1600x1200, a third of them portrait, quality 90:
                                               the inputs of download_resize_bench and its peer
  make_download_images.py serve DIR [COUNT]    COUNT JPEGs (default 20) of ~20 KB (400x300,
                                               quality 80): what bench/download_bench.py serves

Content: smooth random colour fields (a few-pixel random image enlarged with cubic interpolation),
filled shapes with soft edges, and sensor-like grain, so the DCT sees both flat areas and detail
and the files compress like photos (~0.25 bytes per pixel at q90), not like
flat colour or pure noise. Deterministic (seeded). Needs Debian's python3-opencv and numpy
(/usr/bin/python3).
"""
import os
import sys

import cv2
import numpy as np

# Landscape sizes seen most on the web (LAION's median is around 500 px on the longer side).
SIZES = [(320, 240), (400, 300), (500, 375), (640, 480), (800, 600), (1024, 768), (1280, 960),
         (1600, 1200)]


def photo_like(rng, width, height):
    field = rng.integers(0, 256, size=(4 + rng.integers(0, 5), 4 + rng.integers(0, 5), 3),
                         dtype=np.uint8)
    img = cv2.resize(field, (width, height), interpolation=cv2.INTER_CUBIC).astype(np.float32)
    for _ in range(int(rng.integers(4, 12))):
        mask = np.zeros((height, width), np.uint8)
        cx, cy = int(rng.integers(0, width)), int(rng.integers(0, height))
        ax, ay = int(rng.integers(width // 20, width // 3)), int(rng.integers(height // 20, height // 3))
        if rng.random() < 0.5:
            cv2.ellipse(mask, (cx, cy), (ax, ay), float(rng.uniform(0, 180)), 0, 360, 255, -1)
        else:
            cv2.rectangle(mask, (cx - ax, cy - ay), (cx + ax, cy + ay), 255, -1)
        soft = cv2.GaussianBlur(mask, (0, 0), max(1.0, width / 400)).astype(np.float32)[..., None] / 255
        colour = rng.integers(0, 256, size=3).astype(np.float32)
        img = img * (1 - soft) + colour * soft
    # Texture at two scales: mid-frequency detail (foliage, fabric) and per-pixel grain.
    small = rng.normal(0, 18, size=(height // 4, width // 4, 3)).astype(np.float32)
    img += cv2.resize(small, (width, height), interpolation=cv2.INTER_LINEAR)
    img += rng.normal(0, 4, size=img.shape).astype(np.float32)
    return np.clip(img, 0, 255).astype(np.uint8)


def write(path, img, quality):
    ok, data = cv2.imencode(".jpg", img, [cv2.IMWRITE_JPEG_QUALITY, quality])
    assert ok
    with open(path, "wb") as f:
        f.write(data.tobytes())
    return len(data)


def main(argv):
    if len(argv) not in (3, 4) or argv[1] not in ("resize", "serve"):
        sys.exit(__doc__)
    kind, folder = argv[1], argv[2]
    os.makedirs(folder, exist_ok=True)
    rng = np.random.default_rng(20261203)
    total = 0
    if kind == "resize":
        count = int(argv[3]) if len(argv) == 4 else 96
        for i in range(count):
            width, height = SIZES[i % len(SIZES)]
            if i % 3 == 2:
                width, height = height, width
            total += write(f"{folder}/{i:04d}_{width}x{height}.jpg", photo_like(rng, width, height), 90)
    else:
        count = int(argv[3]) if len(argv) == 4 else 20
        for i in range(count):
            total += write(f"{folder}/{i:04d}.jpg", photo_like(rng, 400, 300), 80)
    print(f"{count} images, {total / count / 1024:.1f} KiB on average, in {folder}")


if __name__ == "__main__":
    main(sys.argv)
