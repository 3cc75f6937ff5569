#!/usr/bin/env python3
"""Writes small seed inputs for a libFuzzer target of scripts/fuzz.sh into DIR.

    seed_corpus.py TARGET DIR

TARGET: npy, safetensors, py_literal, brace_expand, clip_tokenizer, knn_request,
indices_paths, url_list, image_decode, image_resizer, webdataset, sentencepiece. Pure Python (no
numpy) except the image targets, whose small JPEG/PNG/WebP/BMP images come from Debian's
python3-opencv (GIF is written by hand): the .npy and .safetensors seeds are built byte by byte as
numpy's np.save and the reference safetensors writer lay them out; the webdataset shards are
written by tarfile (ustar, pax and GNU headers), raw and gzip/bzip2/xz-compressed. Every seed is
valid input; the fuzzer mutates from there. The same files are committed in tests/fuzz/regressions/TARGET/ as the replay test's floor.
"""
import bz2
import gzip
import io
import json
import lzma
import os
import struct
import sys
import tarfile


def npy(descr, shape, payload, version=1):
    shape_repr = "(" + "".join("%d, " % d for d in shape)[:-2] + ("," if len(shape) == 1 else "") + ")"
    header = "{'descr': '%s', 'fortran_order': False, 'shape': %s, }" % (descr, shape_repr)
    pre = 10 if version == 1 else 12
    total = pre + len(header) + 1
    header += " " * ((64 - total % 64) % 64) + "\n"
    length = struct.pack("<H", len(header)) if version == 1 else struct.pack("<I", len(header))
    return b"\x93NUMPY" + bytes([version, 0]) + length + header.encode("latin1") + payload


def safetensors(tensors, metadata=None):
    header, data = {}, b""
    if metadata is not None:
        header["__metadata__"] = metadata
    for name, (dtype, shape, payload) in tensors.items():
        header[name] = {"dtype": dtype, "shape": shape,
                        "data_offsets": [len(data), len(data) + len(payload)]}
        data += payload
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * ((8 - len(text) % 8) % 8)
    return struct.pack("<Q", len(text)) + text + data


def tar_shard(members, fmt=tarfile.USTAR_FORMAT):
    """A tar of `members`, (name, data) pairs: bytes for a file, None for a directory, ("->",
    target) for a symbolic link. Headers carry mtime 0 and no owner, so the bytes are reproducible;
    the end-of-archive marker is not padded to tar's 10 KiB record."""
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=fmt) as tar:
        for name, data in members:
            info = tarfile.TarInfo(name)
            if data is None:
                info.type = tarfile.DIRTYPE
                tar.addfile(info)
            elif isinstance(data, tuple):
                info.type = tarfile.SYMTYPE
                info.linkname = data[1]
                tar.addfile(info)
            else:
                info.size = len(data)
                tar.addfile(info, io.BytesIO(data))
        end = tar.offset
    return buf.getvalue()[:end] + b"\0" * 1024


def webdataset_seeds():
    plain = tar_shard([
        ("000000.jpg", b"\xff\xd8\xff\xe0 not really a jpeg \xff\xd9"),
        ("000000.txt", b"a photo of a cat"),
        ("000000.json", json.dumps({"url": "http://a/1.jpg", "width": 20}).encode()),
        ("000001.png", b"\x89PNG\r\n\x1a\n"),
        ("000001.txt", "une photo d'un chat \u00e0 Paris".encode()),
        ("000002.WEBP", b"RIFF\x00\x00\x00\x00WEBP"),
        ("000002.TXT", b"upper-case extensions"),
    ])
    odd = tar_shard([
        ("shard", None),
        ("shard/a.b.c", None),
        ("shard/a.b.c/x.seg.PNG", b"png"),
        ("shard/a.b.c/x.json", b"{}"),
        ("README", b"no dot: not a member"),
        ("x.", b"nothing after the dot"),
        (".hidden.jpg", b"hidden"),
        ("shard/._x.jpg", b"resource fork"),
        ("__key__", b"metadata"),
        ("./rel/000.txt", b"relative"),
        ("./rel/000.txt", b"duplicate, dropped"),
        ("empty.txt", b""),
        ("empty.jpg", b""),
        ("lnk.jpg", ("->", "empty.jpg")),
        ("k1.jpg", b"1"),
        ("k2.jpg", b"2"),
        ("k1.txt", b"k1 again: a new sample"),
    ])
    long_dir = "d" * 60 + "/" + "e" * 60
    return {
        "plain.tar": plain,
        "gzip.tar.gz": gzip.compress(plain, mtime=0),
        "bzip2.tar.bz2": bz2.compress(plain),
        "xz.tar.xz": lzma.compress(plain),
        "odd_names.tar": odd,
        "pax_long_names.tar": tar_shard([
            (long_dir + "/000.jpg", b"j"),
            (long_dir + "/000.txt", b"long path"),
            ("\u732b/\u5199\u771f.txt", "\u732b\u306e\u5199\u771f".encode()),
        ], fmt=tarfile.PAX_FORMAT),
        "gnu_long_names.tar": tar_shard([
            (long_dir + "/001.jpg", b"j"),
            (long_dir + "/001.txt", b"gnu longname"),
        ], fmt=tarfile.GNU_FORMAT),
        "empty.tar": tar_shard([]),
    }


