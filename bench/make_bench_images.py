#!/usr/bin/python3
"""Synthetic img2dataset-like inputs for bench/preprocess_vs_pillow.sh and bench/inference_e2e.sh.

  make_bench_images.py folder DIR COUNT            COUNT 256x256 JPEGs (000000.jpg, ...)
  make_bench_images.py shards DIR SHARDS PER_SHARD webdataset shards DIR/00000.tar, ... of
                                                   KEY.jpg + KEY.txt (a 10-word caption)

Images are 256x256 RGB JPEG at quality 95 (img2dataset's defaults), made by Pillow: a colour
gradient, a few filled shapes and mild noise, so they compress like photos rather than like flat
colour or pure noise. Deterministic (seeded). Needs Debian's python3-pil.
"""
import io
import random
import sys
import tarfile

from PIL import Image, ImageDraw

SIZE = 256
QUALITY = 95
# Common English words, each one CLIP BPE token: captions are start + 10 tokens + end = 12 ids.
WORDS = ("a photo of the red blue green small big dog cat car house tree on in with near "
         "old new white black man woman girl boy field street water sky").split()


def make_jpeg(rng):
    base = Image.linear_gradient("L").resize((SIZE, SIZE)).rotate(rng.uniform(0, 360))
    colour_a = tuple(rng.randrange(256) for _ in range(3))
    colour_b = tuple(rng.randrange(256) for _ in range(3))
    image = Image.composite(Image.new("RGB", (SIZE, SIZE), colour_a),
                            Image.new("RGB", (SIZE, SIZE), colour_b), base)
    draw = ImageDraw.Draw(image)
    for _ in range(rng.randrange(3, 9)):
        x, y = rng.randrange(SIZE), rng.randrange(SIZE)
        w, h = rng.randrange(10, 120), rng.randrange(10, 120)
        fill = tuple(rng.randrange(256) for _ in range(3))
        shape = draw.ellipse if rng.random() < 0.5 else draw.rectangle
        shape([x - w // 2, y - h // 2, x + w // 2, y + h // 2], fill=fill)
    noise = Image.effect_noise((SIZE, SIZE), rng.uniform(8, 24)).convert("RGB")
    image = Image.blend(image, noise, 0.3)
    out = io.BytesIO()
    image.save(out, "JPEG", quality=QUALITY)
    return out.getvalue()


def caption(rng):
    return " ".join(rng.choice(WORDS) for _ in range(10))


def add_member(tar, name, data):
    info = tarfile.TarInfo(name)
    info.size = len(data)
    tar.addfile(info, io.BytesIO(data))


def main(argv):
    rng = random.Random(1234)
    if len(argv) == 4 and argv[1] == "folder":
        for i in range(int(argv[3])):
            with open(f"{argv[2]}/{i:06d}.jpg", "wb") as f:
                f.write(make_jpeg(rng))
        return 0
    if len(argv) == 5 and argv[1] == "shards":
        per_shard = int(argv[4])
        for s in range(int(argv[3])):
            with tarfile.open(f"{argv[2]}/{s:05d}.tar", "w") as tar:
                for i in range(per_shard):
                    key = f"{s:05d}{i:04d}"
                    add_member(tar, key + ".jpg", make_jpeg(rng))
                    add_member(tar, key + ".txt", caption(rng).encode())
        return 0
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
