"""The documentation site builds without a single warning."""

import html
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def test_docs_build_strict(tmp_path):
    for module in ["mkdocs", "material", "mkdocstrings_handlers.python"]:
        pytest.importorskip(module)
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "mkdocs",
            "build",
            "--strict",
            "--site-dir",
            str(tmp_path),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
    )
    assert done.returncode == 0, done.stderr[-3000:]
    api = (tmp_path / "api" / "index.html").read_text()
    for name in [
        "CycleGANOversampler",
        "CycleGANNet",
        "OpenSmileFeatures",
        "DivergenceError",
    ]:
        assert name in api
    assert "{sampling_strategy}" not in api
    # imbalanced-learn's inherited text is RST; the page must show none of it.
    api_text = html.unescape(re.sub(r"<[^>]+>", "", api))
    for rst in [":math:", ".. warning::", "``"]:
        assert rst not in api_text
    assert 'href="../user-guide/"' in api
    # Every example script is embedded whole; each reads this variable once.
    # Compare the page's text, not its markup: how highlighters split a line
    # into spans changes between Pygments releases.
    page = (tmp_path / "examples" / "index.html").read_text()
    text = html.unescape(re.sub(r"<[^>]+>", "", page))
    n_scripts = len(list((ROOT / "examples").glob("*.py")))
    assert text.count('os.environ.get("SKLEARN_CYCLEGAN_QUICK")') == n_scripts


def test_readme_keeps_the_ci_commands():
    # .ci/run runs the README's quick start and test blocks line by line; the
    # README and CI must not drift apart.
    readme = (ROOT / "README.md").read_text()
    ci = (ROOT / ".ci" / "run").read_text().splitlines()
    blocks = [
        readme.split(heading, 1)[1].split("```bash\n", 1)[1].split("```", 1)[0]
        for heading in ("## Install and run the quick start", "## Run the tests")
    ]
    lines = [line for block in blocks for line in block.splitlines()]
    assert "sklearn-cyclegan demo" in lines[0] and "python -m pytest -q" in lines
    for line in lines:
        assert line in ci, f"README line {line!r} is not run by .ci/run"


def test_readme_use_it_snippet_runs():
    # The README's "Use it" block must run as is, on data it makes itself.
    readme = (ROOT / "README.md").read_text()
    section = readme.split("## Use it", 1)[1]
    code = section.split("```python\n", 1)[1].split("```", 1)[0]
    namespace = {}
    exec(compile(code, "README.md", "exec"), namespace)
    assert len(namespace["X_new"]) == 200
    assert namespace["scores"].shape == (3,)
