#!/usr/bin/env python3
"""How long the invoker takes to start with many HTTP routes: prints one Markdown table.

Usage: python3 Benchmarks/routes.py [--routes 1000,5000,20000] [--functions 50] [--bin-path DIR]

For each route count N, writes a manifest of N routes spread over `--functions` functions (all `hello` of the
`Functions` binary, scaling min 0, so no worker starts) and times `invoker serve` from its start to its banner (the
manifest read and checked, the router built, the server listening), then stops it. Two layouts:

- `nested`: `/f{j}/items{i}/{id}` with GET, and `/f{j}/items{i}/{id}/tags/{tag+}` with POST and PUT: the router's
  trie fans out under each function's prefix, and every route has parameters to check;
- `flat`: `/r{i}` and `/r{i}/{id}`, any method: N top-level literals side by side, the router's worst case.

Builds `invoker` and `Functions` in release mode into .build-release unless `--bin-path` names a folder that holds
them (`.build/debug` measures a debug build, which also runs the router's own validation).
"""
import argparse
import os
import tempfile
import time

import common


def manifest(folder, routes, functions, layout):
    """Writes a manifest of `routes` routes over `functions` functions; returns its path."""
    definitions = {f"f{j}": {"handler": "hello", "http": []} for j in range(functions)}
    for index in range(routes):
        function = index % functions
        http = definitions[f"f{function}"]["http"]
        if layout == "nested":
            item = index // functions // 2
            if index // functions % 2 == 0:
                http.append({"path": f"/f{function}/items{item}/{{id}}", "methods": ["GET"]})
            else:
                http.append({"path": f"/f{function}/items{item}/{{id}}/tags/{{tag+}}", "methods": ["POST", "PUT"]})
        else:
            http.append({"path": f"/r{index // 2}" + ("/{id}" if index % 2 else "")})
    return common.write_manifest(folder, definitions)


def start_time(binaries, folder, routes, functions, layout):
    """Seconds from starting `invoker serve` to its banner."""
    path = manifest(folder, routes, functions, layout)
    database = os.path.join(folder, f"{layout}-{routes}.sqlite")
    started = time.monotonic()
    process, _ = common.start(binaries, path, database)
    elapsed = time.monotonic() - started
    common.stop(process)
    return elapsed


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--routes", default="1000,5000,20000", help="route counts (default: %(default)s)")
    parser.add_argument("--functions", type=int, default=50, help="functions the routes are spread over")
    parser.add_argument("--bin-path", help="a folder with `invoker` and `Functions` (default: a release build)")
    arguments = parser.parse_args()
    binaries = arguments.bin_path or common.build("invoker", "Functions")
    print("| Layout | Routes | Functions | Start to banner |")
    print("|---|---|---|---|")
    with tempfile.TemporaryDirectory() as folder:
        for layout in ["nested", "flat"]:
            for routes in [int(count) for count in arguments.routes.split(",")]:
                seconds = start_time(binaries, folder, routes, arguments.functions, layout)
                print(f"| {layout} | {routes:,} | {arguments.functions} | {seconds * 1000:,.0f} ms |", flush=True)


if __name__ == "__main__":
    main()
