"""Turn the reStructuredText that imbalanced-learn's docstrings carry into Markdown.

The API pages render docstrings as Markdown (mkdocstrings), where ``:math:``
roles and ``.. warning::`` directives would show as raw text.
"""

import re


def rst_to_markdown(text):
    """Rewrite the RST roles and directives of an inherited docstring part."""
    text = re.sub(r":math:`([^`]*)`", r"`\1`", text)

    def warning(match):
        body = " ".join(line.strip() for line in match.group(2).splitlines())
        return f"{match.group(1)}**Warning:** {body}\n"

    # A directive's body is the block indented below it, up to a blank line.
    text = re.sub(r"^( *)\.\. warning::\n((?:\1 +\S.*\n?)+)", warning, text, flags=re.M)
    return text
