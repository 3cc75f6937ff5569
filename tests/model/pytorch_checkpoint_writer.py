"""Writes the torch.save checkpoints that tests/model/pytorch_checkpoint_test.cpp reads.

Run by /usr/bin/python3 (Debian's python3-torch) as: pytorch_checkpoint_writer.py OUTDIR.
Writes into OUTDIR:
  state.bin                    a state dict (OrderedDict with _metadata) of every case the loader
                               must get right; ref.tsv (name, dtype, shape) and ref/<name>.f32
                               (the values as float32, row-major), the independent truth
  sharded/                     the same tensors over two shards + pytorch_model.bin.index.json
  wrapped.bin                  {"epoch": 3, "state_dict": {...}}
  deflated_pickle.bin          state.bin with data.pkl deflated
  legacy.bin                   torch.save(..., _use_new_zipfile_serialization=False)
  fake_ok.bin                  a hand-built checkpoint that loads (so the broken ones below fail
                               for their one defect)
  lying_size.bin, past_offset.bin, past_stride.bin, unknown_opcode.bin, not_a_tensor.bin,
  os_system.bin, builtins_eval.bin   refusals; os_system.bin would run `touch OUTDIR/PWNED`
Creating a malicious pickle only records the call: nothing here runs it.
"""
import collections
import io
import json
import os
import pickle
import sys
import zipfile

import torch


def state_dict():
    torch.manual_seed(0)
    sd = torch.nn.Linear(4, 3).state_dict()  # an OrderedDict with _metadata
    assert hasattr(sd, "_metadata")
    base = torch.randn(20)
    sd["f16"] = torch.randn(2, 5).half()
    sd["bf16"] = torch.randn(3, 2).bfloat16()
    sd["position_ids"] = torch.arange(7).unsqueeze(0)  # an int64 buffer
    sd["transposed"] = torch.randn(3, 5).t()  # strides (1, 5)
    sd["f16_transposed"] = torch.randn(4, 6).half().t()
    sd["tied_a"] = base[2:8].view(2, 3)  # two views of one storage, offsets 2 and 10
    sd["tied_b"] = base[10:16]
    sd["columns"] = torch.randn(4, 6)[:, 1:5:2]  # offset 1, strides (6, 2)
    sd["expanded"] = torch.randn(3).expand(2, 3)  # stride 0
    sd["scalar"] = torch.tensor(2.5)
    sd["empty"] = torch.zeros(0, 4)
    sd["parameter"] = torch.nn.Parameter(torch.randn(2, 2))
    assert not sd["transposed"].is_contiguous()
    assert sd["tied_a"].storage().data_ptr() == sd["tied_b"].storage().data_ptr()
    return sd


def write_reference(sd, out):
    os.makedirs(os.path.join(out, "ref"), exist_ok=True)
    with open(os.path.join(out, "ref.tsv"), "w") as f:
        for name, t in sd.items():
            dtype = str(t.dtype).replace("torch.", "")
            f.write(f"{name}\t{dtype}\t{','.join(str(d) for d in t.shape)}\n")
            if t.is_floating_point():
                values = t.detach().float().contiguous().numpy().tobytes()
                with open(os.path.join(out, "ref", name + ".f32"), "wb") as g:
                    g.write(values)


def rewrite_zip(src, dst, deflate=()):
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w") as zout:
        for info in zin.infolist():
            method = zipfile.ZIP_DEFLATED if info.filename.endswith(deflate) else zipfile.ZIP_STORED
            zout.writestr(info.filename, zin.read(info.filename), compress_type=method)


class FakeStorage:
    def __init__(self, key, numel, cls=torch.FloatStorage):
        self.key, self.numel, self.cls = key, numel, cls


class FakeTensor:
    """Pickles exactly like a tensor, with whatever offset, size and stride it is given."""

    def __init__(self, storage, offset, size, stride):
        self.args = (storage, offset, tuple(size), tuple(stride), False, collections.OrderedDict())

    def __reduce__(self):
        return (torch._utils._rebuild_tensor_v2, self.args)


