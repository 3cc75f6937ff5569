#!/usr/bin/python3
"""PyTorch peer of our CLIP inference: the same Hugging Face CLIPModel folder, in eager fp32.

  clip_peer.py check FOLDER PIXELS.npy IDS.npy OUT_PREFIX
      raw projected features (not normalised) of n x 3 x 224 x 224 float32 pixels and n x S int64
      ids, written to OUT_PREFIX.image.npy / OUT_PREFIX.text.npy, to compare with our C++ output.
  clip_peer.py bench FOLDER [--threads 2] [--seconds 10]
      images/s at batch 1 and 32, texts/s at batch 64 (12-token captions), one 12-token query's
      latency; one JSON line.
  clip_peer.py encode FOLDER PIXELS.npy [--threads 2] [--batch 32]
      embeds every pixel row; JSON with wall seconds and the whole process's peak RSS.
  clip_peer.py export FOLDER OUTDIR
      OUTDIR/vision.onnx (pixel_values -> image_embeds) and OUTDIR/text.onnx (input_ids ->
      text_embeds) for bench/ort/clip_ort_peer.mjs.

transformers is not packaged in Debian, so the forward is written here after its modeling_clip.py,
with the module names of its state dict, so the safetensors names load one to one (and a missing or
extra name is an error rather than a silently random weight).
"""
import time

T0 = time.time()  # before importing torch: encode's wall figure is the whole process's

import json
import os
import resource
import statistics
import struct
import sys


def option(name, default):
    return type(default)(sys.argv[sys.argv.index(name) + 1]) if name in sys.argv else default


# Debian's torch calls the system libblas.so.3 (OpenBLAS, pthread build): its thread pool is its
# own, not torch's OpenMP one, so it is sized here, before torch loads it.
os.environ.setdefault("OPENBLAS_NUM_THREADS", str(option("--threads", 2)))

import numpy as np
import torch
from torch import nn

ACTS = {"quick_gelu": lambda x: x * torch.sigmoid(1.702 * x),
        "gelu": nn.functional.gelu}
START, END = 49406, 49407


