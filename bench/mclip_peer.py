#!/usr/bin/python3
"""Random full-size multilingual text encoders, and their PyTorch peer (bench/mclip_bench.sh).

  mclip_peer.py gen DIR      writes DIR/distilbert (sentence-transformers layout of
                             clip-ViT-B-32-multilingual-v1: DistilBERT multilingual 6 x 768, Dense
                             768 -> 512 without bias) and DIR/xlmr (M-CLIP layout of
                             XLM-Roberta-Large-Vit-B-32: XLM-R large 24 x 1024, Linear 1024 -> 512
                             with bias), random weights saved by torch.save as pytorch_model.bin,
                             and DIR/ids.json: the token ids the benchmark feeds both sides (one
                             12-token query; 64 captions of 8 to 40 tokens).
  mclip_peer.py peer DIR     times the same forward in PyTorch (python3-torch, 2 threads, eager,
                             inference_mode): batch 1 latency (median) and batch-64 texts/s, padded
                             to the batch's longest with an attention mask, as Hugging Face does.
                             Prints one JSON line per model.

The PyTorch model is written here from the architecture (transformers is not packaged in Debian):
nn.Embedding, nn.Linear, nn.LayerNorm, matmul/softmax attention with the mask, erf GELU, masked
mean pooling, the projection.
"""
import json
import math
import os
import statistics
import sys
import time

import torch

MODELS = {
    "distilbert": dict(vocab=119547, width=768, layers=6, heads=12, mlp=3072, positions=512,
                       eps=1e-12, padding_idx=None, token_types=0, embed=512, bias=False),
    "xlmr": dict(vocab=250002, width=1024, layers=24, heads=16, mlp=4096, positions=514,
                 eps=1e-5, padding_idx=1, token_types=1, embed=512, bias=True),
}


def distilbert_names(i):
    l = "transformer.layer.%d." % i
    return dict(q=l + "attention.q_lin", k=l + "attention.k_lin", v=l + "attention.v_lin",
                out=l + "attention.out_lin", ln1=l + "sa_layer_norm", fc1=l + "ffn.lin1",
                fc2=l + "ffn.lin2", ln2=l + "output_layer_norm")


def bert_names(i):
    l = "transformer.encoder.layer.%d." % i
    return dict(q=l + "attention.self.query", k=l + "attention.self.key",
                v=l + "attention.self.value", out=l + "attention.output.dense",
                ln1=l + "attention.output.LayerNorm", fc1=l + "intermediate.dense",
                fc2=l + "output.dense", ln2=l + "output.LayerNorm")


def names_of(kind, i):
    return distilbert_names(i) if kind == "distilbert" else bert_names(i)


def embedding_prefix(kind):
    return "embeddings." if kind == "distilbert" else "transformer.embeddings."


def random_state(kind, c, g):
    def rand(*shape, scale):
        return (torch.rand(*shape, generator=g) * 2 - 1) * scale

    e = embedding_prefix(kind)
    w = c["width"]
    state = {
        e + "word_embeddings.weight": rand(c["vocab"], w, scale=0.1),
        e + "position_embeddings.weight": rand(c["positions"], w, scale=0.1),
        e + "LayerNorm.weight": 1 + rand(w, scale=0.02),
        e + "LayerNorm.bias": rand(w, scale=0.02),
    }
    if c["token_types"]:
        state[e + "token_type_embeddings.weight"] = rand(c["token_types"], w, scale=0.1)
    for i in range(c["layers"]):
        n = names_of(kind, i)
        for key, out_f, in_f in [("q", w, w), ("k", w, w), ("v", w, w), ("out", w, w),
                                 ("fc1", c["mlp"], w), ("fc2", w, c["mlp"])]:
            state[n[key] + ".weight"] = rand(out_f, in_f, scale=in_f ** -0.5)
            state[n[key] + ".bias"] = rand(out_f, scale=0.02)
        for key in ["ln1", "ln2"]:
            state[n[key] + ".weight"] = 1 + rand(w, scale=0.02)
            state[n[key] + ".bias"] = rand(w, scale=0.02)
    projection = {"weight": rand(c["embed"], w, scale=w ** -0.5)}
    if c["bias"]:
        projection["bias"] = rand(c["embed"], scale=0.02)
    return state, projection


