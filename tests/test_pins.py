"""requirements.txt and environment.yml pin the same versions; the course uses no unpinned torch."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PIN = re.compile(r"^\s*-?\s*([A-Za-z0-9_.\-]+)==([^\s#]+)")


def pins(path: Path) -> dict[str, str]:
    found = {}
    for line in path.read_text().splitlines():
        match = PIN.match(line)
        if match:
            found[match.group(1).lower().replace("_", "-")] = match.group(2)
    return found


def test_requirements_and_environment_agree():
    requirements, environment = pins(ROOT / "requirements.txt"), pins(ROOT / "environment.yml")
    assert len(requirements) >= 15
    assert requirements == environment


def test_torch_is_pinned():
    assert pins(ROOT / "requirements.txt")["torch"] == "2.13.0"


def test_every_requirement_is_pinned_exactly():
    for line in (ROOT / "requirements.txt").read_text().splitlines():
        line = line.split("#")[0].strip()
        if line:
            assert PIN.match(line), f"not an exact pin: {line!r}"


def test_installed_versions_match_the_pins():
    from importlib.metadata import version

    for name, pinned in pins(ROOT / "requirements.txt").items():
        assert version(name).split("+")[0] == pinned, name