def read_safetensors(path):
    """name -> tensor. One read into a bytearray; the tensors are views of it (no second copy, so
    peak RSS is the model once)."""
    with open(path, "rb") as f:
        n = struct.unpack("<Q", f.read(8))[0]
        header = json.loads(f.read(n))
        data = bytearray(os.path.getsize(path) - 8 - n)
        f.readinto(data)
    out = {}
    for name, t in header.items():
        if name == "__metadata__":
            continue
        assert t["dtype"] == "F32", (name, t["dtype"])
        a, b = t["data_offsets"]
        out[name] = torch.from_numpy(np.frombuffer(data, np.float32, (b - a) // 4, a)
                                     .reshape(t["shape"]))
    return out


class Attention(nn.Module):
    def __init__(self, d, heads):
        super().__init__()
        self.heads, self.scale = heads, (d // heads) ** -0.5
        for n in ("q_proj", "k_proj", "v_proj", "out_proj"):
            setattr(self, n, nn.Linear(d, d, device="meta"))

    def forward(self, x, causal):
        b, s, d = x.shape
        split = lambda t: t.reshape(b, s, self.heads, d // self.heads).transpose(1, 2)
        q, k, v = split(self.q_proj(x) * self.scale), split(self.k_proj(x)), split(self.v_proj(x))
        scores = q @ k.transpose(-1, -2)
        if causal:  # token i sees tokens <= i; built from arange so ONNX keeps seq dynamic
            i = torch.arange(s, device=x.device)
            scores = scores.masked_fill(i[None, :] > i[:, None], float("-inf"))
        y = torch.softmax(scores, -1) @ v
        return self.out_proj(y.transpose(1, 2).reshape(b, s, d))


class Mlp(nn.Module):
    def __init__(self, d, hidden, act):
        super().__init__()
        self.fc1, self.fc2 = nn.Linear(d, hidden, device="meta"), nn.Linear(hidden, d, device="meta")
        self.act = ACTS[act]

    def forward(self, x):
        return self.fc2(self.act(self.fc1(x)))


class Layer(nn.Module):
    """Pre-norm block: x + attn(ln1(x)), then x + mlp(ln2(x))."""

    def __init__(self, c):
        super().__init__()
        d, eps = c["hidden_size"], c["layer_norm_eps"]
        self.layer_norm1 = nn.LayerNorm(d, eps, device="meta")
        self.self_attn = Attention(d, c["num_attention_heads"])
        self.layer_norm2 = nn.LayerNorm(d, eps, device="meta")
        self.mlp = Mlp(d, c["intermediate_size"], c["hidden_act"])

    def forward(self, x, causal):
        x = x + self.self_attn(self.layer_norm1(x), causal)
        return x + self.mlp(self.layer_norm2(x))


class Encoder(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.layers = nn.ModuleList(Layer(c) for _ in range(c["num_hidden_layers"]))

    def forward(self, x, causal):
        for layer in self.layers:
            x = layer(x, causal)
        return x


class VisionEmbeddings(nn.Module):
    def __init__(self, c):
        super().__init__()
        d, p = c["hidden_size"], c["patch_size"]
        self.patch_embedding = nn.Conv2d(c["num_channels"], d, p, p, bias=False, device="meta")
        self.class_embedding = nn.Parameter(torch.empty(d, device="meta"))
        self.position_embedding = nn.Embedding((c["image_size"] // p) ** 2 + 1, d, device="meta")

    def forward(self, pixels):
        x = self.patch_embedding(pixels).flatten(2).transpose(1, 2)  # b x patches x d
        cls = self.class_embedding.expand(x.shape[0], 1, -1)
        return torch.cat([cls, x], 1) + self.position_embedding.weight


class VisionModel(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.embeddings = VisionEmbeddings(c)
        self.pre_layrnorm = nn.LayerNorm(c["hidden_size"], c["layer_norm_eps"], device="meta")
        self.encoder = Encoder(c)
        self.post_layernorm = nn.LayerNorm(c["hidden_size"], c["layer_norm_eps"], device="meta")

    def forward(self, pixels):
        x = self.encoder(self.pre_layrnorm(self.embeddings(pixels)), causal=False)
        return self.post_layernorm(x[:, 0])  # the class token


class TextEmbeddings(nn.Module):
    def __init__(self, c):
        super().__init__()
        d = c["hidden_size"]
        self.token_embedding = nn.Embedding(c["vocab_size"], d, device="meta")
        self.position_embedding = nn.Embedding(c["max_position_embeddings"], d, device="meta")

    def forward(self, ids):
        return self.token_embedding(ids) + self.position_embedding.weight[: ids.shape[1]]


class TextModel(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.embeddings = TextEmbeddings(c)
        self.encoder = Encoder(c)
        self.final_layer_norm = nn.LayerNorm(c["hidden_size"], c["layer_norm_eps"], device="meta")

    def forward(self, ids):
        x = self.final_layer_norm(self.encoder(self.embeddings(ids), causal=True))
        # Pooled at the end token, found as the row's highest id (HF's rule for the original CLIP
        # vocab, where the end token 49407 is the largest id). int32 as HF does: ONNX Runtime's
        # ArgMax has no int64 kernel.
        end = ids.to(torch.int32).argmax(-1)
        return x.gather(1, end.view(-1, 1, 1).expand(-1, 1, x.shape[2])).squeeze(1)


# Hugging Face's defaults, for keys a config.json leaves out.
VISION = dict(hidden_size=768, intermediate_size=3072, num_hidden_layers=12, num_attention_heads=12,
              num_channels=3, image_size=224, patch_size=32, hidden_act="quick_gelu",
              layer_norm_eps=1e-5)
TEXT = dict(vocab_size=49408, hidden_size=512, intermediate_size=2048, num_hidden_layers=12,
            num_attention_heads=8, max_position_embeddings=77, hidden_act="quick_gelu",
            layer_norm_eps=1e-5)


class CLIP(nn.Module):
    def __init__(self, folder):
        super().__init__()
        config = json.load(open(os.path.join(folder, "config.json")))
        vc = {**VISION, **config.get("vision_config", {})}
        tc = {**TEXT, **config.get("text_config", {})}
        proj = config.get("projection_dim", 512)
        self.vision_model, self.text_model = VisionModel(vc), TextModel(tc)
        self.visual_projection = nn.Linear(vc["hidden_size"], proj, bias=False, device="meta")
        self.text_projection = nn.Linear(tc["hidden_size"], proj, bias=False, device="meta")
        # The modules were built on "meta" (no memory, no random init); the file's tensors become
        # the parameters themselves. Unused names (logit_scale, position_ids) are allowed.
        state = read_safetensors(os.path.join(folder, "model.safetensors"))
        names = dict(self.named_parameters())
        missing = set(names) - set(state)
        assert not missing, "not in the file: %s" % sorted(missing)[:5]
        for name in names:
            owner, _, leaf = name.rpartition(".")
            module = self.get_submodule(owner)
            assert state[name].shape == getattr(module, leaf).shape, name
            setattr(module, leaf, nn.Parameter(state[name], requires_grad=False))
        self.eval()

    def image(self, pixels):
        return self.visual_projection(self.vision_model(pixels))

    def text(self, ids):
        return self.text_projection(self.text_model(ids))


class Part(nn.Module):
    """One tower, for torch.onnx.export."""

    def __init__(self, model, which):
        super().__init__()
        self.model, self.which = model, which

    def forward(self, x):
        return getattr(self.model, self.which)(x)


def captions(n, g):
    """n 12-token captions: start, 10 random ids below the start token, end (no padding)."""
    ids = torch.randint(0, START, (n, 12), generator=g)
    ids[:, 0], ids[:, -1] = START, END
    return ids


def median_seconds(fn, seconds):
    fn()  # warm-up: one call per shape
    times, t_end = [], time.perf_counter() + seconds
    while not times or time.perf_counter() < t_end:
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times), len(times)


def torch_summary():
    info = torch.__config__.parallel_info().splitlines()
    keep = [l.strip() for l in info if any(k in l for k in ("MKL", "OpenMP", "backend", "threads"))]
    build = torch.__config__.show()
    settings = build.split("Build settings:")[-1].split(", ")
    keep += [s.strip() for s in settings if s.split("=")[0].strip() in
             ("BLAS_INFO", "LAPACK_INFO", "USE_MKLDNN", "USE_OPENMP")]
    keep += [l.strip(" -") for l in build.splitlines() if "CPU capability" in l]
    # Which BLAS actually got loaded (BLAS_INFO=generic only says "libblas.so.3").
    maps = open("/proc/self/maps").read().split()
    libs = sorted({os.path.realpath(p) for p in maps if "blas" in p or "dnnl" in p})
    return keep + libs


def main():
    cmd, folder = sys.argv[1], sys.argv[2]
    threads = option("--threads", 2)
    torch.set_num_threads(threads)
    if cmd == "export":
        model, out = CLIP(folder), sys.argv[3]
        os.makedirs(out, exist_ok=True)
        g = torch.Generator().manual_seed(0)
        with torch.no_grad():  # tracing rejects inference-mode tensors
            torch.onnx.export(Part(model, "image"), torch.randn(2, 3, 224, 224, generator=g),
                              os.path.join(out, "vision.onnx"), opset_version=14,
                              input_names=["pixel_values"], output_names=["image_embeds"],
                              dynamic_axes={"pixel_values": {0: "batch"}, "image_embeds": {0: "batch"}})
            torch.onnx.export(Part(model, "text"), captions(2, g),
                              os.path.join(out, "text.onnx"), opset_version=14,
                              input_names=["input_ids"], output_names=["text_embeds"],
                              dynamic_axes={"input_ids": {0: "batch", 1: "seq"},
                                            "text_embeds": {0: "batch"}})
        print(json.dumps({"vision": os.path.join(out, "vision.onnx"),
                          "text": os.path.join(out, "text.onnx"), "opset": 14}))
        return
    with torch.inference_mode():
        if cmd == "check":
            model = CLIP(folder)
            pixels = torch.from_numpy(np.load(sys.argv[3]).astype(np.float32))
            ids = torch.from_numpy(np.load(sys.argv[4]).astype(np.int64))
            np.save(sys.argv[5] + ".image.npy", model.image(pixels).numpy())
            np.save(sys.argv[5] + ".text.npy", model.text(ids).numpy())
        elif cmd == "encode":
            t = time.time()
            model = CLIP(folder)
            load_s, t = time.time() - t, time.time()
            pixels, batch = np.load(sys.argv[3]), option("--batch", 32)
            rows = [model.image(torch.from_numpy(pixels[i:i + batch])).numpy()
                    for i in range(0, len(pixels), batch)]
            print(json.dumps({"peer": "torch", "images": len(pixels), "batch": batch,
                              "threads": torch.get_num_threads(), "load_s": round(load_s, 3),
                              "encode_s": round(time.time() - t, 3),
                              "wall_s": round(time.time() - T0, 3),
                              "peak_rss_kib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
                              "out_shape": list(np.concatenate(rows).shape)}))
        elif cmd == "bench":
            model, seconds = CLIP(folder), option("--seconds", 10.0)
            g = torch.Generator().manual_seed(0)
            pixels, texts, query = torch.randn(32, 3, 224, 224, generator=g), captions(64, g), captions(1, g)
            i1, n1 = median_seconds(lambda: model.image(pixels[:1]), seconds)
            i32, n32 = median_seconds(lambda: model.image(pixels), seconds)
            t64, n64 = median_seconds(lambda: model.text(texts), seconds)
            q, nq = median_seconds(lambda: model.text(query), seconds)
            print(json.dumps({
                "peer": "torch eager fp32", "torch": torch.__version__,
                "threads": torch.get_num_threads(),
                "openblas_threads": os.environ["OPENBLAS_NUM_THREADS"],
                "images_per_s_batch1": round(1 / i1, 2), "images_per_s_batch32": round(32 / i32, 2),
                "texts_per_s_batch64": round(64 / t64, 2), "query_latency_ms": round(q * 1e3, 2),
                "repeats": [n1, n32, n64, nq], "seconds_per_shape": seconds,
                "config": torch_summary()}))
        else:
            sys.exit(__doc__)


if __name__ == "__main__":
    main()
