"""The documentation site builds without a single warning and agrees with the code."""

import ast
import html
import importlib
import inspect
import os
import re
import subprocess
import sys
import warnings
from pathlib import Path

import numpy as np
import pytest

from sklearn_cyclegan import SeparableRowsWarning

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
    # Nor RST roles or citations, nor types that griffe parsed as Python.
    for rst in [":math:", ".. warning::", "``", ".. [", ":class:", ":func:"]:
        assert rst not in api_text
    for mangled in ["array - like", "path - like", "(auto"]:
        assert mangled not in api_text
    # What the code does: a table source is streamed; no removed parameters.
    for stale in ["read whole when", "fallback_source", "lambda_identity"]:
        assert stale not in api_text
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
    # As the snippet says: inner folds chose the corpus's rows.
    assert namespace["sampler"].mode_ == "select"
    assert len(namespace["X_new"]) == 200
    assert namespace["scores"].shape == (3,)


def test_user_guide_routing_example_runs_with_groups(imbalanced):
    # The guide's routing block, run as written on small data: with routing
    # on, LeaveOneGroupOut gets its groups through params.
    import sklearn
    from sklearn.preprocessing import StandardScaler
    from sklearn.svm import SVC

    from sklearn_cyclegan import CycleGANOversampler

    from .conftest import FAST

    guide = (ROOT / "docs" / "user-guide.md").read_text()
    section = guide.split("### One source per call", 1)[1]
    code = section.split("```python\n", 1)[1].split("```", 1)[0]
    assert '"groups": speakers' in code and "LeaveOneGroupOut()" in code
    X, y = imbalanced
    namespace = {
        "CycleGANOversampler": lambda: CycleGANOversampler(
            random_state=0, verbose=0, **FAST
        ),
        "StandardScaler": StandardScaler,
        "SVC": SVC,
        "X": X,
        "y": y,
        "S": X[::2] + 0.5,
        "speakers": np.arange(len(y)) % 3,
    }
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", SeparableRowsWarning)
            exec(compile(code, "user-guide.md", "exec"), namespace)
    finally:
        sklearn.set_config(enable_metadata_routing=False)
    assert len(namespace["scores"]["test_score"]) == 3


# Public classes and functions whose parameters the API page documents.
DOCUMENTED = [
    "sklearn_cyclegan.CycleGANOversampler",
    "sklearn_cyclegan.quality_report",
    "sklearn_cyclegan.plot_quality",
    "sklearn_cyclegan.TrainingCheckpoint",
    "sklearn_cyclegan.audio.OpenSmileFeatures",
]


@pytest.mark.parametrize("name", DOCUMENTED)
def test_documented_defaults_match_the_signature(name):
    module, _, attribute = name.rpartition(".")
    obj = getattr(importlib.import_module(module), attribute)
    doc = inspect.getdoc(obj)
    # numpydoc parameter lines: "name : type, default=value".
    documented = dict(
        re.findall(r"^(\w+) : .*?default=(.+?)\s*$", doc, flags=re.MULTILINE)
    )
    target = obj.__init__ if inspect.isclass(obj) else obj
    defaults = {
        p.name: p.default
        for p in inspect.signature(target).parameters.values()
        if p.default is not inspect.Parameter.empty
    }
    assert set(documented) == set(defaults), "documented vs signature parameters"
    for parameter, text in documented.items():
        value = ast.literal_eval(text)
        assert value == defaults[parameter], (parameter, text, defaults[parameter])


def test_preset_tables_match_the_presets():
    # The docstring's and the user guide's tables of what "auto" becomes.
    from sklearn_cyclegan import CycleGANOversampler
    from sklearn_cyclegan._presets import AUTO_KEYS, net_options, resolved

    columns = [("fast", False), ("fast", True), ("paper", False)]
    expected = {
        key: [resolved(net_options(p, interp, {}, None))[key] for p, interp in columns]
        for key in AUTO_KEYS
    }
    guide = (ROOT / "docs" / "user-guide.md").read_text()
    for text in [CycleGANOversampler.__doc__, guide]:
        for key in AUTO_KEYS:
            row = re.search(rf"^\s*\| `+{key}`+ \|(.+)\|\s*$", text, re.MULTILINE)
            cells = [ast.literal_eval(cell.strip()) for cell in row[1].split("|")]
            assert cells == expected[key], key
