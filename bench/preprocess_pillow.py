#!/usr/bin/python3
"""The peer of BM_DecodeAndPreprocessFolder: the original's preprocessing with Pillow + torchvision.

  preprocess_pillow.py DIR [SECONDS]

Reads every file of DIR into memory, then repeats decode + Resize(224, BICUBIC) + CenterCrop(224)
+ convert("RGB") + ToTensor + Normalize(CLIP mean/std) over them, one thread, for at least
SECONDS (default 5), and prints one JSON line: images/s by wall and by CPU time.
"""
import io
import json
import os
import sys
import time

import torch
from PIL import Image
from torchvision import transforms


def main(argv):
    folder = argv[1]
    seconds = float(argv[2]) if len(argv) > 2 else 5.0
    torch.set_num_threads(1)
    preprocess = transforms.Compose([
        transforms.Resize(224, interpolation=transforms.InterpolationMode.BICUBIC),
        transforms.CenterCrop(224),
        lambda image: image.convert("RGB"),
        transforms.ToTensor(),
        transforms.Normalize((0.48145466, 0.4578275, 0.40821073),
                             (0.26862954, 0.26130258, 0.27577711)),
    ])
    files = []
    for name in sorted(os.listdir(folder)):
        with open(os.path.join(folder, name), "rb") as f:
            files.append(f.read())
    for data in files[:10]:  # warm-up
        preprocess(Image.open(io.BytesIO(data)))
    images = 0
    wall0, cpu0 = time.perf_counter(), time.process_time()
    while time.perf_counter() - wall0 < seconds:
        for data in files:
            preprocess(Image.open(io.BytesIO(data)))
        images += len(files)
    wall, cpu = time.perf_counter() - wall0, time.process_time() - cpu0
    print(json.dumps({"images": images, "images_per_s_wall": images / wall,
                      "images_per_s_cpu": images / cpu, "pillow": Image.__version__,
                      "torch": torch.__version__}))


if __name__ == "__main__":
    sys.exit(main(sys.argv))
