"""Group the failures of a matrix run: ``python -m tests.adversarial.report FILE.jsonl``.

Run the matrix with ``ADVERSARIAL_REPORT=FILE.jsonl`` first; every (door, role) writes its
request count and its failures there. The report groups them by kind (500, read, write,
oracle), then by door, method and error, listing the roles and payload classes.
"""

import collections
import json
import re
import sys


def summarise(path: str) -> str:
    rows = [json.loads(line) for line in open(path, encoding="utf-8")]
    tests = [r for r in rows if "requests" in r]
    failures = [{**r, "detail": r["detail"].replace("\n", " ")} for r in rows if "kind" in r]
    lines = [
        f"tests: {len(tests)}, requests: {sum(r['requests'] for r in tests)}, "
        f"failing requests: {len(failures)} {dict(collections.Counter(r['kind'] for r in failures))}"
    ]
    for kind in ("500", "read", "write", "oracle"):
        groups = collections.defaultdict(set)
        for r in failures:
            if r["kind"] != kind:
                continue
            detail = re.sub(r"'[^']*'", "'…'", r["detail"])[:110] if kind == "500" else r["detail"][:130]
            payload = re.search(r"\[(other|missing|nul|huge|fardate|long|wrongtype)\b", r["request"])
            groups[(r["door"], r["request"].split()[0], detail)].add(
                (r["role"], payload.group(1) if payload else "")
            )
        lines.append(f"== {kind}: {len(groups)} (door, method, error) groups")
        for (door, method, detail), found in sorted(groups.items()):
            roles = ",".join(sorted({role for role, _ in found}))
            payloads = ",".join(sorted({p for _, p in found if p}))
            lines.append(f"  {method:6} {door} | {detail} | roles={roles} | payloads={payloads}")
    return "\n".join(lines)


if __name__ == "__main__":
    print(summarise(sys.argv[1]))
