"""Browser tests of the public calendar page (a package, so the tests import the helpers of conftest.py)."""
