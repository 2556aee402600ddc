#!/usr/bin/env python3
"""usage: check-manifest.py CHECKPOINT WORLD

Checks a sharded checkpoint's manifest.json: its step and world size, one
part per rank that writes (the top for rank 0, rank-NNNNN/ for the others),
and that the shards of every tensor tile its elements exactly, each shard
a tensor of its part's files with the manifest's element count."""
import json, os, struct, sys

ckpt, world = sys.argv[1], int(sys.argv[2])
m = json.load(open(os.path.join(ckpt, "manifest.json")))
assert m["format"] == "dsc-sharded-checkpoint" and m["world_size"] == world, m
parts = {s["part"] for t in m["tensors"] for s in t["shards"]}
print(f"step {m['step']}, world {m['world_size']}: {len(parts)} parts")

def header(path):
    with open(path, "rb") as f:
        return json.loads(f.read(struct.unpack("<Q", f.read(8))[0]))

files = {}
for t in m["tensors"]:
    numel = 1
    for d in t["shape"]:
        numel *= d
    covered = 0
    for s in sorted(t["shards"], key=lambda s: s["begin"]):
        assert s["begin"] == covered, (t["name"], s)
        covered += s["count"]
        path = os.path.join(ckpt, s["part"], t["file"] + ".safetensors")
        h = files.setdefault(path, header(path))
        entry = h[s["key"]]
        n = 1
        for d in entry["shape"]:
            n *= d
        assert n == s["count"] and entry["dtype"] == t["dtype"], (s, entry)
    assert covered == numel, (t["name"], covered, numel)
    if len(t["shards"]) > 1 and t["name"] == "model.embed_tokens.weight.exp_avg":
        print(f"{t['name']}: {len(t['shards'])} shards")
print("every tensor's shards tile it")