def gen(folder):
    g = torch.Generator().manual_seed(2026)
    # DistilBERT multilingual, sentence-transformers layout.
    c = MODELS["distilbert"]
    d = os.path.join(folder, "distilbert")
    os.makedirs(os.path.join(d, "1_Pooling"), exist_ok=True)
    os.makedirs(os.path.join(d, "2_Dense"), exist_ok=True)
    state, projection = random_state("distilbert", c, g)
    torch.save(state, os.path.join(d, "pytorch_model.bin"))
    torch.save({"linear.weight": projection["weight"]}, os.path.join(d, "2_Dense", "pytorch_model.bin"))
    json.dump({"model_type": "distilbert", "dim": c["width"], "n_layers": c["layers"],
               "n_heads": c["heads"], "hidden_dim": c["mlp"], "vocab_size": c["vocab"],
               "max_position_embeddings": c["positions"], "activation": "gelu"},
              open(os.path.join(d, "config.json"), "w"))
    json.dump([{"idx": 0, "name": "0", "path": "", "type": "sentence_transformers.models.Transformer"},
               {"idx": 1, "name": "1", "path": "1_Pooling", "type": "sentence_transformers.models.Pooling"},
               {"idx": 2, "name": "2", "path": "2_Dense", "type": "sentence_transformers.models.Dense"}],
              open(os.path.join(d, "modules.json"), "w"))
    json.dump({"max_seq_length": 128, "do_lower_case": False},
              open(os.path.join(d, "sentence_bert_config.json"), "w"))
    json.dump({"word_embedding_dimension": c["width"], "pooling_mode_mean_tokens": True},
              open(os.path.join(d, "1_Pooling", "config.json"), "w"))
    json.dump({"in_features": c["width"], "out_features": c["embed"], "bias": False,
               "activation_function": "torch.nn.modules.linear.Identity"},
              open(os.path.join(d, "2_Dense", "config.json"), "w"))
    del state
    # XLM-R large, M-CLIP layout (the base's sizes are the known xlm-roberta-large).
    c = MODELS["xlmr"]
    x = os.path.join(folder, "xlmr")
    os.makedirs(x, exist_ok=True)
    state, projection = random_state("xlmr", c, g)
    state["LinearTransformation.weight"] = projection["weight"]
    state["LinearTransformation.bias"] = projection["bias"]
    torch.save(state, os.path.join(x, "pytorch_model.bin"))
    json.dump({"model_type": "M-CLIP", "modelBase": "xlm-roberta-large", "numDims": c["embed"],
               "transformerDimensions": c["width"]}, open(os.path.join(x, "config.json"), "w"))
    del state
    # Token ids: framing ids of each model are 101/102 and 0/2; the rest random in the vocab.
    rng = torch.Generator().manual_seed(7)
    lengths = [8 + int(torch.randint(0, 33, (1,), generator=rng)) for _ in range(64)]
    ids = {}
    for kind, (first, last) in {"distilbert": (101, 102), "xlmr": (0, 2)}.items():
        vocab = MODELS[kind]["vocab"]
        def text(n):
            return [first] + [int(t) for t in torch.randint(1000, vocab, (n - 2,), generator=rng)] + [last]
        ids[kind] = {"query": text(12), "batch": [text(n) for n in lengths]}
    json.dump(ids, open(os.path.join(folder, "ids.json"), "w"))


