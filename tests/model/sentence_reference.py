#!/usr/bin/python3
"""Independent references for the multilingual text encoders (tests/model/sentence_encoder_test.cpp).

Run by Debian's /usr/bin/python3 (python3-torch, python3-sentencepiece, the `spm_train` CLI).

  sentence_reference.py to-bin SRC DST
      Copies the sentence-transformers folder SRC to DST with every model.safetensors replaced by
      the same tensors saved as pytorch_model.bin by torch.save (the safetensors files are parsed
      here with the format's definition: 8-byte header length, JSON header, raw data).

  sentence_reference.py xlmr DST
      Trains a SentencePiece model with `spm_train`, builds a tiny random XLM-RoBERTa + Linear
      (with bias) in M-CLIP's layout (config.json model_type M-CLIP, modelBase = base/, weights
      `transformer.*` and `LinearTransformation.*` in pytorch_model.bin), and writes
      DST/cases.jsonl: text, input_ids (Python sentencepiece + fairseq's id mapping, <s> ... </s>,
      truncated to the model's 38 tokens) and embedding (a float64 PyTorch forward written here
      from the architecture: post-LN blocks, RoBERTa positions, masked mean, Linear).
"""
import json
import os
import shutil
import subprocess
import sys

import numpy as np
import torch

SAFETENSORS_DTYPES = {"F32": np.float32, "F16": np.float16, "I64": np.int64}


def read_safetensors(path):
    with open(path, "rb") as f:
        data = f.read()
    n = int.from_bytes(data[:8], "little")
    header = json.loads(data[8:8 + n])
    body = data[8 + n:]
    out = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        begin, end = info["data_offsets"]
        array = np.frombuffer(body[begin:end], dtype=SAFETENSORS_DTYPES[info["dtype"]])
        out[name] = torch.from_numpy(array.reshape(info["shape"]).copy())
    return out


def to_bin(src, dst):
    shutil.copytree(src, dst)
    for folder, _, files in os.walk(dst):
        if "model.safetensors" in files:
            path = os.path.join(folder, "model.safetensors")
            torch.save(read_safetensors(path), os.path.join(folder, "pytorch_model.bin"))
            os.remove(path)


TEXTS = [
    "a photo of a cat", "Ein Foto einer Katze", "une photo d'un chat à Paris",
    "una foto de un gato en la playa", "一只猫的照片", "猫の写真です", "фотография кошки",
    "صورة قطة", "고양이 사진", "Hello, World! 123", "", "   ", "emoji 🐱 test",
    "straße Ünïcödé café", "ℌ𝔢𝔩𝔩𝔬 ｆｕｌｌｗｉｄｔｈ", "<s> </s> <pad> <unk>",
    " ".join(["word"] * 80),
]

CORPUS_LINES = [
    "a photo of a cat on the sofa", "the dog runs in the park", "a red car parked by the street",
    "Ein Foto einer Katze auf dem Sofa", "der Hund läuft im Park", "ein rotes Auto an der Straße",
    "une photo d'un chat sur le canapé", "le chien court dans le parc", "une voiture rouge",
    "una foto de un gato en el sofá", "el perro corre en el parque", "un coche rojo en la calle",
    "一只猫在沙发上的照片", "狗在公园里跑", "街边停着一辆红色的汽车",
    "ソファの上の猫の写真です", "公園で走る犬", "фотография кошки на диване", "собака бежит в парке",
    "صورة قطة على الأريكة", "الكلب يركض في الحديقة", "소파 위의 고양이 사진", "공원에서 달리는 개",
]

WIDTH, LAYERS, HEADS, MLP, EMBED, MAX_POSITIONS, PAD = 32, 2, 4, 64, 16, 40, 1


def fairseq_ids(sp, text, max_tokens):
    # XLMRobertaTokenizer: <s> 0, <pad> 1, </s> 2, <unk> 3; other pieces sentencepiece id + 1.
    ids = [3 if i == 0 else i + 1 for i in sp.encode(text)]
    return [0] + ids[:max_tokens - 2] + [2]


def layer_norm(x, w, b, eps):
    mean = x.mean(-1, keepdim=True)
    var = ((x - mean) ** 2).mean(-1, keepdim=True)
    return (x - mean) / torch.sqrt(var + eps) * w + b


def reference_forward(state, ids, eps):
    t = {k: v.double() for k, v in state.items() if v.is_floating_point()}
    p = "transformer."
    ids_t = torch.tensor(ids)
    mask = (ids_t != PAD).long()
    positions = torch.cumsum(mask, 0) * mask + PAD
    x = (t[p + "embeddings.word_embeddings.weight"][ids_t] +
         t[p + "embeddings.position_embeddings.weight"][positions] +
         t[p + "embeddings.token_type_embeddings.weight"][0])
    x = layer_norm(x, t[p + "embeddings.LayerNorm.weight"], t[p + "embeddings.LayerNorm.bias"], eps)
    head_dim = WIDTH // HEADS
    for i in range(LAYERS):
        l = p + "encoder.layer.%d." % i

        def lin(name, v):
            return v @ t[l + name + ".weight"].T + t[l + name + ".bias"]

        q = lin("attention.self.query", x).view(-1, HEADS, head_dim).transpose(0, 1)
        k = lin("attention.self.key", x).view(-1, HEADS, head_dim).transpose(0, 1)
        v = lin("attention.self.value", x).view(-1, HEADS, head_dim).transpose(0, 1)
        scores = torch.softmax(q @ k.transpose(1, 2) / head_dim ** 0.5, dim=-1)
        attended = (scores @ v).transpose(0, 1).reshape(-1, WIDTH)
        x = layer_norm(x + lin("attention.output.dense", attended),
                       t[l + "attention.output.LayerNorm.weight"],
                       t[l + "attention.output.LayerNorm.bias"], eps)
        hidden = torch.nn.functional.gelu(lin("intermediate.dense", x))
        x = layer_norm(x + lin("output.dense", hidden), t[l + "output.LayerNorm.weight"],
                       t[l + "output.LayerNorm.bias"], eps)
    pooled = x.mean(0)
    return pooled @ t["LinearTransformation.weight"].T + t["LinearTransformation.bias"]


