"""mkdocs hooks: docstrings reach the site as readers should see them.

griffe reads a docstring's type as a Python expression when it parses as one,
so scikit-learn's ``array-like`` became ``array - like`` and ``"auto", int or
None`` the tuple ``(auto, int or None)``, quotes lost; the types are prose
for readers, so the numpy parser keeps each one as written.  A Sphinx role
such as ``:class:`X``` left in a docstring is shown as the code ``X``.
"""

import importlib
import re

_ROLE = re.compile(r":(?:class|func|meth|attr|mod|exc|obj):(?=<code>)")


def on_startup(command, dirty):
    numpy_parser = importlib.import_module("griffe._internal.docstrings.numpy")
    numpy_parser.parse_docstring_annotation = _as_written


def on_page_content(html, page, config, files):
    return _ROLE.sub("", html)


def _as_written(annotation, docstring, log_level=None):
    return annotation
