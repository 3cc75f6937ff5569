#!/usr/bin/python3
"""Seeds for torch_pickle_fuzz: the data.pkl of a few torch.save outputs (python3-torch).

  seed_torch_pickle.py OUT_FOLDER
"""
import collections
import io
import os
import sys
import zipfile

import torch

out = sys.argv[1]
os.makedirs(out, exist_ok=True)
linear = torch.nn.Linear(3, 2)
base = torch.arange(12, dtype=torch.float32)
states = {
    "linear": linear.state_dict(),
    "dtypes": {"f32": torch.ones(2, 3), "f16": torch.ones(4, dtype=torch.float16),
               "bf16": torch.ones(2, dtype=torch.bfloat16), "ids": torch.arange(5)},
    "views": {"t": torch.ones(3, 4).t(), "a": base[2:6], "b": base[4:10].view(2, 3),
              "scalar": torch.tensor(1.5), "empty": torch.zeros(0, 4)},
    "wrapped": {"epoch": 3, "state_dict": collections.OrderedDict(w=torch.ones(2))},
    "parameter": {"p": torch.nn.Parameter(torch.ones(2, 2))},
}
for name, state in states.items():
    buffer = io.BytesIO()
    torch.save(state, buffer)
    with zipfile.ZipFile(io.BytesIO(buffer.getvalue())) as archive:
        pkl = next(n for n in archive.namelist() if n.endswith("/data.pkl"))
        with open(os.path.join(out, name + ".pkl"), "wb") as f:
            f.write(archive.read(pkl))
