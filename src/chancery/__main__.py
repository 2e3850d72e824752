"""`chancery` (the console script) and `python -m chancery`: the command, imported when run.

The console script imports this module and not the CLI at its top because a process the
command spawns (an import's reader and index follower, the local job workers) runs the
script again as its main module: importing the whole CLI there, everything the archive is
made of, took ~0.6 s of CPU in each, on the cores the import itself needed (the 42 FRUS
volumes into PostgreSQL: about 2 s of the command's 21)."""

from __future__ import annotations


def main() -> None:
    """Run the `chancery` command."""
    from chancery.cli import run  # here, not at the top: see above

    run()


if __name__ == "__main__":
    main()