class Encoder(torch.nn.Module):
    def __init__(self, kind, c, state, projection):
        super().__init__()
        self.c = c
        e = embedding_prefix(kind)
        self.word = torch.nn.Embedding.from_pretrained(state[e + "word_embeddings.weight"])
        self.position = torch.nn.Embedding.from_pretrained(state[e + "position_embeddings.weight"])
        self.token_type = (state[e + "token_type_embeddings.weight"][0] if c["token_types"] else None)
        self.ln = self._ln(state, e + "LayerNorm")
        self.layers = []
        for i in range(c["layers"]):
            n = names_of(kind, i)
            layer = {k: self._linear(state, n[k]) for k in ["q", "k", "v", "out", "fc1", "fc2"]}
            layer["ln1"] = self._ln(state, n["ln1"])
            layer["ln2"] = self._ln(state, n["ln2"])
            self.layers.append(layer)
        self.projection = torch.nn.Linear(c["width"], c["embed"], bias=c["bias"])
        self.projection.weight.data = projection["weight"]
        if c["bias"]:
            self.projection.bias.data = projection["bias"]

    def _linear(self, state, name):
        w = state[name + ".weight"]
        m = torch.nn.Linear(w.shape[1], w.shape[0])
        m.weight.data = w
        m.bias.data = state[name + ".bias"]
        return m

    def _ln(self, state, name):
        m = torch.nn.LayerNorm(self.c["width"], eps=self.c["eps"])
        m.weight.data = state[name + ".weight"]
        m.bias.data = state[name + ".bias"]
        return m

    def forward(self, ids, mask):
        c = self.c
        if c["padding_idx"] is None:
            positions = torch.arange(ids.shape[1]).unsqueeze(0)
        else:
            positions = torch.cumsum(mask, 1) * mask + c["padding_idx"]
        x = self.word(ids) + self.position(positions)
        if self.token_type is not None:
            x = x + self.token_type
        x = self.ln(x)
        b, s, w = x.shape
        h, d = c["heads"], w // c["heads"]
        bias = (1.0 - mask[:, None, None, :].float()) * torch.finfo(torch.float32).min
        for l in self.layers:
            q = l["q"](x).view(b, s, h, d).transpose(1, 2)
            k = l["k"](x).view(b, s, h, d).transpose(1, 2)
            v = l["v"](x).view(b, s, h, d).transpose(1, 2)
            scores = torch.softmax(q @ k.transpose(-1, -2) / math.sqrt(d) + bias, dim=-1)
            attended = (scores @ v).transpose(1, 2).reshape(b, s, w)
            x = l["ln1"](x + l["out"](attended))
            x = l["ln2"](x + l["fc2"](torch.nn.functional.gelu(l["fc1"](x))))
        m = mask.unsqueeze(-1).float()
        pooled = (x * m).sum(1) / m.sum(1).clamp(min=1e-9)
        return self.projection(pooled)


def load(folder, kind):
    c = MODELS[kind]
    if kind == "distilbert":
        state = torch.load(os.path.join(folder, kind, "pytorch_model.bin"))
        dense = torch.load(os.path.join(folder, kind, "2_Dense", "pytorch_model.bin"))
        projection = {"weight": dense["linear.weight"]}
    else:
        state = torch.load(os.path.join(folder, kind, "pytorch_model.bin"))
        projection = {"weight": state["LinearTransformation.weight"],
                      "bias": state["LinearTransformation.bias"]}
    return Encoder(kind, c, state, projection).eval()


def padded(texts, pad):
    longest = max(len(t) for t in texts)
    ids = torch.full((len(texts), longest), pad, dtype=torch.long)
    mask = torch.zeros((len(texts), longest), dtype=torch.long)
    for i, t in enumerate(texts):
        ids[i, :len(t)] = torch.tensor(t)
        mask[i, :len(t)] = 1
    return ids, mask


def time_calls(fn, min_seconds, min_calls):
    times = []
    start = time.perf_counter()
    while len(times) < min_calls or time.perf_counter() - start < min_seconds:
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return times


def peer(folder):
    torch.set_num_threads(int(os.environ.get("MCLIP_BENCH_THREADS", "2")))
    ids = json.load(open(os.path.join(folder, "ids.json")))
    for kind in ["distilbert", "xlmr"]:
        model = load(folder, kind)
        pad = 0 if kind == "distilbert" else 1
        query = padded([ids[kind]["query"]], pad)
        batch = padded(ids[kind]["batch"], pad)
        with torch.inference_mode():
            for _ in range(3):
                model(*query)
            model(*batch)
            query_times = time_calls(lambda: model(*query), 5, 20)
            batch_times = time_calls(lambda: model(*batch), 10, 3)
        print(json.dumps({"model": kind, "threads": torch.get_num_threads(),
                          "query_ms_median": statistics.median(query_times) * 1e3,
                          "query_ms_p90": sorted(query_times)[int(len(query_times) * 0.9)] * 1e3,
                          "batch64_texts_per_s": 64 / statistics.median(batch_times),
                          "torch": torch.__version__,
                          "mkldnn": torch.backends.mkldnn.is_available()}), flush=True)
        del model


if __name__ == "__main__":
    {"gen": gen, "peer": peer}[sys.argv[1]](sys.argv[2])