def seeds(target):
    if target == "npy":
        f32 = struct.pack("<6f", 1, 2, 3, 4, 5, 6)
        return {
            "f32_2x3.npy": npy("<f4", (2, 3), f32),
            "f16_4.npy": npy("<f2", (4,), struct.pack("<4H", 0x3C00, 0x4000, 0x7C00, 0x8001)),
            "f64_scalar.npy": npy("<f8", (), struct.pack("<d", 0.5)),
            "i64_3x1.npy": npy("<i8", (3, 1), struct.pack("<3q", 1, -2, 3)),
            "i32_0x5.npy": npy("<i4", (0, 5), b""),
            "f32_v2.npy": npy("<f4", (1, 2), struct.pack("<2f", 1, 2), version=2),
        }
    if target == "safetensors":
        return {
            "f32.safetensors": safetensors({"w": ("F32", [2, 2], struct.pack("<4f", 1, 2, 3, 4))}),
            "mixed.safetensors": safetensors(
                {"a": ("F16", [3], struct.pack("<3H", 0x3C00, 0, 0xFC00)),
                 "b": ("BF16", [1, 2], struct.pack("<2H", 0x3F80, 0x4000)),
                 "c": ("I64", [], struct.pack("<q", 7)),
                 "d": ("U8", [0, 4], b"")},
                metadata={"format": "pt"}),
        }
    if target == "py_literal":
        return {
            "npy_header.txt": b"{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }",
            "nested.txt": b"{'a': [1, (2, -3), ['x', \"y\\n\"]], 'b': None, 'c': True,}",
            "big_int.txt": b"{'n': 123456789012345678901234567890, 'm': -0}",
            "cli_list.txt": b"[\"a\", 'b', \"c,d\"]",
            "cli_bool.txt": b"False",
        }
    if target == "brace_expand":
        # First byte: options (bit 0 = escape).
        return {
            "range.txt": b"\x01s3://b/{000..150}.tar",
            "nested.txt": b"\x01{a,b{1..3..2}}-{x,y}",
            "letters.txt": b"\x01{a..E}{5..1}",
            "escape.txt": b"\x01\\{a,b\\}{c\\,d,e}",
            "no_escape.txt": b"\x00pipe:aws s3 cp s3://x/{0..9}.tar -",
        }
    if target == "clip_tokenizer":
        return {
            "plain.txt": "a photo of a cat".encode(),
            "special.txt": "<|startoftext|>hi<|endoftext|> there".encode(),
            "html_mojibake.txt": "caf\u00c3\u00a9 &amp; &lt;b&gt; don't".encode(),
            "cjk_emoji.txt": "\u732b\u306e\u5199\u771f \U0001f431 \u00e9t\u00e9".encode(),
            "invalid_utf8.txt": b"abc\xff\xfe\xc3 \xe2\x82 x",
            "long.txt": ("word " * 100).encode(),
        }
    if target == "knn_request":
        return {
            "text.json": json.dumps({"text": "a cat", "modality": "image", "num_images": 10,
                                     "indice_name": "my_index"}).encode(),
            "image.json": json.dumps({"image": "aGVsbG8=", "modality": "text", "num_images": 3,
                                      "num_result_ids": 30, "deduplicate": True,
                                      "use_safety_model": False, "aesthetic_score": "9",
                                      "aesthetic_weight": "0.5"}).encode(),
            "embedding.json": json.dumps({"embedding_input": [0.5, -1, 2e-3], "modality": "image",
                                          "num_images": 1, "return_embeddings": True}).encode(),
            "terms.json": json.dumps({"query_terms": [{"text": "dog", "weight": 2},
                                                      {"image_url": "http://x/y.jpg"},
                                                      {"embedding_input": [1, 2]}],
                                      "modality": "image", "num_images": 5}).encode(),
            "metadata.json": json.dumps({"ids": [1, 2, 3], "indice_name": "a"}).encode(),
        }
    if target == "indices_paths":
        return {
            "folders.json": json.dumps({"laion": "/data/laion", "coco": "/data/coco"}).encode(),
            "options.json": json.dumps({"a": {"indice_folder": "/data/a", "enable_hdf5": False,
                                              "clip_model": "ViT-B/32",
                                              "columns_to_return": ["url", "caption"],
                                              "enable_faiss_memory_mapping": True,
                                              "reorder_metadata_by_ivf_index": False},
                                        "b": "/data/b"}).encode(),
        }
    if target == "url_list":
        # First byte: format (0 txt, 1 csv, 2 tsv, 3 jsonl, 4 json) | 8 for gzip.
        return {
            "txt.bin": b"\x00http://a/1.jpg\r\n\nhttps://b/2.png\rftp://c\n",
            "csv.bin": b"\x01\xef\xbb\xbfurl,caption,x\nhttp://a,\"a, \"\"cat\"\"\nline\",1\nhttp://b,,2\n",
            "tsv.bin": b"\x02url\tcaption\nhttp://a\ta dog\n",
            "jsonl.bin": b"\x03" + b"\n".join(json.dumps(r).encode() for r in [
                {"url": "http://a", "caption": "x"}, {"url": "http://b", "caption": None},
                {"url": 3, "caption": {"k": [1]}}]) + b"\n\n",
            "json_columns.bin": b"\x04" + json.dumps(
                {"url": {"0": "http://a", "1": "http://b"}, "caption": {"0": "a", "1": None}}).encode(),
            "json_records.bin": b"\x04" + json.dumps(
                [{"url": "http://a", "caption": "a"}, {"url": "http://b"}]).encode(),
            "txt_gzip.bin": b"\x08" + gzip.compress(b"http://a/1.jpg\nhttp://b/2.jpg\n", mtime=0),
        }
    if target in ("image_decode", "image_resizer"):
        return image_seeds()
    if target == "webdataset":
        return webdataset_seeds()
    if target == "sentencepiece":
        return {
            "plain.txt": b"a photo of a cat",
            "multilingual.txt": ("une photo d'un chat \u00e0 Paris "
                                 "\u4e00\u53ea\u732b\u7684\u7167\u7247 "
                                 "\u0444\u043e\u0442\u043e\u0433\u0440\u0430\u0444\u0438\u044f"
                                 ).encode(),
            "unknown.txt": "\u16a0\u16c7\u16bb \ua66e \U00013000 \U0001f984 unicorn".encode(),
            "specials.txt": "\u2581 meta symbol <s> literal </s> <unk> <pad> <mask>".encode(),
            "invalid_utf8.txt": (b"invalid \xff\xfe utf-8, truncated \xe3\x81 nul\x00byte "
                                 b"surrogate \xed\xa0\x80"),
            "whitespace.txt": "  tab\tnew\nline\u3000\uff21\uff22\uff23 \ufb01ne  ".encode(),
            "long.txt": b"beautiful sunset over the mountain river " * 20,
        }
    raise SystemExit("unknown target " + target)