class FakePickler(pickle.Pickler):
    def persistent_id(self, obj):
        if isinstance(obj, FakeStorage):
            return ("storage", obj.cls, obj.key, "cpu", obj.numel)
        return None


def fake_pickle(obj):
    buffer = io.BytesIO()
    FakePickler(buffer, protocol=2).dump(obj)
    return buffer.getvalue()


def write_fake(path, pkl, storages):
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as z:
        z.writestr("archive/data.pkl", pkl)
        for key, data in storages.items():
            z.writestr(f"archive/data/{key}", data)
        z.writestr("archive/version", b"3\n")


class OsSystem:
    def __init__(self, command):
        self.command = command

    def __reduce__(self):
        return (os.system, (self.command,))


class BuiltinsEval:
    def __reduce__(self):
        return (eval, ("1 + 1",))


def main():
    out = sys.argv[1]
    sd = state_dict()
    torch.save(sd, os.path.join(out, "state.bin"))
    write_reference(sd, out)

    names = list(sd.keys())
    shards = {"pytorch_model-00001-of-00002.bin": names[0::2],
              "pytorch_model-00002-of-00002.bin": names[1::2]}
    os.makedirs(os.path.join(out, "sharded"), exist_ok=True)
    weight_map = {}
    for file, keys in shards.items():
        torch.save(collections.OrderedDict((k, sd[k]) for k in keys),
                   os.path.join(out, "sharded", file))
        weight_map.update({k: file for k in keys})
    with open(os.path.join(out, "sharded", "pytorch_model.bin.index.json"), "w") as f:
        json.dump({"metadata": {"total_size": 0}, "weight_map": weight_map}, f)

    torch.save({"epoch": 3, "state_dict": {"weight": sd["weight"]}},
               os.path.join(out, "wrapped.bin"))
    rewrite_zip(os.path.join(out, "state.bin"), os.path.join(out, "deflated_pickle.bin"),
                deflate=("data.pkl",))
    torch.save(sd, os.path.join(out, "legacy.bin"), _use_new_zipfile_serialization=False)

    six = torch.arange(6, dtype=torch.float32).numpy().tobytes()
    storage = FakeStorage("0", 6)
    write_fake(os.path.join(out, "fake_ok.bin"),
               fake_pickle({"w": FakeTensor(storage, 0, (2, 3), (3, 1))}), {"0": six})
    write_fake(os.path.join(out, "lying_size.bin"),
               fake_pickle({"w": FakeTensor(storage, 0, (2, 3), (3, 1))}), {"0": six[:-4]})
    write_fake(os.path.join(out, "past_offset.bin"),
               fake_pickle({"w": FakeTensor(storage, 2, (2, 3), (3, 1))}), {"0": six})
    write_fake(os.path.join(out, "past_stride.bin"),
               fake_pickle({"w": FakeTensor(storage, 0, (2, 3), (4, 1))}), {"0": six})
    write_fake(os.path.join(out, "not_a_tensor.bin"),
               fake_pickle({"w": FakeTensor(storage, 0, (2, 3), (3, 1)), "n": 3}), {"0": six})
    write_fake(os.path.join(out, "unknown_opcode.bin"), b"\x80\x02}q\x00\xff.", {})
    marker = os.path.join(out, "PWNED")
    write_fake(os.path.join(out, "os_system.bin"),
               pickle.dumps(OsSystem("touch '" + marker + "'"), protocol=2), {})
    # Protocol 4 spells the import as STACK_GLOBAL ('builtins', 'eval'); protocol 2 would say
    # __builtin__.eval.
    write_fake(os.path.join(out, "builtins_eval.bin"), pickle.dumps(BuiltinsEval(), protocol=4),
               {})
    assert not os.path.exists(marker)


if __name__ == "__main__":
    main()
