"""Hypothesis profiles for the whole suite, and the Hugo site fixture (tests/hugo.py).

`default` is derandomized: every run of the test command tries the same examples, so a run fails only when the
code changed. To go looking for new counterexamples, run with `HYPOTHESIS_PROFILE=explore` (fresh random
examples on every run); add what it finds as an `@example` to the test.
"""

import os

from hypothesis import settings

from tests.hugo import hugo_build

__all__ = ["hugo_build"]

settings.register_profile("default", derandomize=True, print_blob=True)
settings.register_profile("explore", derandomize=False, print_blob=True)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))
