#!/usr/bin/env python3
"""Writes the seed corpora of the fuzz targets (docs/FUZZING.md) from the
protocol test vectors (tests/vectors) and the client test fixtures, so no binary corpus
is committed.

    make_corpus.py VECTORS_DIR CLIENT_TESTDATA_DIR OUT_DIR

OUT_DIR/<target>/<name> is one seed. The response cases' order must match
tests/fuzz/response_cases.cc (the first byte of a response seed picks it).
"""
import base64
import json
import os
import struct
import sys


def hexfile(path):
    with open(path) as f:
        return bytes.fromhex("".join(f.read().split()))


def main():
    vectors, testdata, out = sys.argv[1:4]
    seeds = {}

    def add(target, name, data):
        seeds.setdefault(target, {})[name] = data

    def vj(rel):
        with open(os.path.join(vectors, rel)) as f:
            return json.load(f)

    synth = vj("synthetic-v1/rfc10049_v1_synthetic.json")
    appb = vj("rfc10049-appendix-b/appendix_b.json")
    rough = "roughenough-0x8000000c"
    cf = {name: vj("cloudflare/" + name) for name in sorted(
        os.listdir(os.path.join(vectors, "cloudflare")))}

    # --- requests (every dialect we serve, plus ones we must drop) ---
    requests = {"synthetic-single": bytes.fromhex(synth["single"]["request"])}
    for i, r in enumerate(synth["batch4"]["requests"]):
        requests["synthetic-batch4-%d" % i] = bytes.fromhex(r)
    for i, e in enumerate(appb["entries"]):
        requests["appendix-b-%d" % i] = bytes.fromhex(e["request"])
    for f in ("rfc-request.071039e5.hex", "rfc-request.SRV.417aa962.hex"):
        requests["roughenough-" + f] = hexfile(os.path.join(vectors, rough, f))
    for name, v in cf.items():
        for i, r in enumerate(v["request"][:2]):
            requests["%s-%d" % (name, i)] = bytes.fromhex(r)
    for name, data in requests.items():
        add("request_fuzzer", name, data)

    # --- batcher: records [control][len LE16][datagram] ---
    def record(control, data):
        return bytes([control]) + struct.pack("<H", len(data)) + data

    batch4 = [requests["synthetic-batch4-%d" % i] for i in range(4)]
    add("batcher_fuzzer", "v1-batch4-drained",
        b"".join(record(1, r) for r in batch4[:3]) + record(0x81, batch4[3]))
    mixed = [requests["synthetic-single"],
             requests["roughenough-rfc-request.071039e5.hex"],
             requests["roughtime_google_001.json-0"],
             requests["roughtime_ietf_draft08_001.json-0"],
             requests["roughtime_ietf_draft11_001.json-0"]]
    add("batcher_fuzzer", "mixed-versions",
        b"".join(record(2, r) for r in mixed))
    add("batcher_fuzzer", "deadline",
        record(0, batch4[0]) + record(20, batch4[1]) + record(0x80, batch4[2]))

    # --- responses: [case index] + response (response_cases.cc order) ---
    cases = [
        bytes.fromhex(synth["single"]["response"]),
        bytes.fromhex(synth["batch4"]["responses"][1]),
        bytes.fromhex(appb["entries"][0]["response"]),
        hexfile(os.path.join(vectors, rough, "rfc-response.071039e5.hex")),
        bytes.fromhex(cf["roughtime_ietf_draft08_001.json"]["replies"][0]),
        bytes.fromhex(cf["roughtime_ietf_draft11_010.json"]["replies"][3]),
        bytes.fromhex(cf["roughtime_google_010.json"]["replies"][5]),
    ]
    for i, resp in enumerate(cases):
        add("response_fuzzer", "case-%d" % i, bytes([i]) + resp)
        add("response_mutation_fuzzer", "case-%d" % i, bytes([i, 0]))
        add("response_mutation_fuzzer", "case-%d-resign" % i, bytes([i, 1]))
        # Re-signed with MIDP (node index is depth-first) set to 0.
        add("response_mutation_fuzzer", "case-%d-edits" % i,
            bytes([i, 1, 8, 3, 0, 0, 0, 5, 0, 0x22]))
    golden = hexfile(os.path.join(vectors, rough, "golden-response.phase8.hex"))
    add("response_fuzzer", "golden-phase8", bytes([3]) + golden)
    for i, resp in enumerate(synth["batch4"]["responses"]):
        add("response_fuzzer", "synthetic-batch4-%d" % i,
            bytes([1]) + bytes.fromhex(resp))

    # --- server lists: the client's fixtures ---
    for f in sorted(os.listdir(testdata)):
        if f.endswith(".json"):
            with open(os.path.join(testdata, f), "rb") as fh:
                add("server_list_fuzzer", f, fh.read())

    # --- malfeasance reports: RFC 10049 Appendix B as a report ---
    def b64(h):
        return base64.b64encode(bytes.fromhex(h)).decode()

    entries = []
    for e in appb["entries"]:
        item = {}
        if "rand" in e:
            item["rand"] = b64(e["rand"])
        item["publicKey"] = b64(e["publicKey"])
        item["request"] = b64(e["request"])
        item["response"] = b64(e["response"])
        entries.append(item)
    add("report_fuzzer", "appendix-b",
        json.dumps({"responses": entries}).encode())
    add("report_fuzzer", "appendix-b-first",
        json.dumps({"responses": entries[:1]}).encode())
    add("report_fuzzer", "synthetic", json.dumps({"responses": [{
        "publicKey": b64(synth["root_public_key"]),
        "request": b64(synth["single"]["request"]),
        "response": b64(synth["single"]["response"])}]}).encode())

    # --- roughtimed configuration files: the example and the test configs ---
    root = os.path.dirname(os.path.dirname(os.path.dirname(
        os.path.abspath(__file__))))
    config_files = [os.path.join(root, "dist", "roughtimed.toml")]
    seed_dir = os.path.join(root, "tests", "fuzz", "config_seeds")
    config_files += [os.path.join(seed_dir, f)
                     for f in sorted(os.listdir(seed_dir))]
    for path in config_files:
        with open(path, "rb") as fh:
            add("config_fuzzer", os.path.basename(path), fh.read())

    for target, files in seeds.items():
        d = os.path.join(out, target)
        os.makedirs(d, exist_ok=True)
        for name, data in files.items():
            with open(os.path.join(d, name), "wb") as fh:
                fh.write(data)
        print("%s: %d seeds" % (target, len(files)))


if __name__ == "__main__":
    main()
