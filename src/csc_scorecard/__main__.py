"""`python -m csc_scorecard`: the same as the `scorecard` command."""

from csc_scorecard.cli import app

if __name__ == "__main__":
    app()
