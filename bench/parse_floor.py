#!/usr/bin/env python3
"""The parse floor: read every YAML document below a folder with PyYAML's libyaml loader.

Any validator has to parse its input; this is what parsing alone costs with a well-known C
parser, for comparison with `arcfleet validate` on the same files (see bench/bench.py).
"""

import os
import sys

import yaml


def main() -> int:
    if len(sys.argv) != 2:
        print("usage: parse_floor.py DIR", file=sys.stderr)
        return 2
    if not yaml.__with_libyaml__:
        print("PyYAML was built without libyaml; install a wheel that has it", file=sys.stderr)
        return 2
    documents = 0
    for folder, _, names in os.walk(sys.argv[1]):
        for name in names:
            if name.endswith((".yaml", ".yml")):
                with open(os.path.join(folder, name), "rb") as stream:
                    for _ in yaml.load_all(stream, Loader=yaml.CSafeLoader):
                        documents += 1
    print(f"{documents} documents")
    return 0


if __name__ == "__main__":
    sys.exit(main())