def xlmr(dst):
    import sentencepiece as spm

    os.makedirs(os.path.join(dst, "base"))
    corpus = os.path.join(dst, "corpus.txt")
    with open(corpus, "w", encoding="utf-8") as f:
        for i in range(20):
            for line in CORPUS_LINES:
                f.write(line + (" %d" % i if i % 3 == 0 else "") + "\n")
    prefix = os.path.join(dst, "sentencepiece.bpe")
    subprocess.run(["spm_train", "--input=" + corpus, "--model_prefix=" + prefix,
                    "--vocab_size=180", "--hard_vocab_limit=false", "--model_type=unigram", "--character_coverage=0.9995",
                    "--minloglevel=2"], check=True, capture_output=True)
    os.remove(prefix + ".vocab")
    sp = spm.SentencePieceProcessor(model_file=prefix + ".model")
    vocab = sp.get_piece_size() + 2  # fairseq's offset of 1, and <mask> at the end

    eps = 1e-5
    base = {"model_type": "xlm-roberta", "vocab_size": vocab, "hidden_size": WIDTH,
            "num_hidden_layers": LAYERS, "num_attention_heads": HEADS, "intermediate_size": MLP,
            "hidden_act": "gelu", "max_position_embeddings": MAX_POSITIONS, "type_vocab_size": 1,
            "layer_norm_eps": eps, "pad_token_id": PAD}
    with open(os.path.join(dst, "base", "config.json"), "w") as f:
        json.dump(base, f, indent=2)
    with open(os.path.join(dst, "config.json"), "w") as f:
        json.dump({"model_type": "M-CLIP", "modelBase": "base", "numDims": EMBED,
                   "transformerDimensions": WIDTH}, f, indent=2)
    max_tokens = MAX_POSITIONS - PAD - 1
    with open(os.path.join(dst, "tokenizer_config.json"), "w") as f:
        json.dump({"model_max_length": max_tokens, "tokenizer_class": "XLMRobertaTokenizer"}, f)

    g = torch.Generator().manual_seed(16)

    def rand(*shape, scale=0.3, center=0.0):
        return (torch.rand(*shape, generator=g) * 2 - 1) * scale + center

    p = "transformer."
    state = {
        p + "embeddings.word_embeddings.weight": rand(vocab, WIDTH),
        p + "embeddings.position_embeddings.weight": rand(MAX_POSITIONS, WIDTH),
        p + "embeddings.token_type_embeddings.weight": rand(1, WIDTH),
        p + "embeddings.LayerNorm.weight": rand(WIDTH, scale=0.1, center=1.0),
        p + "embeddings.LayerNorm.bias": rand(WIDTH, scale=0.1),
        p + "embeddings.position_ids": torch.arange(MAX_POSITIONS).unsqueeze(0),  # a buffer
        p + "pooler.dense.weight": rand(WIDTH, WIDTH),  # unused, as in XLMRobertaModel
        p + "pooler.dense.bias": rand(WIDTH),
        "LinearTransformation.weight": rand(EMBED, WIDTH),
        "LinearTransformation.bias": rand(EMBED, scale=0.1),
    }
    for i in range(LAYERS):
        l = p + "encoder.layer.%d." % i
        for name, out_f, in_f in [("attention.self.query", WIDTH, WIDTH),
                                  ("attention.self.key", WIDTH, WIDTH),
                                  ("attention.self.value", WIDTH, WIDTH),
                                  ("attention.output.dense", WIDTH, WIDTH),
                                  ("intermediate.dense", MLP, WIDTH),
                                  ("output.dense", WIDTH, MLP)]:
            state[l + name + ".weight"] = rand(out_f, in_f, scale=in_f ** -0.5)
            state[l + name + ".bias"] = rand(out_f, scale=0.05)
        for name in ["attention.output.LayerNorm", "output.LayerNorm"]:
            state[l + name + ".weight"] = rand(WIDTH, scale=0.1, center=1.0)
            state[l + name + ".bias"] = rand(WIDTH, scale=0.1)
    torch.save(state, os.path.join(dst, "pytorch_model.bin"))

    with open(os.path.join(dst, "cases.jsonl"), "w", encoding="utf-8") as f:
        for text in TEXTS:
            ids = fairseq_ids(sp, text, max_tokens)
            embedding = reference_forward(state, ids, eps)
            f.write(json.dumps({"text": text, "input_ids": ids,
                                "embedding": embedding.tolist()}, ensure_ascii=False) + "\n")


def main():
    if sys.argv[1] == "to-bin":
        to_bin(sys.argv[2], sys.argv[3])
    elif sys.argv[1] == "xlmr":
        xlmr(sys.argv[2])
    else:
        sys.exit("unknown mode " + sys.argv[1])


if __name__ == "__main__":
    main()
