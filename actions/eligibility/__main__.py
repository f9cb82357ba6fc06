"""Runs the eligibility CLI: python -m actions.eligibility screen FILE.json."""

from .cli import main

# Guarded: the action server imports every module of the actions package, this one too.
if __name__ == "__main__":
    raise SystemExit(main())