def image_seeds():
    import cv2  # python3-opencv
    import numpy as np
    rng = np.random.default_rng(7)
    colour = cv2.resize(rng.integers(0, 256, (3, 4, 3), dtype=np.uint8), (20, 14),
                        interpolation=cv2.INTER_CUBIC)
    gray = cv2.cvtColor(colour, cv2.COLOR_BGR2GRAY)
    rgba = np.dstack([colour, rng.integers(0, 256, (14, 20), dtype=np.uint8)])
    def enc(ext, img, params=()):
        ok, data = cv2.imencode(ext, img, list(params))
        assert ok
        return data.tobytes()
    # A 2 x 2 GIF with a 4-colour global palette, LZW minimum code size 2 (the GIF89a layout).
    gif = (b"GIF89a" + struct.pack("<HH", 2, 2) + b"\x91\x00\x00" + bytes(
        [0, 0, 0, 255, 0, 0, 0, 255, 0, 0, 0, 255]) + b"\x21\xf9\x04\x01\x00\x00\x00\x00"
        + b"\x2c" + struct.pack("<HHHH", 0, 0, 2, 2) + b"\x00" + b"\x02\x03\x84\x1d\x05\x00\x3b")
    return {
        "colour.jpg": enc(".jpg", colour, (cv2.IMWRITE_JPEG_QUALITY, 80)),
        "colour_progressive.jpg": enc(".jpg", colour, (cv2.IMWRITE_JPEG_PROGRESSIVE, 1)),
        "gray.jpg": enc(".jpg", gray),
        "large.jpg": enc(".jpg", cv2.resize(colour, (300, 200)), (cv2.IMWRITE_JPEG_QUALITY, 30)),
        "colour.png": enc(".png", colour),
        "rgba.png": enc(".png", rgba),
        "gray16.png": enc(".png", (gray.astype(np.uint16) * 257)),
        "colour.webp": enc(".webp", colour, (cv2.IMWRITE_WEBP_QUALITY, 80)),
        "rgba.webp": enc(".webp", rgba, (cv2.IMWRITE_WEBP_QUALITY, 101)),
        "colour.bmp": enc(".bmp", colour),
        "tiny.gif": gif,
    }


def main():
    target, out = sys.argv[1], sys.argv[2]
    os.makedirs(out, exist_ok=True)
    for name, data in seeds(target).items():
        with open(os.path.join(out, name), "wb") as f:
            f.write(data)


if __name__ == "__main__":
    main()
