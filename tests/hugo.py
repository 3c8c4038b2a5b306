"""A minimal Hugo site that builds a post, as codefor.de's would (the `hugo_build` fixture).

It needs Debian's `hugo` (0.111 in bookworm); `bash scripts/test` installs it when it is missing.
"""

from __future__ import annotations

import itertools
import os
import re
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

HUGO_TIMEOUT = 60  # seconds; a build of one post takes about 100 ms
# Hugo's log lines ("WARN 2025/12/08 08:00:00 ...", "ERROR ..."); it writes them to stdout and stderr
HUGO_PROBLEM = re.compile(r"^(WARN|ERROR)\b", re.MULTILINE)

HUGO_CONFIG = """\
baseURL = "https://codefor.de/"
# only the post's own page: no home or section lists, taxonomies, feeds, sitemap, robots.txt or 404 page
disableKinds = ["home", "section", "taxonomy", "term", "RSS", "sitemap", "robotsTXT", "404"]

# goldmark's defaults otherwise (linkify among them, which makes the bare event URLs links), as on codefor.de
[markup.goldmark.renderer]
# codefor.de's theme lets raw HTML through: the post's calendar links are <a download href="data:...">
unsafe = true
"""

# The post's page, with the front matter the post sets; errorf fails the build when a field is missing or, for
# the date, not a date (Hugo itself would take that as the zero date and build on).
SINGLE_LAYOUT = """\
{{- if not .Title }}{{ errorf "%s: the front matter has no title" .File.Path }}{{ end }}
{{- if .Date.IsZero }}{{ errorf "%s: the front matter has no date, or not one Hugo can read" .File.Path }}{{ end }}
{{- if not .Params.author }}{{ errorf "%s: the front matter has no author" .File.Path }}{{ end -}}
<!DOCTYPE html>
<html lang="de">
<head><meta charset="utf-8"><title>{{ .Title }}</title></head>
<body>
<header>
<h1>{{ .Title }}</h1>
<p><time datetime="{{ .Date.Format "2006-01-02T15:04:05-07:00" }}">{{ .Date.Format "2006-01-02" }}</time>,
{{ .Params.author }}</p>
<p>{{ .Params.excerpt }}</p>
{{ range .Params.images }}<figure><img src="{{ .imgname }}" alt="">
<figcaption>{{ .attribution | safeHTML }}</figcaption></figure>{{ end }}
</header>
<article>{{ .Content }}</article>
</body>
</html>
"""


@pytest.fixture
def hugo_build(tmp_path: Path) -> Callable[..., str]:
    """`build(markdown, slug="post")`: the HTML of content/blog/<slug>.md built in a minimal Hugo site.

    Each call builds a new site under tmp_path. The test fails when Hugo is missing, exits with an error or logs
    a warning or an error (its output is in the message).
    """
    hugo = shutil.which("hugo")
    if hugo is None:
        pytest.fail("hugo is not installed: run bash scripts/test, which installs it (Debian's hugo)", pytrace=False)
    sites = itertools.count(1)

    def build(markdown: str, slug: str = "post") -> str:
        site = tmp_path / f"hugo-site-{next(sites)}"
        (site / "layouts" / "_default").mkdir(parents=True)
        (site / "content" / "blog").mkdir(parents=True)
        (site / "hugo.toml").write_text(HUGO_CONFIG, encoding="utf-8")
        (site / "layouts" / "_default" / "single.html").write_text(SINGLE_LAYOUT, encoding="utf-8")
        (site / "content" / "blog" / f"{slug}.md").write_text(markdown, encoding="utf-8")
        # no settings from the environment, a cache of its own, and no way out should it try the network
        env = {name: value for name, value in os.environ.items() if not name.startswith("HUGO_")}
        env |= {
            "HUGO_CACHEDIR": str(tmp_path / "hugo-cache"),
            "HTTP_PROXY": "http://127.0.0.1:9",
            "HTTPS_PROXY": "http://127.0.0.1:9",
        }
        # no --quiet: it would hide the warnings, which fail the build here
        command = [hugo, "--buildFuture", "--buildDrafts", "--source", str(site), "--destination", str(site / "public")]
        try:
            result = subprocess.run(command, capture_output=True, text=True, env=env, timeout=HUGO_TIMEOUT, check=False)
        except subprocess.TimeoutExpired:
            pytest.fail(f"hugo did not finish within {HUGO_TIMEOUT} s: {' '.join(command)}", pytrace=False)
        output = f"$ {' '.join(command)}\n--- stdout\n{result.stdout}--- stderr\n{result.stderr}"
        if result.returncode != 0:
            pytest.fail(f"hugo failed (exit code {result.returncode}):\n{output}", pytrace=False)
        problems = HUGO_PROBLEM.findall(result.stdout) + HUGO_PROBLEM.findall(result.stderr)
        if problems:
            message = f"hugo built the site but logged {len(problems)} warning(s) or error(s)"
            pytest.fail(f"{message}:\n{output}", pytrace=False)
        page = site / "public" / "blog" / slug / "index.html"
        if not page.is_file():
            pytest.fail(f"hugo did not write {page.relative_to(site)}:\n{output}", pytrace=False)
        return page.read_text(encoding="utf-8")

    return build
